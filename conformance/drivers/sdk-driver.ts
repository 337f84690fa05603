/**
 * Reference SDK driver (harness protocol `ds-conformance/1` over stdio): our core state machine.
 *
 *     node --import tsx conformance/drivers/sdk-driver.ts
 *     deno run -A conformance/drivers/sdk-driver.ts
 *     bun conformance/drivers/sdk-driver.ts
 *
 * `--mutant <name>` runs a deliberately broken machine (conformance/mutants/sdk.ts).
 *
 * @module
 */
import process from "node:process";
import { createSdkDriver } from "./sdk-handler.ts";
import { mutantArg, serveStdio } from "./stdio.ts";

const mutant = mutantArg(process.argv.slice(2));
await serveStdio(createSdkDriver(mutant === undefined ? {} : { mutant }));
process.exit(0);
