/**
 * What the service checks share: the runner, the HTTP layer, what the service published (config,
 * JWKS) and helpers to judge error answers and service-signed tokens.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import type { Runner } from "../core/run.ts";
import { parseJws } from "../../core/token/jws.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import type { Jwks } from "../../core/wire/mod.ts";
import { body, type Exchange, type Http } from "./http.ts";
import type { Control } from "./control.ts";
import type { Device } from "./actors.ts";

/** Shared state of a service run. */
export interface ServiceContext {
  readonly run: Runner;
  readonly http: Http;
  /** The config the service answered (set by the config check). */
  config: Record<string, unknown> | null;
  /** The JWKS the service published (set by the JWKS check, re-read on an unknown kid). */
  jwks: Jwks | null;
  /** The discovery document (set by the discovery check). */
  discovery?: Record<string, unknown> | null;
  /** The test-control extension (SPEC Appendix A) when the service advertises it. */
  control?: Control | null;
  /** A device whose session reached its absolute end (for the retention check). */
  ended?: Device | null;
}

/**
 * A short description of an answer, for failure messages.
 *
 * @example
 * ```ts
 * import type { Exchange } from "./http.ts";
 * declare const x: Exchange;
 * describe(x); // '401 {"code":"ERR_NONCE_INVALID",…}'
 * ```
 */
export function describe(x: Exchange): string {
  return `${x.status} ${x.text.length > 200 ? `${x.text.slice(0, 200)}…` : x.text}`;
}

/**
 * Fails unless `x` is an error answer with `status` and `code` (any of `code` when a list).
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { Exchange } from "./http.ts";
 * declare const t: Assert;
 * declare const x: Exchange;
 * expectError(t, x, 409, "ERR_REPLAYED", "second presentation");
 * ```
 */
export function expectError(
  t: Assert,
  x: Exchange,
  status: number | readonly number[],
  code: string | readonly string[],
  what: string,
): void {
  const statuses = Array.isArray(status) ? status : [status];
  const codes = Array.isArray(code) ? code : [code];
  const got = body(x).code;
  if (!statuses.includes(x.status) || !codes.includes(got as string)) {
    t.fail(`${what}: expected ${statuses.join("|")} ${codes.join("|")}, got ${describe(x)}`);
  }
}

/**
 * `details.cause` of an error answer (SPEC §6.5), or `undefined`.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { Exchange } from "./http.ts";
 * declare const t: Assert;
 * declare const x: Exchange;
 * t.equal(causeOf(x), "ERR_AUDIENCE_MISMATCH", "details.cause");
 * ```
 */
export function causeOf(x: Exchange): unknown {
  const details = body(x).details;
  return typeof details === "object" && details !== null
    ? (details as Record<string, unknown>).cause
    : undefined;
}

/**
 * Fails unless `x` has `status`; answers its JSON body.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { Device } from "./actors.ts";
 * declare const t: Assert;
 * declare const d: Device;
 * const body = expectStatus(t, await d.createRaw(), 201, "create");
 * ```
 */
export function expectStatus(
  t: Assert,
  x: Exchange,
  status: number,
  what: string,
): Record<string, unknown> {
  if (x.status !== status) t.fail(`${what}: expected ${status}, got ${describe(x)}`);
  return body(x);
}

/**
 * The JWKS to judge `token` with: the one last read, re-read when it does not hold the token's
 * `kid` (a service may rotate its key mid-run, SPEC §3.6; verifiers refetch the same way,
 * §3.7). A prerequisite of token checks: incomplete without a JWKS.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * declare const t: Assert;
 * declare const ctx: ServiceContext;
 * declare const sessionToken: string;
 * const jwks = await jwksFor(t, ctx, sessionToken);
 * ```
 */
export async function jwksFor(t: Assert, c: ServiceContext, token: unknown): Promise<Jwks> {
  if (c.jwks === null) t.skip("needs the JWKS (svc.jwks.shape did not get one)");
  let kid: unknown;
  try {
    kid = parseJws(String(token)).header.kid;
  } catch {
    return c.jwks; // the caller's checks report the malformed token
  }
  if (c.jwks.keys.some((k) => k.kid === kid)) return c.jwks;
  const x = await c.http.call("GET", "/.well-known/jwks.json");
  const fresh = body(x) as unknown as Jwks;
  if (x.status === 200 && Array.isArray(fresh.keys)) c.jwks = fresh;
  return c.jwks;
}

/**
 * The issuer from config or a skip.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * declare const t: Assert;
 * declare const ctx: ServiceContext;
 * const issuer = needIssuer(t, ctx);
 * ```
 */
export function needIssuer(t: Assert, c: ServiceContext): string {
  const issuer = c.config?.issuer;
  if (typeof issuer !== "string") t.skip("needs the issuer (svc.config.shape did not get one)");
  return issuer;
}

/**
 * Checks a service-signed token's header against the JWKS (SPEC §3.1, §4.4): `typ`, an allowed
 * `alg` agreeing with the key, a `kid` naming a published key whose thumbprint it is.
 * Answers the decoded payload.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * declare const t: Assert;
 * declare const ctx: ServiceContext;
 * declare const token: string;
 * const claims = await checkServiceHeader(t, token, "ds-session+jwt", ctx, "session token");
 * ```
 */
export async function checkServiceHeader(
  t: Assert,
  token: unknown,
  typ: string,
  c: ServiceContext,
  what: string,
): Promise<Record<string, unknown>> {
  const jwks = await jwksFor(t, c, token);
  if (typeof token !== "string") t.fail(`${what}: not a string`);
  let parsed: ReturnType<typeof parseJws>;
  try {
    parsed = parseJws(token);
  } catch (e) {
    return t.fail(`${what}: not a canonical compact JWS (${e instanceof Error ? e.message : e})`);
  }
  const h = parsed.header;
  t.equal(h.typ, typ, `${what} typ`);
  t.wire("ServiceSignedHeader", h, `${what} header`);
  t.oneOf(h.alg, ["EdDSA", "ES256"], `${what} alg`);
  const key = jwks.keys.find((k) => k.kid === h.kid);
  if (key === undefined) t.fail(`${what}: kid ${h.kid} is not in the JWKS`);
  t.equal(key.kty, h.alg === "EdDSA" ? "OKP" : "EC", `${what}: the key type of kid ${h.kid}`);
  t.equal(await jwkThumbprint(key), h.kid, `${what}: kid is the key's RFC 7638 thumbprint`);
  return parsed.payload;
}
