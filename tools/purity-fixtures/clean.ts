// expect: clean
// The gate must accept this file: forbidden names appear only in strings, templates, property
// keys, member names, destructuring keys, class members and locals that shadow the globals.
import * as v from "valibot";

export const messages = {
  process: "failed to process",
  crypto: "crypto.subtle is an adapter concern",
  fetch: "fetch() happens in the transport",
  Date: "Date.now() comes from the input",
};

export const Config = v.object({ setTimeout: v.number(), window: v.string() });

export class Machine {
  process(x: number): number {
    return x + 1;
  }
  get crypto(): string {
    return messages.crypto;
  }
}

export function shadowed(crypto: { subtle: string }, fetch: () => number): string {
  const Date = 1;
  return `${crypto.subtle}${fetch()}${Date}`;
}

export function destructured(o: { document: number; navigator: number }): number {
  const { document, navigator: nav } = o;
  return document + nav;
}

export const pureMath = (x: number): number => Math.floor(x) + Math.max(x, 1) + Math["abs"](x);

export const text = (n: number): string => `${n} process Date.now() ${"crypto"} setTimeout`;

// ES2022 built-ins a bare engine has; host API names only as keys, members and locals.
export function es2022(xs: number[]): unknown {
  const TextEncoder = { encode: (s: string) => s.length };
  return [
    Object.hasOwn({ a: 1 }, "a"),
    xs.at(-1),
    new WeakRef({}),
    escape("x"),
    TextEncoder.encode("x"),
    { structuredClone: 1, atob: 2 }.atob,
  ];
}
