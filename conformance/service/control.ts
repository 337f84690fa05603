/**
 * The suite's side of the test-control extension (SPEC Appendix A): a service in test mode names
 * it in discovery (`test_control`); through it the suite moves the service clock, rotates the
 * signing key and reads a session's facts, so time- and state-dependent rules are judged. Without
 * it those checks are incomplete, never passed.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { Backend } from "./backend-actor.ts";
import { body, type Exchange, type Http } from "./http.ts";

/** What the extension tells about the client under test (`GET …/client`). */
export interface ClientFacts {
  readonly client_id: string;
  readonly allowed_origins: readonly string[];
  readonly retention_s: number;
  readonly clock_tolerance_s: number;
  readonly policy: {
    readonly base: number;
    readonly weights: Readonly<Record<string, number>>;
    readonly thresholds: {
      readonly velocity_device: number;
      readonly velocity_ip: number;
      readonly users_per_device: number;
      readonly devices_per_user: number;
    };
    readonly bands: { readonly deny: number; readonly challenge: number; readonly trust: number };
  };
  /** The period of scheduled key rotation (0: none); absent from services before A.5 named it. */
  readonly key_rotation_s?: number;
  /** The rate limits it enforces, per minute (0: none); absent from services before A.5 named them. */
  readonly rate_limits?: {
    readonly device_per_ip_per_min: number;
    readonly proof_per_ip_per_min: number;
    readonly token_per_ip_per_min: number;
    readonly backend_per_client_per_min: number;
  };
}

/** What the extension tells about a session (`GET …/sessions/{id}`). */
export interface SessionFacts {
  readonly session_id: string;
  readonly device_id: string;
  readonly created_at: number;
  readonly session_expires_at: number;
  readonly idle_timeout_s: number;
  readonly last_seen_at: number;
  readonly ends_at: number;
  readonly status: "active" | "ended" | "gone";
  readonly user_id: string | null;
  readonly automation: boolean;
  readonly interactions: number;
  readonly dropped_total: number;
  readonly key_changed: boolean;
}

/** What to enable when a check needs the extension. */
export const ENABLE_CONTROL =
  "the service's test-control extension (SPEC Appendix A), e.g. `device-session serve --conformance` or `--demo`";

/**
 * The extension, reached as a backend of one client.
 *
 * @example
 * ```ts
 * import type { Http } from "./http.ts";
 * declare const http: Http;
 * declare const discovery: Record<string, unknown> | null;
 * const control = await Control.discover(http, discovery);
 * await control?.advance(1800);
 * ```
 */
export class Control {
  readonly http: Http;
  readonly path: string;
  readonly #backend: Backend;

  private constructor(http: Http, path: string, backend: Backend) {
    this.http = http;
    this.path = path;
    this.#backend = backend;
  }

  /** The extension a discovery document names, with an access token of `id`, or `null`. */
  static async discover(
    http: Http,
    discovery: Record<string, unknown> | null,
    client?: { id: string; secret: string },
  ): Promise<Control | null> {
    const url = discovery?.test_control;
    if (typeof url !== "string") return null;
    let path: string;
    try {
      path = new URL(url).pathname.replace(/\/?$/, "/");
    } catch {
      return null;
    }
    const b = await Backend.create(http, client?.id, client?.secret).catch(() => null);
    return b === null ? null : new Control(http, path, b);
  }

  /** A call as the client; a new access token once when the old one expired (clock moved). */
  async #call(method: string, rel: string, json?: unknown): Promise<Exchange> {
    let x = await this.#backend.call(method, this.path + rel, json);
    if (x.status === 401) {
      const fresh = await Backend.create(this.http, this.#backend.id, this.#backend.secret);
      this.#backend.token = fresh.token;
      x = await this.#backend.call(method, this.path + rel, json);
    }
    return x;
  }

  #ok(x: Exchange, what: string): Record<string, unknown> {
    if (x.status !== 200) {
      throw new Error(`test control ${what}: ${x.status} ${x.text.slice(0, 200)}`);
    }
    return body(x);
  }

  /** Moves the service clock forward by `s` seconds; answers the new service time. */
  async advance(s: number): Promise<number> {
    const x = await this.#call("POST", "clock", { advance_s: Math.max(1, Math.ceil(s)) });
    return Number(this.#ok(x, "clock").time);
  }

  /** Moves the service clock to at least `t` (service seconds). */
  async advanceTo(t: number): Promise<number> {
    const now = await this.http.syncS();
    return now >= t ? now : await this.advance(t - now);
  }

  /** Rotates the signing key (the raw answer: 200, or 409 when it cannot rotate now). */
  rotate(): Promise<Exchange> {
    return this.#call("POST", "keys/rotate", {});
  }

  /** The client's facts. */
  async client(): Promise<ClientFacts> {
    return this.#ok(await this.#call("GET", "client"), "client") as unknown as ClientFacts;
  }

  /** Another client's facts, with its own credentials. */
  async clientOf(id: string, secret: string): Promise<ClientFacts> {
    const b = await Backend.create(this.http, id, secret);
    const x = await b.call("GET", `${this.path}client`);
    return this.#ok(x, "client") as unknown as ClientFacts;
  }

  /** A session's facts (its client's sessions only). */
  async session(id: string): Promise<SessionFacts> {
    const x = await this.#call("GET", `sessions/${encodeURIComponent(id)}`);
    return this.#ok(x, "session") as unknown as SessionFacts;
  }
}

/**
 * The extension, or the check cannot run (incomplete for a MUST).
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const t: Assert;
 * declare const ctx: ServiceContext;
 * const control = needControl(t, ctx.control ?? null);
 * ```
 */
export function needControl(t: Assert, control: Control | null): Control {
  if (control === null) {
    t.skip("needs the service's test-control extension (not advertised in discovery)", {
      enable: ENABLE_CONTROL,
    });
  }
  return control;
}
