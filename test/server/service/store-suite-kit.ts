// What the store conformance suite's parts share (store-suite.ts, store-suite-registries.ts):
// the harness a store is checked through, records to store, and unique ids.
import type { Store } from "../../../adapters/store/types.ts";
import { newSession } from "../../../core/service/session.ts";
import type { ActionRecord } from "../../../core/service/action.ts";
import type { Rule } from "../../../core/wire/backend.ts";
import { newActionId } from "../../../adapters/server/ids.ts";

export interface StoreHarness {
  readonly store: Store;
  /** The store's clock, epoch milliseconds. */
  now(): number;
  /** Lets `ms` pass on the store's clock. */
  advance(ms: number): Promise<void>;
  /**
   * The real clock (Redis): a TTL counts from when its command reaches the server, which a
   * loaded machine delays by an unknown time, so an expiry is awaited rather than expected by
   * a fixed moment. Unset: virtual time, where expiry is exact.
   */
  readonly realClock?: boolean;
}

/** Resolves once `gone()` holds: at once on a virtual clock (asserted by the caller), else polled
 * on the real one (the test's timeout is the ceiling for a record that never expires). */
export async function expired(h: StoreHarness, gone: () => Promise<boolean>): Promise<void> {
  while (h.realClock === true && !(await gone())) await h.advance(100);
}

export const T = { timeout: 120_000 };

export const sessionAt = (id: string, nowS: number, idleS = 1800) =>
  newSession({
    id,
    clientId: "a",
    deviceId: "d_1",
    jkt: "k".repeat(43),
    keyAssurance: "ephemeral",
    keyEvent: "none",
    keyChanged: false,
    userId: null,
    now: nowS,
    absoluteS: 86400,
    idleS,
  });

export const actionFor = (sessionId: string, seq: number | null, nowMs: number): ActionRecord => {
  const id = newActionId(sessionId);
  return {
    id,
    clientId: "a",
    sessionId,
    deviceId: "d_1",
    type: "login",
    source: "telemetry",
    seq,
    performedAtMs: nowMs,
    jkt: "k",
    keyAssurance: "ephemeral",
    userId: null,
    claimedUserId: null,
    claimedUserIdType: null,
    correlationId: null,
    ip: null,
    userAgent: null,
    transactionData: { amount: 12.5, currency: "EUR" } as ActionRecord["transactionData"],
    customAttributes: null,
    signals: {} as ActionRecord["signals"],
    token: `tok-${id}`,
    expiresAt: 0,
    outcome: null,
  };
};

export const rule = (id: string, priority: number): Rule => ({
  id,
  name: id,
  priority,
  enabled: true,
  mode: "production",
  match: { action_types: ["login"] },
  recommendation: "DENY",
});

export let unique = 0;
/** A fresh key or id per test (stores are shared by the tests of a describe). */
export const fresh = (p: string) => `${p}${Date.now().toString(36)}${(unique++).toString(36)}`;
