/**
 * `POST /v1/backend/users/clear` (SPEC §7.5): clears the device session's user, named by a
 * session token or a secure session token (consumed like §7.2).
 *
 * @module
 */
import { ClearUserRequestSchema, parseOrThrow } from "../../../core/mod.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { presentedSession } from "./actions.ts";
import { backendClient } from "./auth.ts";

/**
 * Clears the session's user.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await clearUser(deps, req); // POST /v1/backend/users/clear, as buildApp routes it
 * ```
 */
export async function clearUser(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
  });
  const body = parseOrThrow(ClearUserRequestSchema, value, "ERR_INVALID_BODY");
  const { session } = await presentedSession(d, r, client.id, {
    ...(body.session_token !== undefined ? { sessionToken: body.session_token } : {}),
    ...(body.secured_session_token !== undefined
      ? { secureToken: body.secured_session_token }
      : {}),
    ...(body.action_type !== undefined ? { action: body.action_type } : {}),
  });
  await d.store.patchSession(
    session.id,
    { user: { id: null, seq: 0 } },
    r.now,
    d.opts.limits.retentionS,
  );
  return json(200, { ok: true });
}
