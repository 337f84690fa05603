/**
 * Deliberately broken SDKs for the black-box profile's self-test: each wraps our real SDK's
 * public API (or the `fetch` it sends with) and breaks one rule; `test/conformance` asserts the
 * profile fails exactly the checks each one names. Selected in the reference driver with
 * `--mutant <name>`.
 *
 * @module
 */
import type { DeviceSession } from "../../adapters/sdk/device-session.ts";

/** A broken SDK: what it breaks, the checks it must fail (exactly), and how. */
export interface SdkApiMutant {
  readonly description: string;
  readonly fails: readonly string[];
  /** Wraps each SDK instance. */
  readonly wrap?: (ds: DeviceSession) => DeviceSession;
  /** Wraps the global `fetch` the SDK sends with (installed once, for every instance). */
  readonly fetch?: (inner: typeof fetch) => typeof fetch;
  /** Runs on the storage directory an instance is about to start on, when it was used before. */
  readonly restart?: (dir: string) => Promise<void>;
}

type Fetch = typeof fetch;

/** Removes the files of `dir` whose names match `pattern` (what a forgetful SDK never reads). */
const forget = (pattern: RegExp) => async (dir: string): Promise<void> => {
  const { readdir, rm } = await import("node:fs/promises");
  for (const f of await readdir(dir)) if (pattern.test(f)) await rm(`${dir}/${f}`, { force: true });
};

// Reports a replaced device key as if nothing happened (SPEC §9.8: key_event "lost").
const hidesKeyLoss = (inner: Fetch): Fetch => (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.endsWith("/v1/device/sessions") || typeof init?.body !== "string") {
    return inner(input, init);
  }
  const b = JSON.parse(init.body);
  if (b.key_event === "lost") b.key_event = "created";
  return inner(input, { ...init, body: JSON.stringify(b) });
};

/** A `fetch` wrapper that may rewrite the answer to requests whose path ends with `suffix`. */
function onAnswer(
  suffix: string,
  rewrite: (
    res: Response,
    body: string | undefined,
    inner: Fetch,
    url: string,
  ) => Promise<Response>,
): (inner: Fetch) => Fetch {
  return (inner) => async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const res = await inner(input, init);
    if (!new URL(url).pathname.endsWith(suffix)) return res;
    return rewrite(res, typeof init?.body === "string" ? init.body : undefined, inner, url);
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

// Hands out the first session token forever (SPEC §9.4: never an expired token).
const expiredToken = (ds: DeviceSession): DeviceSession => {
  let first: Promise<string> | null = null;
  return { ...ds, getSessionToken: () => (first ??= ds.getSessionToken()) };
};

// Returns the same secure token for the same action and expiry (SPEC §5.4: a new jti each call).
const reusedSecureJti = (ds: DeviceSession): DeviceSession => {
  const cache = new Map<string, Promise<string>>();
  return {
    ...ds,
    getSecureSessionToken: (a, e) => {
      const k = `${a}/${e}`;
      if (!cache.has(k)) cache.set(k, ds.getSecureSessionToken(a, e));
      return cache.get(k)!;
    },
  };
};

// Binds a valid action type to another one (SPEC §5.4: act is the requested action).
const wrongAction = (ds: DeviceSession): DeviceSession => ({
  ...ds,
  getSecureSessionToken: (a, e) =>
    ds.getSecureSessionToken(
      /^[a-z][a-z0-9_]{0,63}$/.test(a) ? (a === "login" ? "register" : "login") : a,
      e,
    ),
});

// clearUser does nothing (SPEC §9.10: an identify event with user_id null).
const neverClearsUser = (ds: DeviceSession): DeviceSession => ({
  ...ds,
  clearUser: () => Promise.resolve(true),
});

// The SDK never sees Retry-After (SPEC §9.5).
const ignoresRetryAfter = (inner: Fetch): Fetch => async (input, init) => {
  const res = await inner(input, init);
  if (!res.headers.has("retry-after")) return res;
  const headers = new Headers(res.headers);
  headers.delete("retry-after");
  return new Response(await res.text(), { status: res.status, headers });
};

// Sends every refresh twice at once (SPEC §9.4 single flight).
const doubleRefresh = (inner: Fetch): Fetch => (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.endsWith("/refresh")) return inner(input, init);
  const [a] = [inner(input, init), inner(input, init).catch(() => null)];
  return a;
};

// Treats a 503 to a batch as its acknowledgement: the batch is lost (SPEC §8.5).
const acksOn503 = onAnswer("/v1/device/telemetry", async (res, body) => {
  if (res.status !== 503) return res;
  const err = await res.json() as { time?: number };
  const seqs = (JSON.parse(body ?? "{}").events ?? []).map((e: { seq: number }) => e.seq);
  const top = Math.max(0, ...seqs);
  return json({ acked_seq: top, high_seq: top, actions: [], user_id: null, time: err.time });
});

