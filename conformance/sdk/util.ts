/**
 * Helpers of the SDK checks: run a scenario once and judge it with several checks, read batches
 * and tokens out of the record, measure requests in flight.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import type { CheckDef } from "../core/check.ts";
import type { Runner } from "../core/run.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { parseJws } from "../../core/token/jws.ts";
import { type SentRecord, World, type WorldOptions } from "./sim.ts";

/** What every SDK check module receives. */
export interface SdkContext {
  readonly run: Runner;
  readonly client: HarnessClient;
}

/** A check judged on a finished scenario (`all`: every world of a multi-seed scenario). */
export type Judge = [CheckDef, (t: Assert, w: World, all: readonly World[]) => void];

/**
 * Runs one scenario (if any of its checks is selected) and judges it with each check; a scenario
 * that cannot run (the driver failed) fails every one of its checks with that reason.
 *
 * @example
 * ```ts
 * import { SDK_CHECKS as C } from "./checks.ts";
 * declare const ctx: SdkContext;
 * await scenario(ctx, { seed: 1 }, (w) => w.at(100, { type: "get_token" }), 3_000, [
 *   [C["sdk.lifecycle.active"], (t, w) => t.ok(w.waiters[0]!.answer?.value, "answered")],
 * ]);
 * ```
 */
export async function scenario(
  ctx: SdkContext,
  o: WorldOptions | readonly WorldOptions[],
  script: (w: World) => void,
  ms: number,
  judges: readonly Judge[],
): Promise<void> {
  const wanted = judges.filter(([d]) => ctx.run.selected(d));
  if (wanted.length === 0) return;
  const worlds: World[] = [];
  let why: string | null = null;
  try {
    for (const one of Array.isArray(o) ? o : [o]) {
      const w = await World.start(ctx.client, one);
      script(w);
      await w.run(ms);
      await w.dispose();
      worlds.push(w);
    }
  } catch (e) {
    why = e instanceof Error ? e.message : String(e);
  }
  for (const [def, judge] of wanted) {
    await ctx.run.check(def, (t) => {
      if (why !== null) t.fail(`the scenario could not run: ${why}`);
      judge(t, worlds[0]!, worlds);
    });
  }
}

/**
 * The payload of a compact JWS, or `null` when it does not parse.
 *
 * @example
 * ```ts
 * declare const token: string;
 * payloadOf(token)?.exp; // 1767226500
 * ```
 */
export function payloadOf(token: unknown): Record<string, unknown> | null {
  if (typeof token !== "string") return null;
  try {
    return parseJws(token).payload;
  } catch {
    return null;
  }
}

/** A telemetry event as sent. */
export interface SentEvent {
  seq: number;
  time_ms: number;
  type: string;
  data: Record<string, unknown>;
}

/** A telemetry batch as sent, with its request record. */
export interface Batch {
  readonly sent: SentRecord;
  readonly body: {
    session_id: string;
    session_token: string;
    events: SentEvent[];
    dropped: { total: number; by_priority: Record<string, number> };
  } & Record<string, unknown>;
}

/**
 * Every telemetry batch sent (not beacons), in order; bodies parsed.
 *
 * @example
 * ```ts
 * import type { World } from "./sim.ts";
 * declare const w: World;
 * batches(w)[0].body.events.map((e) => e.seq); // [1, 2, 3]
 * ```
 */
export function batches(w: World): Batch[] {
  return w.sent("telemetry").map((sent) => ({ sent, body: JSON.parse(sent.request.body ?? "{}") }));
}

/**
 * The most requests ever in flight at once among `sends` (an unanswered one stays open).
 *
 * @example
 * ```ts
 * import type { World } from "./sim.ts";
 * declare const w: World;
 * maxInFlight(w.sent("telemetry")); // 1
 * ```
 */
export function maxInFlight(sends: readonly SentRecord[]): number {
  const edges: [number, number][] = [];
  for (const s of sends) {
    edges.push([s.t, 1]);
    edges.push([s.ended?.t ?? Infinity, -1]);
  }
  // Ends before starts at the same instant: an answer and the next request in one step.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0, max = 0;
  for (const [, d] of edges) max = Math.max(max, n += d);
  return max;
}

/**
 * Session tokens the fake service issued, in order, with the local time they arrived.
 *
 * @example
 * ```ts
 * import type { World } from "./sim.ts";
 * declare const w: World;
 * issuedTokens(w)[0].sid; // "s_…"
 * ```
 */
export function issuedTokens(w: World): { t: number; token: string; sid: string }[] {
  const out: { t: number; token: string; sid: string }[] = [];
  for (const s of w.sends) {
    const b = s.ended?.body as { session_token?: unknown } | undefined;
    if (s.ended?.status !== undefined && typeof b?.session_token === "string") {
      out.push({
        t: s.ended.t,
        token: b.session_token,
        sid: String(payloadOf(b.session_token)?.sub),
      });
    }
  }
  return out;
}

/**
 * The backoff ceiling after the n-th consecutive failure (SPEC §9.5, default base and cap).
 *
 * @example
 * ```ts
 * backoffCeiling(3); // 4000
 * ```
 */
export function backoffCeiling(n: number, baseMs = 1000, capMs = 60000): number {
  return Math.min(capMs, baseMs * 2 ** (n - 1));
}

/**
 * An error body as the service would answer it.
 *
 * @example
 * ```ts
 * import { T0 } from "./records.ts";
 * ({ status: 410, body: errorBody("ERR_SESSION_ENDED", T0) });
 * ```
 */
export function errorBody(code: string, t: number, details?: Record<string, unknown>): object {
  return {
    code,
    message: code,
    time: Math.floor(t / 1000),
    ...(details ? { details } : {}),
  };
}
