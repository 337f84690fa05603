/**
 * The Redis key layout (documented in docs/redis.md). Every key that a script touches together
 * shares one hash tag, so each script runs in one Redis Cluster slot:
 *
 * - `{s:<sid>}` a session (with its telemetry seqs) and what it owns (actions, SDK action index);
 * - `{d:<client>:<did>}` one device and its users (per device, so a big tenant is no hot slot);
 * - `{r:<client>}` a client's rules and their priority index;
 * - consumed ids and counters are single-key and untagged, so they spread over the slots.
 *
 * @module
 */

/** The length of a service action id's own part (`a_` + 22 characters, SPEC §1.4). */
const ACTION_OWN_LENGTH = 24;

/** Key names under one prefix. */
export class RedisKeys {
  readonly #p: string;
  constructor(prefix: string) {
    this.#p = prefix;
  }
  /** A consumed secure-token id. */
  replay(key: string): string {
    return `${this.#p}j:${key}`;
  }
  /** A consumed device-proof id (a table of its own). */
  proof(key: string): string {
    return `${this.#p}p:${key}`;
  }
  /** The session hash. */
  session(sid: string): string {
    return `${this.#p}{s:${sid}}`;
  }
  /** The action id recorded for an SDK action event `seq` of the session. */
  actionBySeq(sid: string, seq: number): string {
    return `${this.#p}{s:${sid}}:n:${seq}`;
  }
  /** The action hash, in its session's slot (the id ends with the session id); `null`: no such id. */
  action(actionId: string): string | null {
    const sid = actionSessionId(actionId);
    return sid === null ? null : `${this.#p}{s:${sid}}:a:${actionId.slice(0, ACTION_OWN_LENGTH)}`;
  }
  /** A device hash (`k`: key thumbprint, `n`: user counter). */
  device(clientId: string, deviceId: string): string {
    return `${this.#p}{d:${clientId}:${deviceId}}`;
  }
  /** The device's users, scored by recency. */
  deviceUsers(clientId: string, deviceId: string): string {
    return `${this.#p}{d:${clientId}:${deviceId}}:u`;
  }
  /** The client's rules by id (JSON). */
  rules(clientId: string): string {
    return `${this.#p}{r:${clientId}}`;
  }
  /** The client's rule ids by priority. */
  rulePriorities(clientId: string): string {
    return `${this.#p}{r:${clientId}}:p`;
  }
  /** A sliding-window or distinct counter, or a fixed rate window. */
  counter(kind: "h" | "u" | "w", key: string): string {
    return `${this.#p}${kind}:${key}`;
  }
  /** The service's shared signing keyring. */
  keyring(): string {
    return `${this.#p}keyring`;
  }
  /** A client's telemetry stream (event sink). */
  events(clientId: string): string {
    return `${this.#p}ev:${clientId}`;
  }
}

/**
 * The session id embedded in a service action id (`a_` + 22 characters + the session id), or
 * `null` for an id of another shape (such an action cannot be stored in Redis).
 *
 * @example
 * ```ts
 * actionSessionId("a_" + "x".repeat(22) + "s_1"); // "s_1"
 * ```
 */
export function actionSessionId(actionId: string): string | null {
  return actionId.length > ACTION_OWN_LENGTH && actionId.startsWith("a_")
    ? actionId.slice(ACTION_OWN_LENGTH)
    : null;
}
