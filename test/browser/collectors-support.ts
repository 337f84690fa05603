// Test helpers shared by the collector tests: a recording sink, well-formedness checks, a
// fake window/document with event targets, and event builders.
import assert from "node:assert/strict";
import type { CollectedType, EventData, Sink } from "../../adapters/browser/collectors/mod.ts";

export type Call = { type: CollectedType; data: EventData } | { type: "activity" } | {
  type: "hide";
};

/** A sink that records every call, plus an onHide that records its call in the same log. */
export function recorder(): {
  sink: Sink;
  log: Call[];
  events: (type?: CollectedType, kind?: string) => EventData[];
  activity: () => number;
  onHide: () => void;
} {
  const log: Call[] = [];
  return {
    log,
    sink: {
      track: (type, data) => log.push({ type, data: JSON.parse(JSON.stringify(data)) }),
      activity: () => log.push({ type: "activity" }),
    },
    onHide: () => log.push({ type: "hide" }),
    events: (type, kind) =>
      log.flatMap((c) =>
        "data" in c && (!type || c.type === type) && (!kind || c.data.kind === kind) ? [c.data] : []
      ),
    activity: () => log.filter((c) => c.type === "activity").length,
  };
}

/** Every event: a flat JSON object within the SPEC §8.1 limit. */
export function assertWellFormed(log: Call[]): void {
  for (const c of log) {
    if (!("data" in c)) continue;
    assert.ok(new TextEncoder().encode(JSON.stringify(c.data)).length <= 4096, c.type);
    for (const [k, v] of Object.entries(c.data)) {
      assert.ok(["string", "number", "boolean"].includes(typeof v), `${k}: ${typeof v}`);
      if (typeof v === "number") assert.ok(Number.isFinite(v), `${k} is finite`);
    }
  }
}

/** A window and document made of plain EventTargets: enough for the collectors, any runtime. */
export function fakeEnv(
  pathname = "/pay/42",
): { window: Window; document: Document; clock: { t: number } } {
  const clock = { t: 1000 };
  const document = Object.assign(new EventTarget(), {
    readyState: "complete",
    visibilityState: "visible",
  });
  const window = Object.assign(new EventTarget(), {
    document,
    location: { pathname, search: "?reset_token=QUERYSECRET", hash: "#FRAGSECRET" },
    performance: { now: () => clock.t, getEntriesByType: () => [] },
    innerWidth: 1280,
    innerHeight: 720,
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (h: number) => clearTimeout(h),
    navigator: { userAgent: "fake", webdriver: false, languages: ["en-GB", "de"] },
  });
  return {
    window: window as unknown as Window,
    document: document as unknown as Document,
    clock,
  };
}

/** An Event with extra (non-DOM) fields, for fake environments. */
export function ev(type: string, extra: Record<string, unknown> = {}): Event {
  return Object.assign(new Event(type), extra);
}
