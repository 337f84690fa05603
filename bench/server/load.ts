/**
 * A small keep-alive HTTP/1.1 load generator on raw sockets (node:net, on all three runtimes):
 * `fetch` as a client costs more CPU than the servers under test, which would hide them.
 *
 * @module
 */

/** A request as bytes on the wire (HTTP/1.1, keep-alive). */
async function wire(r0: Request, port: number): Promise<Uint8Array> {
  const u = new URL(r0.url);
  const body = r0.body === null ? new Uint8Array(0) : new Uint8Array(await r0.arrayBuffer());
  let head = `${r0.method} ${u.pathname}${u.search} HTTP/1.1\r\nhost: localhost:${port}\r\n`;
  r0.headers.forEach((v, k) => {
    if (k !== "content-length") head += `${k}: ${v}\r\n`;
  });
  head += `content-length: ${body.length}\r\n\r\n`;
  const h = new TextEncoder().encode(head);
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}

/**
 * A small keep-alive HTTP/1.1 load generator on raw sockets (node:net, on all three runtimes):
 * `fetch` as a client costs more CPU than the servers under test, which would hide them.
 */
export async function load(
  port: number,
  next: () => Request | Promise<Request>,
  expect: number,
  ms: number,
  concurrency: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const net = await import("node:net");
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + ms;
  const worker = async () => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.setNoDelay(true);
    await new Promise<void>((r, j) => socket.once("connect", () => r()).once("error", j));
    let buffer = new Uint8Array(0);
    let waiting: (() => void) | null = null;
    socket.on("data", (chunk: Uint8Array) => {
      const merged = new Uint8Array(buffer.length + chunk.length);
      merged.set(buffer);
      merged.set(chunk, buffer.length);
      buffer = merged;
      waiting?.();
    });
    const response = async (): Promise<number> => {
      for (;;) {
        const text = new TextDecoder("latin1").decode(
          buffer.subarray(0, Math.min(buffer.length, 8192)),
        );
        const end = text.indexOf("\r\n\r\n");
        if (end !== -1) {
          const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? "0");
          const chunked = /transfer-encoding: *chunked/i.test(text.slice(0, end));
          const total = end + 4 + length;
          const chunkedEnd = chunked ? text.indexOf("\r\n0\r\n\r\n", end) : -1;
          if (!chunked && buffer.length >= total) {
            buffer = buffer.slice(total);
            return Number(text.slice(9, 12));
          }
          if (chunked && chunkedEnd !== -1) {
            buffer = buffer.slice(chunkedEnd + 7);
            return Number(text.slice(9, 12));
          }
        }
        await new Promise<void>((r) => (waiting = r));
        waiting = null;
      }
    };
    while (performance.now() < deadline) {
      const bytes = await wire(await next(), port);
      const start = performance.now();
      socket.write(bytes);
      const status = await response();
      latencies.push(performance.now() - start);
      if (status !== expect) errors++;
    }
    socket.destroy();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors };
}
