/**
 * More deliberately broken services for the suite's self-test: wrong values, limits counted in
 * characters, off by one or doubled, state that ages wrongly (idle sessions that never end, replay stores
 * that forget early), a JWKS that drops the previous key, origins not enforced, rules in the
 * wrong order, counters off by one. Each names exactly the checks the suite must fail.
 *
 * @module
 */
import type { Store } from "../../adapters/store/types.ts";
import type { ServiceMutant } from "./service.ts";

type Handler = (request: Request) => Promise<Response>;

/** A store with some operations replaced (the rest go to `base`). */
function override(base: Store, patch: Partial<Store>): Store {
  return new Proxy(base, {
    get(target, key) {
      const own = (patch as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const v = Reflect.get(target, key, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** Rewrites JSON answers of `path` with `edit`. */
function editAnswer(
  path: RegExp,
  edit: (body: Record<string, unknown>, status: number) => void,
): (inner: Handler) => Handler {
  return (inner) => async (req) => {
    const res = await inner(req);
    const type = res.headers.get("content-type") ?? "";
    if (!path.test(new URL(req.url).pathname) || !type.includes("json")) return res;
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      return new Response(text, res);
    }
    edit(json, res.status);
    return new Response(JSON.stringify(json), { status: res.status, headers: res.headers });
  };
}

/** Each non-ASCII character as one `?` (what a character-counting service measures). */
const ascii = (text: string): string => text.replace(/[^ -~\t\n\r]/g, "?");

/** Rewrites the body of requests to `path` with `edit` (text in, text out). */
function editRequest(path: string, edit: (text: string) => string): (inner: Handler) => Handler {
  return (inner) => async (req) => {
    if (new URL(req.url).pathname !== path || req.method !== "POST") return inner(req);
    const text = edit(await req.text());
    return inner(new Request(req.url, { method: "POST", headers: req.headers, body: text }));
  };
}

/**
 * The broken services of the second round, by name.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../adapters/store/memory.ts";
 * const store = new MemoryStore();
 * STATE_MUTANTS["idle-never-ends"].store!(store); // sessions never end by idleness
 * ```
 */
export const STATE_MUTANTS: Readonly<Record<string, ServiceMutant>> = {
  "wrong-session-expiry": {
    description: "answers session_expires_at one hour late at create",
    fails: ["svc.session.create", "svc.refresh.valid", "svc.session.absolute-end"],
    wrap: editAnswer(/^\/v1\/device\/sessions$/, (b, status) => {
      if (status === 201) b.session_expires_at = Number(b.session_expires_at) + 3600;
    }),
  },
  "limits-in-characters": {
    description: "measures attribute, event, batch and body sizes in characters, not UTF-8 bytes",
    fails: [
      "svc.session.attributes-limit",
      "svc.telemetry.limit-event",
      "svc.telemetry.limit-batch",
      "svc.telemetry.limit-body",
    ],
    // Every non-ASCII character becomes one byte before the service measures.
    wrap: (inner) =>
      editRequest("/v1/device/telemetry", ascii)(editRequest("/v1/device/sessions", ascii)(inner)),
  },
  "count-limit-off-by-one": {
    description: "refuses a batch of exactly 100 events",
    fails: ["svc.telemetry.limit-count"],
    wrap: (inner) => async (req) => {
      if (new URL(req.url).pathname !== "/v1/device/telemetry") return inner(req);
      const text = await req.clone().text();
      const n = (() => {
        try {
          return JSON.parse(text).events?.length;
        } catch {
          return 0;
        }
      })();
      if (n !== 100) return inner(req);
      const body = { code: "ERR_BATCH_TOO_LARGE", message: "too many events", time: 0 };
      return new Response(JSON.stringify(body), { status: 422 });
    },
  },
  "idle-never-ends": {
    description: "never ends a session for idleness (only at its absolute end)",
    fails: ["svc.session.idle-end"],
    store: (base) =>
      override(base, {
        getSession: async (id) => {
          const s = await base.getSession(id);
          return s === null ? null : { ...s, idleS: s.absoluteEnd - s.createdAt };
        },
      }),
  },
  "replay-forgets-early": {
    // Secure-token ids are kept 360 s past exp (SPEC §5.4 step 9), longer than any late replay a
    // verifier with the service's tolerance can still be asked: forget them 400 s early.
    description: "keeps consumed proof jtis 100 s and secure-token jtis 400 s less than required",
    fails: ["svc.proof.replay-late", "svc.secure.replay-late"],
    store: (base) =>
      override(base, {
        consume: (key, untilMs) => base.consume(key, untilMs - 400_000),
        consumeProof: (key, untilMs) => base.consumeProof(key, untilMs - 100_000),
      }),
  },
  "limits-doubled": {
    // SPEC §12 lets a burst across a fixed window's end through up to twice the limit; a service
    // that lets twice its reported limit through every window is still wrong.
    description: "admits twice the rate limits it reports, in every window",
    fails: ["svc.errors.rate-limited"],
    store: (base) =>
      override(base, {
        incrWindow: async (key, nowMs, windowMs) => {
          const w = await base.incrWindow(key, nowMs, windowMs);
          return { ...w, count: Math.ceil(w.count / 2) };
        },
      }),
  },
  "jwks-current-only": {
    description: "drops the previous key from the JWKS at rotation",
    fails: ["svc.jwks.retired-key", "svc.jwks.rotation", "svc.jwks.scheduled-rotation"],
    wrap: editAnswer(/^\/\.well-known\/jwks\.json$/, (b) => {
      if (Array.isArray(b.keys)) b.keys = b.keys.slice(0, 1);
    }),
  },
  "any-origin": {
    description: "serves device requests from any browser origin",
    fails: ["svc.cors.origin"],
    wrap: (inner) => (req) => {
      const path = new URL(req.url).pathname;
      if (!path.startsWith("/v1/device/") || req.method === "OPTIONS") return inner(req);
      const headers = new Headers(req.headers);
      headers.delete("origin");
      return inner(new Request(req, { headers }));
    },
  },
  "no-cause": {
    description: "leaves details.cause out of error answers",
    fails: [
      "svc.backend.auth-invalid",
      "svc.secure.inner-tampered",
      "svc.isolation.session-token",
      "svc.isolation.secure-token",
    ],
    wrap: editAnswer(/^\/v1\/backend\//, (b) => {
      const d = b.details as Record<string, unknown> | undefined;
      if (d !== undefined) delete d.cause;
    }),
  },
  "rules-descending": {
    description: "tries rules in descending priority",
    fails: [
      "svc.rules.api",
      "svc.rules.conflict-field",
      "svc.rules.ip-match",
      "svc.rules.order",
      "svc.rules.preview",
    ],
    // Stores priority p as 1001 − p: the highest priority number is tried first.
    wrap: editRequest("/v1/backend/rules", (text) => {
      try {
        const rule = JSON.parse(text);
        return JSON.stringify({ ...rule, priority: 1001 - Number(rule.priority) });
      } catch {
        return text;
      }
    }),
  },
  "velocity-at-threshold": {
    description: "counts one action too many: velocity signals fire at the threshold",
    fails: ["svc.signals.velocity-device", "svc.signals.velocity-ip"],
    store: (base) =>
      override(base, {
        hit: async (key, nowMs, windowMs) => (await base.hit(key, nowMs, windowMs)) + 1,
      }),
  },
  "failed-login-sets-user": {
    description: "takes a failed login result with user_id as a success",
    fails: ["svc.backend.user-facts"],
    wrap: editRequest("/v1/backend/actions/result", (text) => {
      try {
        const body = JSON.parse(text);
        return body.result === "failure" && typeof body.user_id === "string"
          ? JSON.stringify({ ...body, result: "success" })
          : text;
      } catch {
        return text;
      }
    }),
  },
  "pages-as-interactions": {
    description: "counts page events as interactions",
    fails: ["svc.telemetry.facts"],
    wrap: editRequest(
      "/v1/device/telemetry",
      (text) => text.replace(/"type":"page"/g, '"type":"interaction"'),
    ),
  },
};
