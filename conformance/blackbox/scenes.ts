/**
 * The black-box profile's scenes: each starts its own scripted service and SDK instance, drives
 * the public API with real time (short, backdated token lifetimes keep it fast) and scripted
 * faults, and keeps the record. Scenes run at the same time; none depends on exact timing.
 *
 * @module
 */
import type { HarnessClient } from "../harness/protocol.ts";
import { ScriptedService } from "./service.ts";
import type { Endpoint, Fault, ServiceOptions } from "./records.ts";
import { type Call, pause, SdkUnderTest } from "./sdk.ts";

/** A finished scene: its service, its SDK, and why it could not run to the end, if so. */
export interface Scene {
  readonly name: string;
  readonly svc: ScriptedService;
  readonly sdk: SdkUnderTest | null;
  readonly error: string | null;
  /** Marks a scene sets for its judges (e.g. when the quiet period ended). */
  readonly marks: Record<string, number>;
  /** Instances the scene started after `sdk`, in order (each on storage an earlier one left). */
  readonly more: readonly SdkUnderTest[];
}

/** Starts another instance of the SDK under test on the scene's service. */
type Start = (
  options: Record<string, unknown>,
  storage?: { from: SdkUnderTest; damage?: "key" | "state" },
) => Promise<SdkUnderTest>;

type Script = (
  sdk: SdkUnderTest,
  svc: ScriptedService,
  marks: Record<string, number>,
  start: Start,
) => Promise<void>;

async function stage(
  client: HarnessClient,
  name: string,
  svcOptions: Omit<ServiceOptions, "clientId">,
  initOptions: Record<string, unknown>,
  script: Script,
  faults: Partial<Record<Endpoint, Fault[]>> = {},
): Promise<Scene> {
  const svc = await ScriptedService.start({ clientId: `bb-${name}`, ...svcOptions });
  for (const [endpoint, list] of Object.entries(faults)) svc.fault(endpoint as Endpoint, ...list);
  const marks: Record<string, number> = {};
  let sdk: SdkUnderTest | null = null;
  let error: string | null = null;
  const more: SdkUnderTest[] = [];
  const start: Start = async (options, storage) => {
    const next = await SdkUnderTest.init(client, svc, options, storage);
    more.push(next);
    return next;
  };
  try {
    sdk = await SdkUnderTest.init(client, svc, initOptions);
    await script(sdk, svc, marks, start);
    for (const one of [sdk, ...more]) {
      if (one.of("shutdown").length === 0) await one.call("shutdown");
    }
  } catch (e) {
    error = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  } finally {
    await svc.close();
  }
  return { name, svc, sdk, error, marks, more };
}

const all = (calls: Promise<Call>[]) => Promise.all(calls);
const action = (sdk: SdkUnderTest, id: string, options: Record<string, unknown> = {}) =>
  sdk.call("triggerActionEvent", {
    actionType: "login",
    options: { correlationId: id, ...options },
  });

/** The API in order: tokens (after a nonce expiry), secure tokens, users, an action, shutdown. */
const basics: Script = async (sdk) => {
  await sdk.call("getSessionToken");
  for (let i = 0; i < 3; i++) await sdk.call("getSecureSessionToken", { actionType: "login" });
  await sdk.call("getSecureSessionToken", { actionType: "transaction", expirationSeconds: 600 });
  await sdk.call("getSecureSessionToken", { actionType: "transaction", expirationSeconds: 601 });
  await sdk.call("getSecureSessionToken", { actionType: "Login" });
  await sdk.call("setAuthenticatedUser", { userId: "u-1" });
  await sdk.call("setAuthenticatedUser", { userId: "u-1" });
  await sdk.call("clearUser");
  await sdk.call("clearUser");
  await action(sdk, "basics-1");
  await sdk.call("flush");
  await sdk.call("setAuthenticatedUser", { userId: "u-2" });
  await sdk.call("shutdown");
  await sdk.call("getSessionToken");
};

/** Tokens issued 44 s into their 60 s life: refreshes come every few seconds on their own. */
const refresh: Script = async (sdk, svc, marks) => {
  await sdk.call("getSessionToken");
  svc.fault("refresh", { kind: "nonce" });
  await pause(9_000); // quiet: the SDK refreshes by itself (due 45–51 s after iat)
  marks.quietEnd = svc.elapsed();
  for (let round = 0; round < 3; round++) {
    svc.fault("refresh", { kind: "delay", ms: 1_500 });
    await all(Array.from({ length: 4 }, () => sdk.call("getSessionToken")));
    await pause(2_000);
  }
};

/**
 * The create fails (503 + Retry-After, then a dropped connection); five callers arrive only once
 * the Retry-After has passed (a waiting caller MAY cut a backoff short, SPEC §9.5).
 */
const createFaults: Script = async (sdk, svc) => {
  const hit = await svc.waitFor((x) => x.fault?.kind === "503" && x.t1 !== undefined);
  await pause(Math.max(0, hit.t1! + 2_500 - svc.elapsed()));
  await all(Array.from({ length: 5 }, () => sdk.call("getSessionToken")));
};

