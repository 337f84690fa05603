/**
 * valibot issues as plain words, in one place: the request-body errors of the service, the
 * config-file errors of the CLI and the argument errors of the libraries all read the same. A
 * key is spelled as the user wrote it (`clients[0].secret_sha256`), a missing member "is
 * required", a present but wrong one "is malformed", an unknown one "unknown key".
 *
 * @module
 */
import type * as v from "valibot";

/**
 * The path of an issue as the input spells it: `clients[0].secret_sha256`, or `null` for the
 * value itself.
 *
 * @example
 * ```ts
 * import type * as v from "valibot";
 * declare const issue: v.BaseIssue<unknown>;
 * issuePath(issue); // "clients[0].secret_sha256"
 * ```
 */
export function issuePath(issue: v.BaseIssue<unknown>): string | null {
  let out = "";
  for (const { key } of issue.path ?? []) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? null : out;
}

/** What an issue expected: the schema's own message, or valibot's `expected` in words. */
function expected({ message, expected: e }: v.BaseIssue<unknown>): string {
  // valibot's default messages start "Invalid …: "; the schemas' own say what is expected.
  return !message.startsWith("Invalid ")
    ? message
    : e === "Object"
    ? "a JSON object"
    : /^[a-z]+$/.test(e ?? "")
    ? `a ${e}`
    : `${e}`;
}

/**
 * One issue in plain words.
 *
 * @example
 * ```ts
 * import type * as v from "valibot";
 * declare const issue: v.BaseIssue<unknown>;
 * issueText(issue); // "`action_token` is required" | "unknown key `clientz`" | …
 * ```
 */
export function issueText(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  const name = path === null ? "" : `\`${path}\``;
  const { kind, type, message } = issue;
  if (kind === "schema" && issue.expected === "never") return `unknown key ${name}`;
  if (name && kind === "schema" && issue.received === "undefined") return `${name} is required`;
  // A check across members (`exactly one of …`) says everything itself.
  if (type === "check") return name ? `${name}: ${message}` : message;
  return `${name ? `${name} is malformed: ` : ""}expected ${expected(issue)}`;
}

/**
 * Issues in plain words, one per path (the first), at most `max`, joined by `; `.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * declare const schema: v.GenericSchema;
 * declare const json: unknown;
 * const result = v.safeParse(schema, json);
 * if (!result.success) describeIssues(result.issues); // "`action_token` is malformed: expected a compact JWS"
 * ```
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], max = 3): string {
  const seen: (string | null)[] = [];
  return issues
    .filter((i) => !seen.includes(issuePath(i)) && seen.push(issuePath(i)) > 0)
    .slice(0, max)
    .map(issueText)
    .join("; ");
}