// Sends each acknowledged batch once more (SPEC §8.5: acknowledged events are never resent).
const resendsAcked = onAnswer("/v1/device/telemetry", async (res, body, inner, url) => {
  if (res.status !== 200 || body === undefined) return res;
  const text = await res.text();
  await inner(url, { method: "POST", headers: { "content-type": "application/json" }, body })
    .then((r) => r.text()).catch(() => "");
  return new Response(text, { status: 200, headers: res.headers });
});

// Takes a 413 for a passing failure and retries the batch (SPEC §8.5: 413 is permanent).
const retries413 = onAnswer("/v1/device/telemetry", async (res) => {
  if (res.status !== 413) return res;
  return json(await res.json(), 503);
});

// Never reports dropped events (SPEC §8.4: every discarded event is counted).
const uncountedDrops = (inner: Fetch): Fetch => (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.endsWith("/v1/device/telemetry") || typeof init?.body !== "string") {
    return inner(input, init);
  }
  const b = JSON.parse(init.body);
  b.dropped = { total: 0, by_priority: {} };
  return inner(input, { ...init, body: JSON.stringify(b) });
};

/**
 * The broken SDKs, by name.
 *
 * @example
 * ```ts
 * import { createSdkApiDriver } from "../drivers/sdk-api-handler.ts";
 * createSdkApiDriver({ mutant: "double-refresh" }); // SDK_API_MUTANTS["double-refresh"].fails
 * ```
 */
export const SDK_API_MUTANTS: Readonly<Record<string, SdkApiMutant>> = {
  "expired-token": {
    description: "hands out the first session token forever, long after it expired",
    // A token handed out after shutdown, too.
    fails: ["api.lifecycle.shutdown", "api.token.fresh"],
    wrap: expiredToken,
  },
  "reused-secure-jti": {
    description: "returns the same secure token for the same action and expiry",
    fails: ["api.secure.jti"],
    wrap: reusedSecureJti,
  },
  "wrong-action": {
    description: "binds secure tokens to another action than the one asked for",
    fails: ["api.secure.claims"],
    wrap: wrongAction,
  },
  "never-clears-user": {
    description: "clearUser does nothing",
    fails: ["api.user.identify"],
    wrap: neverClearsUser,
  },
  "ignores-retry-after": {
    description: "ignores Retry-After (it never reaches the SDK)",
    fails: ["api.backoff.retry-after", "api.telemetry.retry-after"],
    fetch: ignoresRetryAfter,
  },
  "double-refresh": {
    description: "sends every refresh twice at once",
    // The copy reuses the proof (its jti, and a nonce the first copy may have seen expire).
    fails: [
      "api.proof.jti",
      "api.proof.nonce-retry",
      "api.proof.valid",
      "api.refresh.single-flight",
    ],
    fetch: doubleRefresh,
  },
  "acks-on-503": {
    description: "takes a 503 to a batch for its acknowledgement, losing its events",
    fails: ["api.telemetry.no-loss", "api.telemetry.resend", "api.telemetry.retry-after"],
    fetch: acksOn503,
  },
  "resends-acked": {
    description: "sends each acknowledged batch once more",
    // The copy meets the next scripted fault, so the SDK's own retry misses it.
    fails: ["api.telemetry.acked", "api.telemetry.resend", "api.telemetry.retry-after"],
    fetch: resendsAcked,
  },
  "retries-413": {
    description: "retries a batch answered 413 instead of dropping it",
    fails: ["api.telemetry.permanent"],
    fetch: retries413,
  },
  "forgets-queue": {
    description: "starts with an empty queue, whatever an earlier instance stored",
    // The next instance's events reuse the seqs of the forgotten ones.
    fails: ["api.restart.queue", "api.telemetry.seq"],
    restart: forget(/queue/),
  },
  "forgets-device": {
    description: "starts as a new device each time (stored key, device id, queue, session unread)",
    fails: ["api.restart.key-lost", "api.restart.queue", "api.restart.resume"],
    restart: forget(/./),
  },
  "hides-key-loss": {
    description: "reports a replaced device key as newly created, not lost",
    fails: ["api.restart.key-lost"],
    fetch: hidesKeyLoss,
  },
  "uncounted-drops": {
    description: "never reports dropped events",
    fails: ["api.telemetry.no-loss", "api.telemetry.overflow", "api.telemetry.permanent"],
    fetch: uncountedDrops,
  },
};
