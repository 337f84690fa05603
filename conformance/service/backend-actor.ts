/**
 * The backends the service suite plays: client credentials and an access token.
 *
 * @module
 */
import { body, type Exchange, type Http } from "./http.ts";

/**
 * A backend of a client: client credentials, an access token once obtained.
 *
 * @example
 * ```ts
 * import type { Http } from "./http.ts";
 * declare const http: Http;
 * declare const session_token: string;
 * const b = await Backend.create(http);
 * await b.call("POST", "/v1/backend/actions", { action_type: "login", session_token });
 * ```
 */
export class Backend {
  readonly http: Http;
  readonly id: string;
  readonly secret: string;
  token = "";

  constructor(http: Http, id: string, secret: string) {
    this.http = http;
    this.id = id;
    this.secret = secret;
  }

  /** A backend with its access token (throws unless the token endpoint answers 200). */
  static async create(http: Http, id?: string, secret?: string): Promise<Backend> {
    const b = new Backend(http, id ?? http.target.clientId, secret ?? http.target.clientSecret);
    const x = await b.tokenRaw();
    if (x.status !== 200) {
      throw new Error(`the token endpoint answered ${x.status} ${x.text.slice(0, 200)}`);
    }
    b.token = String(body(x).access_token);
    return b;
  }

  /** POST /v1/oauth/token with HTTP Basic credentials (or `form` fields instead). */
  tokenRaw(
    o: { form?: boolean; both?: boolean; secret?: string; grant?: string } = {},
  ): Promise<Exchange> {
    const secret = o.secret ?? this.secret;
    const form = new URLSearchParams({ grant_type: o.grant ?? "client_credentials" });
    if (o.form || o.both) {
      form.set("client_id", this.id);
      form.set("client_secret", secret);
    }
    const basic = !o.form || o.both;
    return this.http.call("POST", "/v1/oauth/token", {
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(basic ? { authorization: `Basic ${btoa(`${this.id}:${secret}`)}` } : {}),
      },
      body: form.toString(),
    });
  }

  /** A backend API call with the bearer token (or `auth` as the Authorization header). */
  call(method: string, path: string, json?: unknown, auth?: string | null): Promise<Exchange> {
    const authorization = auth === undefined ? `Bearer ${this.token}` : auth;
    return this.http.call(method, path, {
      headers: authorization === null ? {} : { authorization },
      ...(json !== undefined ? { json } : {}),
    });
  }
}