/** Batches meet 503 + Retry-After, a dropped connection, a lost answer, then a 413. */
const telemetryFaults: Script = async (sdk, svc) => {
  await sdk.call("getSessionToken");
  await sdk.call("flush");
  svc.fault(
    "telemetry",
    { kind: "delay", ms: 800 },
    { kind: "503", retryAfterS: 2 },
    { kind: "drop" },
    { kind: "lost-answer" },
  );
  await all(Array.from({ length: 12 }, (_, i) => action(sdk, `tf-a${i + 1}`)));
  svc.fault("telemetry", { kind: "413" });
  await all(Array.from({ length: 3 }, (_, i) => action(sdk, `tf-b${i + 1}`)));
  await all(Array.from({ length: 2 }, (_, i) => action(sdk, `tf-c${i + 1}`)));
  await sdk.call("flush");
};

/** 161 actions (40 of them near the size limit) queue behind a slow batch. */
const limits: Script = async (sdk, svc) => {
  await sdk.call("getSessionToken");
  await sdk.call("flush");
  svc.fault("telemetry", { kind: "delay", ms: 1_500 });
  const first = action(sdk, "lim-0");
  await pause(100);
  const big = { p1: "x".repeat(1_000), p2: "y".repeat(900) };
  await all([
    first,
    ...Array.from({ length: 120 }, (_, i) => action(sdk, `lim-s${i}`)),
    ...Array.from(
      { length: 40 },
      (_, i) => action(sdk, `lim-b${i}`, { customAttributes: big }),
    ),
  ]);
  await sdk.call("flush");
};

/** max_queue_events 10: 20 actions arrive while the first batch is in flight. */
const overflow: Script = async (sdk, svc) => {
  await sdk.call("getSessionToken");
  await sdk.call("flush");
  svc.fault("telemetry", { kind: "delay", ms: 1_500 });
  const first = action(sdk, "ov-0");
  await pause(100);
  await all([first, ...Array.from({ length: 20 }, (_, i) => action(sdk, `ov-${i + 1}`))]);
  await sdk.call("flush");
};

/**
 * Restarts on the same storage (SPEC §8.8, §9.8, §9.15). A (init userId, no shutdown flush)
 * shuts down with an action's batch lost on the way (the connection dropped, twice); B starts on
 * A's storage and delivers it; C on B's storage with the device key gone; D on C's storage with
 * every other record corrupt.
 */
const restart: Script = async (a, svc, marks, start) => {
  const WAITS = { tokenWaitMs: 20_000, actionWaitMs: 30_000 };
  svc.fault("telemetry", { kind: "drop" }, { kind: "drop" });
  await a.call("getSessionToken");
  const pending = action(a, "rs-a");
  await svc.waitFor((x) => x.fault?.kind === "drop" && x.t1 !== undefined);
  await a.call("shutdown");
  await pending;
  marks.b = svc.elapsed();
  const b = await start(WAITS, { from: a });
  await b.call("flush");
  await b.call("getSessionToken");
  await b.call("shutdown");
  marks.c = svc.elapsed();
  const c = await start(WAITS, { from: b, damage: "key" });
  await c.call("getSessionToken");
  await c.call("shutdown");
  marks.d = svc.elapsed();
  const d = await start(WAITS, { from: c, damage: "state" });
  await d.call("getSessionToken");
  await action(d, "rs-d");
  await d.call("shutdown");
};

/** Every scene, by name. */
export type SceneName =
  | "basics"
  | "refresh"
  | "create"
  | "faults"
  | "limits"
  | "overflow"
  | "restart";

/**
 * Runs every scene at once and resolves with them by name.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * declare const client: HarnessClient;
 * const scenes = await runScenes(client);
 * scenes.basics.svc.of("create").length; // 2 (the first met an expired nonce)
 * ```
 */
export async function runScenes(client: HarnessClient): Promise<Record<SceneName, Scene>> {
  // Generous waits: a loaded machine makes answers late, and these scenes judge order, not time.
  const tokenWait = { tokenWaitMs: 20_000, actionWaitMs: 30_000 };
  const [b, r, c, f, l, o, rs] = await Promise.all([
    stage(client, "basics", { secureMaxS: 600 }, tokenWait, basics, {
      create: [{ kind: "nonce" }],
    }),
    stage(client, "refresh", { backdateS: 44 }, tokenWait, refresh),
    stage(client, "create", {}, tokenWait, createFaults, {
      create: [{ kind: "503", retryAfterS: 2 }, { kind: "drop" }, { kind: "delay", ms: 1_500 }],
    }),
    stage(client, "faults", {}, tokenWait, telemetryFaults),
    stage(client, "limits", {}, tokenWait, limits),
    stage(client, "overflow", {}, { ...tokenWait, maxQueueEvents: 10 }, overflow),
    stage(client, "restart", {}, { ...tokenWait, userId: "u-r", shutdownFlushMs: 0 }, restart),
  ]);
  return { basics: b, refresh: r, create: c, faults: f, limits: l, overflow: o, restart: rs };
}
