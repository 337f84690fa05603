/**
 * Judges the code of the checkout it runs in with the conformance suite only: `node --import
 * tsx tools/mutation/judge.ts <target>...` runs each target (stopping at the first that fails)
 * and prints one JSON line, `{"failed":[ids],"incomplete":[ids],"ms":n}`; exit 0 when every
 * check ran and passed (a SHOULD
 * warning counts as a failure: the suite reported it), 1 otherwise.
 *
 * - `service`: our service as `serve --conformance` runs it (test control on, default rate
 *   limits, a weekly key rotation, two clients, one with restricted origins) on Node's loopback
 *   server, over HTTP.
 * - `verifier`, `sdk`, `sdk-api`: the reference drivers, in-process through the harness
 *   protocol's JSON transport (what they would see on stdio, without a process start).
 *
 * @module
 */
import process from "node:process";
import type { CheckResult } from "../../conformance/core/check.ts";
import { Runner } from "../../conformance/core/run.ts";
import { localDriver } from "../../conformance/harness/local.ts";

const CLIENTS = [
  { id: "a", secret: "mutation-secret-a-0123456789abcdef" },
  { id: "b", secret: "mutation-secret-b-0123456789abcdef", allowedOrigins: ["https://b.example"] },
];

async function service(run: Runner): Promise<void> {
  const { createService } = await import("../../adapters/server/mod.ts");
  const { serve } = await import("../../adapters/server/serve/node.ts");
  const { runServiceSuite } = await import("../../conformance/service/suite.ts");
  type Svc = Awaited<ReturnType<typeof createService>>;
  let s: Svc | null = null;
  const server = await serve({ port: 0, fetch: (r, info) => s!.fetch(r, info) });
  try {
    s = await createService({
      publicUrl: server.url,
      clients: CLIENTS,
      log: null,
      testControl: true,
      keyRotationS: 7 * 86400, // as `serve --conformance` rotates
    });
    const [a, b] = CLIENTS as [typeof CLIENTS[0], typeof CLIENTS[0]];
    await runServiceSuite(
      {
        url: server.url,
        clientId: a.id,
        clientSecret: a.secret,
        otherClient: { id: b.id, secret: b.secret },
        fetch: (r) => fetch(r),
      },
      run,
      { propertyRuns: 5 },
    );
  } finally {
    await server.shutdown(1000);
    await s?.close();
  }
}

async function verifier(run: Runner): Promise<void> {
  const { createVerifierDriver } = await import("../../conformance/drivers/verifier-handler.ts");
  const { runVerifierSuite } = await import("../../conformance/verifier/suite.ts");
  const d = createVerifierDriver();
  await runVerifierSuite(localDriver(d.hello, d.handle), run);
}

async function sdk(run: Runner): Promise<void> {
  const { createSdkDriver } = await import("../../conformance/drivers/sdk-handler.ts");
  const { runSdkSuite } = await import("../../conformance/sdk/suite.ts");
  const d = createSdkDriver();
  await runSdkSuite(localDriver(d.hello, d.handle), run);
}

async function sdkApi(run: Runner): Promise<void> {
  const { createSdkApiDriver } = await import("../../conformance/drivers/sdk-api-handler.ts");
  const { runSdkApiSuite } = await import("../../conformance/blackbox/suite.ts");
  const d = createSdkApiDriver();
  try {
    await runSdkApiSuite(localDriver(d.hello, d.handle), run);
  } finally {
    await d.dispose();
  }
}

const TARGETS: Record<string, (run: Runner) => Promise<void>> = {
  service,
  verifier,
  sdk,
  "sdk-api": sdkApi,
};

// A SHOULD check the mutant breaks is reported (warn): the suite saw it, so it counts.
const bad = (results: readonly CheckResult[], status: CheckResult["status"]) =>
  results.filter((r) => r.status === status || (status === "fail" && r.status === "warn"))
    .map((r) => r.id);

const started = Date.now();
const failed: string[] = [];
const incomplete: string[] = [];
for (const name of process.argv.slice(2)) {
  const target = TARGETS[name];
  if (target === undefined) throw new Error(`unknown target ${name}`);
  const run = new Runner();
  await target(run);
  failed.push(...bad(run.results, "fail"));
  incomplete.push(...bad(run.results, "incomplete"));
  if (failed.length + incomplete.length > 0) break;
}
process.stdout.write(`${JSON.stringify({ failed, incomplete, ms: Date.now() - started })}\n`);
process.exit(failed.length + incomplete.length > 0 ? 1 : 0);
