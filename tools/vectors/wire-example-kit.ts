// deno-lint-ignore-file no-explicit-any -- mutations transform arbitrary JSON examples.
/**
 * Building blocks of the wire examples: placeholders, the example types and mutation helpers.
 */

// Syntactically valid compact JWS placeholders: wire schemas check shape, not signatures.
export const JWS = "eyJhbGciOiJFZERTQSJ9.eyJ2ZXIiOjF9.c2lnbmF0dXJlLWJ5dGVz";
export const TP = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
export const X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
export const T = 1767225600;

/** A mutation: a description, the change, and the expected code if not the message's own. */
export interface Mutation {
  comment: string;
  apply: (v: any) => unknown;
  code?: string;
  flags?: string[];
}

/** One message's examples. */
export interface MessageExamples {
  valid: Record<string, unknown>;
  variants?: { comment: string; apply: (v: any) => unknown }[];
  invalid: Mutation[];
}

export const del = (k: string) => (v: any) => {
  const c = structuredClone(v);
  delete c[k];
  return c;
};
export const set = (k: string, val: unknown) => (v: any) => ({ ...structuredClone(v), [k]: val });
export const event = (seq: number, type = "interaction", data: unknown = { kind: "click" }) => ({
  seq,
  time_ms: T * 1000 + seq,
  type,
  data,
});
