/**
 * Judges of the black-box profile for starting on stored state (the `restart` scene): events an
 * earlier instance left are delivered, its session and device key are resumed, a lost key is
 * replaced and reported, corrupt records are discarded; and the init option `userId`.
 *
 * @module
 */
import { API_CHECKS as C } from "./checks.ts";
import { canonical, type Judge, payload, ran, resolved } from "./judge-util.ts";
import type { Exchange } from "./records.ts";
import type { Scene } from "./scenes.ts";
import type { SdkUnderTest } from "./sdk.ts";

interface Ev {
  seq: number;
  data: Record<string, unknown>;
}

const events = (x: Exchange): Ev[] => (x.body as { events?: Ev[] } | null)?.events ?? [];
const sid = (x: Exchange): string =>
  String((x.body as { session_id?: unknown } | null)?.session_id);
const acked = (x: Exchange) => x.answered === true && x.status === 200;

/** The scene's instances in order (A, B, C, D), or a failed check when one is missing. */
function instances(t: Parameters<Judge[1]>[0], s: Scene): SdkUnderTest[] {
  const all = [ran(t, s).sdk, ...s.more];
  t.ok(all.length === 4, `the restart scene started ${all.length} of 4 instances`);
  return all;
}

/** Exchanges of `endpoint` that arrived in `[from, to)` (scene marks, ms). */
const within = (s: Scene, endpoint: "create" | "telemetry", from: number, to = Infinity) =>
  s.svc.of(endpoint).filter((x) => x.t0 >= from && x.t0 < to);

/** The first session the service created (A's). */
const firstSession = (s: Scene) => [...s.svc.sessions.values()][0];

/** The judges of the restart scene and of the init option `userId`. */
export const RESTART_JUDGES: readonly Judge[] = [
  [C["api.restart.queue"], (t, s) => {
    const scene = s.restart;
    const [a] = instances(t, scene);
    const first = t.need(firstSession(scene), "the first instance's session");
    const pending = t.need(a!.of("triggerActionEvent")[0], "the action before shutdown");
    t.equal(pending.code, "ERR_CLOSED", "the action still waiting at shutdown is rejected");
    // Its event was queued (and persisted) all the same: the next instance delivers it.
    const stored = [...first.events.values()].map((e) => JSON.parse(e) as Ev);
    t.ok(
      stored.some((e) => e.data.correlation_id === "rs-a"),
      "the action queued before shutdown never reached the service",
    );
    // Every event sent and not acknowledged before shutdown is stored as it was sent.
    const before = within(scene, "telemetry", 0, scene.marks.b);
    const done = new Set(before.filter(acked).flatMap((x) => events(x).map((e) => e.seq)));
    const left = before.filter((x) => !acked(x)).flatMap((x) =>
      events(x).filter((e) => !done.has(e.seq)).map((e) => ({ sid: sid(x), e }))
    );
    t.ok(left.length > 0, "the first instance left no unacknowledged event (the faults missed)");
    for (const { sid: id, e } of left) {
      const got = scene.svc.sessions.get(id)?.events.get(e.seq);
      t.equal(
        got === undefined ? undefined : canonical(JSON.parse(got)),
        canonical(e),
        `seq ${e.seq} of session ${id}, unacknowledged at shutdown, as the service stored it`,
      );
    }
  }],
  [C["api.restart.resume"], (t, s) => {
    const scene = s.restart;
    const [, b] = instances(t, scene);
    const first = t.need(firstSession(scene), "the first instance's session");
    const creates = within(scene, "create", scene.marks.b, scene.marks.c);
    t.equal(creates.length, 0, "creates by the instance started on a live session's storage");
    const tokens = resolved(b!.of("getSessionToken"));
    t.ok(tokens.length === 1, "the second instance handed out a session token");
    for (const c of tokens) {
      t.equal(payload(c.value).sub, first.id, "the session of its token (resumed)");
    }
  }],
  [C["api.restart.key-lost"], (t, s) => {
    const scene = s.restart;
    const [, , c] = instances(t, scene);
    const first = t.need(firstSession(scene), "the first instance's session");
    const x = t.need(
      within(scene, "create", scene.marks.c, scene.marks.d)[0],
      "a create by the instance whose device key was removed",
    );
    const body = x.body as { key_event?: unknown; device_id?: unknown };
    t.equal(body.key_event, "lost", "key_event of that create");
    t.equal(body.device_id, first.deviceId, "device_id of that create (the device's id)");
    const session = [...scene.svc.sessions.values()].find((z) => z.id !== first.id);
    t.ok(session !== undefined && session.jkt !== first.jkt, "the new session has a new key");
    t.ok(resolved(c!.of("getSessionToken")).length === 1, "a session token after the key loss");
  }],
  [C["api.restart.corrupt"], (t, s) => {
    const scene = s.restart;
    const [, , , d] = instances(t, scene);
    t.ok(
      within(scene, "create", scene.marks.d).length > 0,
      "the instance on corrupt stored state creates a session",
    );
    for (const c of d!.calls.filter((x) => x.method !== "shutdown")) {
      t.equal(c.outcome, "resolved", `${c.method} on corrupt stored state: ${c.code ?? ""}`);
    }
    for (const x of within(scene, "telemetry", scene.marks.d)) {
      t.wire("TelemetryBatch", x.body, "a batch after corrupt stored state");
    }
  }],
  [C["api.user.init"], (t, s) => {
    const x = t.need(s.restart.svc.of("create")[0], "a create by the instance with userId");
    t.equal((x.body as { user_id?: unknown }).user_id, "u-r", "user_id of the create");
    const identify = s.restart.svc.of("telemetry").filter((y) => y.t0 < s.restart.marks.b)
      .flatMap((y) => events(y)).filter((e) => "user_id" in e.data);
    t.equal(identify.length, 0, "identify events for the init userId");
  }],
];
