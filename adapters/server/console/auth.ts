/**
 * Who is asking the console API, and for which one client: an operator bearer token (scoped to
 * its client by configuration) or, unless turned off, a client's backend access token (SPEC
 * §7.1). Everything the console answers is read under that client id only.
 *
 * @module
 */
import { errorFromCode } from "../../../core/mod.ts";
import { backendClient } from "../backend/auth.ts";
import type { Deps, Req } from "../context.ts";
import { bearerToken, matchToken } from "../metrics/bearer.ts";

/** The console's caller. */
export interface ConsoleCaller {
  /** The only client whose data the caller sees. */
  readonly clientId: string;
  /** `operator:<id>` or `client:<id>`, for the audit trail. */
  readonly actor: string;
}

/**
 * Authenticates a console API request; 401 `ERR_UNAUTHENTICATED` otherwise.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const { clientId } = await consoleCaller(deps, req);
 * ```
 */
export async function consoleCaller(d: Deps, r: Req): Promise<ConsoleCaller> {
  const o = d.opts.console!;
  const token = bearerToken(r.raw.headers.get("authorization"));
  if (token === null) {
    throw errorFromCode("ERR_UNAUTHENTICATED", "an Authorization: Bearer token is required");
  }
  const operators = o.operators ?? [];
  const i = await matchToken(token, operators.map((op) => op.tokenSha256));
  if (i !== -1) {
    const op = operators[i]!;
    r.clientId = op.clientId;
    return { clientId: op.clientId, actor: `operator:${op.id}` };
  }
  if (o.backendTokens === false) {
    throw errorFromCode("ERR_UNAUTHENTICATED", "not an operator token");
  }
  const client = await backendClient(d, r);
  return { clientId: client.id, actor: `client:${client.id}` };
}
