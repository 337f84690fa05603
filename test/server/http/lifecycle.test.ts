// Operations on the runtime's real server: graceful shutdown finishes in-flight requests, key
// rotation keeps old tokens verifiable (SPEC §3.6), structured logs never carry tokens or
// secrets, keyrings persist and resume.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

describe(
  "service lifecycle",
  { skip: typeof window !== "undefined" && "needs a server runtime" },
  () => {
    it("shutdown lets an in-flight request finish, then refuses connections", async () => {
      const m = await import("../support/harness.ts");
      const h = await m.startHarness();
      const serve = await m.runtimeServe();
      // The request is held inside the handler until the test lets it go: it is in flight for
      // certain when the shutdown starts, whatever the machine's speed.
      let arrived!: () => void;
      const inHandler = new Promise<void>((r) => (arrived = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let handlerDone = false;
      const slow = await serve({
        port: 0,
        fetch: async (req, info) => {
          arrived();
          await released;
          handlerDone = true;
          return h.service.fetch(req, info);
        },
      });
      try {
        const inflight = fetch(`${slow.url}/v1/device/config?client_id=a`);
        await inHandler;
        const shutdown = slow.shutdown(60_000);
        release();
        const r = await inflight;
        assert.equal(r.status, 200);
        assert.equal((await r.json()).client_id, "a");
        await shutdown;
        assert.ok(handlerDone);
        await assert.rejects(fetch(`${slow.url}/healthz`));
      } finally {
        await h.close();
      }
    });

    it("a request cloned before the handler reads it still has its body, on both copies", async () => {
      // The Node adapter builds its Request lazily; a clone (a proxy or recorder in front of the
      // service does this) must hand the body to the clone and the original alike.
      const m = await import("../support/harness.ts");
      const serve = await m.runtimeServe();
      const server = await serve({
        port: 0,
        fetch: async (req) => {
          const copy = req.clone();
          const [a, b] = [await req.text(), await copy.json()];
          return new Response(JSON.stringify({ a, b, used: req.bodyUsed }));
        },
      });
      try {
        const body = JSON.stringify({ hello: "wörld", n: [1, 2, 3] });
        for (const headers of [{ "content-type": "application/json" }, undefined]) {
          const r = await fetch(server.url, {
            method: "POST",
            body,
            ...(headers ? { headers } : {}),
          });
          assert.equal(r.status, 200);
          assert.deepEqual(await r.json(), { a: body, b: JSON.parse(body), used: true });
        }
        // Streamed (no Content-Length): the same.
        const streamed = await fetch(server.url, {
          method: "POST",
          body: new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode(body));
              c.close();
            },
          }),
          duplex: "half",
        } as RequestInit);
        assert.deepEqual(await streamed.json(), { a: body, b: JSON.parse(body), used: true });
      } finally {
        await server.shutdown(5000);
      }
    });

    it("the peer address reaches the handler, read after the body and read again", async () => {
      // The Bun and Deno adapters ask their server for the peer only when the handler reads it.
      const m = await import("../support/harness.ts");
      const serve = await m.runtimeServe();
      const server = await serve({
        port: 0,
        fetch: async (req, info) => {
          await req.text();
          return new Response(JSON.stringify([info.remoteAddr, info.remoteAddr]));
        },
      });
      try {
        const r = await fetch(server.url, { method: "POST", body: "x" });
        const [first, again] = await r.json() as [string, string];
        assert.equal(first, again);
        assert.match(first, /^(?:127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/);
      } finally {
        await server.shutdown(5000);
      }
    });

    it("service.drain waits for in-flight requests", async () => {
      const { createService } = await import("../../../adapters/server/mod.ts");
      const service = await createService({
        publicUrl: "http://localhost:1",
        clients: [{ id: "a", secret: "s".repeat(16) }],
        log: null,
      });
      const p = service.fetch(new Request("http://localhost:1/v1/device/config?client_id=a"));
      assert.equal(service.inFlight, 1);
      const drained = service.drain(1000);
      assert.equal((await p).status, 200);
      assert.equal(await drained, true);
      assert.equal(service.inFlight, 0);
      await service.close();
    });

    it("rotates signing keys: the JWKS publishes both until the previous key's tokens expired", async () => {
      const m = await import("../support/harness.ts");
      const { verifySessionToken } = await import("../../../verify.ts");
      // Longest token lifetime 60 s → the previous key stays 360 s; rotate every 1000 s.
      const h = await m.startHarness({
        limits: { tokenLifetimeS: 60, actionTokenLifetimeS: 60, accessTokenLifetimeS: 60 },
        keyRotationS: 1000,
      });
      try {
        const d = await m.Device.create(h);
        await d.createSession();
        const oldToken = d.sessionToken;
        const kids = async () =>
          ((await (await h.fetch("/.well-known/jwks.json")).json()).keys as { kid: string }[]).map((
            k,
          ) => k.kid);
        const [k1] = await kids();
        h.advance(1001_000);
        await h.fetch("/healthz"); // any request starts the due rotation
        await h.service.keys.settled();
        const both = await kids();
        assert.equal(both.length, 2);
        assert.equal(both[1], k1, "the former key is published as previous");
        // A token signed before the rotation still verifies (against the published set).
        const jwks = await (await h.fetch("/.well-known/jwks.json")).json();
        await verifySessionToken(oldToken, {
          issuer: h.url,
          audience: "a",
          jwks,
          now: h.nowS() - 1001 + 30,
        });
        // New tokens are signed by the new key.
        await d.config();
        const fresh = await m.read(await d.refreshRaw());
        const header = JSON.parse(
          atob(
            (fresh.json.session_token as string).split(".")[0]!.replace(/-/g, "+").replace(
              /_/g,
              "/",
            ),
          ),
        );
        assert.equal(header.kid, both[0]);
        h.advance(361_000);
        assert.deepEqual(
          await kids(),
          [both[0]],
          "the previous key is dropped after its retention",
        );
        // The device's old token still authenticates telemetry of its retained session (SPEC
        // §8.5), though its key left the JWKS; the backend API no longer accepts it.
        const late = await m.read(
          await d.telemetry([m.ev(1, "page", { kind: "load" })], { token: oldToken }),
        );
        assert.equal(late.status, 200, JSON.stringify(late.json));
        const b = await m.Backend.create(h);
        const refused = await b.trigger({ action_type: "login", session_token: oldToken });
        assert.equal(refused.status, 401);
      } finally {
        await h.close();
      }
    });

    it("logs one JSON line per request, without tokens, secrets or query strings", async () => {
      const m = await import("../support/harness.ts");
      const lines: Record<string, unknown>[] = [];
      const h = await m.startHarness({ log: (e) => lines.push(e) });
      try {
        const d = await m.Device.create(h);
        await d.createSession();
        const b = await m.Backend.create(h);
        const t = await b.trigger({ action_type: "login", session_token: d.sessionToken });
        await b.recommendation(t.json.action_token as string);
        await d.telemetry([m.ev(1, "page", {})], { token: d.sessionToken.slice(0, -3) + "AAA" });
        const text = JSON.stringify(lines);
        for (const secret of [d.sessionToken, b.token, t.json.action_token as string, m.SECRET_A]) {
          assert.ok(!text.includes(secret.slice(20, 60)), "a token or secret reached the logs");
        }
        const requests = lines.filter((l) => l.msg === "request");
        assert.ok(requests.length >= 6);
        for (const l of requests) {
          for (
            const k of ["time", "level", "method", "path", "status", "duration_ms", "request_id"]
          ) assert.ok(k in l, k);
          assert.ok(!String(l.path).includes("?"));
        }
        const failed = requests.find((l) => l.status === 401)!;
        assert.equal(failed.code, "ERR_SIGNATURE_INVALID");
        assert.equal(failed.level, "warn");
        assert.equal(requests.find((l) => l.path === "/v1/backend/recommendation")!.client_id, "a");
      } finally {
        await h.close();
      }
    });

    it("a persisted keyring resumes with the same keys, and rotation persists both", async () => {
      const { KeyManager } = await import("../../../adapters/server/keys.ts");
      let saved: import("../../../adapters/server/keys.ts").KeyringState | null = null;
      const persist = (s: typeof saved) => {
        saved = s;
        return Promise.resolve();
      };
      const first = await KeyManager.create({
        alg: "EdDSA",
        rotationS: 0,
        maxTokenLifetimeS: 60,
        now: 1000,
        persist,
      });
      assert.ok(saved !== null);
      const again = await KeyManager.create({
        alg: "EdDSA",
        rotationS: 0,
        maxTokenLifetimeS: 60,
        now: 1010,
        state: saved,
        persist,
      });
      assert.equal(again.current.kid, first.current.kid);
      await again.rotate(2000);
      const rotated = saved as unknown as import("../../../adapters/server/keys.ts").KeyringState;
      assert.ok(rotated.previous !== null);
      assert.equal(rotated.previousUntil, 2000 + 60 + 300);
      const resumed = await KeyManager.create({
        alg: "EdDSA",
        rotationS: 0,
        maxTokenLifetimeS: 60,
        now: 2100,
        state: rotated,
      });
      assert.deepEqual(resumed.jwks(2100).keys.map((k) => k.kid), [
        again.current.kid,
        first.current.kid,
      ]);
      assert.equal(resumed.getKey(first.current.kid)?.x, first.current.jwk.x);
      assert.equal(resumed.getKey("nope"), null);
    });
  },
);
