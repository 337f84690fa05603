/**
 * The CLI on Node: `node:http` server, `node:crypto` verification, POSIX signals.
 *
 * @module
 */
import { main } from "./main.ts";
import { nodeHost } from "./node-host.ts";
import { repoDemo } from "./repo.ts";

await main(await nodeHost(), repoDemo);
