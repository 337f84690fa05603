/**
 * Replay stores for single-use tokens (SPEC §5.7).
 *
 * @module
 */
export type { ReplayStore } from "./types.ts";
export {
  createMemoryReplayStore,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from "./memory.ts";
