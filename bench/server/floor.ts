/**
 * The service bench's baselines on the runtime's own server (`node:http`, `Bun.serve`,
 * `Deno.serve`), with no adapter and no `Request`:
 *
 * - the bare hello world every ratio divides by;
 * - the *floor* of each budgeted case: a bare handler that does only the work no implementation
 *   of that endpoint can skip, with the same `node:crypto` primitives the service uses: read the
 *   body, `JSON.parse` it and look its session token up in a map (telemetry: a service verifies
 *   a session token once and remembers it); plus one EdDSA signature (session trigger: the
 *   action token); plus one EdDSA verification of the device's signature and a decode of the
 *   secure token's payload, whose inner session token is looked up (secure trigger). No claim
 *   checks, no schema, no replay record, no store, no router: a generous floor.
 *
 * A floor's ratio to the bare hello world is the ceiling of its case's ratio on this machine:
 * when a floor is below the budget, the budget cannot be met by any service, ours or another.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";

/** A bare server on a loopback port. */
export interface Bare {
  port: number;
  close(): Promise<void>;
}

type Answer = { status: number; body: string };

const service = generateKeyPairSync("ed25519").privateKey;
const deviceKeys = new Map<string, KeyObject>();
// Session tokens seen before: what a verified-token cache answers (the floor never verifies one).
const sessions = new Map<string, true>();
const known = (token: unknown) =>
  typeof token === "string" && (sessions.get(token) ?? (sessions.set(token, true), true));
// The size of an action token's signing input (header and claims, base64url).
const ACTION_INPUT = Buffer.from("e".repeat(420));

/** The unavoidable work of one budgeted request, from its body (see the module doc). */
export function floorWork(body: string): Answer {
  const o = JSON.parse(body) as {
    secured_session_token?: string;
    session_token?: string;
    action_type?: string;
  };
  if (typeof o.secured_session_token === "string") {
    const t = o.secured_session_token;
    const dot1 = t.indexOf(".");
    const dot2 = t.lastIndexOf(".");
    const header = JSON.parse(Buffer.from(t.slice(0, dot1), "base64url").toString("utf8")) as {
      jwk: { kty: string; crv: string; x: string };
    };
    let key = deviceKeys.get(header.jwk.x);
    if (key === undefined) {
      key = createPublicKey({ key: header.jwk, format: "jwk" });
      deviceKeys.set(header.jwk.x, key);
    }
    const sig = Buffer.from(t.slice(dot2 + 1), "base64url");
    const claims = JSON.parse(Buffer.from(t.slice(dot1 + 1, dot2), "base64url").toString("utf8"));
    if (
      !known((claims as { tok?: unknown }).tok) ||
      !verify(null, Buffer.from(t.slice(0, dot2), "latin1"), key, sig)
    ) return { status: 401, body: "{}" };
  } else if (!known(o.session_token)) return { status: 401, body: "{}" };
  if (typeof o.action_type === "string") {
    const s = sign(null, ACTION_INPUT, service).toString("base64url");
    return { status: 201, body: `{"action_token":"${ACTION_INPUT.toString("latin1")}.${s}"}` };
  }
  return { status: 200, body: "{}" };
}

const gd = globalThis as {
  Deno?: {
    serve(
      o: object,
      h: (r: Request) => Response | Promise<Response>,
    ): { addr: { port: number }; shutdown(): Promise<void> };
  };
  Bun?: {
    serve(o: { port: number; hostname: string; fetch(r: Request): Response | Promise<Response> }): {
      port: number;
      stop(): void;
    };
  };
};

/**
 * A bare server: `hello` answers every request with "hello"; `floor` runs {@link floorWork}.
 *
 * @example
 * ```ts
 * const bare = await bareServer("hello");
 * await fetch(`http://127.0.0.1:${bare.port}/`);
 * await bare.close();
 * ```
 */
export async function bareServer(kind: "hello" | "floor"): Promise<Bare> {
  const web = kind === "hello" ? () => new Response("hello") : async (r: Request) => {
    const a = floorWork(await r.text());
    return new Response(a.body, { status: a.status });
  };
  if (gd.Bun) {
    const s = gd.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: web });
    return { port: s.port, close: () => Promise.resolve(s.stop()) };
  }
  if (gd.Deno) {
    const s = gd.Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, web);
    return { port: s.addr.port, close: () => s.shutdown() };
  }
  const { createServer } = await import("node:http");
  const s = createServer(
    kind === "hello" ? (_req, res) => res.end("hello") : (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const a = floorWork(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(a.status, { "content-type": "application/json" }).end(a.body);
      });
    },
  );
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  return { port, close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))) };
}
