// The `device-session` command: configuration precedence (flags > env > file > defaults), typed
// ERR_CONFIG errors with exit code 2, and a real `serve` process on this runtime (start, answer,
// graceful stop on SIGTERM, keys kept in a 0600 key file across restarts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const SKIP = typeof window !== "undefined" && "needs a server runtime";

describe("CLI configuration", { skip: SKIP }, () => {
  const files: Record<string, string> = {
    "/etc/ds.json": JSON.stringify({
      port: 1000,
      host: "0.0.0.0",
      clients: [{
        id: "shop",
        secret: "0123456789abcdef",
        allowed_origins: ["https://shop.example"],
      }],
      limits: { token_lifetime_s: 600 },
      policy: { thresholds: { velocity_ip: 100 } },
      rate_limits: false,
    }),
    "/etc/typo.json": JSON.stringify({ prot: 1 }),
    "/etc/broken.json": "{",
    "/etc/clientz.json": JSON.stringify({ clientz: [] }),
    "/etc/hash.json": JSON.stringify({ clients: [{ id: "a", secret_sha256: "nope" }] }),
    "/etc/both.json": JSON.stringify({
      clients: [{ id: "a", secret: "0123456789abcdef", secret_sha256: "x".repeat(43) }],
    }),
    "/etc/array.json": "[]",
  };
  const read = (
    p: string,
  ) => (p in files ? Promise.resolve(files[p]!) : Promise.reject(new Error("ENOENT")));
  const load = async (argv: string[], env: Record<string, string> = {}) => {
    const { parseCli, resolveCliConfig } = await import("../../../adapters/server/cli/config.ts");
    return resolveCliConfig(parseCli(argv), env, read);
  };
  const fails = async (argv: string[], env: Record<string, string>, pattern: RegExp) => {
    await assert.rejects(load(argv, env), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, "ERR_CONFIG");
      assert.match(e.message ?? "", pattern);
      return true;
    });
  };

  it("flags > environment > config file > defaults", async () => {
    const file = ["serve", "--config", "/etc/ds.json"];
    assert.equal((await load(file)).port, 1000);
    assert.equal((await load(file, { DEVICE_SESSION_PORT: "2000" })).port, 2000);
    assert.equal(
      (await load([...file, "--port", "3000"], { DEVICE_SESSION_PORT: "2000" })).port,
      3000,
    );
    assert.equal((await load(["serve", "--demo"])).port, 8787);
    // Test control (SPEC Appendix A): --conformance or --demo, never by default.
    assert.equal((await load(file)).testControl, false);
    assert.equal((await load([...file, "--conformance"])).testControl, true);
    assert.equal((await load(file, { DEVICE_SESSION_CONFORMANCE: "true" })).testControl, true);
    assert.equal((await load(["serve", "--demo"])).testControl, true);
    assert.equal(
      (await load(["serve"], { DEVICE_SESSION_CONFIG: "/etc/ds.json" })).host,
      "0.0.0.0",
    );
    const c = await load(file);
    assert.deepEqual(c.clients, [{
      id: "shop",
      secret: "0123456789abcdef",
      allowedOrigins: ["https://shop.example"],
    }]);
    assert.deepEqual(c.limits, { tokenLifetimeS: 600 });
    assert.deepEqual(c.policy, { thresholds: { velocityIp: 100 } });
    assert.equal(c.rateLimits, false);
    assert.equal((await load(["serve"], { DEVICE_SESSION_DEMO: "yes" })).demo, true);
    const redis = await load(["serve", "--demo", "--store-prefix", "shop:"], {
      DEVICE_SESSION_STORE: "redis+cluster://10.0.0.1:7000,10.0.0.2:7000",
      DEVICE_SESSION_STORE_WAIT_REPLICAS: "1",
    });
    assert.deepEqual(
      [redis.store, redis.storePrefix, redis.storeWaitReplicas, redis.storeTimeoutMs],
      ["redis+cluster://10.0.0.1:7000,10.0.0.2:7000", "shop:", 1, 2000],
    );
    assert.equal((await load(["serve", "--demo"])).store, "memory", "npm start keeps memory");
  });

  it("a bad option is one ERR_CONFIG naming its source", async () => {
    await fails(
      ["serve", "--port", "http"],
      {},
      /--port: expected an integer in 0\.\.65535 \(got "http"\)/,
    );
    await fails(["serve", "--demo"], { DEVICE_SESSION_PORT: "70000" }, /DEVICE_SESSION_PORT/);
    await fails(["serve", "--demo", "--store", "redis"], {}, /--store/);
    await fails(
      ["serve", "--demo", "--store", "redis://h:99999"],
      {},
      /store "redis:\/\/h:99999": not a URL/,
    );
    await fails(
      ["serve", "--demo", "--store", "redis://h", "--key-file", "/k.json"],
      {},
      /key_file: a Redis store keeps the signing keys/,
    );
    await fails(["serve", "--demo", "--store-timeout-ms", "0"], {}, /--store-timeout-ms/);
    await fails(
      ["serve", "--demo", "--workers", "2"],
      {},
      /workers: more than one worker needs a shared store/,
    );
    await fails(["serve", "--demo", "--client", "a"], {}, /--client: an option of `tail`/);
    await fails(
      ["serve", "--demo", "--events-max-len", "10"],
      {},
      /events_max_len: event streams need a Redis store/,
    );
    await fails(["serve", "--demo", "--signing-alg", "RS256"], {}, /--signing-alg/);
    await fails(
      ["serve", "--config", "/etc/typo.json", "--demo"],
      {},
      /config file \/etc\/typo\.json: unknown key `prot` \(did you mean `port`\?\)/,
    );
    await fails(["serve", "--config", "/etc/broken.json"], {}, /not JSON/);
    // Plain words, in the file's own spelling of the key.
    await fails(
      ["serve", "--config", "/etc/clientz.json"],
      {},
      /: unknown key `clientz` \(did you mean `clients`\?\)$/,
    );
    await fails(
      ["serve", "--config", "/etc/hash.json"],
      {},
      /`clients\[0\]\.secret_sha256` is malformed: expected a SHA-256 in base64url or hex$/,
    );
    await fails(
      ["serve", "--config", "/etc/both.json"],
      {},
      /`clients\[0\]`: exactly one of `secret`, `secret_sha256`$/,
    );
    await fails(["serve", "--config", "/etc/array.json"], {}, /expected a JSON object/);
    await fails(["serve", "--config", "/etc/missing.json"], {}, /cannot read/);
    await fails(["serve"], {}, /no client is configured/);
    await fails(["serve", "--nope"], {}, /arguments/);
    await fails(["serve", "extra", "--demo"], {}, /unexpected extra/);
    await fails(["serve", "--demo"], { DEVICE_SESSION_NONCE_SECRET: "short" }, /16 characters/);
  });
});

