/**
 * A seeded console scenario (used by the console API test, the Chromium test and the
 * screenshot script): client `a` with logins, transfers, a production rule that denies one IP
 * range, a preview rule that would deny every transfer, and a device reporting dropped
 * telemetry; client `b` with one login of its own. Operators `alice` (client a) and `bob`
 * (client b) hold bearer tokens.
 */
import { Backend, Device, ev, type Harness, startHarness } from "./harness.ts";
import type { CreateServiceOptions } from "../../../adapters/server/mod.ts";

export const ALICE = "operator-alice-token-0123456789";
export const BOB = "operator-bob-token-0123456789abc";

/** What the scenario did, as the console must show it. */
export interface Seeded {
  readonly h: Harness;
  readonly a: Backend;
  readonly b: Backend;
  readonly sessionsA: number;
  readonly logins: number;
  readonly transfers: number;
  /** DENY decisions of client a (the production rule's hits). */
  readonly denies: number;
  readonly dropped: number;
  readonly previewRuleId: string;
  readonly productionRuleId: string;
  /** Ids only client b's data holds. */
  readonly bOnly: { readonly deviceId: string; readonly userId: string; readonly ruleName: string };
  /** A device id of client a and how many decisions it has. */
  readonly deviceA: { readonly id: string; readonly decisions: number };
}

/** Starts a service with the console on, and plays the scenario. */
export async function seedConsole(extra: Partial<CreateServiceOptions> = {}): Promise<Seeded> {
  const { hashSecret } = await import("../../../adapters/server/clients.ts");
  const h = await startHarness({
    console: {
      operators: [
        { id: "alice", clientId: "a", tokenSha256: await hashSecret(ALICE) },
        { id: "bob", clientId: "b", tokenSha256: await hashSecret(BOB) },
      ],
    },
    ...extra,
  });
  const a = await Backend.create(h, "a");
  const b = await Backend.create(h, "b");
  const ok = async (r: Response, status: number) => {
    const json = await r.json() as Record<string, unknown>;
    if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const production = await ok(
    await a.call("POST", "/v1/backend/rules", {
      name: "block 198.51.100.0/24",
      priority: 10,
      enabled: true,
      mode: "production",
      match: { ip_cidrs: ["198.51.100.0/24"] },
      recommendation: "DENY",
    }),
    201,
  );
  const preview = await ok(
    await a.call("POST", "/v1/backend/rules", {
      name: "deny every transfer",
      priority: 20,
      enabled: true,
      mode: "preview",
      match: { action_types: ["transfer"] },
      recommendation: "DENY",
    }),
    201,
  );
  await ok(
    await b.call("POST", "/v1/backend/rules", {
      name: "b-secret-rule",
      priority: 10,
      enabled: true,
      mode: "production",
      match: { action_types: ["login"] },
      recommendation: "CHALLENGE",
    }),
    201,
  );
  let logins = 0;
  let transfers = 0;
  let denies = 0;
  const devices: Device[] = [];
  for (let i = 0; i < 4; i++) {
    const d = await Device.create(h, "a");
    await d.createSession();
    devices.push(d);
    const ip = i === 3 ? "198.51.100.7" : `203.0.113.${i + 1}`;
    await ok(
      await a.call("POST", "/v1/backend/actions?get_recommendation=true", {
        action_type: "login",
        session_token: d.sessionToken,
        claimed_user_id: `user-${i}`,
        ip,
      }),
      201,
    );
    logins++;
    if (i === 3) denies++;
    if (i < 3) {
      await ok(
        await a.call("POST", "/v1/backend/actions?get_recommendation=true", {
          action_type: "transfer",
          session_token: d.sessionToken,
          claimed_user_id: `user-${i}`,
          ip,
        }),
        201,
      );
      transfers++;
    }
  }
  // Device 0 reports telemetry it had to drop (SPEC §8.3).
  const dropped = 6;
  await ok(await devices[0]!.telemetry([ev(1, "page")], { dropped }), 200);
  // Client b: a session and a login of a user only b knows.
  const db = await Device.create(h, "b");
  await db.createSession();
  await ok(
    await b.call("POST", "/v1/backend/actions?get_recommendation=true", {
      action_type: "login",
      session_token: db.sessionToken,
      claimed_user_id: "user-b-secret",
    }),
    201,
  );
  // A change of the production rule by client a's backend (audited).
  await ok(
    await a.call("PUT", `/v1/backend/rules/${production.id}`, {
      name: "block 198.51.100.0/24",
      priority: 11,
      enabled: true,
      mode: "production",
      match: { ip_cidrs: ["198.51.100.0/24"] },
      recommendation: "DENY",
    }),
    200,
  );
  return {
    h,
    a,
    b,
    sessionsA: devices.length,
    logins,
    transfers,
    denies,
    dropped,
    previewRuleId: preview.id as string,
    productionRuleId: production.id as string,
    bOnly: { deviceId: db.deviceId, userId: "user-b-secret", ruleName: "b-secret-rule" },
    deviceA: { id: devices[0]!.deviceId, decisions: 2 },
  };
}
