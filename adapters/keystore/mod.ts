/**
 * Device key stores (SPEC §3.2, §3.4, §9.8): the store interface, memory and IndexedDB stores,
 * and `keyPort`, which turns a store into the driver's key port. The file store (`file.ts`,
 * which imports `node:fs`) is for Node-facing entries only.
 *
 * @module
 */
export type { DeviceKeyRecord, DeviceKeyStore } from "./types.ts";
export { createMemoryDeviceKeyStore } from "./memory.ts";
export { createIndexedDbKeyStore, type IndexedDbKeyStoreOptions } from "./indexeddb.ts";
export { keyPort, type KeyPortOptions } from "./port.ts";
export { checkKeyPair } from "./check.ts";
