/**
 * Store locations: `redis://[user:pass@]host:port/db`, `rediss://…` (TLS),
 * `redis+cluster://host1:port1,host2:port2` (also `rediss+cluster://`) and
 * `redis+unix:///path/to/redis.sock?db=N`. Parsed here (not by a client) so that the CLI
 * answers `ERR_CONFIG` for a bad one before connecting.
 *
 * @module
 */
import { errorFromCode } from "../../../core/errors/mod.ts";

/** A parsed store location. */
export type RedisLocation =
  | {
    readonly kind: "node";
    readonly tls: boolean;
    readonly host: string;
    readonly port: number;
    readonly db: number;
    readonly username?: string;
    readonly password?: string;
  }
  | {
    readonly kind: "unix";
    readonly path: string;
    readonly db: number;
    readonly password?: string;
  }
  | {
    readonly kind: "cluster";
    readonly tls: boolean;
    readonly nodes: readonly { readonly host: string; readonly port: number }[];
    readonly username?: string;
    readonly password?: string;
  };

const bad = (url: string, why: string) =>
  errorFromCode(
    "ERR_CONFIG",
    `store ${JSON.stringify(url.replace(/\/\/[^@/]*@/, "//…@"))}: ${why}`,
  );

function hostPort(url: string, s: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(s);
  const port = Number(m?.[2] ?? 6379);
  if (m === null || port < 1 || port > 65535) throw bad(url, `bad host:port ${JSON.stringify(s)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

function credentials(u: URL): { username?: string; password?: string } {
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/**
 * Parses a store URL; `ERR_CONFIG` names what is wrong.
 *
 * @example
 * ```ts
 * parseRedisUrl("redis://127.0.0.1:6379/2"); // { kind: "node", host: "127.0.0.1", port: 6379, db: 2, tls: false }
 * ```
 */
export function parseRedisUrl(url: string): RedisLocation {
  const scheme = /^([a-z+]+):\/\//.exec(url)?.[1];
  if (scheme === "redis+unix") {
    const [path = "", query = ""] = url.slice("redis+unix://".length).split("?", 2);
    const q = new URLSearchParams(query);
    const db = Number(q.get("db") ?? 0);
    if (!path.startsWith("/") || !Number.isInteger(db) || db < 0) {
      throw bad(url, "expected redis+unix:///absolute/path[?db=N]");
    }
    const password = q.get("password");
    return { kind: "unix", path: decodeURIComponent(path), db, ...(password ? { password } : {}) };
  }
  if (scheme === "redis+cluster" || scheme === "rediss+cluster") {
    const rest = url.slice(scheme.length + 3);
    const at = rest.lastIndexOf("@");
    const auth = at === -1 ? "" : rest.slice(0, at);
    const hosts = (at === -1 ? rest : rest.slice(at + 1)).replace(/\/$/, "");
    if (hosts === "") throw bad(url, "no cluster nodes");
    const creds = credentials(new URL(`http://${auth ? auth + "@" : ""}x`));
    return {
      kind: "cluster",
      tls: scheme === "rediss+cluster",
      nodes: hosts.split(",").map((h) => hostPort(url, h)),
      ...creds,
    };
  }
  if (scheme !== "redis" && scheme !== "rediss") {
    throw bad(url, "expected redis://, rediss://, redis+cluster:// or redis+unix://");
  }
  let u: URL;
  try {
    u = new URL(url.replace(/^rediss?:/, "http:"));
  } catch {
    throw bad(url, "not a URL");
  }
  const db = u.pathname === "/" || u.pathname === "" ? 0 : Number(u.pathname.slice(1));
  if (!Number.isInteger(db) || db < 0) throw bad(url, "bad database number");
  const { host, port } = hostPort(url, u.port ? `${u.hostname}:${u.port}` : u.hostname);
  return { kind: "node", tls: scheme === "rediss", host, port, db, ...credentials(u) };
}
