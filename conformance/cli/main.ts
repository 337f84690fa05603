/**
 * `device-session conformance <target>`: runs the suite against a service (HTTP), an SDK driver
 * or a verifier driver (stdio or HTTP), shows progress on stderr, prints a report, and exits 1
 * on any MUST failure, 3 when a MUST check could not run (unless `--allow-incomplete`), 2 on a
 * usage or connection problem.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readFile, writeFile } from "node:fs/promises";
import type { CheckDef } from "../core/check.ts";
import { parseExpectations, unknownEntries } from "../core/expect.ts";
import { Runner } from "../core/run.ts";
import {
  exitCode,
  jsonReport,
  progressLine,
  type RunInfo,
  tapReport,
  textReport,
} from "../core/report.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { runServiceSuite, serviceChecks } from "../service/suite.ts";
import { runSdkSuite, sdkChecks } from "../sdk/suite.ts";
import { runVerifierSuite, verifierCheckDefs } from "../verifier/suite.ts";
import { runSdkApiSuite, sdkApiChecks } from "../blackbox/suite.ts";
import { HELP, int, OPTIONS, required, UsageError } from "./options.ts";
import { preflightService } from "./preflight.ts";

/** Where the command writes. */
export interface CliIo {
  /** A line of the report (stdout). */
  out(line: string): void;
  /** A line of progress or diagnostics (stderr). */
  err(line: string): void;
}

/**
 * Every check of a target, for `list` and for checking an expectations file.
 *
 * @example
 * ```ts
 * (await checksOf("verifier")).length; // 57
 * ```
 */
export async function checksOf(target: string): Promise<CheckDef[]> {
  if (target === "service") return serviceChecks();
  if (target === "sdk") return await sdkChecks();
  if (target === "verifier") return await verifierCheckDefs();
  if (target === "sdk-api") return sdkApiChecks();
  throw new UsageError(`unknown target ${target}`);
}

async function connect(
  target: "sdk" | "verifier" | "sdk-api",
  v: { cmd?: string | undefined; url?: string | undefined },
  timeoutMs: number | undefined,
): Promise<HarnessClient> {
  if (v.cmd !== undefined) {
    const { spawnDriver } = await import("../harness/stdio.ts");
    return spawnDriver({
      cmd: v.cmd,
      role: target,
      ...(timeoutMs !== undefined ? { requestTimeoutMs: timeoutMs } : {}),
    });
  }
  if (target === "verifier" && v.url !== undefined) {
    const { httpDriver } = await import("../harness/local.ts");
    return httpDriver({
      url: v.url,
      role: "verifier",
      ...(timeoutMs !== undefined ? { requestTimeoutMs: timeoutMs } : {}),
    });
  }
  throw new UsageError(target === "verifier" ? "--cmd or --url is required" : "--cmd is required");
}

/**
 * Runs `device-session conformance …` with `args` (after the word `conformance`); answers the
 * exit code.
 *
 * @example
 * ```ts
 * const code = await conformanceMain(["verifier", "--cmd", "node --import tsx conformance/drivers/verifier-driver.ts"]);
 * ```
 */
