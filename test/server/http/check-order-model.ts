// The model of SPEC §6.6.1 for test/server/http/check-order.test.ts: each endpoint's checks in
// SPEC order (the fault each detects and its answer), the draw of fault sets, the answer a draw
// must get, and the request bodies that carry a draw's faults.
import fc from "fast-check";
/** One check of an endpoint, in SPEC §6.6.1 order: the fault it detects and its answer. */
export interface Step {
  readonly fault: string;
  /** The answer's `code` (its status is the catalog's), by the fault's variant. */
  readonly code: string | ((variant: string) => string);
  /** Ways to carry the fault (default: one). */
  readonly variants?: readonly string[];
}

/** The statuses of the codes answered here (SPEC §11). */
const CATALOG: Record<string, number> = {
  ERR_RATE_LIMITED: 429,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_BODY_TOO_LARGE: 413,
  ERR_INVALID_BODY: 400,
  ERR_INVALID_QUERY: 400,
  ERR_BATCH_TOO_LARGE: 422,
  ERR_CLIENT_UNKNOWN: 404,
  ERR_FORBIDDEN: 403,
  ERR_TOKEN_MALFORMED: 401,
  ERR_PROOF_TARGET_MISMATCH: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_KEY_MISMATCH: 401,
  ERR_SESSION_UNKNOWN: 404,
  ERR_SESSION_ENDED: 410,
  ERR_CLAIM_INVALID: 401,
  ERR_AUDIENCE_MISMATCH: 403,
  ERR_SIGNATURE_INVALID: 401,
  ERR_UNAUTHENTICATED: 401,
};

/** A drawn request: its faults, each fault's variant, and harmless choices. */
export interface Draw {
  readonly faults: ReadonlySet<string>;
  readonly v: Readonly<Record<string, string>>;
  /** The `Origin` a request without the origin fault carries (none, the client's, the service's). */
  readonly origin: "none" | "client" | "self";
  /** Where the token endpoint's credentials go. */
  readonly creds: "basic" | "form";
  /** A harmless choice among a few (e.g. a valid query). */
  readonly pick: number;
}

/**
 * Draws a non-empty set of `steps`' faults: the first one uniformly among the steps (so every
 * check gets to be the first failing one), then any subset of the later ones. `fix` makes the
 * variants agree with the set (a variant that would not be a fault with another fault present).
 */
export function draws(
  steps: readonly Step[],
  fix: (d: Draw) => Draw = (d) => d,
): fc.Arbitrary<Draw> {
  const variants: Record<string, fc.Arbitrary<string>> = {};
  for (const s of steps) variants[s.fault] = fc.constantFrom(...(s.variants ?? ["yes"]));
  return fc.record({
    first: fc.noBias(fc.integer({ min: 0, max: steps.length - 1 })),
    more: fc.array(fc.boolean(), { minLength: steps.length, maxLength: steps.length }),
    v: fc.record(variants),
    origin: fc.constantFrom("none" as const, "client" as const, "self" as const),
    creds: fc.constantFrom("basic" as const, "form" as const),
    pick: fc.nat(2),
  }).map(({ first, more, v, origin, creds, pick }) =>
    fix({
      faults: new Set(
        steps.filter((_, i) => i === first || (i > first && more[i])).map((s) => s.fault),
      ),
      v,
      origin,
      creds,
      pick,
    })
  );
}

/** Runs `check` on 100 requests drawn by `arbitrary` (a fast-check property: it shrinks). */
export async function everyDraw(
  arbitrary: fc.Arbitrary<Draw>,
  check: (d: Draw) => Promise<void>,
): Promise<void> {
  await fc.assert(fc.asyncProperty(arbitrary, check), { numRuns: 100 });
}

/** The answer SPEC §6.6.1 gives `d`: the first of `steps` whose fault it carries. */
export function expected(steps: readonly Step[], d: Draw): { status: number; code: string } {
  const s = steps.find((s) => d.faults.has(s.fault));
  if (s === undefined) throw new Error("a draw carries at least one fault");
  const code = typeof s.code === "string" ? s.code : s.code(d.v[s.fault]!);
  return { status: CATALOG[code]!, code };
}

const RATE = { code: "ERR_RATE_LIMITED" };
const INVALID = { code: "ERR_INVALID_BODY" };
export const TOO_LARGE = { code: "ERR_BODY_TOO_LARGE" };
/**
 * How an oversized body travels: with its `Content-Length`, or streamed without one. Streamed
 * twice as often: only then is the size check's place pinned (a declared length over the limit
 * may be answered 413 before any other check, SPEC §6.6.1).
 */
const SIZES = ["declared", "streamed", "streamed"];
/** Media types an `application/json` endpoint refuses ("none": no `Content-Type` at all). */
const NOT_JSON = [
  "text/plain",
  "application/xml",
  "application/json; charset=iso-8859-1",
  "application/x-www-form-urlencoded",
  "none",
];
/** The checks of a JSON body, in order (SPEC §6.6: media type, size, nesting, JSON, schema). */
const body = (media: readonly string[], schema: readonly string[]): Step[] => [
  { fault: "media", code: "ERR_UNSUPPORTED_MEDIA_TYPE", variants: media },
  { fault: "size", ...TOO_LARGE, variants: SIZES },
  { fault: "nesting", ...INVALID },
  { fault: "json", ...INVALID },
  { fault: "schema", ...INVALID, variants: schema },
];

/** The proof faults, by variant. */
const PROOF_CODES: Record<string, string> = {
  missing: "ERR_TOKEN_MALFORMED", // SPEC §6.0
  target: "ERR_PROOF_TARGET_MISMATCH", // §5.2 step 5
  "stale-iat": "ERR_TOKEN_EXPIRED", // §5.2 step 6
  key: "ERR_KEY_MISMATCH", // §5.2 step 8
};

