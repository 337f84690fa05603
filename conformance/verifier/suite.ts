/**
 * The verifier target: the token vectors (vectors/tokens/verify.json) as one check per token
 * kind and vector flag (`ver.<kind>.<flag>`), the thumbprint vectors, and focused checks of
 * single use that need state across requests (a named replay store).
 *
 * @module
 */
import { type CheckDef, defineChecks } from "../core/check.ts";
import { deepEqual, show } from "../core/assert.ts";
import type { Runner } from "../core/run.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { parseJws } from "../../core/token/jws.ts";
import {
  flagSegment,
  loadThumbprintVectors,
  loadTokenVectors,
  sectionOf,
  type ThumbprintVector,
  type TokenVector,
} from "../vectors.ts";

// deno-fmt-ignore
const FOCUSED = defineChecks({
  "ver.secure.single-use": ["MUST", "§5.4, §5.7", "a secure token verified twice against one replay store: the second is ERR_REPLAYED"],
  "ver.secure.not-burned": ["MUST", "§5.7.3", "a rejected presentation does not consume the jti"],
  "ver.proof.single-use": ["MUST", "§5.2, §5.7.4", "a device proof verified twice against one replay store: the second is ERR_REPLAYED"],
  "ver.secure.retention": ["MUST", "§5.7.1", "a secure token accepted with tolerance 0 just before exp is still consumed for a tolerance-300 verifier sharing the store, 299 s after exp"],
});

const VECTOR_FIELDS = new Set([
  "tcId",
  "comment",
  "flags",
  "token",
  "result",
  "code",
  "cause",
  "expected",
]);

type Group<T> = { def: CheckDef; kind: string; tests: T[] };

/**
 * Every verifier check: vector groups, thumbprint groups, focused checks.
 *
 * @example
 * ```ts
 * const { tokens } = await verifierChecks(); // groups by kind and flag
 * ```
 */
export async function verifierChecks(): Promise<{
  tokens: Group<TokenVector>[];
  thumbprints: Group<ThumbprintVector>[];
  focused: typeof FOCUSED;
}> {
  const file = await loadTokenVectors();
  const table: Record<string, ["MUST", string, string]> = {};
  const tokens = new Map<string, { kind: string; tests: TokenVector[] }>();
  for (const g of file.testGroups) {
    const kind = String(g.kind);
    for (const t of g.tests) {
      const flag = t.flags[0] ?? "Other";
      const id = `ver.${kind}.${flagSegment(flag)}`;
      if (!tokens.has(id)) {
        tokens.set(id, { kind, tests: [] });
        const spec = String(g.spec).replace(/^SPEC /, "");
        const extra = sectionOf(file.notes[flag], spec);
        table[id] = [
          "MUST",
          extra === spec ? spec : `${spec}, ${extra}`,
          `${kind} token vectors, ${flag}: ${file.notes[flag] ?? ""}`,
        ];
      }
      tokens.get(id)!.tests.push(t);
    }
  }
  const kat = await loadThumbprintVectors();
  const prints = new Map<string, ThumbprintVector[]>();
  for (const t of kat.testGroups.flatMap((g) => g.tests)) {
    const id = `ver.thumbprint.${flagSegment(t.flags[0] ?? "Other")}`;
    if (!prints.has(id)) {
      prints.set(id, []);
      table[id] = [
        "MUST",
        "§3.1, §3.2",
        `RFC 7638 thumbprints, ${t.flags[0]}: ${kat.notes[t.flags[0]!] ?? ""}`,
      ];
    }
    prints.get(id)!.push(t);
  }
  const defs = defineChecks(table);
  return {
    tokens: [...tokens].map(([id, g]) => ({ def: defs[id]!, ...g })),
    thumbprints: [...prints].map(([id, tests]) => ({ def: defs[id]!, kind: "thumbprint", tests })),
    focused: FOCUSED,
  };
}

function optionsOf(t: TokenVector): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!VECTOR_FIELDS.has(k)) o[k] = v;
  return o;
}

/** Why the driver's answer differs from the vector's expectation, or `null`. */
function mismatch(t: TokenVector, r: Record<string, unknown>): string | null {
  if (t.result === "valid") {
    if (r.valid !== true) return `expected valid, got ${r.code}${r.cause ? ` (${r.cause})` : ""}`;
    const result = (r.result ?? {}) as Record<string, unknown>;
    for (const [k, want] of Object.entries(t.expected ?? {})) {
      if (!deepEqual(result[k], want)) {
        return `result.${k}: expected ${show(want)}, got ${show(result[k])}`;
      }
    }
    return null;
  }
  if (r.valid === true) return `expected ${t.code}, got valid`;
  if (r.code !== t.code) return `expected ${t.code}, got ${r.code}`;
  if (t.cause !== undefined && r.cause !== t.cause) {
    return `expected cause ${t.cause}, got ${r.cause ?? "none"}`;
  }
  return null;
}

async function verify(
  client: HarnessClient,
  kind: string,
  token: string,
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await client.request({ type: "verify", kind: kind as "session", token, options });
  if (!r.ok) {
    throw new Error(`verify failed in the driver: ${r.error.code} ${r.error.message ?? ""}`);
  }
  if (typeof r.valid !== "boolean") throw new Error("a verify response needs valid: true|false");
  return r;
}

