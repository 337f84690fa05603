/**
 * Shared steps of the device API (SPEC §6): the client and its origin, fresh nonces on every
 * answer, and the session create/refresh answers.
 *
 * @module
 */
import { DeviceSessionError, errorFromCode, type ProofResult } from "../../../core/mod.ts";
import type { ClientEntry } from "../options.ts";
import { type Deps, rateLimit, type Req } from "../context.ts";
import { json } from "../http/respond.ts";

/**
 * The client `id` of a device request, with its origin checked: 404 `ERR_CLIENT_UNKNOWN`, 403
 * `ERR_FORBIDDEN` for a browser origin the client does not allow.
 */
export function deviceClient(d: Deps, r: Req, id: string): ClientEntry {
  const client = d.clients.get(id);
  if (client === undefined) throw errorFromCode("ERR_CLIENT_UNKNOWN", "no such client");
  r.clientId = client.id;
  if (!d.clients.originAllowed(client, r.origin)) {
    throw errorFromCode("ERR_FORBIDDEN", "this origin is not allowed for the client");
  }
  return client;
}

/**
 * A 2xx device answer with `time` and a fresh `nonce` in the body and the `DS-Nonce` header
 * (SPEC §6.0). `body` is the caller's fresh object: both members are added to it (a spread into
 * a copy costs more than the rest of a config answer).
 */
export async function withNonce(
  d: Deps,
  r: Req,
  status: number,
  body: Record<string, unknown>,
): Promise<Response> {
  const nonce = await d.nonces.issue(r.now);
  body.time = r.now;
  body.nonce = nonce;
  return json(status, body, { "ds-nonce": nonce });
}

/**
 * Runs a proof check, turning `ERR_NONCE_INVALID` into the SPEC §6.0 answer that carries a fresh
 * nonce in `details.nonce` (and, by the error handler, in `DS-Nonce`).
 */
export async function withFreshNonceOnFailure<T>(
  d: Deps,
  r: Req,
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof DeviceSessionError && e.code === "ERR_NONCE_INVALID") {
      throw errorFromCode("ERR_NONCE_INVALID", "retry with the fresh nonce in details.nonce", {
        details: { nonce: await d.nonces.issue(r.now) },
      });
    }
    throw e;
  }
}

/** The `DS-Proof` header; 401 `ERR_TOKEN_MALFORMED` when missing. */
export function proofHeader(r: Req): string {
  const proof = r.raw.headers.get("ds-proof");
  if (proof === null || proof === "") {
    throw errorFromCode("ERR_TOKEN_MALFORMED", "the DS-Proof header is required");
  }
  return proof.trim();
}

/**
 * The request's `DS-Proof` checked (SPEC §5.2; for a refresh, step 8 against `expectedJkt`),
 * at most `proofPerIpPerMinute` per client IP: proofs come before any authentication and each
 * valid one occupies the proof replay table for 120 s (SPEC §5.7.5).
 */
export async function checkProof(d: Deps, r: Req, expectedJkt?: string): Promise<ProofResult> {
  await rateLimit(d, r, `proof:${r.ip ?? "unknown"}`, d.opts.rateLimits.proofPerIpPerMinute);
  return withFreshNonceOnFailure(d, r, () =>
    d.tokens.verifyProof(proofHeader(r), {
      method: "POST",
      path: r.path,
      now: r.now,
      ...(expectedJkt !== undefined ? { expectedJkt } : {}),
    }));
}
