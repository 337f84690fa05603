/**
 * The black-box SDK profile (target `sdk-api`): the suite plays the service over real HTTP on
 * loopback and drives an SDK through its public API only (a driver of role `sdk-api`), then
 * judges what arrived and what was handed out.
 *
 * @module
 */
import type { CheckDef } from "../core/check.ts";
import type { Runner } from "../core/run.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { API_CHECKS } from "./checks.ts";
import { SESSION_JUDGES } from "./judge-session.ts";
import { SECURE_JUDGES } from "./judge-secure.ts";
import { TELEMETRY_JUDGES } from "./judge-telemetry.ts";
import { RESTART_JUDGES } from "./judge-restart.ts";
import { runScenes } from "./scenes.ts";

const JUDGES = [...SESSION_JUDGES, ...SECURE_JUDGES, ...TELEMETRY_JUDGES, ...RESTART_JUDGES];

/**
 * Runs the black-box profile against `client` (a driver whose hello announced role `sdk-api`).
 *
 * @example
 * ```ts
 * import { Runner } from "../core/run.ts";
 * import { spawnDriver } from "../harness/stdio.ts";
 * const cmd = "node --import tsx my-sdk-api-driver.ts";
 * const run = new Runner();
 * await runSdkApiSuite(await spawnDriver({ cmd, role: "sdk-api" }), run);
 * ```
 */
export async function runSdkApiSuite(client: HarnessClient, run: Runner): Promise<void> {
  if (!JUDGES.some(([def]) => run.selected(def))) return;
  const scenes = await runScenes(client);
  for (const [def, judge] of JUDGES) await run.check(def, (t) => judge(t, scenes));
}

/**
 * Every check of the black-box profile.
 *
 * @example
 * ```ts
 * sdkApiChecks().length; // 32
 * ```
 */
export function sdkApiChecks(): CheckDef[] {
  return Object.values(API_CHECKS);
}
