/**
 * Fixed keys, times and token builders for the token vectors (tools/vectors/gen-tokens.ts).
 * Keys live in `vectors/tokens/keys.json` (generated once, then committed). Ed25519 signatures
 * are deterministic; ES256 ones are random, so every ES256 signature already present in the
 * previous vector file is reused for the same signing input: regenerating is reproducible.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { DevicePublicJwk, Jwks, ServiceJwk } from "../../core/wire/mod.ts";
import { encodeBase64Url } from "../../core/token/mod.ts";
import { nodeSigner, type PrivateJwk } from "../../adapters/crypto/node.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import { nodeCrypto } from "../../adapters/crypto/node.ts";

/** 2026-01-01T00:00:00Z: every vector time is relative to it. */
export const T0 = 1767225600;
export const ISS = "https://risk.example.com";
export const AUD = "demo";
export const SESSION_ID = "s_Qm9vdHN0cmFwU2Vzc2lvbjE";
export const DEVICE_ID = "d_Rml4ZWREZXZpY2VJZDAwMDE";
export const ACTION_ID = "a_Rml4ZWRBY3Rpb25JZDAwMDE";
export const HTU = "https://risk.example.com/v1/device/sessions";
export const NONCE = "n0nce-2026-01-01_A";

/** The fixed keys: role → algorithm. */
export const KEY_ALGS = {
  "service-ed25519": "EdDSA",
  "service-es256": "ES256",
  "service-ed25519-previous": "EdDSA",
  "attacker-ed25519": "EdDSA",
  "attacker-es256": "ES256",
  "device-ed25519": "EdDSA",
  "device-es256": "ES256",
  "device2-ed25519": "EdDSA",
} as const;
export type KeyName = keyof typeof KEY_ALGS;

const KEYS_URL = new URL("../../vectors/tokens/keys.json", import.meta.url);
const VECTORS_URL = new URL("../../vectors/tokens/verify.json", import.meta.url);
const encoder = new TextEncoder();

/** A token string from a UTF-8 text: base64url of its bytes. */
export const b64 = (text: string): string => encodeBase64Url(encoder.encode(text));

/** Keys, thumbprints and signing. */
export interface Fixtures {
  readonly keys: Record<KeyName, PrivateJwk>;
  /** RFC 7638 thumbprint (service `kid`, device `jkt`). */
  kid(name: KeyName): string;
  /** Public members only. */
  pub(name: KeyName): DevicePublicJwk;
  /** A JWKS of service keys. */
  jwks(...names: KeyName[]): Jwks;
  /** Raw signature of an ASCII signing input. */
  sign(name: KeyName, input: string): Uint8Array;
}

function loadKeys(): Record<KeyName, PrivateJwk> {
  const stored = existsSync(KEYS_URL)
    ? (JSON.parse(readFileSync(KEYS_URL, "utf8")) as { keys: Record<string, PrivateJwk> }).keys
    : {};
  const keys = {} as Record<KeyName, PrivateJwk>;
  let changed = false;
  for (const [name, alg] of Object.entries(KEY_ALGS) as [KeyName, string][]) {
    if (stored[name]) {
      keys[name] = stored[name];
      continue;
    }
    const pair = alg === "EdDSA"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = pair.privateKey.export({ format: "jwk" }) as unknown as PrivateJwk;
    keys[name] = jwk.kty === "OKP"
      ? { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }
      : { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y!, d: jwk.d };
    changed = true;
  }
  if (changed) {
    const doc = {
      description: [
        "Fixed TEST keys of the token vectors (private JWKs). Never use them for anything else.",
        "Generated once by tools/vectors/gen-tokens.ts and committed so the vectors reproduce.",
      ],
      keys,
    };
    writeFileSync(KEYS_URL, JSON.stringify(doc, null, 2) + "\n");
  }
  return keys;
}

/** Signing inputs → ES256 signatures found in the previous vector file (and its inner tokens). */
function previousEs256Signatures(): Map<string, string> {
  const cache = new Map<string, string>();
  if (!existsSync(VECTORS_URL)) return cache;
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{86})$/.exec(value);
      if (!m) return;
      cache.set(`${m[1]}.${m[2]}`, m[3]!);
      try {
        visit(JSON.parse(new TextDecoder().decode(base64urlBytes(m[2]!))));
      } catch { /* not JSON: nothing nested */ }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  visit(JSON.parse(readFileSync(VECTORS_URL, "utf8")));
  return cache;
}

function base64urlBytes(s: string): Uint8Array {
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

/** Loads (or, the first time, creates) the fixed keys. */
export async function loadFixtures(): Promise<Fixtures> {
  const keys = loadKeys();
  const es256Cache = previousEs256Signatures();
  const pubs = {} as Record<KeyName, DevicePublicJwk>;
  const kids = {} as Record<KeyName, string>;
  for (const name of Object.keys(keys) as KeyName[]) {
    const k = keys[name];
    pubs[name] = k.kty === "OKP"
      ? { kty: "OKP", crv: "Ed25519", x: k.x }
      : { kty: "EC", crv: "P-256", x: k.x, y: k.y! };
    kids[name] = await jwkThumbprint(pubs[name], nodeCrypto);
  }
  const signers = Object.fromEntries(
    (Object.keys(keys) as KeyName[]).map((n) => [n, nodeSigner(KEY_ALGS[n], keys[n])]),
  ) as Record<KeyName, ReturnType<typeof nodeSigner>>;
  return {
    keys,
    kid: (name) => kids[name],
    pub: (name) => ({ ...pubs[name] }),
    jwks: (...names) => ({
      keys: names.map((n) =>
        ({ ...pubs[n], kid: kids[n], alg: KEY_ALGS[n], use: "sig" }) as ServiceJwk
      ),
    }),
    sign(name, input) {
      if (KEY_ALGS[name] === "ES256") {
        const cached = es256Cache.get(input);
        if (cached !== undefined) return base64urlBytes(cached);
      }
      const sig = signers[name].sign(encoder.encode(input)) as Uint8Array;
      if (KEY_ALGS[name] === "ES256") es256Cache.set(input, encodeBase64Url(sig));
      return sig;
    },
  };
}

/** Drops members whose value is `undefined` (how a case removes a default member). */
export function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Signs the exact header and payload texts (for duplicate members, whitespace, BOMs…). */
export function signRaw(
  f: Fixtures,
  key: KeyName,
  headerText: string,
  payloadText: string,
): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  return `${input}.${encodeBase64Url(f.sign(key, input))}`;
}

/** Signs JSON header and payload objects (members `undefined` are left out). */
export function jws(f: Fixtures, key: KeyName, header: object, payload: object): string {
  return signRaw(f, key, JSON.stringify(clean(header)), JSON.stringify(clean(payload)));
}

/** HS256 with `secret`: the classic "public key as HMAC secret" confusion. */
export function hs256(header: object, payload: object, secret: string | Uint8Array): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const mac = createHmac("sha256", secret).update(input).digest();
  return `${input}.${encodeBase64Url(new Uint8Array(mac))}`;
}

/** An unsigned-shape token with an arbitrary signature segment. */
export function withSignature(header: object, payload: object, signature: string): string {
  return `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.${signature}`;
}
