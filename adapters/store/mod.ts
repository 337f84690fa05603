/**
 * Service stores: the {@link Store} port and the in-memory implementation.
 *
 * @module
 */
export type { DeviceRegistration, RuleWrite, Store } from "./types.ts";
export { MemoryStore, type MemoryStoreOptions, type MemoryStoreStats } from "./memory.ts";
export { ExpiringMap, type ExpiringMapOptions } from "./expiring-map.ts";
