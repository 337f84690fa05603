/**
 * Things the CLI finds only in a repository checkout: the package version and the demo page of
 * `examples/demo` (mounted under `/demo/` in `--demo` mode). Both are optional: a published
 * package has neither path, and the CLI runs without them.
 *
 * @module
 */
import type { MountFactory } from "./run.ts";

/** The package version from the nearest package.json (sources or `dist/`), or `"0.0.0"`. */
export async function packageVersion(readText: (path: string) => Promise<string>): Promise<string> {
  for (const rel of ["../../../package.json", "../../../../package.json"]) {
    try {
      const pkg = JSON.parse(await readText(new URL(rel, import.meta.url).pathname));
      if (pkg.name === "device-session" && typeof pkg.version === "string") return pkg.version;
    } catch { /* not there */ }
  }
  return "0.0.0";
}

/**
 * Mounts the repository's demo page (docs/walkthrough.md) under `/demo/` when `examples/demo` is present.
 *
 * @example
 * ```ts
 * import type { CliHost } from "./host.ts";
 * import { main } from "./main.ts";
 * declare const host: CliHost;
 * await main(host, repoDemo);
 * ```
 */
export const repoDemo: MountFactory = async (o) => {
  const dir = new URL("../../../examples/demo/", import.meta.url);
  let demo: {
    demoApp: (x: Record<string, unknown>) => { fetch(req: Request): Promise<Response> };
  };
  let bundle: {
    bundleDemo: () => Promise<{ html: string; script: string; chunks: Record<string, string> }>;
  };
  try {
    demo = await import(new URL("backend.ts", dir).href);
    bundle = await import(new URL("bundle.ts", dir).href);
  } catch {
    return null; // not a checkout (or no demo): serve the API only
  }
  const { html, script, chunks } = await bundle.bundleDemo();
  const app = demo.demoApp({
    service: o.service,
    baseUrl: o.publicUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    html,
    script,
    chunks,
  });
  return { prefix: "/demo", fetch: (req) => app.fetch(req), label: "demo page" };
};
