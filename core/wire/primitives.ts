/**
 * Primitive schemas shared by every message (SPEC §1): identifiers, action types, user ids,
 * base64url strings, integer times, flat attribute maps.
 *
 * Schemas carry explicit `v.GenericSchema<T>` types so JSR sees no slow types and the TypeScript
 * interfaces stay the documented contract.
 *
 * @module
 */
import * as v from "valibot";

export { jsonBytes, utf8Length } from "./constants.ts";
import { jsonBytes } from "./constants.ts";

/** Deepest nesting of arrays and objects a request body may have (SPEC §12). */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether the JSON `text` nests arrays and objects deeper than `max` (the top-level value is
 * depth 1). One pass over the text, brackets inside strings skipped, nothing allocated: run it
 * before `JSON.parse`, so no deeper structure is ever built or walked.
 *
 * @example
 * ```ts
 * jsonDepthExceeds('{"a":[[1]]}', 2); // true: depth 3
 * ```
 */
export function jsonDepthExceeds(text: string, max: number = MAX_JSON_DEPTH): boolean {
  return jsonScan(text, max, 0).tooDeep;
}

/** What {@link jsonScan} learns from a JSON text before it is parsed. */
export interface JsonScan {
  /** The text nests arrays and objects deeper than the limit (the scan stopped there). */
  readonly tooDeep: boolean;
  /**
   * An upper bound on the UTF-8 size of `JSON.stringify` of every array or object at depth
   * `spanDepth` (and so of everything inside them), or `Infinity` when the text does not tell.
   */
  readonly spanBound: number;
}

/**
 * One pass over a JSON `text` (what {@link jsonDepthExceeds} runs): whether it nests deeper than
 * `max`, and a bound on the serialized size of the arrays and objects at depth `spanDepth` (0:
 * none) — their longest span in the text. Re-serializing a parsed value never makes it longer
 * than its source, except a number written with an exponent (`1e20` is 21 digits) or characters
 * beyond ASCII (a span counts UTF-16 units): when the text has either, the bound is `Infinity`.
 * So a size limit (SPEC §8.3: an event's `data`) holds without serializing anything, whenever
 * the bound is within it. `ascii: true` says the text is known to be ASCII (the same answer,
 * without a pass to check it); only say so when it is.
 *
 * @example
 * ```ts
 * jsonScan('{"events":[{"data":{"a":1}}]}', 32, 4); // { tooDeep: false, spanBound: 7 }
 * ```
 */
export function jsonScan(
  text: string,
  max: number,
  spanDepth: number,
  ascii: boolean = false,
): JsonScan {
  const n = text.length;
  let depth = 0;
  let start = -1;
  let longest = 0;
  let exponent = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote after an even run of backslashes (each escapes the
      // next character; the run never reaches past the opening quote).
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) {
          i = n;
          break;
        }
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        i = q;
        if (((q - 1 - b) & 1) === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return { tooDeep: true, spanBound: Infinity };
      if (depth === spanDepth) start = i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth === spanDepth && start !== -1 && i - start + 1 > longest) longest = i - start + 1;
      depth--;
    } else if (c === 0x65 || c === 0x45) {
      // `e` after a digit: an exponent (`true`/`false` have theirs after a letter).
      const p = text.charCodeAt(i - 1);
      if (p >= 0x30 && p <= 0x39) exponent = true;
    }
  }
  if (spanDepth === 0) return { tooDeep: false, spanBound: 0 };
  // `ascii`: the caller knows (a UTF-8 body whose byte length is the text's length is ASCII),
  // so the text needs no second pass to find out.
  return {
    tooDeep: false,
    spanBound: exponent || (!ascii && NON_ASCII.test(text)) ? Infinity : longest,
  };
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Opaque identifier: `^[A-Za-z0-9_-]{1,128}$` (SPEC §1.4). */
export const Id: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,128}$/, "an identifier of 1-128 base64url characters"),
);

/** A `jti`: 16 to 128 base64url characters (generated ones are 22). */
export const Jti: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{16,128}$/, "a jti of 16-128 base64url characters"),
);

/** RFC 7638 SHA-256 thumbprint, base64url: exactly 43 characters. */
export const Thumbprint: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{43}$/, "a 43-character base64url SHA-256 thumbprint"),
);

