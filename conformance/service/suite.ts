/**
 * The service target: drives any HTTP implementation of the service with devices and backends,
 * using nothing but HTTP against its URL.
 *
 * @module
 */
import type { CheckDef } from "../core/check.ts";
import type { Runner } from "../core/run.ts";
import { backendChecks } from "./backend.ts";
import { memberChecks } from "./members.ts";
import { SERVICE_CHECKS } from "./checks.ts";
import type { ServiceContext } from "./context.ts";
import { crossCuttingChecks, publishedChecks } from "./discovery.ts";
import { Http, type ServiceTarget } from "./http.ts";
import { propertyChecks } from "./property.ts";
import { Control } from "./control.ts";
import { originChecks } from "./origins.ts";
import { ruleChecks } from "./rules.ts";
import { scoringKit } from "./scoring.ts";
import { signalChecks } from "./signals.ts";
import { userChecks } from "./users.ts";
import { secureChecks } from "./secure.ts";
import { sessionChecks } from "./sessions.ts";
import { telemetryChecks } from "./telemetry.ts";
import { lifetimeChecks, rotationCheck } from "./lifetimes.ts";
import { answerChecks } from "./answers.ts";
import { expectChecks } from "./expect.ts";
import { networkChecks } from "./network.ts";
import { windowChecks } from "./windows.ts";

/** The discovery document as the service answers it, without judging it; `null` if none. */
async function readDiscovery(http: Http): Promise<Record<string, unknown> | null> {
  const x = await http.call("GET", "/.well-known/device-session").catch(() => null);
  const b = x?.status === 200 ? x.json : null;
  return typeof b === "object" && b !== null && !Array.isArray(b)
    ? b as Record<string, unknown>
    : null;
}

/** Options of {@link runServiceSuite}. */
export interface ServiceSuiteOptions {
  /** Runs of the telemetry property (default 12). */
  readonly propertyRuns?: number;
}

/**
 * Runs the service suite against `target`.
 *
 * @example
 * ```ts
 * import { Runner } from "../core/run.ts";
 * declare const clientSecret: string;
 * const run = new Runner();
 * await runServiceSuite({ url: "http://127.0.0.1:8787", clientId: "demo", clientSecret }, run);
 * ```
 */
export async function runServiceSuite(
  target: ServiceTarget,
  run: Runner,
  o: ServiceSuiteOptions = {},
): Promise<void> {
  const c: ServiceContext = { run, http: new Http(target), config: null, jwks: null };
  await publishedChecks(c);
  // Left out by `--only`, the discovery check did not read the document: the test control is
  // still found through it.
  if (c.discovery === undefined) c.discovery = await readDiscovery(c.http);
  c.control = await Control.discover(c.http, c.discovery ?? null);
  if (c.control !== null) c.http.advanceS = (s) => c.control!.advance(s);
  const device = await sessionChecks(c);
  await rotationCheck(c);
  await telemetryChecks(c);
  await propertyChecks(c, o.propertyRuns === undefined ? {} : { runs: o.propertyRuns });
  const backend = await backendChecks(c, device);
  await memberChecks(c, backend);
  const kit = await scoringKit(c);
  await ruleChecks(c, kit);
  await networkChecks(c, kit);
  await answerChecks(c, kit);
  await signalChecks(c, kit);
  await userChecks(c);
  await secureChecks(c, backend);
  await originChecks(c);
  await expectChecks(c);
  // Last: these move the service clock forward by days.
  await lifetimeChecks(c);
  // After those: a rotated-out key within retention, then the rate limits (many requests).
  await windowChecks(c);
  await crossCuttingChecks(c);
}

/**
 * Every service check definition.
 *
 * @example
 * ```ts
 * serviceChecks().length; // 79
 * ```
 */
export function serviceChecks(): CheckDef[] {
  return Object.values(SERVICE_CHECKS);
}
