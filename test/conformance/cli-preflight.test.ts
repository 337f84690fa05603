// `device-session conformance service` stops at once, exit 2, on what is not the service's
// fault: wrong client credentials (not "8 MUST checks failed"), or a URL nothing answers on
// (the message names the URL and the cause).
import { describe, it } from "node:test";
import assert from "node:assert/strict";

type Cli = typeof import("../../conformance/cli/main.ts");
type Support = typeof import("./support.ts");
const T = { timeout: 120_000 };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { conformanceMain } = await import("../../conformance/cli/main.ts") as Cli;
  const out: string[] = [], err: string[] = [];
  const code = await conformanceMain(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("conformance service: set-up problems stop the run", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("wrong credentials → a credentials error and exit 2, no check runs", T, async () => {
    const support = await import("./support.ts") as Support;
    const started = await support.onLoopback();
    try {
      const url = started.target.url;
      const a = support.CLIENT_A, b = support.CLIENT_B;
      const wrong = await cli([
        "service",
        "--url",
        url,
        "--client-id",
        a.id,
        "--client-secret",
        "not-the-secret-0123",
      ]);
      assert.equal(wrong.code, 2);
      assert.match(
        wrong.err,
        /refuses the credentials of client a \(401 ERR_\w+\): check --client-id/,
      );
      assert.doesNotMatch(wrong.err, /[✓✗]/, "no check ran");
      assert.equal(wrong.out, "", "no report");
      const other = await cli([
        "service",
        "--url",
        url,
        "--client-id",
        a.id,
        "--client-secret",
        a.secret,
        "--other-client-id",
        b.id,
        "--other-client-secret",
        "not-the-secret-0123",
      ]);
      assert.equal(other.code, 2);
      assert.match(other.err, /credentials of client b .*--other-client-id/);
    } finally {
      await started.close();
    }
  });

  it("a URL nothing answers on → names the URL and the cause, exit 2", T, async () => {
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r)); // now nothing listens there
    const url = `http://127.0.0.1:${port}`;
    const r = await cli(["service", "--url", url, "--client-id", "a", "--client-secret", "s"]);
    assert.equal(r.code, 2);
    assert.ok(r.err.includes(`cannot reach the service at ${url} (`), r.err);
    assert.match(r.err, /refused|ECONNREFUSED/i, "the cause");
  });
});
