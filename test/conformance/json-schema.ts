// A small JSON Schema (2020-12) validator for the keywords conformance/schemas uses: type, const,
// enum, properties, required, additionalProperties, items, oneOf, anyOf, $ref (to a sibling file
// or #/$defs/…), pattern, minimum, maximum, minLength, uniqueItems. Test support only.

type Schema = Record<string, unknown>;

/** Loads schemas by file name (from conformance/schemas). */
export type Loader = (file: string) => Schema;

const typeOf = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
    ? "array"
    : typeof v === "number"
    ? (Number.isInteger(v) ? "integer" : "number")
    : typeof v;

/** Problems of `value` against `schema` (empty when valid). */
export function validate(
  value: unknown,
  schema: Schema,
  load: Loader,
  root = schema,
  at = "$",
): string[] {
  const out: string[] = [];
  if (typeof schema.$ref === "string") {
    const [file, frag] = schema.$ref.split("#");
    const doc = file ? load(file) : root;
    let s: unknown = doc;
    for (const part of (frag ?? "").split("/").filter(Boolean)) s = (s as Schema)[part];
    return validate(value, s as Schema, load, doc, at);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
      return [`${at}: expected ${types.join("|")}, got ${t}`];
    }
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    out.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
  ) {
    out.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const alts = schema[key] as Schema[] | undefined;
    if (alts === undefined) continue;
    const ok = alts.filter((s) => validate(value, s, load, root, at).length === 0).length;
    if (key === "oneOf" ? ok !== 1 : ok === 0) out.push(`${at}: matches ${ok} of ${key}`);
  }
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      out.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (typeof schema.minLength === "number" && value.length < schema.minLength) {
      out.push(`${at}: too short`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) {
      out.push(`${at}: below minimum`);
    }
    if (typeof schema.maximum === "number" && value > schema.maximum) {
      out.push(`${at}: above maximum`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((v, i) =>
        out.push(...validate(v, schema.items as Schema, load, root, `${at}[${i}]`))
      );
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      out.push(`${at}: items are not unique`);
    }
  }
  if (typeOf(value) === "object") {
    const o = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) {
      if (!(r in o)) out.push(`${at}: missing ${r}`);
    }
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(o)) {
      if (props[k]) out.push(...validate(v, props[k], load, root, `${at}.${k}`));
      else if (typeof schema.additionalProperties === "object") {
        out.push(...validate(v, schema.additionalProperties as Schema, load, root, `${at}.${k}`));
      } else if (schema.additionalProperties === false) out.push(`${at}: unexpected ${k}`);
    }
  }
  return out;
}
