/**
 * The SDK target: every focused check and the trace vectors, against a driver speaking the
 * harness protocol's `machine.*` requests.
 *
 * @module
 */
import type { CheckDef } from "../core/check.ts";
import type { Runner } from "../core/run.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { SDK_CHECKS } from "./checks.ts";
import { answerChecks } from "./answers.ts";
import { edgeChecks } from "./edges.ts";
import { faultChecks } from "./faults.ts";
import { lifecycleChecks } from "./lifecycle.ts";
import { recoveryChecks } from "./recovery.ts";
import { secureChecks } from "./secure.ts";
import { telemetryChecks } from "./telemetry.ts";
import { timingChecks } from "./timing.ts";
import { runTraceChecks, traceChecks } from "./traces.ts";

/**
 * Runs the SDK suite against `client` (a driver whose hello announced role `sdk`).
 *
 * @example
 * ```ts
 * import { Runner } from "../core/run.ts";
 * import { spawnDriver } from "../harness/stdio.ts";
 * const cmd = "node --import tsx my-sdk-driver.ts";
 * const run = new Runner();
 * await runSdkSuite(await spawnDriver({ cmd, role: "sdk" }), run);
 * ```
 */
export async function runSdkSuite(client: HarnessClient, run: Runner): Promise<void> {
  const ctx = { client, run };
  await lifecycleChecks(ctx);
  await recoveryChecks(ctx);
  await timingChecks(ctx);
  await telemetryChecks(ctx);
  await faultChecks(ctx);
  await edgeChecks(ctx);
  await answerChecks(ctx);
  await secureChecks(ctx);
  await runTraceChecks(ctx);
}

/**
 * Every SDK check definition (focused checks, then one per trace group).
 *
 * @example
 * ```ts
 * (await sdkChecks()).length; // 75
 * ```
 */
export async function sdkChecks(): Promise<CheckDef[]> {
  return [...Object.values(SDK_CHECKS), ...(await traceChecks()).map((x) => x.def)];
}
