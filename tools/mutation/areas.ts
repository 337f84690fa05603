/**
 * What is mutated and what judges it: the reference service, verifier and SDK, each with the
 * conformance targets that speak to it. Left out, each for a reason the report repeats: code
 * the protocol cannot observe (the CLI, logging, option schemas of the embedding API, other
 * runtimes' servers) and re-export barrels.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** One measured area. */
export interface Area {
  readonly name: "service" | "verifier" | "sdk";
  /** Directories or files (repo-relative) whose `.ts` files are mutated. */
  readonly include: readonly string[];
  /** Repo-relative path prefixes left out, with why. */
  readonly exclude: Readonly<Record<string, string>>;
  /** Judge targets per file: the first entry whose prefix matches wins. */
  readonly targets: readonly (readonly [prefix: string, targets: readonly string[]])[];
}

const BARREL = "re-exports only";

/** The three areas of the issue: service, verifier, SDK. */
export const AREAS: readonly Area[] = [
  {
    name: "service",
    include: ["adapters/server", "core/service"],
    exclude: {
      "adapters/server/cli/":
        "the command line (arguments, config files, banner), not the protocol",
      "adapters/server/serve/bun.ts": "Bun's server: the measurement runs the service on Node",
      "adapters/server/serve/deno.ts": "Deno's server: the measurement runs the service on Node",
      "adapters/server/http/log.ts": "request logging",
      "adapters/server/console/":
        "the operator console (SPEC Appendix B, non-normative): no conformance check may require it",
      "adapters/server/metrics/":
        "the operator metrics (SPEC Appendix B, non-normative): no conformance check may require them",
      "adapters/server/options-schema.ts": "validation of the embedding API's options",
      "adapters/server/mod.ts": BARREL,
      "core/service/mod.ts": BARREL,
    },
    targets: [["", ["service"]]],
  },
  {
    name: "verifier",
    include: ["verify.ts", "core/token", "adapters/replay/memory.ts"],
    exclude: { "core/token/mod.ts": BARREL },
    targets: [["", ["verifier"]]],
  },
  {
    name: "sdk",
    include: ["core/session", "adapters/driver", "adapters/sdk"],
    exclude: {
      "core/session/mod.ts": BARREL,
      "adapters/driver/mod.ts": BARREL,
      "adapters/sdk/mod.ts": BARREL,
      "core/session/options-schema.ts": "validation of the embedding API's options",
      "adapters/sdk/options-schema.ts": "validation of the embedding API's options",
    },
    // The machine profile first (a second), then the black-box one (16 s, mostly waiting).
    targets: [["core/session/", ["sdk", "sdk-api"]], ["", ["sdk-api"]]],
  },
];

/** The `.ts` files of an area, repo-relative, sorted. */
export function filesOf(root: string, area: Area): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = join(root, rel);
    if (rel.endsWith(".ts")) {
      out.push(rel);
      return;
    }
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = relative(root, join(abs, e.name)).split("\\").join("/");
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
    }
  };
  for (const inc of area.include) walk(inc);
  return out.filter((f) => !Object.keys(area.exclude).some((x) => f.startsWith(x))).sort();
}

/** The judge targets for a file of `area`. */
export function targetsFor(area: Area, file: string): readonly string[] {
  return area.targets.find(([prefix]) => file.startsWith(prefix))![1];
}
