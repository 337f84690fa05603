/**
 * Backend API authentication (SPEC §7.0): `Authorization: Bearer <access token>`, verified
 * against the service's keys; the client must still be configured and the scope must include
 * `backend`. Any failure is 401 `ERR_UNAUTHENTICATED` (the verifier's code in `details.cause`).
 *
 * @module
 */
import { DeviceSessionError, errorFromCode } from "../../../core/mod.ts";
import type { ClientEntry } from "../options.ts";
import { type Deps, rateLimit, type Req } from "../context.ts";

/**
 * The authenticated client of a backend request.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const client = await backendClient(deps, req);
 * ```
 */
export async function backendClient(d: Deps, r: Req): Promise<ClientEntry> {
  const header = r.raw.headers.get("authorization");
  const m = header === null ? null : /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i.exec(header);
  if (m === null) throw unauthenticated("an Authorization: Bearer access token is required");
  let clientId: string;
  try {
    const access = await d.tokens.verifyAccess(m[1]!, r.now);
    if (!access.scope.split(" ").includes("backend")) {
      throw unauthenticated("the access token lacks the backend scope");
    }
    clientId = access.clientId;
  } catch (e) {
    if (
      e instanceof DeviceSessionError && e.code !== "ERR_UNAUTHENTICATED" && e.status !== null &&
      e.status < 500
    ) {
      throw unauthenticated("invalid access token", e.code);
    }
    throw e;
  }
  const client = d.clients.get(clientId);
  if (client === undefined) throw unauthenticated("the client is no longer configured");
  r.clientId = client.id;
  await rateLimit(d, r, `backend:${client.id}`, d.opts.rateLimits.backendPerClientPerMinute);
  return client;
}

function unauthenticated(message: string, cause?: string): DeviceSessionError {
  return errorFromCode("ERR_UNAUTHENTICATED", message, cause ? { details: { cause } } : undefined);
}
