/**
 * The host side of the QuickJS bridge: bundles `guest.ts` (the sans-I/O core and the reference
 * SDK harness handler) with esbuild, evaluates it in a fresh QuickJS context (the
 * quickjs-emscripten WebAssembly build: a bare ECMAScript engine, no Web APIs) and passes JSON
 * strings in and out. The one host facility the core needs beyond ECMAScript 2022, WHATWG
 * `URL`, is injected here as a small class backed by the host's own `URL`
 * (docs/embedding.md, "What the core needs from the host"); the verifier also gets the host's
 * crypto (`node:crypto`, synchronous, so a verification settles within one drain of the
 * engine's job queue).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { KeyObject } from "node:crypto";
import { nodeCrypto } from "../../adapters/crypto/node.ts";
import { fromHex, toHex } from "../../conformance/trace.ts";
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from "quickjs-emscripten";
import type { GuestRequest } from "./guest.ts";

const GUEST = fileURLToPath(new URL("./guest.ts", import.meta.url));

let bundled: Promise<string> | null = null;

/**
 * The guest bundle: an ES2022 script defining the global `DeviceSessionGuest`.
 *
 * @example
 * ```ts
 * const source = await guestBundle(); // ≈ 120 KB of plain ECMAScript
 * ```
 */
export function guestBundle(): Promise<string> {
  bundled ??= esbuild.build({
    entryPoints: [GUEST],
    bundle: true,
    format: "iife",
    globalName: "DeviceSessionGuest",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    write: false,
    logLevel: "silent",
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

// Guest-side `URL`: the fields the core and valibot's `url()` read, parsed by the host.
const URL_SHIM = `globalThis.URL = class URL {
  constructor(input, base) {
    const parts = __hostParseUrl(String(input), base === undefined ? undefined : String(base));
    if (parts === null) throw new TypeError("Invalid URL");
    Object.assign(this, JSON.parse(parts));
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
};`;

const URL_FIELDS = [
  "href",
  "origin",
  "protocol",
  "username",
  "password",
  "host",
  "hostname",
  "port",
  "pathname",
  "search",
  "hash",
] as const;

/** The core running in a QuickJS context. */
export interface QuickJsCore {
  /** One guest operation (see `guest.ts`); a guest failure comes back as `{error}`. */
  call(request: GuestRequest): Record<string, unknown>;
  /** One harness request (`ds-conformance/1`) answered by the guest's handler of `role`. */
  harness(request: Record<string, unknown>, role?: "sdk" | "verifier"): Record<string, unknown>;
  /** Frees the context and its runtime. */
  dispose(): void;
}

/** Options of {@link createQuickJsCore}. */
export interface QuickJsCoreOptions {
  /** A broken SDK machine or verifier from `conformance/mutants/` (harness self-test only). */
  readonly mutant?: string;
  /** Memory limit of the QuickJS runtime in bytes (default 64 MiB). */
  readonly memoryLimit?: number;
}

/**
 * Starts QuickJS and loads the core into it.
 *
 * @example
 * ```ts
 * const core = await createQuickJsCore();
 * const serverPath = "https://risk.example.com";
 * const { machine } = core.call({ op: "create", options: { clientId: "demo", serverPath } });
 * core.dispose();
 * ```
 */
export async function createQuickJsCore(o: QuickJsCoreOptions = {}): Promise<QuickJsCore> {
  const source = await guestBundle();
  const quickjs = await getQuickJS();
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(o.memoryLimit ?? 64 * 1024 * 1024);
  runtime.setMaxStackSize(1024 * 1024);
  const vm: QuickJSContext = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  try {
    const parseUrl = vm.newFunction("__hostParseUrl", (input, base) => {
      try {
        const b = vm.typeof(base) === "string" ? vm.getString(base) : undefined;
        const u = new URL(vm.getString(input), b);
        const parts = Object.fromEntries(URL_FIELDS.map((k) => [k, u[k]]));
        return vm.newString(JSON.stringify(parts));
      } catch {
        return vm.null;
      }
    });
    vm.setProp(vm.global, "__hostParseUrl", parseUrl);
    parseUrl.dispose();
    const keys: KeyObject[] = [];
    const cryptoFn = vm.newFunction("__hostCrypto", (json) => {
      const r = JSON.parse(vm.getString(json));
      let out: unknown;
      if (r.op === "import") {
        const k = nodeCrypto.importKey(r.jwk, r.alg) as KeyObject | null; // synchronous
        out = k === null ? null : keys.push(k) - 1;
      } else if (r.op === "verify") {
        const k = keys[r.key];
        out = k !== undefined && nodeCrypto.verify(r.alg, k, r.input, fromHex(r.signature));
      } else out = toHex(nodeCrypto.sha256(fromHex(r.data)) as Uint8Array);
      return vm.newString(JSON.stringify(out));
    });
    vm.setProp(vm.global, "__hostCrypto", cryptoFn);
    cryptoFn.dispose();
    vm.unwrapResult(vm.evalCode(URL_SHIM, "url-shim.js")).dispose();
    vm.unwrapResult(vm.evalCode(source, "device-session-guest.js")).dispose();
    const ns = vm.getProp(vm.global, "DeviceSessionGuest");
    handles.push(ns);
    const entry = vm.getProp(ns, "deviceSessionGuest");
    const take = vm.getProp(ns, "deviceSessionGuestTake");
    handles.push(entry, take);

    const invoke = (fn: QuickJSHandle, arg?: string): string => {
      const args = arg === undefined ? [] : [vm.newString(arg)];
      const r = vm.callFunction(fn, vm.undefined, ...args);
      for (const a of args) a.dispose();
      const out = vm.unwrapResult(r);
      try {
        return vm.getString(out);
      } finally {
        out.dispose();
      }
    };
    const call = (request: GuestRequest): Record<string, unknown> =>
      JSON.parse(invoke(entry, JSON.stringify(request)));
    return {
      call,
      harness(request, role = "sdk") {
        const r = call({
          op: "harness",
          role,
          request,
          ...(o.mutant === undefined ? {} : { mutant: o.mutant }),
        });
        if (r.pending !== true) return r;
        // The handler answers through a promise: drain the engine's job queue, then collect.
        const jobs = runtime.executePendingJobs();
        if (jobs.error) {
          const e = vm.dump(jobs.error);
          jobs.error.dispose();
          throw new Error(`guest job failed: ${JSON.stringify(e)}`);
        }
        return JSON.parse(invoke(take));
      },
      dispose() {
        for (const h of handles) h.dispose();
        vm.dispose();
        runtime.dispose();
      },
    };
  } catch (e) {
    for (const h of handles) h.dispose();
    vm.dispose();
    runtime.dispose();
    throw e;
  }
}
