/**
 * Reference black-box SDK driver (harness protocol `ds-conformance/1`, role `sdk-api`, over
 * stdio): our Node SDK's public API. Run by `device-session conformance sdk-api --cmd …`:
 *
 *     node --import tsx conformance/drivers/sdk-api-driver.ts
 *
 * `--mutant <name>` runs a deliberately broken SDK (conformance/mutants/sdk-api.ts).
 *
 * @module
 */
import process from "node:process";
import { createSdkApiDriver } from "./sdk-api-handler.ts";
import { mutantArg, serveStdio } from "./stdio.ts";

const mutant = mutantArg(process.argv.slice(2));
const driver = createSdkApiDriver(mutant === undefined ? {} : { mutant });
await serveStdio(driver);
await driver.dispose();
process.exit(0);
