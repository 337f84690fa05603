/**
 * Service checks of what it publishes (config, JWKS, discovery) and of route errors; and the
 * cross-cutting checks judged on every answer of the run (error bodies, statuses, `time`,
 * nonces).
 *
 * @module
 */
import { ERROR_CATALOG, isErrorCode } from "../../core/errors/catalog.ts";
import type { Jwks } from "../../core/wire/mod.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { describe, expectError, expectStatus, type ServiceContext } from "./context.ts";
import { body } from "./http.ts";

const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/**
 * Runs the config, JWKS, discovery and route checks; fills `c.config` and `c.jwks`.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await publishedChecks(ctx);
 * ```
 */
export async function publishedChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const client = encodeURIComponent(http.target.clientId);
  await run.check(C["svc.config.shape"], async (t) => {
    const x = await http.call("GET", `/v1/device/config?client_id=${client}`);
    const b = expectStatus(t, x, 200, "config");
    t.wire("ConfigResponse", b, "config");
    t.equal(b.client_id, http.target.clientId, "client_id");
    t.equal(b.ver, 1, "ver");
    c.config = b;
    if (b.issuer !== http.base) {
      t.fail(
        `issuer ${
          JSON.stringify(b.issuer)
        } is not --url ${http.base}: run the suite with the service's public URL`,
      );
    }
  });
  await run.check(C["svc.config.unknown-client"], async (t) => {
    const x = await http.call("GET", "/v1/device/config?client_id=no-such-client-7f3a");
    expectError(t, x, 404, "ERR_CLIENT_UNKNOWN", "unknown client");
  });
  await run.check(C["svc.jwks.shape"], async (t) => {
    const x = await http.call("GET", "/.well-known/jwks.json");
    const b = expectStatus(t, x, 200, "JWKS");
    t.wire("Jwks", b, "JWKS");
    const keys = (b as unknown as Jwks).keys;
    t.between(keys.length, 1, 2, "number of keys (current, and previous during rotation)");
    for (const k of keys) {
      const priv = PRIVATE.filter((m) => Object.hasOwn(k, m));
      t.equal(priv, [], `private members of key ${k.kid}`);
      t.equal(k.use, "sig", `use of key ${k.kid}`);
      t.oneOf(k.alg, ["EdDSA", "ES256"], `alg of key ${k.kid}`);
      t.equal(k.kid, await jwkThumbprint(k), "kid (the key's RFC 7638 thumbprint)");
    }
    c.jwks = b as unknown as Jwks;
  });
  await run.check(C["svc.jwks.cache"], async (t) => {
    const x = await http.call("GET", "/.well-known/jwks.json");
    const cc = (x.headers.get("cache-control") ?? "").toLowerCase();
    t.ok(/\bpublic\b/.test(cc) && /\bmax-age=300\b/.test(cc), `Cache-Control: ${cc || "none"}`);
  });
  await run.check(C["svc.discovery.shape"], async (t) => {
    const x = await http.call("GET", "/.well-known/device-session");
    const b = expectStatus(t, x, 200, "discovery");
    t.wire("Discovery", b, "discovery");
    c.discovery = b;
    t.equal(b.issuer, http.base, "issuer");
    t.ok(String(b.jwks_uri).endsWith("/.well-known/jwks.json"), `jwks_uri ${b.jwks_uri}`);
    t.ok(Array.isArray(b.versions) && b.versions.includes(1), "versions include 1");
    t.ok(
      String(b.token_endpoint).endsWith("/v1/oauth/token"),
      `token_endpoint ${b.token_endpoint}`,
    );
  });
  await run.check(C["svc.errors.not-found"], async (t) => {
    expectError(t, await http.call("GET", "/v1/no-such-route"), 404, "ERR_NOT_FOUND", "route");
  });
  await run.check(C["svc.errors.method"], async (t) => {
    const x = await http.call("DELETE", `/v1/device/config?client_id=${client}`);
    expectError(t, x, 405, "ERR_METHOD_NOT_ALLOWED", "DELETE config");
  });
}

/**
 * Judges every answer the run received: error bodies and statuses, `time` and nonces of the
 * device API. Run last.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await crossCuttingChecks(ctx);
 * ```
 */
export async function crossCuttingChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const errors = http.log.filter((x) => x.status >= 400);
  await run.check(C["svc.errors.body"], (t) => {
    t.ok(errors.length > 20, `the run saw error answers (${errors.length})`);
    for (const x of errors) {
      t.wire("ErrorBody", x.json, `the ${x.status} answer of ${x.method} ${x.path}`);
      t.ok(
        isErrorCode(body(x).code),
        `${x.method} ${x.path}: ${body(x).code} is not a catalog code`,
      );
    }
  });
  await run.check(C["svc.errors.status"], (t) => {
    for (const x of errors) {
      const code = body(x).code;
      if (!isErrorCode(code)) continue;
      t.equal(x.status, ERROR_CATALOG[code].status, `status of ${code} (${x.method} ${x.path})`);
    }
  });
  // Every device answer but CORS preflights (no body: SPEC §6.0 is about answers to requests).
  const device = http.log.filter((x) => x.path.startsWith("/v1/device/") && x.method !== "OPTIONS");
  await run.check(C["svc.device.time"], (t) => {
    for (const x of device) {
      const time = body(x).time;
      t.ok(
        Number.isInteger(time),
        `${x.method} ${x.path} ${x.status}: time ${time} (${describe(x)})`,
      );
    }
  });
  await run.check(C["svc.device.nonce"], (t) => {
    for (const x of device.filter((x) => x.status >= 200 && x.status < 300)) {
      const nonce = body(x).nonce;
      t.ok(typeof nonce === "string" && nonce.length <= 128, `${x.method} ${x.path}: nonce`);
      t.equal(x.headers.get("ds-nonce"), nonce, `${x.method} ${x.path}: DS-Nonce header`);
    }
  });
}
