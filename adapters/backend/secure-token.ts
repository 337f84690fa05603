/**
 * What both middlewares share: their options, finding the secure session token in a request,
 * verifying it locally (SPEC §5.4) and turning a failure into an HTTP answer.
 *
 * SPEC §5.7.3: a backend that verifies a secure token and then forwards it to the service is
 * one use at the backend and one at the service. The middleware consumes the `jti` in **your**
 * replay store, only after every other check passed; `triggerAction` then forwards the same
 * token and the service consumes it in its own store. A second presentation fails at the
 * first party that sees it (409 `ERR_REPLAYED`). If your replay store shares storage with the
 * service's, give it another key prefix ({@link prefixReplayStore}).
 *
 * @module
 */
import * as v from "valibot";
import {
  ActionType,
  AlgSchema,
  ClientId,
  DeviceSessionError,
  ERROR_CATALOG,
  type ErrorCode,
  errorFromCode,
  MAX_CLOCK_TOLERANCE,
  parseOrThrow,
  type SecureTokenResult,
} from "../../core/mod.ts";
import type { SecureVerifyOptions } from "../verify/options.ts";
import { verifySecureSessionToken } from "../verify/verify.ts";

/**
 * The default request header that carries the secure session token.
 *
 * @example
 * ```ts
 * // In the page:
 * declare const token: string, body: string;
 * fetch("/api/transfer", { method: "POST", headers: { [SECURE_TOKEN_HEADER]: token }, body });
 * ```
 */
export const SECURE_TOKEN_HEADER = "DS-Secure-Session-Token";

/** What a middleware leaves for the handlers after a successful verification. */
export interface VerifiedSecureToken {
  /** The token as received: forward it with `triggerAction({ securedSessionToken })`. */
  readonly token: string;
  /** The action type it was verified for. */
  readonly actionType: string;
  /** The verified claims: session, device, key thumbprint, times (SPEC §5.4 result). */
  readonly result: SecureTokenResult;
}

/** Options of the middlewares; `C` is the framework's request (hono `Context`, Node `req`). */
export interface SecureTokenOptions<C> extends Omit<SecureVerifyOptions, "action" | "now"> {
  /**
   * The action type the token must be bound to, or how to get it from the request (an invalid
   * or missing one is answered 400 `ERR_INVALID_INPUT`).
   */
  readonly actionType:
    | string
    | ((request: C) => string | undefined | Promise<string | undefined>);
  /**
   * The request header that carries the token (default `DS-Secure-Session-Token`, unless
   * `field` is given). When both are given the header is tried first.
   */
  readonly header?: string;
  /** A member of the JSON request body that carries the token. */
  readonly field?: string;
  /** The clock, epoch seconds (default: the system clock). */
  readonly now?: () => number;
}

const fnOr = (schema: v.GenericSchema<string>) =>
  v.union([schema, v.custom<never>((x) => typeof x === "function")], "a string or a function");
const hasMethods = (...names: string[]) =>
  v.custom<never>(
    (x) =>
      typeof x === "object" && x !== null &&
      names.every((n) => typeof (x as Record<string, unknown>)[n] === "function"),
    `an object with ${names.join(", ")}`,
  );
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(256));
const Algs = v.optional(v.pipe(v.array(AlgSchema), v.minLength(1)));

// Everything static is checked when the middleware is built, so a configuration mistake
// fails at startup instead of as a 500 on the first request.
const OptionsSchema = v.looseObject({
  issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  audience: ClientId,
  jwks: v.custom<never>((x) => x !== undefined && x !== null, "jwks is required"),
  replayStore: hasMethods("consume"),
  actionType: fnOr(ActionType),
  header: v.optional(v.pipe(Name, v.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "a header name"))),
  field: v.optional(Name),
  algorithms: Algs,
  sessionAlgorithms: Algs,
  clockTolerance: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CLOCK_TOLERANCE)),
  ),
  maxLifetime: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))),
  crypto: v.optional(hasMethods("importKey", "verify", "sha256")),
  now: v.optional(v.custom<never>((x) => typeof x === "function", "now must be a function")),
});

/** How a middleware reads one request. */
export interface RequestAccess {
  /** A header's value, or `null`. */
  header(name: string): string | null;
  /** The parsed JSON body (`ERR_INVALID_BODY` when it is not JSON). */
  body(): Promise<unknown>;
}

/**
 * Checks middleware options (`ERR_INVALID_INPUT`) and answers the function that verifies one
 * request, throwing a `DeviceSessionError` on any failure.
 *
 * @example
 * ```ts
 * import type { Context } from "hono";
 * declare const options: SecureTokenOptions<Context>;
 * declare const c: Context;
 * const check = secureTokenChecker(options);
 * const verified = await check(c, {
 *   header: (n) => c.req.header(n) ?? null,
 *   body: () => c.req.json(),
 * });
 * ```
 */
export function secureTokenChecker<C>(
  options: SecureTokenOptions<C>,
): (request: C, access: RequestAccess) => Promise<VerifiedSecureToken> {
  parseOrThrow(OptionsSchema, options, "ERR_INVALID_INPUT");
  const { actionType, header, field, now, ...verify } = options;
  const headerName = header ?? (field === undefined ? SECURE_TOKEN_HEADER : undefined);

  async function findToken(access: RequestAccess): Promise<string> {
    const fromHeader = headerName === undefined ? null : access.header(headerName);
    if (fromHeader !== null && fromHeader !== "") return fromHeader.trim();
    if (field !== undefined) {
      const body = await access.body();
      const value = typeof body === "object" && body !== null
        ? (body as Record<string, unknown>)[field]
        : undefined;
      if (typeof value === "string" && value !== "") return value;
    }
    const where = [
      headerName === undefined ? null : `header ${headerName}`,
      field === undefined ? null : `body field ${field}`,
    ].filter((w) => w !== null).join(" or ");
    throw errorFromCode("ERR_UNAUTHENTICATED", `a secure session token is required (${where})`);
  }

  return async (request, access) => {
    const action = typeof actionType === "function" ? await actionType(request) : actionType;
    if (!v.is(ActionType, action)) {
      throw errorFromCode("ERR_INVALID_INPUT", "the request names no valid action type");
    }
    const token = await findToken(access);
    const result = await verifySecureSessionToken(token, {
      ...verify,
      action,
      ...(now === undefined ? {} : { now: now() }),
    });
    return { token, actionType: action, result };
  };
}

/** Status of codes the catalog gives none, as the middleware answers them. */
const LOCAL_STATUS: Partial<Record<ErrorCode, number>> = {
  ERR_INVALID_INPUT: 400,
  // The JWKS could not be fetched: the verifier's dependency is down, not the caller's fault.
  ERR_NETWORK: 503,
  ERR_TIMEOUT: 503,
  ERR_SERVICE: 503,
};

/**
 * The HTTP answer for a failure: the catalog status and a `{ code, message, details? }` body,
 * or `null` when `error` is not a `DeviceSessionError` (a bug: let the framework handle it).
 *
 * @example
 * ```ts
 * declare const e: unknown; // what the verification threw
 * const r = rejection(e);
 * if (r === null) throw e;
 * const response = Response.json(r.body, { status: r.status });
 * ```
 */
export function rejection(
  error: unknown,
): { status: number; body: ReturnType<DeviceSessionError["toBody"]> } | null {
  if (!(error instanceof DeviceSessionError)) return null;
  const status = ERROR_CATALOG[error.code].status ?? LOCAL_STATUS[error.code] ?? 500;
  return { status, body: error.toBody() };
}
