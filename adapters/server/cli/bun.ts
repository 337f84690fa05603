/**
 * The CLI on Bun: the Node host (Bun implements `node:crypto`, `node:fs` and signals natively)
 * with `Bun.serve` as the server.
 *
 * @module
 */
import { serve } from "../serve/bun.ts";
import { main } from "./main.ts";
import { nodeHost } from "./node-host.ts";
import { repoDemo } from "./repo.ts";

const bunVersion = (globalThis as { Bun?: { version?: string } }).Bun?.version ?? "?";

await main({ ...(await nodeHost()), runtime: `bun ${bunVersion}`, serve }, repoDemo);
