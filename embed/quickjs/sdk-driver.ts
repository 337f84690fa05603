/**
 * An SDK driver (harness protocol `ds-conformance/1`, stdio) whose machine runs inside QuickJS:
 * the host reads request lines and hands each one, as a string, to the guest bundle's harness
 * handler; the core never sees a host API beyond the injected `URL`.
 *
 *     device-session conformance sdk --cmd "node --import tsx embed/quickjs/sdk-driver.ts"
 *
 * `--mutant <name>` loads a deliberately broken machine into QuickJS (conformance/mutants/sdk.ts).
 *
 * @module
 */
import process from "node:process";
import type { Hello } from "../../conformance/harness/protocol.ts";
import { mutantArg, serveStdio } from "../../conformance/drivers/stdio.ts";
import { createQuickJsCore } from "./bridge.ts";

const mutant = mutantArg(process.argv.slice(2));
const core = await createQuickJsCore(mutant === undefined ? {} : { mutant });
const hello = core.harness({ type: "hello" }) as unknown as Hello;
await serveStdio({
  hello: {
    ...hello,
    implementation: {
      name: `${hello.implementation?.name ?? "device-session"} (core in QuickJS)`,
      version: "0.1.0",
    },
  },
  handle: (request) => Promise.resolve(core.harness(request)),
});
core.dispose();
process.exit(0);
