/**
 * The test-control extension (SPEC Appendix A): routes under `/v1/test/` that let a conformance
 * suite move the service clock forward, rotate the signing key and read a session's facts, so
 * that time- and state-dependent rules can be judged. Only a service created with
 * `testControl: true` (the CLI's `--conformance` and `--demo`) has them; otherwise they do not
 * exist (404) and discovery does not name them. Authenticated like the backend API (§7.0): a
 * client sees only its own sessions.
 *
 * @module
 */
import type { Hono } from "hono";
import * as v from "valibot";
import { errorFromCode, Id, parseOrThrow } from "../../core/mod.ts";
import { sessionEnd, sessionStatus } from "../../core/service/session.ts";
import { backendClient } from "./backend/auth.ts";
import type { Deps, Req } from "./context.ts";
import { readJson } from "./http/body.ts";
import { json } from "./http/respond.ts";

/** The service clock of a service in test mode: the base clock plus an offset that only grows. */
export interface TestClock {
  /** Milliseconds added to the base clock. */
  readonly offsetMs: number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** The clock, epoch milliseconds. */
  now(): number;
}

/**
 * A clock that can be moved forward (never back: a service's records assume time does not
 * reverse).
 *
 * @example
 * ```ts
 * const clock = testClock(Date.now);
 * clock.advance(1800_000); // the service now lives 30 minutes ahead
 * ```
 */
export function testClock(base: () => number): TestClock {
  let offsetMs = 0;
  return {
    get offsetMs() {
      return offsetMs;
    },
    advance(ms: number) {
      offsetMs += ms;
    },
    now: () => base() + offsetMs,
  };
}

/** The path prefix of the extension (SPEC Appendix A). */
export const TEST_CONTROL_PATH = "v1/test/";

const ClockBody = v.strictObject({
  advance_s: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2592000)),
});

type Bound = { Bindings: { readonly req: Req } };

/**
 * Adds the extension's routes to the service's app.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { Deps, Req } from "./context.ts";
 * declare const deps: Deps;
 * const app = new Hono<{ Bindings: { readonly req: Req } }>();
 * if (deps.testClock !== null) mountTestControl(app, deps, deps.testClock);
 * ```
 */
export function mountTestControl(app: Hono<Bound>, d: Deps, clock: TestClock): void {
  app.post("/v1/test/clock", async (c) => {
    const r = c.env.req;
    await backendClient(d, r);
    const { value } = await readJson(r.raw, { maxBytes: 1024, accepted: ["json"] });
    const body = parseOrThrow(ClockBody, value, "ERR_INVALID_BODY");
    clock.advance(body.advance_s * 1000);
    const now = Math.floor(clock.now() / 1000);
    d.keys.maintain(now);
    return json(200, { time: now, offset_s: Math.floor(clock.offsetMs / 1000) });
  });
  app.post("/v1/test/keys/rotate", async (c) => {
    const r = c.env.req;
    await backendClient(d, r);
    const before = d.keys.current.kid;
    try {
      await d.keys.rotate(r.now);
    } catch (e) {
      // The previous key still signs live tokens (SPEC §3.6): a second rotation must wait.
      throw errorFromCode(
        "ERR_CONFLICT",
        `cannot rotate now: ${e instanceof Error ? e.message : e}`,
      );
    }
    return json(200, { kid: d.keys.current.kid, previous_kid: before, time: r.now });
  });
  app.get("/v1/test/client", async (c) => {
    const r = c.env.req;
    const client = await backendClient(d, r);
    const l = d.opts.limits;
    return json(200, {
      client_id: client.id,
      allowed_origins: [...client.allowedOrigins],
      retention_s: l.retentionS,
      clock_tolerance_s: l.clockToleranceS,
      policy: {
        base: d.opts.policy.base,
        weights: d.opts.policy.weights,
        thresholds: {
          velocity_device: d.opts.policy.thresholds.velocityDevice,
          velocity_ip: d.opts.policy.thresholds.velocityIp,
          users_per_device: d.opts.policy.thresholds.usersPerDevice,
          devices_per_user: d.opts.policy.thresholds.devicesPerUser,
        },
        bands: d.opts.policy.bands,
      },
      key_rotation_s: d.opts.keyRotationS,
      rate_limits: {
        device_per_ip_per_min: d.opts.rateLimits.devicePerIpPerMinute,
        proof_per_ip_per_min: d.opts.rateLimits.proofPerIpPerMinute,
        token_per_ip_per_min: d.opts.rateLimits.tokenPerIpPerMinute,
        backend_per_client_per_min: d.opts.rateLimits.backendPerClientPerMinute,
      },
      time: r.now,
    });
  });
  app.get("/v1/test/sessions/:id", async (c) => {
    const r = c.env.req;
    const client = await backendClient(d, r);
    const id = c.req.param("id");
    const s = v.is(Id, id) ? await d.store.getSession(id) : null;
    if (s === null || s.clientId !== client.id) {
      throw errorFromCode("ERR_SESSION_UNKNOWN", "no such device session");
    }
    return json(200, {
      session_id: s.id,
      client_id: s.clientId,
      device_id: s.deviceId,
      jkt: s.jkt,
      key_assurance: s.keyAssurance,
      key_event: s.keyEvent,
      key_changed: s.keyChanged,
      created_at: s.createdAt,
      session_expires_at: s.absoluteEnd,
      idle_timeout_s: s.idleS,
      last_seen_at: s.lastSeen,
      ends_at: sessionEnd(s),
      status: sessionStatus(s, r.now, d.opts.limits.retentionS),
      user_id: s.userId,
      platform: s.platform,
      automation: s.automation,
      interactions: s.interactions,
      dropped_total: s.dropped,
      time: r.now,
    });
  });
}
