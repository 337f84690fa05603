// A lock across processes (a directory made atomically), for work on shared files of the
// checkout such as `npm pack` rebuilding dist/. A lock older than STALE_MS is from a crashed
// holder and is taken over.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

const STALE_MS = 10 * 60_000;
const RETRY_MS = 500;

/**
 * Runs `fn` while holding the lock at `path`.
 * @template T
 * @param {string} path
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withLock(path, fn) {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS) rmSync(path, { recursive: true, force: true });
      // Polling: the holder is another process, with nothing to wait on but the directory.
      else await delay(RETRY_MS);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