describe("device-session serve (a real process on this runtime)", { skip: SKIP }, () => {
  const spawnCli = async (args: string[]) =>
    (await import("../support/cli-process.ts")).spawnCli(args);

  it("bad option → ERR_CONFIG on stderr and exit code 2", async () => {
    const p = await spawnCli(["serve", "--port", "http"]);
    assert.equal(await p.exited, 2);
    assert.match(p.stderr(), /ERR_CONFIG: --port/);
  });

  it("serves with --demo, prints URLs and credentials, stops on SIGTERM; keys survive a restart", async () => {
    const { mkdtemp, stat, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "ds-cli-"));
    // The key file's directory does not exist yet: the CLI creates it, mode 0700.
    const keyFile = join(dir, "keys", "keys.json");
    try {
      const kids: string[] = [];
      for (let run = 0; run < 2; run++) {
        const p = await spawnCli([
          "serve",
          "--port",
          "0",
          "--demo",
          "--log",
          "off",
          "--key-file",
          keyFile,
        ]);
        const url = await p.listening(/export DS_URL=/);
        assert.match(p.stderr(), /client secret: demo-/);
        assert.match(p.stderr(), /JWKS: +http:\/\/localhost:\d+\/\.well-known\/jwks\.json/);
        const secret = /client secret: (\S+)/.exec(p.stderr())![1]!;
        const token = await fetch(`${url}/v1/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `grant_type=client_credentials&client_id=demo&client_secret=${secret}`,
        });
        assert.equal(token.status, 200);
        await token.body?.cancel();
        kids.push((await (await fetch(`${url}/.well-known/jwks.json`)).json()).keys[0].kid);
        // Demo mode: the root sends a person to the demo page.
        const root = await fetch(`${url}/`, { redirect: "manual" });
        assert.equal(root.status, 302);
        assert.equal(root.headers.get("location"), "/demo/");
        await root.body?.cancel();
        p.kill();
        assert.equal(await p.exited, 0, p.stderr());
      }
      assert.equal(kids[0], kids[1], "the key file keeps the signing key");
      assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, "keys"))).mode & 0o777, 0o700);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
