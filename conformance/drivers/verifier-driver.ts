/**
 * Reference verifier driver (harness protocol `ds-conformance/1`): `device-session/verify`.
 *
 *     node --import tsx conformance/drivers/verifier-driver.ts            # stdio
 *     deno run -A conformance/drivers/verifier-driver.ts --http 9000      # HTTP on 127.0.0.1:9000
 *     bun conformance/drivers/verifier-driver.ts
 *
 * `--mutant <name>` runs a deliberately broken verifier (conformance/mutants/verifier.ts).
 * `--http <port>` serves the HTTP contract instead (GET: hello; POST: one request), using the
 * service's serve helper of the runtime.
 *
 * @module
 */
import process from "node:process";
import { createVerifierDriver } from "./verifier-handler.ts";
import { mutantArg, serveStdio } from "./stdio.ts";
import { serveHttpDriver } from "./http.ts";

const args = process.argv.slice(2);
const mutant = mutantArg(args);
const driver = createVerifierDriver(mutant === undefined ? {} : { mutant });
const http = args.indexOf("--http");
if (http >= 0) {
  const server = await serveHttpDriver(driver, { port: Number(args[http + 1] ?? 0) });
  console.error(`verifier driver on ${server.url}`);
} else {
  await serveStdio(driver);
  process.exit(0);
}
