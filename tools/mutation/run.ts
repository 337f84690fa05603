/**
 * `npm run mutation -- [--area service|verifier|sdk]... [--sample N] [--seed S] [--jobs J]
 * [--rerun survived] [--file path]... [--out file.json] [--report docs/mutation.md] [--list]`:
 * plants bugs in the reference service, verifier and SDK and counts how many the conformance
 * suite alone catches. `--sample N` judges N mutants per area, chosen by a seeded hash of their stable ids
 * (the same N for the same code and seed); without it every mutant is judged. `--rerun
 * survived` judges again only the survivors of the results file (after the suite changed),
 * keeping every other verdict. `--file` keeps only the mutants of files whose path starts with
 * one of the given prefixes (a targeted look at new code; the sample is then drawn among them).
 * `--report-only` rewrites the report from the results file.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import process from "node:process";
import ts from "typescript";
import { type Area, AREAS, filesOf, targetsFor } from "./areas.ts";
import { apply, hash, type Mutant, mutantsOf } from "./operators.ts";
import { judge, judgeMutant, type Verdict, workCopy } from "./pool.ts";
import { type Judged, markdown, type Results } from "./report.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const { values: opt } = parseArgs({
  options: {
    area: { type: "string", multiple: true },
    file: { type: "string", multiple: true },
    sample: { type: "string" },
    seed: { type: "string", default: "1" },
    jobs: { type: "string", default: "2" },
    rerun: { type: "string" },
    out: { type: "string", default: "docs/mutation.json" },
    report: { type: "string", default: "docs/mutation.md" },
    list: { type: "boolean", default: false },
    "report-only": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});

const areas = AREAS.filter((a) => opt.area === undefined || opt.area.includes(a.name));
const sample = opt.sample === undefined ? undefined : Number(opt.sample);
const jobs = Math.max(1, Number(opt.jobs));
const outPath = `${ROOT}${opt.out}`;
const reportPath = `${ROOT}${opt.report}`;

/** Parses; a mutant that does not parse is no bug anyone could ship. */
function parses(file: string, text: string): boolean {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0;
}

function mutantsOfArea(area: Area): { all: number; chosen: Mutant[] } {
  const all: Mutant[] = [];
  for (const f of filesOf(ROOT, area)) {
    if (opt.file !== undefined && !opt.file.some((p) => f.startsWith(p))) continue;
    const text = readFileSync(`${ROOT}${f}`, "utf8");
    for (const m of mutantsOf(f, text)) if (parses(f, apply(text, m))) all.push(m);
  }
  if (sample === undefined) return { all: all.length, chosen: all };
  // Seeded by id: a sample survives unrelated edits elsewhere in the code.
  const key = (m: Mutant) => hash(`${opt.seed}:${m.id}`);
  const chosen = [...all].sort((a, b) => key(a).localeCompare(key(b))).slice(0, sample);
  return { all: all.length, chosen };
}

function previous(): Results | null {
  return existsSync(outPath) ? JSON.parse(readFileSync(outPath, "utf8")) as Results : null;
}

function writeReport(results: Results): void {
  writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(reportPath, markdown(results, ROOT));
  process.stderr.write(`wrote ${opt.out} and ${opt.report}\n`);
}

if (opt["report-only"]) {
  const r = previous();
  if (r === null) throw new Error(`no ${opt.out}`);
  writeReport(r);
  process.exit(0);
}

const plan: { area: Area; m: Mutant }[] = [];
const totals: Record<string, number> = {};
for (const area of areas) {
  const { all, chosen } = mutantsOfArea(area);
  totals[area.name] = all;
  for (const m of chosen) plan.push({ area, m });
}
const prior = previous();
let kept: Judged[] = [];
let todo = plan;
if (opt.rerun !== undefined) {
  if (prior === null) throw new Error(`--rerun needs ${opt.out}`);
  const names = new Set<string>(areas.map((a) => a.name));
  const again = new Set(
    prior.mutants.filter((j) => j.status === opt.rerun && names.has(j.area)).map((j) => j.id),
  );
  kept = prior.mutants.filter((j) => !again.has(j.id));
  const byId = new Map(prior.mutants.map((j) => [j.id, j]));
  todo = [];
  for (const area of areas) {
    for (const f of filesOf(ROOT, area)) {
      for (const m of mutantsOf(f, readFileSync(`${ROOT}${f}`, "utf8"))) {
        if (again.has(m.id) && byId.get(m.id)?.area === area.name) todo.push({ area, m });
      }
    }
  }
}
if (opt.list) {
  for (const { area, m } of todo) {
    console.log(`${area.name}\t${m.id}\t${m.file}:${m.line}\t${m.original} -> ${m.replacement}`);
  }
  process.exit(0);
}

// The unmutated code must pass; its time sets each target set's timeout.
const copies = Array.from({ length: jobs }, () => workCopy(ROOT));
const timeouts = new Map<string, number>();
try {
  for (const { area, m } of todo) {
    const targets = targetsFor(area, m.file).join(" ");
    if (timeouts.has(targets)) continue;
    const base = await judge(copies[0]!.dir, targets.split(" "), 120_000);
    if (base.status !== "survived") {
      throw new Error(`the unmutated code fails ${targets}: ${base.by.join(", ")}`);
    }
    timeouts.set(targets, Math.max(30_000, base.ms * 3 + 10_000));
    process.stderr.write(`baseline ${targets}: ${base.ms} ms\n`);
  }
  const judged: Judged[] = [];
  let next = 0;
  const started = Date.now();
  const worker = async (dir: string) => {
    while (next < todo.length) {
      const { area, m } = todo[next++]!;
      const targets = targetsFor(area, m.file);
      const v: Verdict = await judgeMutant(dir, m, targets, timeouts.get(targets.join(" "))!);
      const { start: _s, end: _e, ...rest } = m;
      judged.push({ area: area.name, ...rest, ...v });
      if (!opt.quiet) {
        process.stderr.write(
          `[${judged.length}/${todo.length}] ${v.status.padEnd(8)} ${m.id}  ${v.by[0] ?? ""}\n`,
        );
      }
    }
  };
  await Promise.all(copies.map((c) => worker(c.dir)));
  const all = [...kept, ...judged].sort((a, b) => a.id.localeCompare(b.id));
  writeReport({
    format: "ds-mutation/1",
    date: new Date().toISOString(),
    command: [
      ...(opt.rerun !== undefined && prior !== null ? [prior.command] : []),
      `npm run mutation -- ${process.argv.slice(2).join(" ")}`.trim(),
    ].join(", then "),
    seed: opt.seed!,
    sample: sample ?? null,
    totals: prior !== null && opt.rerun !== undefined ? prior.totals : totals,
    seconds: Math.round((Date.now() - started) / 1000),
    mutants: all,
  });
} finally {
  for (const c of copies) c.close();
}
