/**
 * The client registry: secrets kept only as SHA-256 digests and compared in constant time,
 * browser origins per client (SPEC §6.0 CORS), and HTTP Basic credentials (SPEC §7.1).
 *
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from "../../core/mod.ts";
import { type ClientEntry, type ClientOptions, normalizeOrigin } from "./options.ts";

const encoder = new TextEncoder();

/**
 * SHA-256 of a secret, base64url: what a config file stores as `secret_sha256`.
 *
 * @example
 * ```ts
 * await hashSecret("s3cret-s3cret-s3cret"); // "…43 characters…"
 * ```
 */
export async function hashSecret(secret: string): Promise<string> {
  return encodeBase64Url(await digest(secret));
}

/** SHA-256 of a UTF-8 string. */
export async function digest(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(secret)));
}

/** Constant-time equality of two byte strings of the same length (false otherwise). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A SHA-256 given as 64 hex digits or 43 base64url characters, as bytes. */
export function parseHash(text: string): Uint8Array {
  if (text.length === 64) {
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  return decodeBase64Url(text)!;
}

/**
 * The clients, with secrets hashed and origins normalized.
 *
 * @example
 * ```ts
 * declare const secret: string;
 * const base = "https://risk.example.com/";
 * const clients = await ClientRegistry.create([{ id: "demo", secret, allowedOrigins: ["*"] }], base);
 * ```
 */
export class ClientRegistry {
  readonly #byId: Map<string, ClientEntry>;
  /** Every origin allowed by some client (preflights carry no client id). */
  readonly #anyOrigins: Set<string>;
  readonly #anyOriginAllowed: boolean;
  readonly #self: string;
  // A digest compared when the client is unknown, so both failures take the same time.
  readonly #dummy = new Uint8Array(32);

  private constructor(entries: ClientEntry[], selfOrigin: string) {
    this.#byId = new Map(entries.map((e) => [e.id, e]));
    this.#anyOrigins = new Set(entries.flatMap((e) => [...e.allowedOrigins]));
    this.#anyOriginAllowed = this.#anyOrigins.has("*");
    this.#self = selfOrigin;
  }

  /** Builds the registry; `base` is the service's public URL (its own origin is always allowed). */
  static async create(clients: readonly ClientOptions[], base: string): Promise<ClientRegistry> {
    const entries = await Promise.all(clients.map(async (c): Promise<ClientEntry> => ({
      id: c.id,
      secretSha256: c.secretSha256 !== undefined
        ? parseHash(c.secretSha256)
        : await digest(c.secret!),
      allowedOrigins: new Set(
        (c.allowedOrigins ?? []).map((o) => (o === "*" ? o : normalizeOrigin(o)!)),
      ),
    })));
    return new ClientRegistry(entries, new URL(base).origin);
  }

  /** The client, or `undefined`. */
  get(id: string): ClientEntry | undefined {
    return this.#byId.get(id);
  }

  /** Client ids, in configuration order. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  /**
   * Checks credentials in constant time whatever fails (unknown id or wrong secret, SPEC §7.1:
   * indistinguishable); the client on success.
   */
  async authenticate(id: string, secret: string): Promise<ClientEntry | null> {
    const client = this.#byId.get(id);
    const given = await digest(secret);
    const ok = constantTimeEqual(given, client?.secretSha256 ?? this.#dummy);
    return ok && client !== undefined ? client : null;
  }

  /**
   * Whether a browser request from `origin` may reach `client`'s device API: no `Origin` (not a
   * browser), the service's own origin, `*`, or a listed origin.
   */
  originAllowed(client: ClientEntry, origin: string | null): boolean {
    if (origin === null || origin === this.#self) return true;
    return client.allowedOrigins.has("*") || client.allowedOrigins.has(origin);
  }

  /** Whether some client allows `origin` (for preflights, which carry no client id). */
  originAllowedByAny(origin: string): boolean {
    return origin === this.#self || this.#anyOriginAllowed || this.#anyOrigins.has(origin);
  }
}

/**
 * Credentials of an HTTP Basic `Authorization` header (RFC 6749 §2.3.1: id and secret are
 * form-urlencoded before base64), or `null` when absent or malformed.
 *
 * @example
 * ```ts
 * basicCredentials("Basic ZGVtbzpzZWNyZXQ="); // { id: "demo", secret: "secret" }
 * ```
 */
export function basicCredentials(header: string | null): { id: string; secret: string } | null {
  if (header === null) return null;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!m) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)),
    );
  } catch {
    return null;
  }
  const colon = text.indexOf(":");
  if (colon <= 0) return null;
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: unform(text.slice(0, colon)), secret: unform(text.slice(colon + 1)) };
  } catch {
    return null;
  }
}
