// A real `device-session` process on the runtime running the tests: started with arguments,
// its stderr collected, the banner awaited, stopped with SIGTERM. Server runtimes only (tests
// import it dynamically).

interface DenoLike {
  execPath(): string;
  Command: new (cmd: string, o: Record<string, unknown>) => {
    spawn(): {
      stderr: AsyncIterable<Uint8Array>;
      stdout: AsyncIterable<Uint8Array>;
      stdin: WritableStream<Uint8Array>;
      status: Promise<{ code: number }>;
      kill(signal: string): void;
    };
  };
}

/** A `device-session` process. */
export interface Spawned {
  kill(): void;
  exited: Promise<number | null>;
  /** The device API base once the banner shows it (and `until`, when given: the banner is
   * written in several chunks). */
  listening(until?: RegExp): Promise<string>;
  stderr(): string;
  /** What it printed on stdout (with `{ stdout: true }`). */
  stdout(): string;
}

/** How to start it: text for stdin (otherwise none), whether to keep stdout. */
export interface SpawnOptions {
  readonly stdin?: string;
  readonly stdout?: boolean;
}

/** Starts `bin/device-session.mjs` with `args` on this runtime. */
export async function spawnCli(args: string[], o: SpawnOptions = {}): Promise<Spawned> {
  const { fileURLToPath } = await import("node:url");
  const m = await import("./harness.ts");
  const bin = fileURLToPath(new URL("../../../bin/device-session.mjs", import.meta.url));
  let stderr = "";
  let stdout = "";
  let done = false;
  // Woken on every stderr chunk and at exit: the banner is awaited as it is written.
  let wake = () => {};
  let changed = new Promise<void>((r) => (wake = r));
  const grew = () => {
    wake();
    changed = new Promise<void>((r) => (wake = r));
  };
  let kill: () => void;
  let exited: Promise<number | null>;
  if (m.runtimeName() === "deno") {
    // Deno's node:child_process reports a signal instead of the child's own exit code.
    const D = (globalThis as unknown as { Deno: DenoLike }).Deno;
    const child = new D.Command(D.execPath(), {
      args: ["run", "-A", bin, ...args],
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdin: o.stdin !== undefined ? "piped" : "null",
      stdout: o.stdout === true ? "piped" : "null",
      stderr: "piped",
    }).spawn();
    const read = (async () => {
      for await (const b of child.stderr) {
        stderr += new TextDecoder().decode(b);
        grew();
      }
    })();
    const readOut = o.stdout === true
      ? (async () => {
        for await (const b of child.stdout) stdout += new TextDecoder().decode(b);
      })()
      : Promise.resolve();
    if (o.stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(o.stdin));
      await w.close();
    }
    kill = () => child.kill("SIGTERM");
    exited = child.status.then(async (s) => {
      await Promise.all([read, readOut]);
      return s.code;
    });
  } else {
    const { spawn } = await import("node:child_process");
    const process = (await import("node:process")).default;
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: [
        o.stdin !== undefined ? "pipe" : "ignore",
        o.stdout === true ? "pipe" : "ignore",
        "pipe",
      ],
    });
    child.stderr!.on("data", (b: Uint8Array) => {
      stderr += new TextDecoder().decode(b);
      grew();
    });
    child.stdout?.on("data", (b: Uint8Array) => (stdout += new TextDecoder().decode(b)));
    if (o.stdin !== undefined) child.stdin!.end(o.stdin);
    kill = () => child.kill("SIGTERM");
    // "close": the exit code once stdout and stderr are read to their end.
    exited = new Promise((r) => child.on("close", (code) => r(code)));
  }
  exited = exited.finally(() => {
    done = true;
    grew();
  });
  return {
    kill: () => kill(),
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    async listening(until?: RegExp): Promise<string> {
      // No deadline: the calling test's timeout is the ceiling, however slow the start.
      for (;;) {
        const found = /device API base \(serverPath\): (\S+)/.exec(stderr);
        if (found && (until === undefined || until.test(stderr))) {
          return found[1]!.replace(/\/$/, "");
        }
        if (done) throw new Error(`exited early: ${stderr}`);
        await changed;
      }
    },
  };
}
