// `npm run bench`: every benchmark on one runtime, one table of ratios. Each benchmark runs in
// its own process `--runs` times (default 3) and writes its ratios with `--json=<file>`; the
// table gives each ratio's min/median/max over the runs, with its budget where one is set. The
// whole report goes to bench/results/<runtime>.json (machine, date, versions), from which
// `node tools/bench-readme.mjs` writes the README's performance table.
// Benchmarks may also write `figures` (requests/s, p50/p99 latency, bytes), reported beside the
// ratios (min/median/max over the runs) and never budgeted.
// Usage: node bench/run.mjs [--runtime=node|deno|bun] [--runs=3] [--only=verify,core]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const opt = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const RUNTIME = opt("runtime", "node");
const RUNS = Math.max(3, Number(opt("runs", 3)));
const ONLY = opt("only", "")?.split(",").filter(Boolean);
const bin = (name) => join(ROOT, "node_modules/.bin", name);

/** How to start a benchmark file on each runtime. */
const START = {
  node: (file, args) => [process.execPath, ["--expose-gc", "--import", "tsx", file, ...args]],
  deno: (file, args) => [bin("deno"), ["run", "-A", "--v8-flags=--expose-gc", file, ...args]],
  bun: (file, args) => [bin("bun"), [file, ...args]],
};

/** The benchmarks, with the arguments of one run. Each writes `{ ratios, budgets?, ceilings?, figures? }`. */
const BENCHES = [
  { name: "verify", file: "bench/verify.ts", args: ["--runs=1", "--rounds=20", "--ms=40"] },
  { name: "core", file: "bench/core.ts", args: [] },
  { name: "server", file: "bench/server.ts", args: [] },
  { name: "sdk", file: "bench/sdk-behaviour.ts", args: [] },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function runOnce(bench, dir, i) {
  const out = join(dir, `${bench.name}-${i}.json`);
  const [cmd, args] = START[RUNTIME](bench.file, [...bench.args, `--json=${out}`]);
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", ...process.env },
    timeout: 15 * 60_000,
  });
  if (r.status !== 0) {
    return { error: `exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).slice(-300)}` };
  }
  try {
    return JSON.parse(readFileSync(out, "utf8"));
  } catch {
    return { error: "wrote no --json report" };
  }
}

function main() {
  if (!START[RUNTIME]) throw new Error(`--runtime must be one of ${Object.keys(START)}`);
  const dir = mkdtempSync(join(tmpdir(), "ds-bench-"));
  const loadBefore = loadavg()[0];
  const results = {};
  try {
    for (const bench of BENCHES) {
      if (ONLY.length && !ONLY.includes(bench.name)) continue;
      if (!readFileSync(join(ROOT, bench.file), "utf8").includes("--json=")) {
        results[bench.name] = { error: "writes no --json report yet" };
        continue;
      }
      process.stderr.write(`bench ${bench.name} on ${RUNTIME}: `);
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const r = runOnce(bench, dir, i);
        process.stderr.write(r.error ? "x" : ".");
        if (r.error) {
          results[bench.name] = { error: r.error };
          break;
        }
        runs.push(r);
      }
      process.stderr.write("\n");
      if (runs.length < RUNS) continue;
      const rows = {};
      for (const key of Object.keys(runs[0].ratios)) {
        const xs = runs.map((r) => r.ratios[key]).filter((x) => typeof x === "number");
        const budget = runs[0].budgets?.[key];
        // The ratio no implementation can beat on this machine (a floor handler's), if measured.
        const ceiling = runs[0].ceilings?.[key];
        rows[key] = {
          min: Math.min(...xs),
          median: median(xs),
          max: Math.max(...xs),
          runs: xs.length,
          ...(budget !== undefined ? { budget } : {}),
          ...(ceiling !== undefined ? { ceiling } : {}),
        };
      }
      // Figures (requests/s, latency, bytes) are reported beside the ratios, never budgeted.
      const figures = {};
      for (const key of Object.keys(runs[0].figures ?? {})) {
        const xs = runs.map((r) => r.figures?.[key]).filter((x) => typeof x === "number");
        figures[key] = { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
      }
      results[bench.name] = {
        rows,
        ...(Object.keys(figures).length ? { figures } : {}),
        date: new Date().toISOString(),
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const file = join(ROOT, "bench/results", `${RUNTIME}.json`);
  // `--only` updates the named benchmarks and keeps the others' last results.
  const previous = ONLY.length && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
  const report = {
    date: new Date().toISOString(),
    runtime: versionOf(RUNTIME),
    runs: RUNS,
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      // Other work on the host shifts ratios: the 1-minute load average before and after.
      load: [loadBefore, loadavg()[0]].map((x) => Math.round(x * 10) / 10),
    },
    results: { ...previous?.results, ...results },
  };
  console.log(table(report));
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nwrote ${file}`);
  const below = Object.values(results).flatMap((b) =>
    Object.entries(b.rows ?? {}).filter(([, r]) => r.budget !== undefined && r.median < r.budget)
  );
  if (below.length) console.log(`${below.length} ratio(s) below budget (see the table)`);
}

/** `node v20.20.2`, `deno 2.9.6`, `bun 1.4.5`. */
function versionOf(runtime) {
  if (runtime === "node") return `node ${process.version}`;
  const [cmd] = START[runtime]("", []);
  const out = spawnSync(cmd, ["--version"], { encoding: "utf8" }).stdout ?? "";
  return `${runtime} ${out.match(/\d+\.\d+\.\d+/)?.[0] ?? "?"}`;
}

/** The report as a text table. */
export function table(report) {
  const lines = [
    `${report.runtime} · ${report.machine.cores} × ${report.machine.cpu} · load ${
      report.machine.load.join("→")
    } · ${report.date}`,
    `${"bench".padEnd(8)} ${"ratio".padEnd(52)} ${"min".padStart(7)} ${"median".padStart(7)} ${
      "max".padStart(7)
    }  budget`,
  ];
  for (const [name, b] of Object.entries(report.results)) {
    if (b.error) {
      lines.push(`${name.padEnd(8)} (${b.error.split("\n")[0].slice(0, 90)})`);
      continue;
    }
    for (const [k, r] of Object.entries(b.rows)) {
      const f = (x) => x.toFixed(3).padStart(7);
      const budget = r.budget === undefined
        ? ""
        : `≥ ${r.budget} ${r.median >= r.budget ? "ok" : "BELOW"}`;
      lines.push(
        `${name.padEnd(8)} ${k.padEnd(52)} ${f(r.min)} ${f(r.median)} ${f(r.max)}  ${budget}`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) main();
