/**
 * What the black-box judges share: the judge type, the guard for a scene that could not run, the
 * most exchanges open at once, and small readers of the record.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import type { CheckDef } from "../core/check.ts";
import { parseJws } from "../../core/token/jws.ts";
import type { Exchange } from "./records.ts";
import type { Scene, SceneName } from "./scenes.ts";
import type { Call } from "./sdk.ts";

/** A check and how it is judged on the scenes. */
export type Judge = readonly [
  CheckDef,
  (t: Assert, s: Record<SceneName, Scene>) => void | Promise<void>,
];

/**
 * The scene, or a failed check when it could not run.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { runScenes } from "./scenes.ts";
 * declare const t: Assert;
 * declare const scenes: Awaited<ReturnType<typeof runScenes>>;
 * const { svc, sdk } = ran(t, scenes.basics);
 * ```
 */
export function ran(t: Assert, s: Scene): Scene & { sdk: NonNullable<Scene["sdk"]> } {
  if (s.error !== null || s.sdk === null) {
    t.fail(`the scene "${s.name}" could not run: ${s.error ?? "no SDK instance"}`);
  }
  return s as Scene & { sdk: NonNullable<Scene["sdk"]> };
}

/**
 * The most exchanges ever open at once (an exchange is open from arrival until answered or
 * dropped; one never ended stays open).
 *
 * @example
 * ```ts
 * import type { ScriptedService } from "./service.ts";
 * declare const svc: ScriptedService;
 * maxOpen(svc.of("telemetry")); // 1
 * ```
 */
export function maxOpen(xs: readonly Exchange[]): number {
  const edges: [number, number][] = xs.flatMap((x) => [[x.t0, 1], [x.t1 ?? Infinity, -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0, max = 0;
  for (const [, d] of edges) max = Math.max(max, n += d);
  return max;
}

export const payload = (token: unknown): Record<string, unknown> => {
  try {
    return parseJws(String(token)).payload;
  } catch {
    return {};
  }
};

export const auth = (s: Scene) =>
  s.svc.log.filter((x) => x.endpoint === "create" || x.endpoint === "refresh");
export const resolved = (calls: readonly Call[]) => calls.filter((c) => c.outcome === "resolved");

/** The next exchange of the same endpoint after `x`. */
export function nextOf(s: Scene, x: Exchange): Exchange | undefined {
  const list = s.svc.log.filter((y) => y.endpoint === x.endpoint);
  return list[list.indexOf(x) + 1];
}

/**
 * JSON with sorted members, so a resend in another member order compares equal.
 *
 * @example
 * ```ts
 * canonical({ b: 1, a: [true] }); // '{"a":[true],"b":1}'
 * ```
 */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(v);
}
