/**
 * Secure-token middleware in the `(req, res, next)` shape of connect and express (and of
 * anything built on `node:http`). The request and response are typed structurally, so no web
 * framework is a dependency, and nothing of `node:*` is imported.
 *
 * @module
 */
import { errorFromCode } from "../../core/mod.ts";
import {
  rejection,
  secureTokenChecker,
  type SecureTokenOptions,
  type VerifiedSecureToken,
} from "./secure-token.ts";

/** The parts of a `node:http` `IncomingMessage` (or express `Request`) the middleware uses. */
export interface ConnectRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** A body already parsed by a body parser (express.json()); read from the stream otherwise. */
  body?: unknown;
  /** Set by the middleware on success. */
  deviceSession?: VerifiedSecureToken;
  [Symbol.asyncIterator]?(): AsyncIterator<unknown>;
}

/** The parts of a `node:http` `ServerResponse` the middleware uses. */
export interface ConnectResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** The `next` callback: no argument to continue, an error to hand it to the error handler. */
export type ConnectNext = (error?: unknown) => void;

/** Options of {@link secureTokenConnectMiddleware}; `actionType` may read the request. */
export type SecureTokenConnectOptions<R extends ConnectRequest = ConnectRequest> =
  & SecureTokenOptions<R>
  & {
    /** Largest body read from the stream when no body parser ran, in bytes (default 65536). */
    readonly maxBodyBytes?: number;
  };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function readJson(req: ConnectRequest, maxBytes: number): Promise<unknown> {
  if (req.body !== undefined) return req.body;
  const iterate = req[Symbol.asyncIterator];
  if (iterate === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of { [Symbol.asyncIterator]: () => iterate.call(req) }) {
    // node:http yields Buffers (Uint8Arrays), or strings after req.setEncoding().
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    if (!(bytes instanceof Uint8Array)) {
      throw errorFromCode("ERR_INVALID_BODY", "the request body is not a byte stream");
    }
    size += bytes.length;
    if (size > maxBytes) throw errorFromCode("ERR_BODY_TOO_LARGE", `body over ${maxBytes} bytes`);
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(all));
  } catch (e) {
    throw errorFromCode("ERR_INVALID_BODY", "the request body is not JSON", { cause: e });
  }
  // The stream is spent: leave the body where body parsers leave it, for the handlers.
  req.body = parsed;
  return parsed;
}

/**
 * A connect/express-style middleware that verifies the request's secure session token locally
 * (SPEC §5.4) and consumes its `jti` in `replayStore` before your handler runs. On success
 * `req.deviceSession` holds `{ token, actionType, result }`; forward `token` with
 * `triggerAction` (the service counts it once more in its own store, SPEC §5.7.3). On failure
 * it answers the catalog status with a JSON `{ code, message }` body and does not call
 * `next`; an unexpected error goes to `next(error)`.
 *
 * With `field`, the token is read from `req.body` (mount it after your body parser), or, when
 * no parser ran, from the JSON body it reads itself (then left in `req.body`).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createMemoryReplayStore, secureTokenConnectMiddleware } from "device-session/backend";
 *
 * const verifyLogin = secureTokenConnectMiddleware({
 *   issuer: "https://risk.example.com",
 *   audience: "demo",
 *   jwks: "https://risk.example.com/.well-known/jwks.json",
 *   actionType: "login",
 *   field: "secureToken",
 *   replayStore: createMemoryReplayStore(),
 * });
 * // express: app.post("/api/login", express.json(), verifyLogin, (req, res) => …)
 * createServer((req, res) =>
 *   // Verified: (req as ConnectRequest).deviceSession holds { token, actionType, result }.
 *   verifyLogin(req, res, () => res.end("welcome"))
 * ).listen(3000);
 * ```
 */
export function secureTokenConnectMiddleware<R extends ConnectRequest = ConnectRequest>(
  options: SecureTokenConnectOptions<R>,
): (req: R, res: ConnectResponse, next: ConnectNext) => Promise<void> {
  const { maxBodyBytes = 65536, ...rest } = options;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw errorFromCode("ERR_INVALID_INPUT", "maxBodyBytes must be a positive integer");
  }
  const check = secureTokenChecker<R>(rest);
  return async (req, res, next) => {
    let verified: VerifiedSecureToken;
    try {
      verified = await check(req, {
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return typeof value === "string" ? value : (value?.[0] ?? null);
        },
        body: () => readJson(req, maxBodyBytes),
      });
    } catch (e) {
      const r = rejection(e);
      if (r === null) return next(e);
      res.statusCode = r.status;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.setHeader("cache-control", "no-store");
      res.end(JSON.stringify(r.body));
      return;
    }
    req.deviceSession = verified;
    next();
  };
}
