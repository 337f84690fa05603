/**
 * Telemetry events and batches (SPEC §8).
 *
 * @module
 */
import * as v from "valibot";
import {
  ActionType,
  ClientId,
  CompactJws,
  EpochMillis,
  type FlatAttributes,
  flatAttributes,
  Id,
  jsonBytes,
  JsonObject,
  UserId,
} from "./primitives.ts";

export { EVENT_PRIORITY, type EventType, TELEMETRY_LIMITS } from "./constants.ts";
import { type EventType, TELEMETRY_LIMITS } from "./constants.ts";
import { CLAIMED_USER_ID_TYPES } from "./claimed.ts";

/** Claimed user id types (SPEC §7.2). */
export type ClaimedUserIdType =
  | "email"
  | "phone_number"
  | "account_id"
  | "ssn"
  | "national_id"
  | "passport_number"
  | "drivers_license_number"
  | "other";

/** Schema of {@link ClaimedUserIdType}. */
export const ClaimedUserIdTypeSchema: v.GenericSchema<ClaimedUserIdType> = v.picklist(
  CLAIMED_USER_ID_TYPES,
);

/** Transaction data of an action (SPEC §7.2); extra members are kept as given. */
export interface TransactionData {
  amount: number;
  currency: string;
  [key: string]: unknown;
}

/** Schema of {@link TransactionData}. */
export const TransactionDataSchema: v.GenericSchema<TransactionData> = v.pipe(
  v.looseObject({
    amount: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(999999999.99)),
    currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "an ISO 4217 currency code")),
  }),
  v.check((t) => jsonBytes(t) <= 2048, "transaction data of at most 2048 bytes"),
);

/** The attributes of an action, shared by the SDK's action event and the backend trigger. */
export interface ActionAttributes {
  correlation_id?: string;
  claimed_user_id?: string;
  claimed_user_id_type?: ClaimedUserIdType;
  transaction_data?: TransactionData;
  custom_attributes?: FlatAttributes;
}

/** Entries of {@link ActionAttributes} (module-private: valibot entry types are slow types). */
const ACTION_ATTRIBUTE_ENTRIES = {
  correlation_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  claimed_user_id: v.optional(UserId),
  claimed_user_id_type: v.optional(ClaimedUserIdTypeSchema),
  transaction_data: v.optional(TransactionDataSchema),
  custom_attributes: v.optional(flatAttributes(50, 2048)),
};

/** `claimed_user_id_type` is allowed only with `claimed_user_id` (SPEC §7.2). */
export function claimedTypeHasId(a: ActionAttributes): boolean {
  return a.claimed_user_id_type === undefined || a.claimed_user_id !== undefined;
}

/** Schema of {@link ActionAttributes}: the attributes shared by SDK and backend actions. */
export const ActionAttributesSchema: v.GenericSchema<ActionAttributes> = v.pipe(
  v.looseObject(ACTION_ATTRIBUTE_ENTRIES),
  v.check((b) => claimedTypeHasId(b), "claimed_user_id_type requires claimed_user_id"),
) as v.GenericSchema<ActionAttributes>;

/** Data of an `action` event. */
export interface ActionEventData extends ActionAttributes {
  action_type: string;
}

/** Schema of {@link ActionEventData}. */
export const ActionEventDataSchema: v.GenericSchema<ActionEventData> = v.intersect([
  v.looseObject({ action_type: ActionType }),
  ActionAttributesSchema,
]) as v.GenericSchema<ActionEventData>;

/** Data of an `identify` event: `user_id: null` clears the user. */
export interface IdentifyEventData {
  user_id: string | null;
  previous_user_id: string | null;
}

/** Schema of {@link IdentifyEventData}. */
export const IdentifyEventDataSchema: v.GenericSchema<IdentifyEventData> = v.looseObject({
  user_id: v.nullable(UserId),
  previous_user_id: v.nullable(UserId),
});

