// HTTP framing on the runtime's real server, over raw sockets (SPEC §6.0, §6.5, §14): an
// over-limit body gets its 413 JSON answer — never a reset, never `100 Continue` first — however
// it is framed; the server's own answers to broken framing carry the §6.5 body where the runtime
// lets us write them (Node); a client hanging up mid-body is an aborted request, not a failure.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Harness } from "../support/harness.ts";
import type { RawOutcome } from "../support/raw-http.ts";
import type { LogEntry } from "../../../adapters/server/http/log.ts";

const BIG = 5 * 1024 * 1024;
// A request with no end by then has hung (a safety net: a loaded machine answers late, never
// this late).
const TIMEOUT = 60_000;

describe(
  "HTTP framing (SPEC §6.0, §6.5)",
  { skip: typeof window !== "undefined" && "needs a server runtime", timeout: 180_000 },
  () => {
    let h: Harness;
    let m: typeof import("../support/harness.ts");
    let raw: typeof import("../support/raw-http.ts");
    const logs: LogEntry[] = [];
    let onLog: (() => void) | null = null;
    before(async () => {
      m = await import("../support/harness.ts");
      raw = await import("../support/raw-http.ts");
      h = await m.startHarness({
        log: (e) => {
          logs.push(e);
          onLog?.();
        },
      });
    });
    after(() => h.close());

    const head = (lines: string[]) => [...lines, "", ""].join("\r\n");
    const host = () => `host: ${new URL(h.url).host}`;
    /** Parts of `total` bytes of JSON-ish filler, `size` at a time. */
    function* filler(total: number, size: number, chunked: boolean): Iterable<string> {
      const piece = " ".repeat(size);
      for (let sent = 0; sent < total; sent += size) {
        yield chunked ? `${size.toString(16)}\r\n${piece}\r\n` : piece;
      }
      if (chunked) yield "0\r\n\r\n";
    }
    const assertTyped = (o: RawOutcome, status: number, code: string, label: string) => {
      assert.ok(o.response !== null, `${label}: no answer (${o.error})`);
      assert.equal(o.response.status, status, `${label}: ${o.response.body}`);
      assert.match(o.response.headers["content-type"] ?? "", /application\/json/, label);
      const body = JSON.parse(o.response.body) as { code: string; time: number };
      assert.equal(body.code, code, label);
      assert.equal(typeof body.time, "number", label);
    };

    it("a declared over-limit length with Expect: 100-continue → 413 JSON at once (Node: no 100 Continue)", async () => {
      for (let i = 0; i < 20; i++) {
        const o = await raw.rawRequest(
          h.url,
          head([
            "POST /v1/device/telemetry HTTP/1.1",
            host(),
            "content-type: application/json",
            `content-length: ${BIG}`,
            "expect: 100-continue",
          ]),
          { timeoutMs: TIMEOUT },
        );
        assertTyped(o, 413, "ERR_BODY_TOO_LARGE", `attempt ${i}`);
        // Deno.serve and Bun.serve answer 100 Continue themselves before any handler runs.
        if (m.runtimeName() === "node") assert.deepEqual(o.response!.interim, [], "no 100");
      }
    });

    it("a declared over-limit length whose body is sent anyway → 413 JSON, never a reset", async () => {
      for (let i = 0; i < 8; i++) {
        const keepSending = i % 2 === 1;
        const o = await raw.rawRequest(
          h.url,
          head([
            "POST /v1/device/sessions HTTP/1.1",
            host(),
            "content-type: application/json",
            `content-length: ${BIG}`,
          ]),
          { timeoutMs: TIMEOUT, parts: () => filler(BIG, 64 * 1024, false), keepSending },
        );
        assertTyped(o, 413, "ERR_BODY_TOO_LARGE", `attempt ${i}`);
        assert.equal(o.error, null, `attempt ${i}: the upload was cut (${o.error})`);
      }
    });

    it("a chunked body past the cap → 413 JSON, never a reset", async () => {
      for (let i = 0; i < 8; i++) {
        const o = await raw.rawRequest(
          h.url,
          head([
            "POST /v1/device/telemetry HTTP/1.1",
            host(),
            "content-type: text/plain",
            "transfer-encoding: chunked",
            ...(i % 2 === 0 ? ["expect: 100-continue"] : []),
          ]),
          { timeoutMs: TIMEOUT, parts: () => filler(BIG, 32 * 1024, true), keepSending: i >= 4 },
        );
        assertTyped(o, 413, "ERR_BODY_TOO_LARGE", `attempt ${i}`);
        assert.equal(o.error, null, `attempt ${i}: the upload was cut (${o.error})`);
      }
      const health = await h.fetch("/healthz");
      assert.equal(health.status, 200);
      await health.body?.cancel();
    });

    it("broken framing and oversized headers: never a 5xx; on Node the answer carries the §6.5 body", async () => {
      const node = m.runtimeName() === "node";
      const cases: [string, string, number][] = [
        [
          "bad chunk size",
          head(["POST /v1/device/telemetry HTTP/1.1", host(), "transfer-encoding: chunked"]) +
          "zz\r\nabc\r\n0\r\n\r\n",
          400,
        ],
        [
          "two different Content-Lengths",
          head([
            "POST /v1/device/telemetry HTTP/1.1",
            host(),
            "content-length: 2",
            "content-length: 3",
          ]) + "{}",
          400,
        ],
        ["garbage request line", "NOT HTTP AT ALL\r\n\r\n", 400],
        [
          "a header of 100 KB",
          head(["GET /healthz HTTP/1.1", host(), `x-big: ${"a".repeat(100 * 1024)}`]),
          431,
        ],
      ];
      for (const [label, bytes, status] of cases) {
        const o = await raw.rawRequest(h.url, bytes, { timeoutMs: TIMEOUT });
        if (o.response === null) {
          assert.ok(!node, `${label}: Node must answer (${o.error})`);
          continue;
        }
        assert.ok(
          o.response.status >= 400 && o.response.status < 500,
          `${label}: ${o.response.status}`,
        );
        if (node) {
          const code = status === 431 ? "ERR_HEADERS_TOO_LARGE" : "ERR_BAD_REQUEST";
          assertTyped(o, status, code, label);
        }
      }
      const health = await h.fetch("/healthz");
      assert.equal(health.status, 200);
      await health.body?.cancel();
    });

    it("a client hanging up mid-body is logged as an aborted request at info, not a failure", async () => {
      logs.length = 0;
      const logged = new Promise<void>((resolve) => {
        onLog = () => {
          if (logs.some((e) => e.path === "/v1/device/telemetry")) resolve();
        };
      });
      await raw.rawRequest(
        h.url,
        head([
          "POST /v1/device/telemetry HTTP/1.1",
          host(),
          "content-type: application/json",
          "content-length: 1000",
        ]) + '{"name":"half',
        { timeoutMs: TIMEOUT, hangUp: true },
      );
      await logged;
      onLog = null;
      const mine = logs.filter((e) => e.path === "/v1/device/telemetry");
      assert.deepEqual(
        mine.map((e) => [e.level, e.msg]),
        [["info", "request aborted"]],
        JSON.stringify(mine),
      );
      assert.ok(!logs.some((e) => e.level === "error"), JSON.stringify(logs));
    });
  },
);
