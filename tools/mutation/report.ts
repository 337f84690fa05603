/**
 * The mutation report: `docs/mutation.json` (every verdict) and `docs/mutation.md` (per area
 * killed / timeout / survived / equivalent, the score over non-equivalent mutants, and each
 * survivor with a one-line reason). Reasons live in committed files keyed by mutant id:
 * `tools/mutation/equivalent.json` (no behaviour changes: left out of the score) and
 * `tools/mutation/survivors.json` (a real bug the suite misses, and why).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { AREAS } from "./areas.ts";
import type { Mutant } from "./operators.ts";
import type { Verdict } from "./pool.ts";

/** A judged mutant as stored in the results file. */
export type Judged = Omit<Mutant, "start" | "end"> & Verdict & { readonly area: string };

/** The results file, `ds-mutation/1`. */
export interface Results {
  readonly format: "ds-mutation/1";
  readonly date: string;
  readonly command: string;
  readonly seed: string;
  readonly sample: number | null;
  /** Mutants per area before sampling. */
  readonly totals: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly mutants: readonly Judged[];
}

/** Per-area figures. */
export interface Score {
  readonly judged: number;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly equivalent: number;
  /** (killed + timeout) / (judged − equivalent), in per cent, one decimal. */
  readonly score: number;
}

type Reasons = Readonly<Record<string, string>>;

const readReasons = (root: string, name: string): Reasons => {
  const p = `${root}tools/mutation/${name}`;
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")) as Reasons : {};
};

/** The figures of one area, equivalent mutants left out of the score. */
export function score(mutants: readonly Judged[], equivalent: Reasons): Score {
  const eq = mutants.filter((m) => m.status === "survived" && equivalent[m.id] !== undefined);
  const killed = mutants.filter((m) => m.status === "killed").length;
  const timeout = mutants.filter((m) => m.status === "timeout").length;
  const survived = mutants.filter((m) => m.status === "survived").length - eq.length;
  const scored = mutants.length - eq.length;
  const pct = scored === 0 ? 100 : Math.round(((killed + timeout) / scored) * 1000) / 10;
  return {
    judged: mutants.length,
    killed,
    timeout,
    survived,
    equivalent: eq.length,
    score: pct,
  };
}

const code = (s: string) => `\`${s.replace(/\s+/g, " ").replace(/`/g, "'").slice(0, 70)}\``;

/** The generated part of docs/mutation.md. */
export function markdown(r: Results, root: string): string {
  const equivalent = readReasons(root, "equivalent.json");
  const reasons = readReasons(root, "survivors.json");
  const head = readFileSync(`${root}tools/mutation/README.md`, "utf8").trimEnd();
  const lines = [
    head,
    "",
    "## Measured",
    "",
    `Last run ${r.date.slice(0, 16).replace("T", " ")} UTC (seed ${r.seed}, ` +
    `${r.sample === null ? "every mutant" : `a sample of ${r.sample} per area`}; ` +
    `${r.seconds} s of judging in the last command). The commands, in order:`,
    "",
    ...r.command.split(", then ").map((c) => `- \`${c}\``),
    "",
    "| area | mutants | judged | killed | timeout | survived | equivalent | score |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const a of AREAS) {
    const ms = r.mutants.filter((m) => m.area === a.name);
    if (ms.length === 0) continue;
    const s = score(ms, equivalent);
    lines.push(
      `| ${a.name} | ${r.totals[a.name] ?? "?"} | ${s.judged} | ${s.killed} | ${s.timeout} | ` +
        `${s.survived} | ${s.equivalent} | **${s.score} %** |`,
    );
  }
  lines.push(
    "",
    "Score = (killed + timeout) / (judged − equivalent). A mutant that crashes the run counts as " +
      "killed (the suite saw the implementation fail).",
    "",
    "### Survivors",
    "",
    "| area | mutant | where | change | why it survives |",
    "|---|---|---|---|---|",
  );
  for (const m of r.mutants.filter((m) => m.status === "survived")) {
    const eq = equivalent[m.id];
    const why = eq !== undefined ? `equivalent: ${eq}` : reasons[m.id] ?? "(no reason recorded)";
    lines.push(
      `| ${m.area} | \`${m.id.split(":").slice(1).join(":")}\` | ${m.file}:${m.line} | ` +
        `${code(m.original)} → ${code(m.replacement)} | ${why.replace(/\|/g, "\\|")} |`,
    );
  }
  lines.push("", "### Left out of the measurement", "");
  for (const a of AREAS) {
    for (const [path, why] of Object.entries(a.exclude)) {
      lines.push(`- ${a.name}: \`${path}\` — ${why}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
