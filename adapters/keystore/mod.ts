/**
 * Device key stores (SPEC §3.2, §3.4, §9.8): the port, memory and IndexedDB stores, and
 * `openDeviceKey`. The file store (`file.ts`, which imports `node:fs`) is for Node-facing
 * entries only.
 *
 * @module
 */
export type { DeviceKeyRecord, KeyStore } from "./types.ts";
export { createMemoryKeyStore } from "./memory.ts";
export { createIndexedDbKeyStore, type IndexedDbKeyStoreOptions } from "./indexeddb.ts";
export { openDeviceKey, type OpenedDeviceKey, rememberDeviceId } from "./open.ts";
export { checkKeyPair } from "./check.ts";
