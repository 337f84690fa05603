/**
 * The conformance command on its own (what `device-session conformance` dispatches to):
 *
 *     node --import tsx conformance/cli/bin.ts sdk --cmd "node --import tsx conformance/drivers/sdk-driver.ts"
 *     deno run -A conformance/cli/bin.ts verifier --cmd "deno run -A conformance/drivers/verifier-driver.ts"
 *     bun conformance/cli/bin.ts service --url http://localhost:8787 --client-id demo --client-secret …
 *
 * @module
 */
import process from "node:process";
import { conformanceMain } from "./main.ts";

process.exitCode = await conformanceMain(process.argv.slice(2));