export async function conformanceMain(
  args: readonly string[],
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
): Promise<number> {
  let client: HarnessClient | null = null;
  try {
    const { values: v, positionals } = parseArgs({
      args: [...args],
      options: OPTIONS,
      allowPositionals: true,
    });
    const target = positionals[0];
    if (v.help || target === undefined) {
      io.out(HELP);
      return target === undefined && !v.help ? 2 : 0;
    }
    if (target === "list") {
      const targets = positionals[1] ? [positionals[1]] : ["service", "sdk", "sdk-api", "verifier"];
      for (const t of targets) {
        for (const d of await checksOf(t)) io.out(`${d.id}\t${d.level}\t${d.spec}\t${d.title}`);
      }
      return 0;
    }
    if (!["service", "sdk", "sdk-api", "verifier"].includes(target)) {
      throw new UsageError(`unknown target ${target} (service, sdk, sdk-api, verifier, list)`);
    }
    if (!["text", "json", "tap"].includes(v.report)) {
      throw new UsageError("--report must be text, json or tap");
    }
    const timeout = int(v.timeout, "timeout");
    const expect = v.expect === undefined
      ? undefined
      : parseExpectations(JSON.parse(await readFile(v.expect, "utf8")));
    if (expect !== undefined) {
      const ids = (await checksOf(target)).map((d) => d.id);
      for (const e of unknownEntries(expect, ids)) {
        io.err(`warning: the expectations file names no check ${e.id}`);
      }
    }
    const run = new Runner({
      ...(v.quiet ? {} : { onResult: (r) => io.err(progressLine(r)) }),
      ...(expect !== undefined ? { expect } : {}),
      ...(v.only !== undefined ? { only: v.only } : {}),
    });
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    let subject: string;
    let implementation: RunInfo["implementation"];
    if (target === "service") {
      subject = required(v.url, "url");
      const other = v["other-client-id"];
      const tolerance = int(v["clock-tolerance"], "clock-tolerance");
      const runs = int(v["property-runs"], "property-runs");
      const clientId = required(v["client-id"], "client-id");
      const clientSecret = required(v["client-secret"], "client-secret");
      await preflightService(subject, [
        { id: clientId, secret: clientSecret, flag: "--client-id" },
        ...(other !== undefined
          ? [{
            id: other,
            secret: required(v["other-client-secret"], "other-client-secret"),
            flag: "--other-client-id",
          }]
          : []),
      ]);
      if (!v.quiet) io.err(`device-session conformance: service ${subject}`);
      await runServiceSuite(
        {
          url: subject,
          clientId,
          clientSecret,
          ...(other !== undefined
            ? {
              otherClient: {
                id: other,
                secret: required(v["other-client-secret"], "other-client-secret"),
              },
            }
            : {}),
          ...(tolerance !== undefined ? { clockToleranceS: tolerance } : {}),
        },
        run,
        runs !== undefined ? { propertyRuns: runs } : {},
      );
    } else {
      subject = v.cmd ?? v.url ?? "";
      try {
        client = await connect(target as "sdk" | "verifier" | "sdk-api", v, timeout);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        io.err(
          `device-session conformance: cannot reach the ${target} driver: ${
            e instanceof Error ? e.message : e
          }`,
        );
        return 2;
      }
      implementation = client.hello.implementation;
      if (!v.quiet) {
        io.err(
          `device-session conformance: ${target} ${implementation?.name ?? subject} (${
            client.hello.capabilities.join(", ")
          })`,
        );
      }
      if (target === "sdk") await runSdkSuite(client, run);
      else if (target === "sdk-api") await runSdkApiSuite(client, run);
      else await runVerifierSuite(client, run);
    }
    const info: RunInfo = {
      target: target as RunInfo["target"],
      subject,
      ...(implementation !== undefined ? { implementation } : {}),
      startedAt,
      durationMs: Math.round(performance.now() - t0),
    };
    const judge = { allowIncomplete: v["allow-incomplete"] };
    const report = v.report === "json"
      ? JSON.stringify(jsonReport(run.results, info, judge), null, 2)
      : v.report === "tap"
      ? tapReport(run.results, judge)
      : textReport(run.results, info, judge);
    if (v.out !== undefined) await writeFile(v.out, `${report}\n`);
    else io.out(report);
    if (v.report !== "text" && !v.quiet) io.err(textReport(run.results, info, judge));
    return exitCode(run.results, judge);
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof Error && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      io.err(`device-session conformance: ${e.message}`);
      if (!/^(cannot reach|the service at)/.test(e.message)) {
        io.err("run `device-session conformance --help` for the options");
      }
      return 2;
    }
    io.err(`device-session conformance: ${e instanceof Error ? e.message : e}`);
    return 2;
  } finally {
    await client?.close();
  }
}
