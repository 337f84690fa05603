// The `device-session` command as a user meets it, run as a real child process on this runtime:
// `hash-secret` (argument and stdin), the command list and per-command help, and the errors a
// user can fix (port in use, a key file's directory) as ERR_CONFIG with exit code 2. Plus the
// one place valibot issues become words (core/wire/issues.ts), on request bodies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { GenericSchema } from "valibot";

const SKIP = typeof window !== "undefined" && "needs a server runtime";
const T = { timeout: 120_000 };

async function run(args: string[], stdin?: string) {
  const { spawnCli } = await import("../support/cli-process.ts");
  const p = await spawnCli(args, { stdout: true, ...(stdin !== undefined ? { stdin } : {}) });
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

/** The base64url SHA-256 of `s`, computed independently of the CLI. */
async function sha256(s: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256").update(s, "utf8").digest("base64url");
}

describe("device-session commands (a real process on this runtime)", { skip: SKIP }, () => {
  const SECRET = "a-long-random-secret-Ω";

  it("hash-secret <secret> prints its SHA-256", T, async () => {
    const r = await run(["hash-secret", SECRET]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `${await sha256(SECRET)}\n`);
  });

  it(
    "hash-secret reads stdin (one trailing newline dropped), so the secret stays out of history",
    T,
    async () => {
      const piped = await run(["hash-secret"], `${SECRET}\n`);
      assert.equal(piped.code, 0, piped.err);
      assert.equal(piped.out, `${await sha256(SECRET)}\n`);
      const dash = await run(["hash-secret", "-"], `${SECRET}  \r\n`);
      assert.equal(dash.out, `${await sha256(`${SECRET}  `)}\n`, "only the newline is dropped");
    },
  );

  it(
    "hash-secret refuses what the service would refuse, with ERR_CONFIG and exit 2",
    T,
    async () => {
      const short = await run(["hash-secret", "short"]);
      assert.equal(short.code, 2);
      assert.match(
        short.err,
        /ERR_CONFIG: the secret: expected a secret of at least 16 characters/,
      );
      assert.equal(short.out, "");
      const two = await run(["hash-secret", "0123456789abcdef", "extra"]);
      assert.equal(two.code, 2);
      assert.match(two.err, /ERR_CONFIG: hash-secret takes one secret, got 2 arguments/);
      const empty = await run(["hash-secret"], "");
      assert.equal(empty.code, 2);
      assert.match(empty.err, /ERR_CONFIG: hash-secret got no secret on stdin/);
    },
  );

  it("no command lists every command; each command has its own help", T, async () => {
    const list = await run([]);
    assert.equal(list.code, 0);
    for (const c of ["serve", "hash-secret", "tail", "conformance", "help"]) {
      assert.match(list.out, new RegExp(`^  ${c} `, "m"), c);
    }
    const serve = await run(["serve", "--help"]);
    assert.equal(serve.code, 0);
    assert.match(serve.out, /^usage: device-session serve/);
    assert.match(serve.out, /--key-file <path>/);
    const viaHelp = await run(["help", "hash-secret"]);
    assert.match(viaHelp.out, /^usage: device-session hash-secret/);
    const conformance = await run(["conformance", "--help"]);
    assert.equal(conformance.code, 0);
    assert.match(conformance.out, /^usage: device-session conformance <target>/);
    assert.equal((await run(["help", "conformance"])).out, conformance.out);
    const unknown = await run(["serv"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /ERR_CONFIG: unknown command serv \(serve, hash-secret/);
    const flagsOnly = await run(["--demo"]);
    assert.equal(flagsOnly.code, 2);
    assert.match(flagsOnly.err, /ERR_CONFIG: a command is required/);
  });

  it("a port in use → ERR_CONFIG naming --port, exit 2", T, async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await run(["serve", "--demo", "--log", "off", "--port", String(port)]);
      assert.equal(r.code, 2, r.err);
      assert.match(
        r.err,
        new RegExp(`ERR_CONFIG: 127\\.0\\.0\\.1 port ${port} is already in use.*--port <n>`),
      );
      assert.doesNotMatch(r.err, /EADDRINUSE|AddrInUse|at /, "no raw error or stack");
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("a key file whose directory cannot be made → ERR_CONFIG, never a raw ENOENT", T, async () => {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "ds-cli-"));
    try {
      await writeFile(join(dir, "a-file"), "x"); // a file where the directory should be
      const keyFile = join(dir, "a-file", "keys", "keys.json");
      const r = await run([
        "serve",
        "--demo",
        "--log",
        "off",
        "--port",
        "0",
        "--key-file",
        keyFile,
      ]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /ERR_CONFIG: key file .*keys\.json: cannot create its directory/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("valibot issues in plain words (core/wire/issues.ts)", () => {
  const describeBody = async (
    schema: "ActionResultRequestSchema" | "TriggerActionRequestSchema",
    body: unknown,
  ) => {
    const wire = await import("../../../core/wire/backend.ts");
    const { parseOrThrow } = await import("../../../core/wire/parse.ts");
    try {
      parseOrThrow(wire[schema] as GenericSchema<unknown>, body, "ERR_INVALID_BODY");
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("parsed");
  };
  const JWS = "eyJhbGciOiJFZERTQSJ9.eyJ2ZXIiOjF9.c2ln";

  it("names the key as sent: required, malformed, exactly one of", T, async () => {
    assert.equal(
      await describeBody("ActionResultRequestSchema", { result: "success" }),
      "`action_token` is required",
    );
    assert.equal(
      await describeBody("ActionResultRequestSchema", { action_token: "abc", result: "success" }),
      "`action_token` is malformed: expected a compact JWS",
    );
    assert.equal(
      await describeBody("ActionResultRequestSchema", { action_token: 5, result: "success" }),
      "`action_token` is malformed: expected a string",
    );
    assert.equal(
      await describeBody("TriggerActionRequestSchema", { action_type: "login" }),
      "exactly one of `session_token`, `secured_session_token`",
    );
    assert.equal(
      await describeBody("TriggerActionRequestSchema", {
        action_type: "login",
        session_token: JWS,
        secured_session_token: JWS,
      }),
      "exactly one of `session_token`, `secured_session_token`",
    );
    assert.equal(
      await describeBody("ActionResultRequestSchema", "x"),
      "expected a JSON object",
    );
  });
});
