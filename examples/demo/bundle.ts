/**
 * Builds the demo page's script with esbuild (a devDependency), in memory, at start, the way an
 * application would: code splitting on, so the SDK's lazily imported chunks (the collectors)
 * are separate files the page fetches after the entry.
 *
 * @module
 */
import { readFile } from "node:fs/promises";

/** The page, its entry script (`app.js`) and the chunks it imports, by file name. */
export async function bundleDemo(): Promise<
  { html: string; script: string; chunks: Record<string, string> }
> {
  const esbuild = await import("esbuild");
  const dir = new URL(".", import.meta.url);
  const out = await esbuild.build({
    entryPoints: [new URL("app.ts", dir).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    splitting: true,
    outdir: "/demo-out",
    entryNames: "app",
    write: false,
  });
  const files = Object.fromEntries(
    out.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf("/") + 1), f.text]),
  );
  const { ["app.js"]: script, ...chunks } = files;
  return { html: await readFile(new URL("index.html", dir), "utf8"), script: script!, chunks };
}