export const CREATE: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  ...body(NOT_JSON, ["key_event", "key_assurance", "client_id"]),
  { fault: "client", code: "ERR_CLIENT_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  { fault: "proofLimit", ...RATE },
  {
    fault: "proof",
    variants: ["missing", "target", "stale-iat"],
    code: (v) => PROOF_CODES[v]!,
  },
];

export const REFRESH: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  ...body(NOT_JSON, ["array"]),
  { fault: "proofLimit", ...RATE },
  {
    fault: "proof",
    variants: ["missing", "target", "stale-iat", "key"],
    code: (v) => PROOF_CODES[v]!,
  },
  { fault: "unknown", code: "ERR_SESSION_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  { fault: "ended", code: "ERR_SESSION_ENDED" },
];

/** The session token faults of a telemetry batch, by variant. */
const TOKEN_CODES: Record<string, string> = {
  sub: "ERR_CLAIM_INVALID", // SPEC §6.4: a token whose sub is not session_id
  aud: "ERR_AUDIENCE_MISMATCH", // §6.4: another client's token
  sig: "ERR_SIGNATURE_INVALID", // §5.3 step 3
};

export const TELEMETRY: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  {
    fault: "media",
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
    variants: NOT_JSON.filter((m) => m !== "text/plain").concat("text/plain; charset=utf-16"),
  },
  { fault: "size", ...TOO_LARGE, variants: SIZES },
  { fault: "nesting", ...INVALID },
  { fault: "json", ...INVALID },
  { fault: "batch", code: "ERR_BATCH_TOO_LARGE", variants: ["events", "event"] },
  { fault: "schema", ...INVALID, variants: ["ver", "sent_at_ms", "empty"] },
  { fault: "client", code: "ERR_CLIENT_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  {
    fault: "token",
    variants: ["sub", "aud", "sig"],
    code: (v) => TOKEN_CODES[v]!,
  },
  { fault: "gone", code: "ERR_SESSION_ENDED" },
];

/** The §7 checks before the body: authentication, the client's rate limit. */
const BACKEND_AUTH: Step[] = [
  {
    fault: "auth",
    code: "ERR_UNAUTHENTICATED",
    variants: ["missing", "garbage", "tampered", "basic"],
  },
  { fault: "backendLimit", ...RATE },
];

/** §7.0: another client's token is 403 ERR_FORBIDDEN; a failed one, the verifier's code. */
const BACKEND_TOKEN: Step = {
  fault: "token",
  variants: ["aud", "sig"],
  code: (v) => (v === "aud" ? "ERR_FORBIDDEN" : "ERR_SIGNATURE_INVALID"),
};

export const ACTIONS: readonly Step[] = [
  ...BACKEND_AUTH,
  { fault: "query", code: "ERR_INVALID_QUERY", variants: ["maybe", "TRUE", ""] },
  ...body(NOT_JSON, ["action_type", "both", "neither"]),
  BACKEND_TOKEN,
];

export const RESULT: readonly Step[] = [
  ...BACKEND_AUTH,
  ...body(NOT_JSON, ["result", "challenge_type", "action_token"]),
  BACKEND_TOKEN,
];

export const OAUTH: readonly Step[] = [
  { fault: "tokenLimit", ...RATE },
  {
    fault: "media",
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
    variants: [
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded; charset=iso-8859-1",
      "none",
    ],
  },
  { fault: "form", ...INVALID, variants: ["grant_type", "repeated", "both"] },
  { fault: "creds", code: "ERR_UNAUTHENTICATED", variants: ["secret", "client"] },
];

/** `token` with its signature's first character changed (still canonical base64url). */
export function tamper(token: string): string {
  const i = token.lastIndexOf(".") + 1;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** Arrays nested 40 deep (SPEC §12 allows 32). */
const DEEP: unknown = JSON.parse("[".repeat(40) + "]".repeat(40));
export const EVIL = "https://evil.example";

/**
 * The bytes of a JSON body `value` carrying the body faults of `d`: nesting, size (a member or
 * element past the 65536-byte limit) and invalid JSON (trailing garbage).
 */
export function jsonBytes(
  value: Record<string, unknown> | unknown[],
  d: Draw,
): Uint8Array<ArrayBuffer> {
  const add = (name: string, x: unknown) => {
    if (Array.isArray(value)) value.push(x);
    else value[name] = x;
  };
  if (d.faults.has("nesting")) add("deep", DEEP);
  if (d.faults.has("size")) add("pad", "x".repeat(70_000));
  const text = JSON.stringify(value) + (d.faults.has("json") ? "}" : "");
  return new TextEncoder().encode(text);
}

/**
 * `init` for a body: the media type of the `media` fault (or `type`), and an oversized body
 * streamed without `Content-Length` when the size fault's variant says so.
 */
export function withBody(
  d: Draw,
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
  headers: Record<string, string>,
): RequestInit {
  const media = d.faults.has("media") ? d.v.media! : type;
  const h: Record<string, string> = { ...headers };
  if (media !== "none") h["content-type"] = media;
  if (d.faults.has("size") && d.v.size === "streamed") {
    return {
      method: "POST",
      headers: h,
      body: chunked(bytes, 16_384),
      duplex: "half",
    } as RequestInit;
  }
  return { method: "POST", headers: h, body: bytes };
}

/** `bytes` as a stream of chunks of `size` bytes (a body without `Content-Length`). */
export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
      c.close();
    },
  });
}
