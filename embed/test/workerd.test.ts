// The workerd leg: the verifier and the backend middleware, bundled, run in Cloudflare's
// workerd (the npm binary, wrangler.json config). Every token vector is verified inside the
// Worker over HTTP and compared to its expectation; the conformance verifier target passes
// against it; the example Worker's hono backend accepts a real secure token minted by our SDK
// once — also under concurrent presentations, through the Durable Object replay store — and
// answers ERR_REPLAYED afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import vectors from "../../vectors/tokens/verify.json" with { type: "json" };
import type { TokenKind } from "../../core/wire/mod.ts";
import { httpDriver } from "../../conformance/harness/local.ts";
import { Runner } from "../../conformance/core/run.ts";
import { runVerifierSuite, verifierCheckDefs } from "../../conformance/verifier/suite.ts";
import { mismatch, type Outcome, type TokenVector } from "../../test/verify/vector-runner.ts";
import { explain, failing, onLoopback, type Started } from "../../test/conformance/support.ts";
import { SessionDriver } from "../../adapters/driver/driver.ts";
import { FetchTransport } from "../../adapters/transport/fetch.ts";
import {
  MemoryKeyStore,
  systemClock,
  timerScheduler,
  webRandom,
} from "../../adapters/sdk/ports-web.ts";
import { MemoryStorage } from "../../adapters/testing/storage.ts";
import { type RunningWorkerd, startWorkerd } from "../workerd/run.ts";

const T = { timeout: 120_000 };
const groups = vectors.testGroups as unknown as { kind: TokenKind; tests: TokenVector[] }[];
const RESULT_FIELDS = new Set(["tcId", "comment", "flags", "token", "result", "code", "cause"]);

describe("workerd: verifier and backend middleware inside a Worker", T, () => {
  let service: Started;
  let worker: RunningWorkerd;

  before(async () => {
    service = await onLoopback();
    const issuer = service.target.url;
    worker = await startWorkerd({
      vars: {
        DS_ISSUER: issuer,
        DS_CLIENT_ID: service.target.clientId,
        DS_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      },
    });
  });
  after(async () => {
    await worker?.close();
    await service?.close();
  });

  const verify = async (kind: TokenKind, t: TokenVector): Promise<Outcome> => {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) {
      if (!RESULT_FIELDS.has(k) && k !== "expected") options[k] = v;
    }
    const res = await fetch(`${worker.url}/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "verify", kind, token: t.token, options }),
    });
    assert.equal(res.status, 200, worker.logs());
    const r = await res.json() as {
      ok: boolean;
      valid: boolean;
      result?: Record<string, unknown>;
      code?: string;
      cause?: string;
    };
    assert.equal(r.ok, true, JSON.stringify(r));
    if (r.valid) return { ok: true, value: r.result! };
    return r.cause === undefined
      ? { ok: false, code: r.code! }
      : { ok: false, code: r.code!, cause: r.cause };
  };

  for (const g of groups) {
    it(`every ${g.kind} token vector (${g.tests.length}) verified in the Worker`, T, async () => {
      const problems: string[] = [];
      for (const t of g.tests) {
        const why = mismatch(t, await verify(g.kind, t));
        if (why !== null) problems.push(`tcId ${t.tcId} (${t.comment}): ${why}`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it("covers every vector of the file", T, () => {
    const n = groups.reduce((k, g) => k + g.tests.length, 0);
    assert.equal(n, vectors.numberOfTests);
  });

  it("passes the conformance verifier target over HTTP (every check)", T, async () => {
    const client = await httpDriver({ url: `${worker.url}/verify`, role: "verifier" });
    const runner = new Runner();
    await runVerifierSuite(client, runner);
    assert.deepEqual(failing(runner.results), [], explain(runner.results));
    const ids = runner.results.map((r) => r.id).sort();
    assert.deepEqual(ids, (await verifierCheckDefs()).map((d) => d.id).sort());
    assert.ok(runner.results.every((r) => r.status === "pass"));
  });

  describe("the example Worker's hono backend", T, () => {
    let driver: SessionDriver;
    before(async () => {
      driver = new SessionDriver(
        {
          clientId: service.target.clientId,
          serverPath: `${service.target.url}/`,
          enableSessionToken: true,
          tokenWaitMs: 20_000,
        },
        {
          clock: systemClock,
          random: webRandom,
          scheduler: timerScheduler({}),
          keys: new MemoryKeyStore(),
          storage: new MemoryStorage(),
          transport: new FetchTransport(),
        },
      );
      await driver.start();
    });
    after(async () => await driver?.shutdown());

    const transfer = (token: string) =>
      fetch(`${worker.url}/api/transfer`, {
        method: "POST",
        headers: { "ds-secure-session-token": token, "content-type": "application/json" },
        body: JSON.stringify({ amount: 10, currency: "EUR" }),
      });

    it("accepts a secure token minted by the SDK once, then answers ERR_REPLAYED", T, async () => {
      const token = await driver.getSecureSessionToken("transaction", 120);
      const first = await transfer(token);
      const body = await first.json() as { status: string; deviceId: string };
      assert.equal(first.status, 200, `${JSON.stringify(body)}\n${worker.logs()}`);
      assert.equal(body.status, "verified");
      assert.equal(body.deviceId, driver.state.deviceId);
      const second = await transfer(token);
      assert.equal(second.status, 409);
      assert.equal((await second.json() as { code: string }).code, "ERR_REPLAYED");
    });

    it("accepts exactly one of concurrent presentations of one token", T, async () => {
      const token = await driver.getSecureSessionToken("transaction", 120);
      const answers = await Promise.all(Array.from({ length: 8 }, () => transfer(token)));
      const codes = await Promise.all(
        answers.map(async (r) =>
          r.status === 200 ? "ok" : (await r.json() as { code: string }).code
        ),
      );
      assert.deepEqual(codes.filter((c) => c === "ok").length, 1, codes.join(","));
      assert.ok(
        codes.filter((c) => c !== "ok").every((c) => c === "ERR_REPLAYED"),
        codes.join(","),
      );
    });

    it("refuses a token bound to another action with ERR_ACTION_MISMATCH", T, async () => {
      const token = await driver.getSecureSessionToken("login", 120);
      const r = await transfer(token);
      assert.equal(r.status, 403);
      assert.equal((await r.json() as { code: string }).code, "ERR_ACTION_MISMATCH");
    });
  });
});
