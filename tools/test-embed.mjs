// The embedding legs of `npm test`: `node tools/test-embed.mjs quickjs|workerd [files...]` runs
// embed/test/<leg>*.test.ts on Node (through tsx). When the leg's npm package is absent (npm ci
// installs it) the leg prints `skipped: …` and passes (test-all.mjs reports it as skipped),
// unless REQUIRE_EMBED=1 (as CI sets), when it fails.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";
import { NODE_TEST_ARGS, TEST_TIMEOUT_MS } from "./test-timeout.mjs";

const require = createRequire(join(ROOT, "package.json"));
const LEGS = {
  quickjs: { pkg: "quickjs-emscripten", probe: () => require.resolve("quickjs-emscripten") },
  workerd: {
    pkg: "workerd",
    // The binary comes from a platform package (optionalDependency): it must also run here.
    probe: () => {
      const bin = join(ROOT, "node_modules/.bin/workerd");
      const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.error?.message ?? r.stderr);
    },
  },
};

const [leg, ...args] = process.argv.slice(2);
if (!LEGS[leg]) {
  console.error(`usage: test-embed.mjs ${Object.keys(LEGS).join("|")} [files...]`);
  process.exit(2);
}
try {
  LEGS[leg].probe();
} catch (e) {
  const why = `${LEGS[leg].pkg} is not installed or does not run here (${e.message})`;
  if (process.env.REQUIRE_EMBED === "1") {
    console.error(`${leg}: ${why}; REQUIRE_EMBED=1 forbids skipping`);
    process.exit(1);
  }
  console.log(`skipped: ${why}`);
  process.exit(0);
}
const files = args.length ? args : readdirSync(join(ROOT, "embed/test"))
  .filter((f) => f.startsWith(leg) && f.endsWith(".test.ts"))
  .map((f) => `./embed/test/${f}`);
const r = spawnSync(
  process.execPath,
  [...NODE_TEST_ARGS, ...files],
  {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, TEST_TIMEOUT_MS: String(TEST_TIMEOUT_MS) },
  },
);
if (r.error) throw r.error;
process.exit(r.status ?? 1);
