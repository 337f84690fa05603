/**
 * Generates `vectors/wire/messages.json` (Wycheproof-style envelope, DESIGN §6) from
 * `wire-examples.ts`, checking each expectation against the schemas as it goes so a vector
 * never records what our own code does not do.
 *
 * Run: `node --import tsx tools/vectors/gen-wire.ts` (or `npm run vectors`).
 */
import { writeFileSync } from "node:fs";
import { DeviceSessionError, validateWire, WIRE_MESSAGES } from "../../core/mod.ts";
import { EXAMPLES } from "./wire-examples.ts";

function outcome(name: string, value: unknown): string | null {
  try {
    validateWire(name, value);
    return null;
  } catch (e) {
    if (e instanceof DeviceSessionError) return e.code;
    throw e;
  }
}

let tcId = 0;
const groups = Object.entries(WIRE_MESSAGES).map(([name, entry]) => {
  const ex = EXAMPLES[name];
  if (!ex) throw new Error(`no examples for ${name}`);
  const tests: unknown[] = [];
  const add = (comment: string, value: unknown, expected: string | null, flags: string[]) => {
    const got = outcome(name, value);
    if (got !== expected) {
      throw new Error(
        `${name} / ${comment}: expected ${expected ?? "valid"}, got ${got ?? "valid"}`,
      );
    }
    tests.push({
      tcId: ++tcId,
      comment,
      flags,
      value,
      result: expected === null ? "valid" : "invalid",
      ...(expected === null ? {} : { code: expected }),
    });
  };
  add("base example", ex.valid, null, ["Valid"]);
  for (const v of ex.variants ?? []) add(v.comment, v.apply(ex.valid), null, ["Valid"]);
  for (const m of ex.invalid) {
    add(m.comment, m.apply(ex.valid), m.code ?? entry.code, m.flags ?? ["Invalid"]);
  }
  return { type: "WireMessageTest", message: name, spec: `SPEC §${entry.spec}`, tests };
});

const file = {
  algorithm: "device-session wire messages",
  specVersion: 1,
  generator: "tools/vectors/gen-wire.ts",
  numberOfTests: tcId,
  header: [
    "Valid and invalid instances of every message of SPEC v1. A receiver MUST accept the valid",
    "ones (ignoring unknown members) and reject the invalid ones with the code given.",
  ],
  notes: {
    Valid: "a well-formed message",
    Invalid: "a message a receiver must reject with `code`",
  },
  testGroups: groups,
};
writeFileSync(
  new URL("../../vectors/wire/messages.json", import.meta.url),
  JSON.stringify(file, null, 2) + "\n",
);
console.log(`vectors/wire/messages.json: ${tcId} tests in ${groups.length} groups`);
