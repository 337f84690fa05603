/**
 * Builds the demo page's script with esbuild (a devDependency), in memory, at start.
 *
 * @module
 */
import { readFile } from "node:fs/promises";

/** The page and its bundled script. */
export async function bundleDemo(): Promise<{ html: string; script: string }> {
  const esbuild = await import("esbuild");
  const dir = new URL(".", import.meta.url);
  const out = await esbuild.build({
    entryPoints: [new URL("app.ts", dir).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
  });
  return {
    html: await readFile(new URL("index.html", dir), "utf8"),
    script: out.outputFiles[0]!.text,
  };
}
