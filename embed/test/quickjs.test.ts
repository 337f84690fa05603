// The QuickJS leg: the sans-I/O core, bundled, runs in a bare ECMAScript engine (quickjs-emscripten)
// with everything else on the host side of a JSON bridge. Trace vectors replay there with
// exactly the effects they have on the host, the wire schemas give the wire vectors' verdicts,
// the verifier (host crypto injected) gives every token vector's verdict, and the conformance
// suite's SDK and verifier targets pass against drivers whose logic lives in QuickJS.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import traces from "../../vectors/session/traces.json" with { type: "json" };
import wire from "../../vectors/wire/messages.json" with { type: "json" };
import { createMachine, type MachineOptionsInput, step } from "../../core/session/mod.ts";
import { DeviceSessionError, validateWire } from "../../core/mod.ts";
import { decodeInput, normalizeEffect, type TraceInput } from "../../conformance/trace.ts";
import type { SessionEffect } from "../../core/session/mod.ts";
import { createQuickJsCore, guestBundle, type QuickJsCore } from "../quickjs/bridge.ts";
import { q, run } from "./support.ts";
import tokens from "../../vectors/tokens/verify.json" with { type: "json" };
import type { TokenKind } from "../../core/wire/mod.ts";
import { mismatch, type Outcome, type TokenVector } from "../../test/verify/vector-runner.ts";

const T = { timeout: 60_000 };

describe("QuickJS: the engine is bare", T, () => {
  it("has no Web API the core could lean on", T, async () => {
    const { getQuickJS } = await import("quickjs-emscripten");
    const vm = (await getQuickJS()).newContext();
    try {
      const names = ["TextEncoder", "TextDecoder", "atob", "btoa", "URL", "structuredClone"];
      const more = ["Intl", "fetch", "crypto", "setTimeout", "queueMicrotask", "console"];
      const probe = `JSON.stringify([${[...names, ...more].map((n) => `typeof ${n}`)}])`;
      const types = JSON.parse(vm.getString(vm.unwrapResult(vm.evalCode(probe))));
      assert.deepEqual(types, [...names, ...more].map(() => "undefined"));
    } finally {
      vm.dispose();
    }
  });

  it("fails to load the guest without the injected URL only when URL is used", T, async () => {
    const { getQuickJS } = await import("quickjs-emscripten");
    const vm = (await getQuickJS()).newContext();
    try {
      vm.unwrapResult(vm.evalCode(await guestBundle())).dispose();
      const req = JSON.stringify({ op: "create", options: { clientId: "a", serverPath: "x:/" } });
      const out = vm.unwrapResult(
        vm.evalCode(`DeviceSessionGuest.deviceSessionGuest(${JSON.stringify(req)})`),
      );
      // valibot's url() catches the ReferenceError: every URL is refused, so the host must inject it.
      assert.equal(JSON.parse(vm.getString(out)).error.code, "ERR_INVALID_INPUT");
      out.dispose();
    } finally {
      vm.dispose();
    }
  });
});

describe("QuickJS: trace vectors (vectors/session/traces.json)", T, () => {
  let core: QuickJsCore;
  before(async () => (core = await createQuickJsCore()));
  after(() => core.dispose());

  for (const t of traces.testGroups.flatMap((g) => g.tests)) {
    it(`tcId ${t.tcId}: same effects as on the host, and as the vector`, T, () => {
      const created = core.call({ op: "create", options: t.options as MachineOptionsInput });
      const machine = String(created.machine);
      const host = createMachine(t.options as MachineOptionsInput);
      t.steps.forEach((want, i) => {
        const where = `step ${i} (${want.input.type})`;
        const input = want.input as TraceInput;
        const got = core.call({ op: "step", machine, input });
        const mine = step(host, decodeInput(input));
        // Exactly the host's effects (as JSON), not only equal after normalization.
        assert.deepEqual(got.effects, JSON.parse(JSON.stringify(mine.effects)), where);
        assert.equal(got.phase, host.phase, `${where}: phase`);
        assert.equal(got.deadline, mine.deadline, `${where}: deadline`);
        const normalized = (got.effects as SessionEffect[]).map(normalizeEffect);
        assert.deepEqual(normalized, want.effects, `${where}: vector effects`);
        assert.equal(got.phase, want.phase, `${where}: vector phase`);
        assert.equal(got.deadline, want.deadline, `${where}: vector deadline`);
      });
      core.call({ op: "dispose", machine });
    });
  }
});

