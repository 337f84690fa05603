/**
 * Service checks of the device API's limits (SPEC §6.0, §6.2, §8.1, §8.3, §12), each probed at
 * the limit, one over, and with multi-byte UTF-8 data: sizes are bytes, not characters.
 *
 * @module
 */
import { Device, event } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import { WireConnection } from "./wire.ts";

/**
 * Runs the limit checks with device `d` (a live session).
 *
 * @example
 * ```ts
 * import type { Device } from "./actors.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * declare const device: Device;
 * await limitChecks(ctx, device);
 * ```
 */
export async function limitChecks(c: ServiceContext, d: Device): Promise<void> {
  const { run } = c;
  const limits = (c.config?.telemetry ?? {}) as Record<string, number>;
  const maxEvents = limits.max_batch_events ?? 100;
  const maxEventBytes = limits.max_event_bytes ?? 4096;
  const maxBatchBytes = limits.max_batch_bytes ?? 61440;
  const maxBody = 65536;
  await run.check(C["svc.telemetry.limit-count"], async (t) => {
    const at = Array.from({ length: maxEvents }, (_, i) => event(100 + i));
    const ok = expectStatus(t, await d.telemetry(at), 200, `${maxEvents} events (the limit)`);
    t.equal(ok.acked_seq, 100 + maxEvents - 1, `acked_seq of ${maxEvents} events`);
    const over = Array.from({ length: maxEvents + 1 }, (_, i) => event(300 + i));
    expectError(t, await d.telemetry(over), 422, "ERR_BATCH_TOO_LARGE", `${maxEvents + 1} events`);
  });
  await run.check(C["svc.telemetry.limit-event"], async (t) => {
    // Sizes are bytes of the serialized data, not characters (SPEC §8.1): "é" is 2 bytes.
    let seq = 500;
    for (
      const [bytes, ch, status] of [
        [maxEventBytes, "x", 200],
        [maxEventBytes, "é", 200],
        [maxEventBytes + 1, "x", 422],
        [maxEventBytes + 1, "é", 422],
      ] as const
    ) {
      const e = event(seq++, "interaction", padded(bytes, ch));
      const what = `event data of ${bytes} bytes (${ch === "x" ? "ASCII" : "2-byte UTF-8"})`;
      const x = await d.telemetry([e]);
      if (status === 200) expectStatus(t, x, 200, what);
      else expectError(t, x, 422, "ERR_BATCH_TOO_LARGE", what);
    }
  });
  await run.check(C["svc.telemetry.limit-batch"], async (t) => {
    let seq = 600;
    for (
      const [bytes, ch, status] of [
        [maxBatchBytes, "x", 200],
        [maxBatchBytes, "€", 200],
        [maxBatchBytes + 1, "x", 422],
        [maxBatchBytes + 1, "€", 422],
      ] as const
    ) {
      const text = batchOfSize(d, seq, bytes, ch, maxEventBytes);
      seq += 100;
      const what = `a batch of ${bytes} bytes (${ch === "x" ? "ASCII" : "3-byte UTF-8"})`;
      const x = await d.telemetryText(text);
      if (status === 200) expectStatus(t, x, 200, what);
      else expectError(t, x, 422, "ERR_BATCH_TOO_LARGE", what);
    }
  });
  await run.check(C["svc.telemetry.limit-body"], async (t) => {
    let seq = 1100;
    for (const [bytes, ch] of [[maxBody, "x"], [maxBody + 1, "x"], [maxBody + 1, "€"]] as const) {
      const text = batchOfSize(d, seq, bytes, ch, maxEventBytes);
      seq += 100;
      const x = await d.telemetryText(text);
      const what = `a body of ${bytes} bytes (${ch === "x" ? "ASCII" : "3-byte UTF-8"})`;
      // At the body limit the batch limit refuses it (422); one byte over, the body limit (413).
      if (bytes <= maxBody) expectError(t, x, 422, "ERR_BATCH_TOO_LARGE", what);
      else expectError(t, x, 413, "ERR_BODY_TOO_LARGE", what);
    }
  });

  await run.check(C["svc.telemetry.limit-chunked"], async (t) => {
    // Without Content-Length (chunked): the limits hold as the body arrives, not as declared.
    const post = (text: string, n: number) => {
      const bytes = new TextEncoder().encode(text);
      const size = Math.ceil(bytes.length / n);
      const chunks = Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      return c.http.call("POST", "/v1/device/telemetry", {
        headers: { "content-type": "application/json" },
        chunks,
      });
    };
    const ok = expectStatus(
      t,
      await post(d.batchText([event(2000)]), 3),
      200,
      "a batch in 3 chunks",
    );
    t.equal(ok.acked_seq, 2000, "acked_seq of a streamed batch");
    const big = batchOfSize(d, 2100, maxBody + 4096, "x", maxEventBytes);
    expectError(t, await post(big, 17), 413, "ERR_BODY_TOO_LARGE", "a body over 65536 bytes");
    const again = expectStatus(t, await post(d.batchText([event(2001)]), 1), 200, "one chunk");
    t.equal(again.acked_seq, 2001, "acked_seq after the refused body");
    const path = d.refreshPath();
    const proof = await d.proof(path);
    const r = await c.http.call("POST", path, { headers: { "ds-proof": proof }, chunks: [] });
    expectStatus(t, r, 200, "a refresh with an empty streamed body (counts as {})");
    // The same on the wire, where a client's fetch may not frame it chunked.
    const conn = await WireConnection.open(c.http.base);
    if (conn === null) return; // in-process: no connection to open; the fetches above stand
    try {
      const chunked = (p: string, extra: string) =>
        `POST ${p} HTTP/1.1\r\nhost: ${conn.host}\r\ntransfer-encoding: chunked\r\n${extra}\r\n`;
      conn.write(`${chunked(path, `ds-proof: ${await d.proof(path)}\r\n`)}0\r\n\r\n`);
      const empty = await conn.read(10_000);
      t.equal(typeof empty === "string" ? empty : empty.status, 200, "an empty chunked refresh");
      // Over the limit and still sending: refused before the body ends (SPEC §6.0).
      conn.write(chunked("/v1/device/telemetry", "content-type: application/json\r\n"));
      const piece = "x".repeat(8192);
      for (let i = 0; i < 9; i++) conn.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      const over = await conn.read(10_000);
      t.equal(
        typeof over === "string" ? over : over.status,
        413,
        "a chunked body past 65536 bytes, before it ends",
      );
    } finally {
      conn.close();
    }
  });
}