/** Action type: `^[a-z][a-z0-9_]{0,63}$`, compared byte for byte (SPEC §1.5). */
export const ActionType: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9_]{0,63}$/, "an action type matching ^[a-z][a-z0-9_]{0,63}$"),
);

/** The well-known action types (SPEC §1.5); any other valid action type is custom. */
export const WELL_KNOWN_ACTION_TYPES: readonly string[] = [
  "login",
  "register",
  "transaction",
  "checkout",
  "password_reset",
  "logout",
  "account_details_change",
  "account_auth_change",
  "withdraw",
  "credits_change",
];

/** Login-type actions: a successful result with a user id sets the session's user (§7.4). */
export const LOGIN_TYPE_ACTIONS: readonly string[] = ["login", "register"];

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** User id: 1–256 characters, no control characters (SPEC §1.6). */
export const UserId: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.minLength(1, "a user id of at least 1 character"),
  v.maxLength(256, "a user id of at most 256 characters"),
  v.check((s) => !CONTROL.test(s), "a user id without control characters"),
);

/** Client id: `^[A-Za-z0-9._-]{1,128}$` (SPEC §1.7). */
export const ClientId: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9._-]{1,128}$/, "a client id matching ^[A-Za-z0-9._-]{1,128}$"),
);

/** A non-negative integer number of seconds since the epoch (SPEC §1.1). */
export const EpochSeconds: v.GenericSchema<number> = v.pipe(
  v.number(),
  v.integer("an integer number of seconds"),
  v.minValue(0),
  v.maxValue(253402300799, "a time before year 10000"),
);

/** A non-negative integer number of milliseconds since the epoch. */
export const EpochMillis: v.GenericSchema<number> = v.pipe(
  v.number(),
  v.integer("an integer number of milliseconds"),
  v.minValue(0),
  v.maxValue(253402300799999),
);

/** A compact JWS as a string, bounded by the 8192-byte token cap (§4.2). */
export const CompactJws: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.minLength(5, "a compact JWS"),
  v.maxLength(8192, "a token of at most 8192 bytes"),
  v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "a compact JWS"),
);

/** How a device holds its key (SPEC §3.4). */
export type KeyAssurance =
  | "persistent-nonextractable"
  | "persistent-file"
  | "persistent-custom"
  | "ephemeral";

/** Schema of {@link KeyAssurance}. */
export const KeyAssuranceSchema: v.GenericSchema<KeyAssurance> = v.picklist([
  "persistent-nonextractable",
  "persistent-file",
  "persistent-custom",
  "ephemeral",
]);

/** Signature algorithms of the protocol (SPEC §3). */
export type Alg = "EdDSA" | "ES256";

/** Schema of {@link Alg}. */
export const AlgSchema: v.GenericSchema<Alg> = v.picklist(["EdDSA", "ES256"]);

/** Rejects arrays before a `v.record` (which would turn `[1]` into `{ "0": 1 }`). */
export const NotArray: v.GenericSchema<unknown> = v.custom(
  (x) => typeof x === "object" && x !== null && !Array.isArray(x),
  "a JSON object",
);

/** A JSON object with any members (not an array, not null). */
export const JsonObject: v.GenericSchema<Record<string, unknown>> = v.pipe(
  NotArray,
  v.record(v.string(), v.unknown()),
) as v.GenericSchema<Record<string, unknown>>;

/** A flat map of string, number and boolean values. */
export type FlatAttributes = Record<string, string | number | boolean>;

/**
 * A flat attribute map with at most `maxEntries` members and `maxBytes` serialized bytes; keys
 * 1–64 characters, strings at most 1024 characters.
 *
 * Marked free of side effects so bundlers drop the schemas built with it where they are unused
 * (the device SDK validates with `guards.ts` instead).
 */
/* @__NO_SIDE_EFFECTS__ */
export function flatAttributes(
  maxEntries: number,
  maxBytes: number,
): v.GenericSchema<FlatAttributes> {
  return v.pipe(
    NotArray,
    v.record(
      v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
      v.union([
        v.pipe(v.string(), v.maxLength(1024)),
        v.pipe(v.number(), v.finite()),
        v.boolean(),
      ]),
    ),
    v.check((r) => Object.keys(r).length <= maxEntries, `at most ${maxEntries} attributes`),
    v.check((r) => jsonBytes(r) <= maxBytes, `attributes of at most ${maxBytes} bytes`),
  ) as v.GenericSchema<FlatAttributes>;
}
