/**
 * Service checks of the signals of SPEC §10.3, one scenario each, judged on the exact reasons,
 * score and type the policy implies (§10.2), at and one past each threshold.
 *
 * @module
 */
import { Device, event } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import type { ServiceContext } from "./context.ts";
import { act, judge, type ScoringKit } from "./scoring.ts";

/**
 * Runs the signal checks.
 *
 * @example
 * ```ts
 * import { scoringKit } from "./scoring.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await signalChecks(ctx, await scoringKit(ctx));
 * ```
 */
export async function signalChecks(c: ServiceContext, kit: ScoringKit): Promise<void> {
  const { run, http } = c;
  const th = kit.policy.thresholds;
  const { tag } = kit;
  const E = kit.expect;
  const b = kit.backend;
  const session = kit.session;
  await run.check(C["svc.signals.automation"], async (t) => {
    const be = await b(t);
    const d = await session();
    await d.telemetry([event(1, "device", { platform: "node", automation: true })]);
    judge(t, (await act(t, be, d)).rec, E(["AUTOMATION"]), "automation: true");
    const w = await session({ attributes: { platform: "browser" } });
    await w.telemetry([event(1, "device", { platform: "browser", automation: true })]);
    judge(
      t,
      (await act(t, be, w)).rec,
      E(["AUTOMATION", "NO_INTERACTION"]),
      "a browser with automation",
    );
  });

  await run.check(C["svc.signals.no-interaction"], async (t) => {
    const be = await b(t);
    const d = await session({ attributes: { platform: "browser" } });
    judge(t, (await act(t, be, d)).rec, E(["NO_INTERACTION"]), "a browser session, no interaction");
    await d.telemetry([event(1)]);
    judge(t, (await act(t, be, d)).rec, E([]), "after an interaction");
    const n = await session({ attributes: { platform: "node" } });
    judge(t, (await act(t, be, n)).rec, E([]), "a non-browser session without interaction");
  });

  await run.check(C["svc.signals.velocity-device"], async (t) => {
    const be = await b(t);
    const d = await session();
    for (let i = 1; i < th.velocity_device; i++) await act(t, be, d, { recommend: false });
    judge(
      t,
      (await act(t, be, d)).rec,
      E([]),
      `action ${th.velocity_device} of the device in 60 s`,
    );
    judge(t, (await act(t, be, d)).rec, E(["VELOCITY_DEVICE"]), `action ${th.velocity_device + 1}`);
  });

  await run.check(C["svc.signals.velocity-ip"], async (t) => {
    const be = await b(t);
    const h = (i: number) =>
      ((tag.charCodeAt(2 * i) << 8) | tag.charCodeAt(2 * i + 1)).toString(16);
    const ip = `2001:db8:${h(0)}:${h(1)}:${h(2)}::1`; // this run's own address
    const per = Math.max(1, th.velocity_device);
    let d = await session();
    let used = 0;
    for (let i = 1; i <= th.velocity_ip + 1; i++) {
      if (used === per) [d, used] = [await session(), 0];
      used++;
      const last = i >= th.velocity_ip;
      const a = await act(t, be, d, { ip, recommend: last });
      if (i === th.velocity_ip) judge(t, a.rec, E([]), `action ${i} from the IP in 60 s`);
      if (i === th.velocity_ip + 1) judge(t, a.rec, E(["VELOCITY_IP"]), `action ${i} from the IP`);
    }
  });

  await run.check(C["svc.signals.many-users-per-device"], async (t) => {
    const be = await b(t);
    const d = await session();
    for (let i = 1; i <= th.users_per_device + 1; i++) {
      const a = await act(t, be, d, { claimed: `conf-${tag}-u${i}` });
      const many = i > th.users_per_device ? ["MANY_USERS_PER_DEVICE"] : [];
      const velocity = i > th.velocity_device ? ["VELOCITY_DEVICE"] : [];
      if (i >= th.users_per_device) {
        judge(
          t,
          a.rec,
          E([...many, ...velocity, "NEW_DEVICE_FOR_USER"]),
          `claimed user ${i} on the device`,
        );
      }
    }
  });

  await run.check(C["svc.signals.many-devices-per-user"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-many-devices`;
    for (let i = 1; i <= th.devices_per_user + 1; i++) {
      const a = await act(t, be, await session(), { claimed: user });
      const many = i > th.devices_per_user ? ["MANY_DEVICES_PER_USER"] : [];
      if (i >= th.devices_per_user) {
        judge(t, a.rec, E([...many, "NEW_DEVICE_FOR_USER"]), `device ${i} of the claimed user`);
      }
    }
  });

  await run.check(C["svc.signals.new-device-for-user"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-new-device`;
    const known = await session({ user_id: user });
    judge(t, (await act(t, be, known)).rec, E([]), "the session's authenticated user");
    const other = await session();
    judge(
      t,
      (await act(t, be, other, { claimed: user })).rec,
      E(["NEW_DEVICE_FOR_USER"]),
      "a claimed user new to the device",
    );
    const claimedOnly = await act(t, be, other, { claimed: user });
    judge(
      t,
      claimedOnly.rec,
      E(["NEW_DEVICE_FOR_USER"]),
      "a claim alone never makes the device known",
    );
  });

  await run.check(C["svc.signals.key-changed"], async (t) => {
    const be = await b(t);
    const first = await session();
    const second = await Device.create(http);
    await second.createSession({ device_id: first.deviceId, key_event: "lost" });
    t.ok(second.deviceId !== first.deviceId, "another key gets a new device id (SPEC §6.2.1)");
    judge(
      t,
      (await act(t, be, second)).rec,
      E(["KEY_CHANGED"]),
      "the session that presented the id with another key",
    );
    judge(t, (await act(t, be, first)).rec, E([]), "the earlier session of the device");
  });

  await run.check(C["svc.signals.ephemeral-key"], async (t) => {
    const be = await b(t);
    const d = await session({ key_assurance: "ephemeral" });
    judge(t, (await act(t, be, d)).rec, E(["EPHEMERAL_KEY"]), "key_assurance ephemeral");
  });

  await run.check(C["svc.signals.telemetry-dropped"], async (t) => {
    const be = await b(t);
    const d = await session();
    judge(t, (await act(t, be, d)).rec, E([]), "before any drop");
    await d.telemetry([], { dropped: { total: 2, by_priority: { "1": 2 } } });
    judge(t, (await act(t, be, d)).rec, E(["TELEMETRY_DROPPED"]), "after 2 dropped events");
  });

  await run.check(C["svc.signals.secure-token"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-secure`;
    const known = await session({ user_id: user });
    judge(
      t,
      (await act(t, be, known, { secure: true })).rec,
      E(["SECURE_TOKEN"], { secure: true, known: true }),
      "a secure token on a device known for the user",
    );
    const anon = await session();
    judge(
      t,
      (await act(t, be, anon, { secure: true })).rec,
      E(["SECURE_TOKEN"], { secure: true }),
      "a secure token, no user",
    );
  });
}
