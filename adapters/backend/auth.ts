/**
 * Client credentials (SPEC §7.1): the access token is fetched once, shared by every call,
 * renewed ahead of its expiry, and fetched by one request however many calls wait for it
 * (single flight).
 *
 * @module
 */
import { AccessTokenResponseSchema } from "../../core/mod.ts";
import { send } from "./http.ts";
import type { ResolvedBackendOptions } from "./options.ts";

/** A cached access token. */
interface CachedToken {
  readonly token: string;
  /** Epoch ms after which a new token is fetched before the next call. */
  readonly renewAt: number;
}

/** Hands out access tokens; see {@link createTokenSource}. */
export interface TokenSource {
  /** A valid access token: the cached one, or a new one (shared with concurrent callers). */
  get(): Promise<string>;
  /**
   * Forgets `token` after the service rejected it (401): the next {@link get} fetches a new
   * one. A token already replaced by a concurrent caller is left alone.
   */
  reject(token: string): void;
  /** How many token requests were sent (for monitoring and tests). */
  readonly requests: number;
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded,
// so a secret with ':' or non-ASCII characters survives (the result is ASCII, safe for btoa).
function basicAuthorization(id: string, secret: string): string {
  const form = (s: string) => new URLSearchParams([["", s]]).toString().slice(1);
  return `Basic ${btoa(`${form(id)}:${form(secret)}`)}`;
}

/**
 * The access-token source of one backend client.
 *
 * @example
 * ```ts
 * import { type BackendClientOptions, resolveBackendOptions } from "./options.ts";
 * declare const options: BackendClientOptions;
 * const tokens = createTokenSource(resolveBackendOptions(options));
 * const bearer = await tokens.get();
 * ```
 */
export function createTokenSource(o: ResolvedBackendOptions): TokenSource {
  let cached: CachedToken | null = null;
  let pending: Promise<string> | null = null;
  let requests = 0;
  const authorization = basicAuthorization(o.clientId, o.clientSecret);

  async function fetchToken(): Promise<string> {
    requests++;
    // Lifetime counts from before the request left: never later than the service's own clock.
    const sentAt = o.now();
    const answer = await send(o, {
      method: "POST",
      path: "v1/oauth/token",
      headers: { authorization },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
      expect: 200,
      schema: AccessTokenResponseSchema,
    });
    const lifetimeMs = answer.expires_in * 1000;
    // Half the lifetime at most: a short-lived token is still used for a while between renewals.
    const marginMs = Math.min(o.renewBeforeSeconds * 1000, lifetimeMs / 2);
    cached = { token: answer.access_token, renewAt: sentAt + lifetimeMs - marginMs };
    return answer.access_token;
  }

  return {
    get(): Promise<string> {
      if (cached !== null && o.now() < cached.renewAt) return Promise.resolve(cached.token);
      if (pending === null) {
        pending = fetchToken().finally(() => {
          pending = null;
        });
      }
      return pending;
    },
    reject(token: string): void {
      if (cached?.token === token) cached = null;
    },
    get requests(): number {
      return requests;
    },
  };
}
