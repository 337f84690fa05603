/**
 * Runs mutants in throw-away copies of the repository (the worktree is never mutated): one copy
 * per worker, `node_modules` linked, each mutant written into its copy, judged by
 * `tools/mutation/judge.ts` in a fresh process with a timeout, and the file restored.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { apply, type Mutant } from "./operators.ts";

/** What the conformance suite made of one mutant. */
export type Status = "killed" | "survived" | "timeout" | "error";

/** One judged mutant. */
export interface Verdict {
  readonly status: Status;
  /** The first failing or incomplete checks (killed), or what went wrong (error). */
  readonly by: readonly string[];
  readonly ms: number;
}

const SKIP = new Set(["node_modules", ".git", "dist", ".tmp", "coverage"]);

/** A copy of `root` to mutate in; `close` removes it. */
export function workCopy(root: string): { dir: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), "ds-mutation-"));
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => !SKIP.has(src.slice(root.length).split(/[\\/]/).filter(Boolean)[0] ?? ""),
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the judge in `dir` for `targets`, killing it (and its children) after `timeoutMs`. */
export function judge(
  dir: string,
  targets: readonly string[],
  timeoutMs: number,
): Promise<Verdict> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tools/mutation/judge.ts", ...targets],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => void (out += d));
    child.stderr.on("data", (d) => void (err = (err + d).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* already gone */ }
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (timedOut) return resolve({ status: "timeout", by: [], ms });
      const line = out.trim().split("\n").pop() ?? "";
      let parsed: { failed: string[]; incomplete: string[] } | null = null;
      try {
        parsed = JSON.parse(line);
      } catch { /* no verdict line: the judge crashed */ }
      if (parsed !== null && code === 0) return resolve({ status: "survived", by: [], ms });
      if (parsed !== null) {
        const by = [...parsed.failed, ...parsed.incomplete.map((id) => `${id} (incomplete)`)];
        return resolve({ status: "killed", by: by.slice(0, 3), ms });
      }
      // The implementation under test crashed the run: the suite saw it fail.
      const why = err.split("\n").find((l) => /Error|error:/.test(l))?.trim() ?? `exit ${code}`;
      resolve({ status: "killed", by: [`crash: ${why.slice(0, 160)}`], ms });
    });
  });
}

/** Judges `m` in the copy at `dir`, restoring the file afterwards. */
export async function judgeMutant(
  dir: string,
  m: Mutant,
  targets: readonly string[],
  timeoutMs: number,
): Promise<Verdict> {
  const path = join(dir, m.file);
  const original = readFileSync(path, "utf8");
  writeFileSync(path, apply(original, m));
  try {
    return await judge(dir, targets, timeoutMs);
  } finally {
    writeFileSync(path, original);
  }
}
