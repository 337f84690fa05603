// The mutation runner (tools/mutation/): its operators plant the bugs they claim to (and never in
// types, imports or logging), ids survive line moves, and a run in a throw-away copy kills a
// mutant the verifier target must catch, lets a harmless one survive, and leaves the checkout
// as it was. Node only: the runner spawns `node --import tsx` judges.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const g = globalThis as { Deno?: unknown; Bun?: unknown; window?: unknown };
const NODE = g.Deno === undefined && g.Bun === undefined && g.window === undefined;

type Ops = typeof import("../../tools/mutation/operators.ts");
type Pool = typeof import("../../tools/mutation/pool.ts");
type Report = typeof import("../../tools/mutation/report.ts");
const TOOLS = "../../tools/mutation/";
const load = async () => ({
  ops: await import(TOOLS + "operators.ts") as Ops,
  pool: await import(TOOLS + "pool.ts") as Pool,
  report: await import(TOOLS + "report.ts") as Report,
});

const FIXTURE = `import { x } from "./x.ts";
type Limit = 100 | 200;
export function check(n: number, log: (s: string) => void): number {
  log("checking " + n);
  if (n > 100) throw errorFromCode("ERR_TOO_LARGE", "too large");
  const status = n === 0 ? 404 : 200;
  remember(n);
  return status;
}
`;

describe("mutation runner", { skip: !NODE && "spawns Node judges" }, () => {
  it("plants boundary, guard, negation, status, code, literal and statement bugs", async () => {
    const { ops } = await load();
    const ms = ops.mutantsOf("fixture.ts", FIXTURE);
    const edits = ms.map((m) => `${m.operator.split("@")[0]} ${m.original} -> ${m.replacement}`);
    for (
      const want of [
        "boundary > -> >=",
        "literal 100 -> 101",
        "literal 100 -> 99",
        'error-code "ERR_TOO_LARGE" -> "ERR_INVALID_INPUT"',
        "status 404 -> 400",
        "status 200 -> 201",
        "equality === -> !==",
        "statement remember(n); -> ;",
      ]
    ) assert.ok(edits.includes(want), `${want} in\n${edits.join("\n")}`);
    assert.ok(edits.some((e) => e.startsWith("guard if (n > 100) throw")), "guard removed");
    assert.ok(edits.some((e) => e.startsWith("negate n > 100 -> !(n > 100)")), "negated");
    // Never in types, imports or logging.
    assert.ok(ms.every((m) => m.line !== 1 && m.line !== 2 && m.line !== 4), edits.join("\n"));
  });

  it("gives each mutant an id that survives lines moving, and refuses a stale one", async () => {
    const { ops } = await load();
    const a = ops.mutantsOf("fixture.ts", FIXTURE);
    const b = ops.mutantsOf("fixture.ts", `// a new first line\n${FIXTURE}`);
    assert.deepEqual(b.map((m) => m.id), a.map((m) => m.id));
    assert.equal(new Set(a.map((m) => m.id)).size, a.length, "ids are unique");
    assert.throws(() =>
      ops.apply(FIXTURE.replace("n > 100", "n < 100"), a.find((m) => m.original === ">")!)
    );
  });

  it("kills a bug the verifier target catches, reports a harmless change as surviving", {
    timeout: 120_000,
  }, async () => {
    const { pool } = await load();
    const { readFileSync } = await import("node:fs" + "");
    const { fileURLToPath } = await import("node:url" + "");
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const file = "core/token/checks.ts";
    const text = readFileSync(root + file, "utf8");
    const at = (needle: string) => {
      const start = text.indexOf(needle);
      assert.ok(start >= 0, needle);
      return { start, end: start + needle.length, original: needle };
    };
    const base = { file, line: 1, operator: "test" };
    // Any issuer is accepted (SPEC §5.3 step 5).
    const bug = {
      ...base,
      id: "bug",
      ...at("claims.iss !== expected.issuer"),
      replacement: "false",
    };
    const harmless = { ...base, id: "harmless", ...at("export"), replacement: "/* */ export" };
    const copy = pool.workCopy(root);
    try {
      const killed = await pool.judgeMutant(copy.dir, bug, ["verifier"], 60_000);
      assert.equal(killed.status, "killed", JSON.stringify(killed));
      assert.ok(killed.by.length > 0);
      const survived = await pool.judgeMutant(copy.dir, harmless, ["verifier"], 60_000);
      assert.equal(survived.status, "survived", JSON.stringify(survived));
      assert.equal(readFileSync(`${copy.dir}/${file}`, "utf8"), text, "the copy is restored");
    } finally {
      copy.close();
    }
    assert.equal(readFileSync(root + file, "utf8"), text, "the checkout is never mutated");
  });

  it("scores over non-equivalent mutants", async () => {
    const { report } = await load();
    const m = (id: string, status: "killed" | "survived" | "timeout") => ({
      id,
      status,
      area: "verifier",
      file: "f.ts",
      line: 1,
      operator: "x",
      original: "<",
      replacement: "<=",
      by: [],
      ms: 1,
    });
    const s = report.score(
      [m("a", "killed"), m("b", "timeout"), m("c", "survived"), m("d", "survived")],
      { d: "no behaviour changes" },
    );
    assert.deepEqual(s, {
      judged: 4,
      killed: 1,
      timeout: 1,
      survived: 1,
      equivalent: 1,
      score: 66.7,
    });
  });
});
