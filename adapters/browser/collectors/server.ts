/**
 * Device attributes of a server runtime (Node, Bun, Deno), for the server SDKs. A separate file
 * from the browser's, so browser bundles never carry it; like it, importable anywhere: the caller
 * passes what it reads from `process` / `Deno`.
 *
 * @module
 */
import type { FlatAttributes } from "../../../core/wire/primitives.ts";

/**
 * The server runtime's description of itself, for Node, Bun and Deno SDKs: the caller passes
 * what it reads from `process` / `Deno`, so this module stays importable in any runtime.
 *
 * @example
 * ```ts
 * serverDeviceAttributes({ runtime: "node", version: process.versions.node, os: process.platform, arch: process.arch });
 * serverDeviceAttributes({ runtime: "deno", version: Deno.version.deno, os: Deno.build.os, arch: Deno.build.arch });
 * ```
 */
export function serverDeviceAttributes(runtime: {
  /** `"node"`, `"bun"`, `"deno"` or another runtime's name. */
  runtime: string;
  /** The runtime's version, e.g. `process.versions.node`. */
  version?: string;
  /** Operating system, e.g. `process.platform`. */
  os?: string;
  /** CPU architecture, e.g. `process.arch`. */
  arch?: string;
  /** Logical CPUs, e.g. `navigator.hardwareConcurrency` or `os.availableParallelism()`. */
  cpus?: number;
}): FlatAttributes {
  const a: FlatAttributes = {
    platform: runtime.runtime.slice(0, 32),
    runtime: runtime.runtime.slice(0, 32),
    automation: false,
  };
  if (runtime.version) a.runtime_version = runtime.version.slice(0, 64);
  if (runtime.os) a.os = runtime.os.slice(0, 64);
  if (runtime.arch) a.arch = runtime.arch.slice(0, 64);
  if (runtime.cpus !== undefined && Number.isFinite(runtime.cpus)) {
    a.hardware_concurrency = runtime.cpus;
  }
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) a.timezone = tz;
  } catch {
    // Intl without time zone data (small ICU builds): leave it out.
  }
  return a;
}
