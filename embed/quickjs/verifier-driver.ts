/**
 * A verifier driver (harness protocol `ds-conformance/1`, stdio) whose verification procedures
 * run inside QuickJS: `device-session/verify`, bundled, with the host's `node:crypto` injected
 * for key import, signature checks and SHA-256; replay stores live in the guest.
 *
 *     device-session conformance verifier --cmd "node --import tsx embed/quickjs/verifier-driver.ts"
 *
 * `--mutant <name>` loads a deliberately broken verifier (conformance/mutants/verifier.ts).
 *
 * @module
 */
import process from "node:process";
import type { Hello } from "../../conformance/harness/protocol.ts";
import { mutantArg, serveStdio } from "../../conformance/drivers/stdio.ts";
import { createQuickJsCore } from "./bridge.ts";

const mutant = mutantArg(process.argv.slice(2));
const core = await createQuickJsCore(mutant === undefined ? {} : { mutant });
const hello = core.harness({ type: "hello" }, "verifier") as unknown as Hello;
const name = hello.implementation?.name ?? "device-session/verify";
await serveStdio({
  hello: { ...hello, implementation: { name: `${name} (in QuickJS)`, version: "0.1.0" } },
  handle: (request) => Promise.resolve(core.harness(request, "verifier")),
});
core.dispose();
process.exit(0);
