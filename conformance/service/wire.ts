/**
 * A raw HTTP/1.1 connection to the service, for what `fetch` cannot send or show: `Expect:
 * 100-continue`, interim answers, a body sent after the final answer, several requests on one
 * connection. Minimal on purpose: one request at a time, `Content-Length` or chunked answers.
 *
 * @module
 */
import type { Socket } from "node:net";

/** One answer read from the connection. */
export interface WireAnswer {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A connection (Node, Deno and Bun all offer `node:net` and `node:tls`).
 *
 * @example
 * ```ts
 * const conn = await WireConnection.open("http://127.0.0.1:8787");
 * conn?.write("GET /.well-known/jwks.json HTTP/1.1\r\nhost: x\r\n\r\n");
 * const answer = await conn?.read(5000); // a WireAnswer, "closed" or "timeout"
 * ```
 */
export class WireConnection {
  readonly host: string;
  #socket: Socket;
  #buf = new Uint8Array(0);
  #closed = false;
  #wake: (() => void) | null = null;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.host = host;
    socket.on("data", (d: Uint8Array) => {
      const next = new Uint8Array(this.#buf.length + d.length);
      next.set(this.#buf);
      next.set(d, this.#buf.length);
      this.#buf = next;
      this.#notify();
    });
    const end = () => {
      this.#closed = true;
      this.#notify();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  /** A connection to the service at `url`, or `null` when none can be made (no TCP server). */
  static async open(url: string): Promise<WireConnection | null> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    const hostname = u.hostname.replace(/^\[|\]$/g, "");
    try {
      const socket: Socket = u.protocol === "https:"
        ? (await import("node:tls")).connect({ host: hostname, port, servername: hostname })
        : (await import("node:net")).connect({ host: hostname, port });
      await new Promise<void>((resolve, reject) => {
        socket.once(u.protocol === "https:" ? "secureConnect" : "connect", () => resolve());
        socket.once("error", reject);
      });
      return new WireConnection(socket, u.host);
    } catch {
      return null;
    }
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Whether the service closed the connection (or it broke). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends bytes (ignored once the connection closed). */
  write(data: string | Uint8Array): void {
    if (this.#closed) return;
    this.#socket.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy();
  }

  /** The next answer (a 1xx too), `"closed"`, or `"timeout"` after `ms` without one. */
  async read(ms: number): Promise<WireAnswer | "closed" | "timeout"> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = this.#parse();
      if (parsed !== null) return parsed;
      if (this.#closed) return "closed";
      const left = deadline - Date.now();
      if (left <= 0) return "timeout";
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** One complete answer off the buffer, or `null` when more bytes are needed. */
  #parse(): WireAnswer | null {
    // One character per byte, so string offsets are byte offsets.
    const text = new TextDecoder("latin1").decode(this.#buf);
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd === -1) return null;
    const [statusLine, ...lines] = text.slice(0, headEnd).split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let at = headEnd + 4;
    const parts: Uint8Array[] = [];
    if (status >= 200 && status !== 204 && status !== 304) {
      if (headers["content-length"] !== undefined) {
        const n = Number(headers["content-length"]);
        if (text.length < at + n) return null;
        parts.push(this.#buf.subarray(at, at + n));
        at += n;
      } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
        for (;;) {
          const eol = text.indexOf("\r\n", at);
          if (eol === -1) return null;
          const size = parseInt(text.slice(at, eol), 16);
          if (text.length < eol + 2 + size + 2) return null;
          parts.push(this.#buf.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
          if (size === 0) break;
        }
      } else if (!this.#closed) {
        return null; // the body runs to the end of the connection
      } else {
        parts.push(this.#buf.subarray(at));
        at = text.length;
      }
    }
    const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    parts.reduce((o, b) => (bytes.set(b, o), o + b.length), 0);
    const body = new TextDecoder().decode(bytes);
    this.#buf = this.#buf.slice(at);
    return { status, headers, body };
  }
}
