// Finds and launches the system Chromium with playwright-core (no browser download).
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function chromiumPath(): string | null {
  const env =
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const candidates = env.CHROMIUM_PATH
    ? [env.CHROMIUM_PATH]
    : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Why the end-to-end tests cannot run here, or `false`. REQUIRE_BROWSER=1 turns a skip into a failure. */
export function e2eSkip(): string | false {
  const g = globalThis as {
    window?: unknown;
    Deno?: unknown;
    Bun?: unknown;
    process?: { env: Record<string, string | undefined> };
  };
  if (g.window !== undefined) return "runs from Node, not inside the browser";
  if (g.Deno !== undefined || g.Bun !== undefined) {
    return "playwright-core drives Chromium from Node";
  }
  if (chromiumPath() === null) {
    if (g.process?.env.REQUIRE_BROWSER === "1") {
      throw new Error("REQUIRE_BROWSER=1 but no Chromium found");
    }
    return "skipped: no Chromium found";
  }
  return false;
}

export async function launch() {
  // A computed specifier keeps the browser leg's bundler from pulling playwright in.
  const pkg = "playwright-core";
  const { chromium } = await import(pkg);
  const profile = await mkdtemp(join(tmpdir(), "ds-e2e-"));
  return await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath()!,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
