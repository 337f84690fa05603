/**
 * The browser's device key port — IndexedDB key store, WebCrypto key generation and signing —
 * as its own chunk: `lazy-keys.ts` imports it on the session's first key request, which runs in
 * parallel with the first request to the service, so the page's entry does not carry it.
 *
 * @module
 */
import { createIndexedDbKeyStore } from "../keystore/indexeddb.ts";
import { keyPort } from "../keystore/port.ts";
import type { KeyStore } from "../ports.ts";

/**
 * The key port over the IndexedDB key store named after the client.
 *
 * @example
 * ```ts
 * const keys = indexedDbKeyPort("demo");
 * const signer = (await keys.load()) ?? (await keys.generate());
 * ```
 */
export function indexedDbKeyPort(name: string): KeyStore {
  return keyPort(createIndexedDbKeyStore({ name }));
}