describe("QuickJS: wire vectors (vectors/wire/messages.json)", T, () => {
  let core: QuickJsCore;
  before(async () => (core = await createQuickJsCore()));
  after(() => core.dispose());
  const hostCode = (name: string, value: unknown): string | null => {
    try {
      validateWire(name, value);
      return null;
    } catch (e) {
      if (e instanceof DeviceSessionError) return e.code;
      throw e;
    }
  };

  for (const g of wire.testGroups) {
    it(
      `${g.message}: ${g.tests.length} vectors, same verdicts as the vector and the host`,
      T,
      () => {
        for (const t of g.tests) {
          const got = core.call({ op: "validate", name: g.message, value: t.value }).code;
          const want = t.result === "valid" ? null : (t as { code?: string }).code;
          assert.equal(got, want, `tcId ${t.tcId}: ${t.comment}`);
          assert.equal(got, hostCode(g.message, t.value), `tcId ${t.tcId}: host`);
        }
      },
    );
  }
});

describe("QuickJS: token vectors (vectors/tokens/verify.json), host crypto injected", T, () => {
  let core: QuickJsCore;
  before(async () => (core = await createQuickJsCore()));
  after(() => core.dispose());
  const groups = tokens.testGroups as unknown as { kind: TokenKind; tests: TokenVector[] }[];
  const NOT_OPTIONS = new Set(["tcId", "comment", "flags", "token", "result", "code", "cause"]);
  let seq = 0;
  const verify = (kind: TokenKind, t: TokenVector): Outcome => {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) {
      if (!NOT_OPTIONS.has(k) && k !== "expected") options[k] = v;
    }
    const r = core.harness(
      { seq: ++seq, type: "verify", kind, token: t.token, options },
      "verifier",
    );
    assert.equal(r.ok, true, JSON.stringify(r));
    if (r.valid === true) return { ok: true, value: r.result as Record<string, unknown> };
    const code = String(r.code);
    return r.cause === undefined
      ? { ok: false, code }
      : { ok: false, code, cause: String(r.cause) };
  };

  for (const g of groups) {
    it(`every ${g.kind} token vector (${g.tests.length}) verified in QuickJS`, T, () => {
      const problems: string[] = [];
      for (const t of g.tests) {
        const why = mismatch(t, verify(g.kind, t));
        if (why !== null) problems.push(`tcId ${t.tcId} (${t.comment}): ${why}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});

const cliFor = (target: "sdk" | "verifier") => (driverArgs: string) =>
  run(process.execPath, [
    "bin/device-session.mjs",
    "conformance",
    target,
    "--cmd",
    `${q(process.execPath)} --import tsx embed/quickjs/${target}-driver.ts${driverArgs}`,
    "--report",
    "json",
    "--quiet",
  ], 120_000);
type Report = {
  exitCode: number;
  implementation: { name: string };
  checks: { id: string; level: string; status: string }[];
};

describe("QuickJS: conformance verifier against the QuickJS-hosted verifier driver", T, () => {
  const cli = cliFor("verifier");

  it("passes every check", { timeout: 150_000 }, async () => {
    const r = await cli("");
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.implementation.name, "device-session/verify (in QuickJS)");
    const bad = report.checks.filter((c) => c.status !== "pass").map((c) => `${c.id} ${c.status}`);
    assert.deepEqual(bad, []);
    assert.ok(report.checks.length >= 50);
  });

  it("a broken verifier loaded into QuickJS fails exactly the checks it names", {
    timeout: 150_000,
  }, async () => {
    const { VERIFIER_MUTANTS } = await import("../../conformance/mutants/verifier.ts");
    const r = await cli(" --mutant alg-none");
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const report = JSON.parse(r.stdout) as Report;
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => c.id).sort();
    assert.deepEqual(failed, [...VERIFIER_MUTANTS["alg-none"]!.fails].sort());
  });
});

describe("QuickJS: conformance sdk against the QuickJS-hosted driver", T, () => {
  const cli = cliFor("sdk");

  it(
    "passes every check, MUST and SHOULD, trace groups included",
    { timeout: 150_000 },
    async () => {
      const r = await cli("");
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.implementation.name, "device-session (core in QuickJS)");
      const bad = report.checks.filter((c) => c.status !== "pass").map((c) =>
        `${c.id} ${c.status}`
      );
      assert.deepEqual(bad, []);
      assert.ok(report.checks.filter((c) => c.level === "MUST").length >= 50);
      assert.ok(report.checks.filter((c) => c.id.startsWith("sdk.trace.")).length >= 15);
    },
  );

  it("a broken machine loaded into QuickJS fails exactly the checks it names", {
    timeout: 150_000,
  }, async () => {
    const { SDK_MUTANTS } = await import("../../conformance/mutants/sdk.ts");
    const r = await cli(" --mutant reused-jti");
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const report = JSON.parse(r.stdout) as Report;
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => c.id).sort();
    assert.deepEqual(failed, [...SDK_MUTANTS["reused-jti"]!.fails].sort());
  });
});