/**
 * Runs the verifier suite against `client` (a driver whose hello announced role `verifier`).
 *
 * @example
 * ```ts
 * import { Runner } from "../core/run.ts";
 * import { spawnDriver } from "../harness/stdio.ts";
 * const cmd = "node --import tsx my-verifier-driver.ts";
 * await runVerifierSuite(await spawnDriver({ cmd, role: "verifier" }), new Runner());
 * ```
 */
export async function runVerifierSuite(client: HarnessClient, run: Runner): Promise<void> {
  const { tokens, thumbprints, focused } = await verifierChecks();
  for (const g of tokens) {
    await run.check(g.def, async (t) => {
      const problems: string[] = [];
      for (const v of g.tests) {
        const why = mismatch(v, await verify(client, g.kind, v.token, optionsOf(v)));
        if (why !== null) problems.push(`tcId ${v.tcId} (${v.comment}): ${why}`);
      }
      if (problems.length) {
        t.fail(
          `${problems.length}/${g.tests.length} vectors differ; ${problems.slice(0, 3).join("; ")}`,
        );
      }
    });
  }
  const all = tokens.flatMap((g) => g.tests.map((v) => ({ kind: g.kind, v })));
  const validOf = (kind: string) =>
    all.find((x) => x.kind === kind && x.v.result === "valid" && !x.v.consumed)?.v;
  let scope = 0;
  const fresh = () => `conformance-${Date.now()}-${++scope}`;

  await run.check(focused["ver.secure.single-use"], async (t) => {
    const v = t.need(validOf("secure"), "a valid secure vector");
    const options = { ...optionsOf(v), replayStore: fresh() };
    const first = await verify(client, "secure", v.token, options);
    t.equal(first.valid, true, "first presentation valid");
    const second = await verify(client, "secure", v.token, options);
    t.equal([second.valid, second.code], [false, "ERR_REPLAYED"], "second presentation");
  });
  await run.check(focused["ver.secure.not-burned"], async (t) => {
    const v = t.need(validOf("secure"), "a valid secure vector");
    const options: Record<string, unknown> = { ...optionsOf(v), replayStore: fresh() };
    const other = String(options.action) === "login" ? "transaction" : "login";
    const wrong = await verify(client, "secure", v.token, { ...options, action: other });
    t.equal([wrong.valid, wrong.code], [false, "ERR_ACTION_MISMATCH"], "with another action");
    const right = await verify(client, "secure", v.token, options);
    t.equal(right.valid, true, "then with its action");
    const again = await verify(client, "secure", v.token, options);
    t.equal([again.valid, again.code], [false, "ERR_REPLAYED"], "then again");
  });
  await run.check(focused["ver.secure.retention"], async (t) => {
    const v = t.need(validOf("secure"), "a valid secure vector");
    const exp = Number(parseJws(v.token).payload.exp);
    const options = { ...optionsOf(v), replayStore: fresh() };
    const strict = await verify(client, "secure", v.token, {
      ...options,
      now: exp - 1,
      clockTolerance: 0,
    });
    t.equal(strict.valid, true, "accepted with tolerance 0 at exp − 1");
    const lenient = await verify(client, "secure", v.token, {
      ...options,
      now: exp + 299,
      clockTolerance: 300,
    });
    t.equal(
      [lenient.valid, lenient.code],
      [false, "ERR_REPLAYED"],
      "presented again with tolerance 300 at exp + 299",
    );
  });
  await run.check(focused["ver.proof.single-use"], async (t) => {
    const v = t.need(validOf("proof"), "a valid proof vector");
    const options = { ...optionsOf(v), replayStore: fresh() };
    t.equal((await verify(client, "proof", v.token, options)).valid, true, "first presentation");
    const second = await verify(client, "proof", v.token, options);
    t.equal([second.valid, second.code], [false, "ERR_REPLAYED"], "second presentation");
  });

  const capable = client.hello.capabilities.includes("thumbprint");
  for (const g of thumbprints) {
    if (!capable) {
      run.skip(g.def, "the driver does not announce the thumbprint capability", {
        notApplicable: true,
      });
      continue;
    }
    await run.check(g.def, async (t) => {
      for (const v of g.tests) {
        const r = await client.request({ type: "thumbprint", jwk: v.jwk });
        if (!r.ok) return t.fail(`tcId ${v.tcId}: the driver failed: ${r.error.code}`);
        const got = r.valid === true ? r.thumbprint : r.code;
        const want = v.result === "valid" ? v.thumbprint : v.code;
        t.equal(got, want, `tcId ${v.tcId} (${v.comment})`);
      }
    });
  }
}

/**
 * Every verifier check definition.
 *
 * @example
 * ```ts
 * (await verifierCheckDefs()).map((d) => d.id); // ["ver.session.valid", …]
 * ```
 */
export async function verifierCheckDefs(): Promise<CheckDef[]> {
  const { tokens, thumbprints, focused } = await verifierChecks();
  return [...tokens.map((g) => g.def), ...Object.values(focused), ...thumbprints.map((g) => g.def)];
}
