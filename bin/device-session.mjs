#!/usr/bin/env node
// The `device-session` command. Picks the entry for the runtime running it (node, or
// `bun bin/device-session.mjs`, `deno run -A bin/device-session.mjs`): the TypeScript sources in
// a repository checkout (through tsx on Node), the built files of a published package.
import { existsSync } from "node:fs";

const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";
const source = new URL(`../adapters/server/cli/${runtime}.ts`, import.meta.url);
const built = new URL(`../dist/adapters/server/cli/${runtime}.js`, import.meta.url);

if (existsSync(source)) {
  if (runtime === "node") {
    // Node 20 cannot run TypeScript: tsx (a devDependency of the checkout) compiles on the fly.
    const { register } = await import("tsx/esm/api");
    register();
  }
  await import(source.href);
} else {
  await import(built.href);
}
