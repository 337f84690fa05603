/**
 * The driver side of the stdio transport: writes the hello line, then answers each request line
 * with one response line, in order. Uses `node:process`, which Node, Deno and Bun all provide.
 *
 * @module
 */
import process from "node:process";
import type { Driver } from "../harness/local.ts";

/**
 * Serves `driver` on this process's stdin/stdout until `shutdown` or the end of stdin.
 *
 * @example
 * ```ts
 * import { createSdkDriver } from "./sdk-handler.ts";
 * await serveStdio(createSdkDriver());
 * ```
 */
export function serveStdio(driver: Driver): Promise<void> {
  const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  out(driver.hello);
  return new Promise((resolve) => {
    let buffer = "";
    let chain: Promise<unknown> = Promise.resolve();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      chain.then(() => resolve());
    };
    // Role sdk-api answers each request when it is done (they overlap); others in order.
    const concurrent = driver.hello.role === "sdk-api";
    const onLine = (line: string) => {
      const answer = async () => {
        if (done && line === "") return;
        let req: Record<string, unknown>;
        try {
          req = JSON.parse(line);
        } catch {
          out({ seq: null, ok: false, error: { code: "ERR_INVALID_INPUT", message: "not JSON" } });
          return;
        }
        out(await driver.handle(req));
        if (req.type === "shutdown") {
          process.stdin.pause();
          finish();
        }
      };
      if (concurrent && !done) void answer();
      else chain = chain.then(answer);
    };
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        if (line.trim() !== "") onLine(line);
      }
    });
    process.stdin.on("end", finish);
  });
}

/**
 * The value of `--mutant <name>` among `args`, if any.
 *
 * @example
 * ```ts
 * mutantArg(["--mutant", "expired-token"]); // "expired-token"
 * ```
 */
export function mutantArg(args: readonly string[]): string | undefined {
  const i = args.indexOf("--mutant");
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith("--mutant="))?.slice(9);
}
