/**
 * The reference black-box SDK driver's logic (role `sdk-api`): our Node SDK
 * (`device-session/node`'s `init`, key and queue in a fresh directory per instance, or in the
 * directory an earlier instance left, `storage.from`) behind the `sdk.*` requests.
 * `sdk-api-driver.ts` puts it on stdio.
 *
 * @module
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initServer, type ServerInitOptions } from "../../adapters/sdk/server-runtime.ts";
import { nodeLikeBinding } from "../../adapters/sdk/node-binding.ts";
import type { DeviceSession } from "../../adapters/sdk/device-session.ts";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import type { Driver, DriverHandler } from "../harness/local.ts";
import { type Hello, PROTOCOL } from "../harness/protocol.ts";
import { SDK_API_MUTANTS } from "../mutants/sdk-api.ts";

/** Options of {@link createSdkApiDriver}. */
export interface SdkApiDriverOptions {
  /** A broken SDK from `conformance/mutants/sdk-api.ts` (self-test only). */
  readonly mutant?: string;
}

/** The driver and a way to remove what its instances left on disk. */
export interface SdkApiDriver extends Driver {
  dispose(): Promise<void>;
}

/** `device-session/node`'s `init` (library code does not import entry files). */
const init = (options: ServerInitOptions): DeviceSession =>
  initServer(options, nodeLikeBinding("node"));

const METHODS = new Set([
  "sdk.getSessionToken",
  "sdk.getSecureSessionToken",
  "sdk.triggerActionEvent",
  "sdk.setAuthenticatedUser",
  "sdk.clearUser",
  "sdk.flush",
  "sdk.shutdown",
]);

/** `sdk.init`'s `storage`: start on what an earlier (shut down) instance left, maybe damaged. */
interface StorageRequest {
  readonly from: string;
  readonly damage?: "key" | "state";
}

const isStorage = (x: unknown): x is StorageRequest =>
  typeof x === "object" && x !== null && typeof (x as StorageRequest).from === "string" &&
  [undefined, "key", "state"].includes((x as StorageRequest).damage);

/**
 * Damages a storage directory: `key` removes the device key file; `state` overwrites every
 * other record (device id, queue, session) with JSON the SDK never wrote.
 */
async function damage(dir: string, what: "key" | "state"): Promise<void> {
  for (const f of await readdir(dir)) {
    const isKey = f.includes("device-key");
    if (what === "key" && isKey) await rm(`${dir}/${f}`, { force: true });
    if (what === "state" && !isKey && f.endsWith(".json")) {
      await writeFile(`${dir}/${f}`, JSON.stringify({ v: 1, events: [{ sid: 7 }], id: [] }));
    }
  }
}

const fail = (seq: unknown, code: string, message: string) => ({
  seq,
  ok: false,
  error: { code, message },
});

/**
 * Our Node SDK as a black-box driver.
 *
 * @example
 * ```ts
 * const serverPath = "https://risk.example.com/";
 * const d = createSdkApiDriver();
 * await d.handle({ seq: 1, type: "sdk.init", options: { clientId: "demo", serverPath } });
 * ```
 */
export function createSdkApiDriver(o: SdkApiDriverOptions = {}): SdkApiDriver {
  const mutant = o.mutant === undefined ? undefined : SDK_API_MUTANTS[o.mutant];
  if (o.mutant !== undefined && mutant === undefined) {
    throw new Error(`unknown SDK API mutant ${o.mutant}`);
  }
  if (mutant?.fetch !== undefined) globalThis.fetch = mutant.fetch(globalThis.fetch);
  const instances = new Map<string, DeviceSession>();
  const dirOf = new Map<string, string>();
  const dirs: string[] = [];
  let next = 0;
  const hello: Hello = {
    type: "hello",
    protocol: PROTOCOL,
    role: "sdk-api",
    implementation: {
      name: o.mutant ? `device-session/node (mutant ${o.mutant})` : "device-session/node",
      version: "0.1.0",
    },
    capabilities: ["api"],
  };
  const call = (ds: DeviceSession, req: Record<string, unknown>): Promise<unknown> => {
    switch (req.type) {
      case "sdk.getSessionToken":
        return ds.getSessionToken();
      case "sdk.getSecureSessionToken":
        return ds.getSecureSessionToken(
          req.actionType as string,
          req.expirationSeconds as number | undefined,
        );
      case "sdk.triggerActionEvent":
        return ds.triggerActionEvent(req.actionType as string, req.options as never);
      case "sdk.setAuthenticatedUser":
        return ds.setAuthenticatedUser(req.userId as string);
      case "sdk.clearUser":
        return ds.clearUser();
      case "sdk.flush":
        return ds.flush();
      case "sdk.shutdown":
        return ds.shutdown();
    }
    return Promise.reject(new Error(`unknown request ${req.type}`));
  };
  const handle: DriverHandler = async (req) => {
    const seq = req.seq;
    if (req.type === "shutdown") return { seq, ok: true };
    if (req.type === "sdk.init") {
      try {
        const storage = req.storage;
        if (storage !== undefined && !isStorage(storage)) {
          return fail(seq, "ERR_INVALID_INPUT", "storage must be {from, damage?: key|state}");
        }
        const reused = storage === undefined ? undefined : dirOf.get(storage.from);
        if (storage !== undefined && reused === undefined) {
          return fail(seq, "ERR_INVALID_INPUT", `no instance ${storage.from}`);
        }
        const dir = reused ?? await mkdtemp(join(tmpdir(), "ds-sdk-api-"));
        if (reused === undefined) dirs.push(dir);
        if (storage?.damage !== undefined) await damage(dir, storage.damage);
        if (reused !== undefined) await mutant?.restart?.(dir);
        const ds = init({
          ...(req.options as Parameters<typeof init>[0]),
          dir,
          handleSignals: false,
        });
        const id = `i${++next}`;
        dirOf.set(id, dir);
        instances.set(id, mutant?.wrap ? mutant.wrap(ds) : ds);
        return { seq, ok: true, instance: id };
      } catch (e) {
        const code = e instanceof DeviceSessionError ? e.code : "ERR_INTERNAL";
        return fail(seq, code, e instanceof Error ? e.message : String(e));
      }
    }
    if (!METHODS.has(String(req.type))) {
      return fail(seq, "ERR_INVALID_INPUT", `unknown request ${req.type}`);
    }
    const ds = instances.get(String(req.instance));
    if (ds === undefined) return fail(seq, "ERR_INVALID_INPUT", "no such instance");
    try {
      const value = await call(ds, req);
      return { seq, ok: true, resolved: value ?? null };
    } catch (e) {
      // The SDK rejected the call: an answer to judge, not a driver failure.
      const code = e instanceof DeviceSessionError ? e.code : "ERR_INTERNAL";
      return {
        seq,
        ok: true,
        rejected: { code, message: e instanceof Error ? e.message : String(e) },
      };
    }
  };
  return {
    hello,
    handle,
    async dispose(): Promise<void> {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
