/**
 * `POST /v1/device/telemetry` (SPEC §6.4, §8): a batch authenticated by the session token in its
 * body (so `sendBeacon` can send it as `text/plain`), stored idempotently by `(session, seq)`,
 * answered with `acked_seq`/`high_seq`, the action records of its action events and the user.
 *
 * @module
 */
import {
  type ActionEventData,
  errorFromCode,
  parseOrThrow,
  TelemetryBatchSchema,
} from "../../../core/mod.ts";
import { batchLimitProblem, eventPatch, planBatch } from "../../../core/service/telemetry.ts";
import {
  type SessionPatch,
  sessionRetainUntil,
  sessionStatus,
} from "../../../core/service/session.ts";
import { recordAction } from "../actions.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { commonBatch } from "./batch-check.ts";
import { deviceClient, withNonce } from "./common.ts";
import { deviceExpiry } from "./sessions.ts";

/**
 * Ingests one telemetry batch.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await postTelemetry(deps, req); // POST /v1/device/telemetry, as buildApp routes it
 * ```
 */
export async function postTelemetry(d: Deps, r: Req): Promise<Response> {
  const l = d.opts.limits;
  // Depth 4 is each event's `data` ({ "events": [ { "data": { … } } ] }): the scan bounds
  // their size, so the SPEC §8.3 limit on it rarely needs them serialized.
  const { value, bytes, spanBound } = await readJson(r.raw, {
    maxBytes: l.maxBodyBytes,
    accepted: ["json", "text"],
    spanDepth: 4,
  });
  const tooLarge = batchLimitProblem(value, bytes, spanBound);
  if (tooLarge !== null) throw errorFromCode("ERR_BATCH_TOO_LARGE", tooLarge);
  const batch = commonBatch(value) ??
    parseOrThrow(TelemetryBatchSchema, value, "ERR_INVALID_BODY");
  if (batch.events.length === 0 && batch.dropped.total === 0) {
    // SPEC §8.3: an empty batch only carries a changed drop counter.
    throw errorFromCode("ERR_INVALID_BODY", "events: at least one event, unless dropped changed");
  }
  const client = deviceClient(d, r, batch.client_id);
  // Signature, issuer and audience, not expiry (SPEC §8.5).
  const token = await d.tokens.verifySessionForTelemetry(batch.session_token, client.id, r.now);
  if (token.sessionId !== batch.session_id) {
    throw errorFromCode("ERR_CLAIM_INVALID", "the session token's sub is not session_id");
  }
  const before = await d.store.getSession(batch.session_id);
  // The token proves the service created this session: if it is gone, it ended long ago.
  if (before === null || sessionStatus(before, r.now, l.retentionS) === "gone") {
    throw errorFromCode("ERR_SESSION_ENDED", "the device session has ended beyond its retention");
  }
  // Seqs and the session changes of the fresh ones in one store unit: a fault after it loses
  // nothing once the device resends the batch (SPEC §8.5), and nothing counts twice.
  const bySeq = new Map<number, SessionPatch>();
  for (const e of batch.events) {
    const p = eventPatch(e);
    if (p !== null) bySeq.set(e.seq, p);
  }
  const { fresh, highSeq, session } = await d.store.appendEvents(
    batch.session_id,
    batch.events.map((e) => e.seq),
    sessionRetainUntil(before, l.retentionS) * 1000,
    { clientId: client.id, events: batch.events },
    {
      base: { seen: r.now, dropped: batch.dropped.total },
      bySeq,
      now: r.now,
      retentionS: l.retentionS,
    },
  );
  const plan = planBatch({ batch, fresh, before, highSeq, now: r.now });
  const after = session ?? before;
  await d.observe.telemetry(client.id, r.nowMs, {
    accepted: fresh.length,
    deduplicated: batch.events.length - fresh.length,
    dropped: Math.max(0, after.dropped - before.dropped),
  });
  for (const user of plan.usersSet) {
    await d.store.linkUser(client.id, after.deviceId, user, deviceExpiry(d, r));
  }
  const actions = [];
  for (const a of plan.actions) {
    const record = await d.store.getActionBySeq(after.id, a.seq) ??
      await recordAction(d, {
        session: after,
        source: "telemetry",
        seq: a.seq,
        data: a.event.data as unknown as ActionEventData,
        userId: a.userId,
        interactionsBefore: a.interactionsBefore,
        automation: a.automation,
        platform: a.platform,
        ip: r.ip,
        userAgent: r.raw.headers.get("user-agent")?.slice(0, 1024) ?? null,
        nowMs: r.nowMs,
      });
    actions.push({ seq: a.seq, action_id: record.id, action_token: record.token });
  }
  return withNonce(d, r, 200, {
    acked_seq: plan.ackedSeq,
    high_seq: highSeq,
    actions,
    user_id: after.userId,
  });
}
