/**
 * `POST /v1/oauth/token` (SPEC §7.1): the client-credentials grant. Credentials by HTTP Basic or
 * form fields (not both); an unknown client and a wrong secret are indistinguishable and take
 * the same time. Rate-limited per IP to slow secret guessing.
 *
 * @module
 */
import { errorFromCode } from "../../../core/mod.ts";
import { basicCredentials } from "../clients.ts";
import { type Deps, rateLimit, type Req } from "../context.ts";
import { mediaType, readCapped, utf8 } from "../http/body.ts";
import { json } from "../http/respond.ts";

/**
 * Issues a backend access token.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await issueToken(deps, req); // POST /v1/oauth/token, as buildApp routes it
 * ```
 */
export async function issueToken(d: Deps, r: Req): Promise<Response> {
  await rateLimit(d, r, `token:${r.ip ?? "unknown"}`, d.opts.rateLimits.tokenPerIpPerMinute);
  mediaType(r.raw, ["form"]);
  const form = new URLSearchParams(utf8(await readCapped(r.raw, d.opts.limits.maxBodyBytes)));
  for (const name of ["grant_type", "client_id", "client_secret"]) {
    if (form.getAll(name).length > 1) {
      throw errorFromCode("ERR_INVALID_BODY", `${name} appears twice`);
    }
  }
  if (form.get("grant_type") !== "client_credentials") {
    throw errorFromCode("ERR_INVALID_BODY", "grant_type must be client_credentials");
  }
  const header = r.raw.headers.get("authorization");
  const basic = basicCredentials(header);
  const formId = form.get("client_id");
  const formSecret = form.get("client_secret");
  if (header !== null && basic === null) throw unauthenticated("malformed Basic credentials");
  if (basic !== null && (formId !== null || formSecret !== null)) {
    // RFC 6749 §2.3: one authentication method per request.
    throw errorFromCode("ERR_INVALID_BODY", "send credentials either as Basic or as form fields");
  }
  const id = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  if (id === null || secret === null) throw unauthenticated("client credentials are required");
  const client = await d.clients.authenticate(id, secret);
  if (client === null) throw unauthenticated("invalid client credentials");
  r.clientId = client.id;
  const minted = await d.tokens.mintAccess({ clientId: client.id, now: r.now });
  return json(200, {
    access_token: minted.token,
    token_type: "Bearer",
    expires_in: minted.exp - r.now,
    scope: "backend",
  }, { pragma: "no-cache" });
}

function unauthenticated(message: string) {
  return errorFromCode("ERR_UNAUTHENTICATED", message);
}
