// expect: Deno
// Runtime detection belongs in adapters (chosen by import path), never in core.
// (The declaration is erased, so the bundle references the global `Deno`; it keeps tsc happy.)
declare const Deno: unknown;
export const isDeno = (): boolean => typeof Deno !== "undefined";
