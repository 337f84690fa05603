/**
 * `POST /v1/device/sessions` (create, SPEC §6.2) and `POST /v1/device/sessions/{id}/refresh`
 * (SPEC §6.3): device proofs with service nonces, device registration (key changes), session
 * lifetimes.
 *
 * @module
 */
import {
  CreateSessionRequestSchema,
  errorFromCode,
  Id,
  parseOrThrow,
  RefreshRequestSchema,
} from "../../../core/mod.ts";
import * as v from "valibot";
import { newSession, sessionRetainUntil, sessionStatus } from "../../../core/service/session.ts";
import { flatString, newId } from "../ids.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { checkProof, deviceClient, withNonce } from "./common.ts";

/**
 * Creates a device session.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await createSession(deps, req); // POST /v1/device/sessions, as buildApp routes it
 * ```
 */
export async function createSession(d: Deps, r: Req): Promise<Response> {
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
  });
  const body = parseOrThrow(CreateSessionRequestSchema, value, "ERR_INVALID_BODY");
  const client = deviceClient(d, r, body.client_id);
  const proof = await checkProof(d, r);
  const l = d.opts.limits;
  // Kept for the session's life by the device and session records: one flat string for both.
  const jkt = flatString(proof.jkt);
  const device = await d.store.registerDevice({
    clientId: client.id,
    requestedId: body.device_id ?? null,
    freshId: newId("d_"),
    jkt,
    expiresAtMs: (r.now + l.sessionAbsoluteS + l.deviceRetentionS) * 1000,
  });
  const session = newSession({
    id: newId("s_"),
    clientId: client.id,
    deviceId: device.deviceId,
    jkt,
    keyAssurance: body.key_assurance,
    keyEvent: body.key_event,
    keyChanged: device.keyMismatch,
    userId: body.user_id ?? null,
    ...(body.attributes !== undefined ? { attributes: body.attributes } : {}),
    now: r.now,
    absoluteS: l.sessionAbsoluteS,
    idleS: l.sessionIdleS,
  });
  await d.store.createSession(session, sessionRetainUntil(session, l.retentionS) * 1000);
  if (session.userId !== null) {
    // An app passes user_id at init only for a fully authenticated user (SPEC §6.2).
    await d.store.linkUser(client.id, device.deviceId, session.userId, deviceExpiry(d, r));
  }
  const minted = await d.tokens.mintSession({
    clientId: client.id,
    sessionId: session.id,
    deviceId: device.deviceId,
    jkt,
    now: r.now,
  });
  return withNonce(d, r, 201, {
    session_id: session.id,
    device_id: device.deviceId,
    session_token: minted.token,
    token_expires_at: minted.exp,
    session_expires_at: session.absoluteEnd,
    idle_timeout_s: session.idleS,
    user_id: session.userId,
  });
}

/** When a device record touched now may be forgotten. */
export function deviceExpiry(d: Deps, r: Req): number {
  const l = d.opts.limits;
  return (r.now + l.sessionAbsoluteS + l.deviceRetentionS) * 1000;
}

/**
 * Refreshes a device session's token.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await refreshSession(deps, req); // POST /v1/device/sessions/:id/refresh, as buildApp routes it
 * ```
 */
export async function refreshSession(d: Deps, r: Req): Promise<Response> {
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
    emptyAs: {},
  });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw errorFromCode("ERR_INVALID_BODY", "the body must be a JSON object ({})");
  }
  parseOrThrow(RefreshRequestSchema, value, "ERR_INVALID_BODY");
  const id = r.id ?? "";
  const known = v.is(Id, id) ? await d.store.getSession(id) : null;
  // The proof is checked first (SPEC §5.2 steps 1–9, step 8 against the session's key), so an
  // unauthenticated caller learns nothing about sessions.
  await checkProof(d, r, known?.jkt);
  if (known === null) throw errorFromCode("ERR_SESSION_UNKNOWN", "no such device session");
  deviceClient(d, r, known.clientId);
  const l = d.opts.limits;
  if (sessionStatus(known, r.now, l.retentionS) !== "active") {
    throw errorFromCode("ERR_SESSION_ENDED", "the device session has ended");
  }
  const session = await d.store.patchSession(id, { seen: r.now }, r.now, l.retentionS);
  if (session === null) throw errorFromCode("ERR_SESSION_ENDED", "the device session has ended");
  const minted = await d.tokens.mintSession({
    clientId: session.clientId,
    sessionId: session.id,
    deviceId: session.deviceId,
    jkt: session.jkt,
    now: r.now,
  });
  return withNonce(d, r, 200, {
    session_token: minted.token,
    token_expires_at: minted.exp,
    session_expires_at: session.absoluteEnd,
    user_id: session.userId,
  });
}