/** A telemetry event (SPEC §8.1). */
export interface TelemetryEvent {
  seq: number;
  time_ms: number;
  type: EventType;
  data: Record<string, unknown>;
}

const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const DataObject = v.pipe(
  JsonObject,
  v.check(
    (d) => jsonBytes(d) <= TELEMETRY_LIMITS.maxEventDataBytes,
    "event data of at most 4096 bytes",
  ),
);

/** Schema of {@link TelemetryEvent}: `data` is checked per type for action and identify. */
export const TelemetryEventSchema: v.GenericSchema<TelemetryEvent> = v.pipe(
  v.looseObject({
    seq: Seq,
    time_ms: EpochMillis,
    type: v.picklist(["action", "identify", "device", "page", "interaction"]),
    data: DataObject,
  }),
  v.check((e) => {
    if (e.type === "action") return v.is(ActionEventDataSchema, e.data);
    if (e.type === "identify") return v.is(IdentifyEventDataSchema, e.data);
    return true;
  }, "event data matching its type"),
) as v.GenericSchema<TelemetryEvent>;

/** Cumulative drop counters of a session (SPEC §8.3). */
export interface DroppedCounters {
  total: number;
  by_priority: { "1"?: number; "2"?: number; "3"?: number };
}

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Schema of {@link DroppedCounters}. */
export const DroppedCountersSchema: v.GenericSchema<DroppedCounters> = v.looseObject({
  total: Count,
  by_priority: v.looseObject({
    "1": v.optional(Count),
    "2": v.optional(Count),
    "3": v.optional(Count),
  }),
});

/** A telemetry batch, the body of `POST /v1/device/telemetry` (SPEC §8.3). */
export interface TelemetryBatch {
  ver: 1;
  client_id: string;
  session_id: string;
  session_token: string;
  events: TelemetryEvent[];
  dropped: DroppedCounters;
  sent_at_ms: number;
}

/**
 * Schema of {@link TelemetryBatch}: 0–100 events in strictly increasing `seq` order; an empty
 * batch is how a changed drop counter travels alone. Count and size limits are enforced by
 * {@link checkBatchLimits} so they can answer 422 instead of 400.
 */
export const TelemetryBatchSchema: v.GenericSchema<TelemetryBatch> = v.pipe(
  v.looseObject({
    ver: v.literal(1),
    client_id: ClientId,
    session_id: Id,
    session_token: CompactJws,
    events: v.array(TelemetryEventSchema),
    dropped: DroppedCountersSchema,
    sent_at_ms: EpochMillis,
  }),
  v.check(
    (b) => b.events.every((e, i) => i === 0 || e.seq > b.events[i - 1]!.seq),
    "events in strictly increasing seq order",
  ),
) as v.GenericSchema<TelemetryBatch>;

/** Whether a batch's raw event list respects the count limit (SPEC §8.3; 422 otherwise). */
export function checkBatchLimits(events: unknown): boolean {
  return !Array.isArray(events) || events.length <= TELEMETRY_LIMITS.maxBatchEvents;
}

/** An action record created from an `action` event (SPEC §8.6). */
export interface AckedAction {
  seq: number;
  action_id: string;
  action_token: string;
}

/** The answer to a batch (SPEC §6.4). */
export interface TelemetryAck {
  acked_seq: number;
  high_seq: number;
  actions: AckedAction[];
  user_id: string | null;
  time: number;
  /** A fresh proof nonce (SPEC §6.0), keeping the device's nonce current between refreshes. */
  nonce?: string;
}

/** Schema of {@link TelemetryAck}. */
export const TelemetryAckSchema: v.GenericSchema<TelemetryAck> = v.looseObject({
  acked_seq: Count,
  high_seq: Count,
  actions: v.array(v.looseObject({ seq: Seq, action_id: Id, action_token: CompactJws })),
  user_id: v.nullable(UserId),
  time: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