const utf8 = (s: string): number => new TextEncoder().encode(s).length;

/**
 * Interaction data whose JSON serialization is exactly `bytes` bytes, padded with `ch` (then
 * ASCII to land on the byte).
 */
export function padded(bytes: number, ch: string): Record<string, unknown> {
  const base = utf8(JSON.stringify({ kind: "click", pad: "" }));
  const w = utf8(ch);
  const n = Math.floor((bytes - base) / w);
  const pad = ch.repeat(n) + "x".repeat(bytes - base - n * w);
  return { kind: "click", pad };
}

/** A batch body of exactly `bytes` bytes: events of at most `maxEvent` data bytes each. */
function batchOfSize(d: Device, seq0: number, bytes: number, ch: string, maxEvent: number) {
  const events: ReturnType<typeof event>[] = [];
  const fill = maxEvent - 16;
  let text = d.batchText(events);
  while (utf8(text) < bytes) {
    const room = bytes - utf8(text);
    const e = event(seq0 + events.length, "interaction", padded(Math.min(fill, 64), ch));
    events.push(e);
    const grown = d.batchText(events);
    const wanted = 64 + room - (utf8(grown) - utf8(text));
    if (wanted <= fill) {
      // The last event: size its data to land on the byte.
      events[events.length - 1] = { ...e, data: padded(Math.max(wanted, 26), "x") };
      text = d.batchText(events);
      if (utf8(text) !== bytes) throw new Error(`batch of ${utf8(text)} bytes, wanted ${bytes}`);
      return text;
    }
    events[events.length - 1] = { ...e, data: padded(fill, ch) };
    text = d.batchText(events);
  }
  throw new Error(`cannot build a batch of ${bytes} bytes`);
}

/**
 * Create attributes whose JSON serialization is exactly `bytes` bytes: string values of at most
 * 1000 characters of `ch`, then ASCII to land on the byte.
 */
export function attributesOfSize(bytes: number, ch: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; utf8(JSON.stringify(out)) < bytes; i++) {
    const key = `k${i}`;
    out[key] = "";
    const room = bytes - utf8(JSON.stringify(out));
    if (room < 0) throw new Error(`cannot build attributes of ${bytes} bytes`);
    const n = Math.min(1000, Math.floor(room / utf8(ch)));
    const filler = ch.repeat(n);
    out[key] = room - utf8(filler) <= 1000 - n ? filler + "x".repeat(room - utf8(filler)) : filler;
  }
  if (utf8(JSON.stringify(out)) !== bytes) throw new Error(`attributes of ${bytes} bytes`);
  return out;
}

/**
 * Runs the create-attributes limit check (4096 bytes, SPEC §6.2, §6.6).
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await attributeLimitCheck(ctx);
 * ```
 */
export async function attributeLimitCheck(c: ServiceContext): Promise<void> {
  await c.run.check(C["svc.session.attributes-limit"], async (t) => {
    for (
      const [bytes, ch, ok] of [
        [4096, "x", true],
        [4096, "é", true],
        [4097, "x", false],
        [4097, "é", false],
      ] as const
    ) {
      const d = await Device.create(c.http);
      const x = await d.createRaw({ body: { attributes: attributesOfSize(bytes, ch) } });
      const what = `attributes of ${bytes} bytes (${ch === "x" ? "ASCII" : "2-byte UTF-8"})`;
      if (ok) expectStatus(t, x, 201, what);
      else expectError(t, x, 400, "ERR_INVALID_BODY", what);
    }
  });
}
