/**
 * `device-session/conformance`: the conformance suite of the device-session protocol (SPEC.md
 * v1) for implementations in any language — a service over HTTP, an SDK (black-box through its
 * public API against a scripted service, or its state machine) or a verifier through
 * the harness protocol `ds-conformance/1` (line-delimited JSON over stdio, or HTTP) — with the
 * reference drivers that wrap our own SDK machine and verifier. Server runtimes only (Node, Deno,
 * Bun). The command line is `device-session conformance <target>`; the protocol and commands are
 * documented in `conformance/README.md`.
 *
 * @example
 * ```ts
 * import { Runner, runVerifierSuite, spawnDriver, textReport } from "device-session/conformance";
 *
 * const driver = await spawnDriver({ cmd: "python3 my_verifier_driver.py", role: "verifier" });
 * const run = new Runner();
 * await runVerifierSuite(driver, run);
 * await driver.close();
 * console.log(textReport(run.results, { target: "verifier", subject: "mine", startedAt: "", durationMs: 0 }));
 * ```
 *
 * @module
 */
export {
  areaOf,
  type CheckDef,
  type CheckResult,
  hasMustFailure,
  isIncomplete,
  type Level,
  type SkipOptions,
  type Status,
  targetOf,
} from "./conformance/core/check.ts";
export { Runner, type RunnerOptions } from "./conformance/core/run.ts";
export { Assert } from "./conformance/core/assert.ts";
export {
  EXPECT_FORMAT,
  type Expectations,
  type ExpectedFailure,
  parseExpectations,
  unknownEntries,
} from "./conformance/core/expect.ts";
export {
  type Counts,
  exitCode,
  jsonReport,
  type JudgeOptions,
  progressLine,
  type RunInfo,
  summarize,
  tapReport,
  textReport,
  toEnable,
} from "./conformance/core/report.ts";
export {
  type HarnessClient,
  type HarnessRequest,
  type HarnessResponse,
  type Hello,
  PROTOCOL,
  type RequestOptions,
  SDK_API_CAPABILITIES,
} from "./conformance/harness/protocol.ts";
export { spawnDriver, type SpawnOptions } from "./conformance/harness/stdio.ts";
export {
  type Driver,
  type DriverHandler,
  httpDriver,
  type HttpDriverOptions,
  localDriver,
} from "./conformance/harness/local.ts";
export {
  runServiceSuite,
  serviceChecks,
  type ServiceSuiteOptions,
} from "./conformance/service/suite.ts";
export type { ServiceTarget } from "./conformance/service/http.ts";
export { runSdkSuite, sdkChecks } from "./conformance/sdk/suite.ts";
export { runSdkApiSuite, sdkApiChecks } from "./conformance/blackbox/suite.ts";
export { runVerifierSuite, verifierCheckDefs } from "./conformance/verifier/suite.ts";
export { createSdkDriver, type SdkDriverOptions } from "./conformance/drivers/sdk-handler.ts";
export {
  createVerifierDriver,
  type VerifierDriverOptions,
} from "./conformance/drivers/verifier-handler.ts";
export { serveStdio } from "./conformance/drivers/stdio.ts";
export { httpDriverHandler, serveHttpDriver } from "./conformance/drivers/http.ts";
export { type CliIo, conformanceMain } from "./conformance/cli/main.ts";
export {
  decodeInput,
  encodeInput,
  firstDifference,
  IdMap,
  normalizeEffect,
  type TraceInput,
  type TraceStep,
} from "./conformance/trace.ts";
