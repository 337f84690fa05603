/**
 * Service checks over a raw connection (SPEC §6.0, RFC 9110 §10.1.1): a body announced with
 * `Expect: 100-continue` is invited and taken; one over the limit is refused at once, and a
 * client that sends it anyway (as RFC 9110 allows) never has it read as a next request.
 *
 * @module
 */
import { Device, event } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import type { ServiceContext } from "./context.ts";
import { type WireAnswer, WireConnection } from "./wire.ts";

/** How long to wait for an answer on the connection before the check fails. */
const ANSWER_MS = 10_000;
/** A client waiting for `100 Continue` sends its body anyway after this (RFC 9110 §10.1.1). */
const CONTINUE_MS = 2_000;

/** The request head of a POST of `length` bytes to `path` with `Expect: 100-continue`. */
function head(host: string, path: string, length: number, extra = ""): string {
  return `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
    `content-length: ${length}\r\nexpect: 100-continue\r\n${extra}\r\n`;
}

/**
 * Runs the raw-connection checks.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await expectChecks(ctx);
 * ```
 */
export async function expectChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.device.expect-continue"], async (t) => {
    const d = await Device.create(http);
    await d.createSession();
    const open = async () =>
      await WireConnection.open(http.base) ??
        t.skip("needs a TCP connection to the service (an http: or https: URL)");
    const final = (x: WireAnswer | "closed" | "timeout", what: string): WireAnswer => {
      return typeof x === "string" ? t.fail(`${what}: no answer (${x})`) : x;
    };

    // A batch within the limits: invited (or taken when sent anyway), then acknowledged.
    const body = new TextEncoder().encode(d.batchText([event(1)]));
    let conn = await open();
    try {
      conn.write(head(conn.host, "/v1/device/telemetry", body.length));
      const first = await conn.read(CONTINUE_MS);
      if (typeof first !== "string" && first.status >= 200) {
        t.fail(`a batch within the limits was answered before its body: ${first.status}`);
      }
      if (first === "closed") t.fail("the connection closed before the body was invited");
      conn.write(body);
      const x = final(await conn.read(ANSWER_MS), "the batch after 100-continue");
      t.equal(x.status, 200, `the status of that batch (${x.body.slice(0, 200)})`);
      t.equal((JSON.parse(x.body) as { acked_seq?: unknown }).acked_seq, 1, "acked_seq");
    } finally {
      conn.close();
    }

    // Over the limit: refused at once; the body sent anyway is never read as a request.
    conn = await open();
    try {
      const big = 70_000;
      conn.write(head(conn.host, "/v1/device/telemetry", big));
      let x = final(await conn.read(ANSWER_MS), "a declared body over 65536 bytes");
      if (x.status !== 100) {
        // Refused before it was invited: the service does not read the body (SPEC §6.0); it
        // says so and closes, so a client that sends it anyway never has it taken as a request.
        t.equal(x.status, 413, "a declared body over 65536 bytes");
        t.equal(x.headers.connection?.toLowerCase(), "close", "Connection of that answer");
        t.equal(await conn.read(ANSWER_MS), "closed", "the connection after that answer");
        return;
      }
      // A runtime that sends 100 Continue itself: the body is then read (and refused).
      conn.write(new Uint8Array(big).fill(0x20));
      x = final(await conn.read(ANSWER_MS), "the body over the limit");
      t.equal(x.status, 413, "a declared body over 65536 bytes");
      const config = `/v1/device/config?client_id=${encodeURIComponent(d.clientId)}`;
      conn.write(`GET ${config} HTTP/1.1\r\nhost: ${conn.host}\r\n\r\n`);
      const next = await conn.read(ANSWER_MS);
      if (next === "timeout") return t.fail("a request after the refused body: no answer");
      if (next !== "closed") t.equal(next.status, 200, "the next request on that connection");
    } finally {
      conn.close();
    }
  });
}
