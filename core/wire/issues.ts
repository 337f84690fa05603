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
 * issuePath(issue); // "clients[0].secret_sha256"
 * ```
 */
export function issuePath(issue: v.BaseIssue<unknown>): string | null {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string") out += out === "" ? key : `.${key}`;
    else return out === "" ? null : out; // a map or set key: stop at its container
  }
  return out === "" ? null : out;
}

/** valibot's default messages start so; the schemas' own messages say what is expected. */
const DEFAULT_MESSAGE = /^Invalid [a-z ]+: /i;

/** What a default message expected, in words (`string` → `a string`). */
function expected(issue: v.BaseIssue<unknown>): string {
  const e = issue.expected ?? "";
  if (/^(string|number|boolean|bigint|array|integer)$/.test(e)) {
    return `${/^[aeiou]/.test(e) ? "an" : "a"} ${e}`;
  }
  if (e === "Object") return "a JSON object";
  if (e.includes("|")) {
    return `one of ${e.replace(/^\(|\)$/g, "").split("|").map((s) => s.trim()).join(", ")}`;
  }
  return e === "" ? issue.message : e;
}

/**
 * One issue in plain words.
 *
 * @example
 * ```ts
 * issueText(issue); // "`action_token` is required" | "unknown key `clientz`" | …
 * ```
 */
export function issueText(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  const name = path === null ? null : `\`${path}\``;
  const own = !DEFAULT_MESSAGE.test(issue.message);
  if (issue.kind === "schema" && issue.type.endsWith("object") && issue.expected === "never") {
    return `unknown key ${name ?? "(root)"}`;
  }
  if (name !== null && issue.kind === "schema" && issue.received === "undefined") {
    return `${name} is required`;
  }
  // A check across members (`exactly one of …`) says everything itself.
  if (issue.type === "check" && own) {
    return name === null ? issue.message : `${name}: ${issue.message}`;
  }
  const what = own ? issue.message : expected(issue);
  if (name === null) return `expected ${what}`;
  return `${name} is malformed: expected ${what}`;
}

/**
 * Issues in plain words, one per path (the first), at most `max`, joined by `; `.
 *
 * @example
 * ```ts
 * describeIssues(result.issues); // "`action_token` is malformed: expected a compact JWS"
 * ```
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], max = 3): string {
  const seen = new Set<string | null>();
  const texts: string[] = [];
  for (const issue of issues) {
    const path = issuePath(issue);
    if (seen.has(path)) continue;
    seen.add(path);
    texts.push(issueText(issue));
    if (texts.length === max) break;
  }
  return texts.join("; ");
}
