// The README's quick starts, as the quick-start test runs them: each is the fenced code block
// right after a `<!-- quickstart:<name> [file=<name>] -->` marker, taken verbatim.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../find-tests.mjs";

const MARKER = /<!-- quickstart:([a-z-]+)(?: file=(\S+))? -->\s*\n```(\w+)\n([\s\S]*?)\n```/g;

/**
 * @param {string} markdown
 * @returns {Map<string, { file: string | undefined, lang: string, code: string }>}
 */
export function quickstarts(markdown) {
  const found = new Map();
  for (const [, name, file, lang, code] of markdown.matchAll(MARKER)) {
    if (found.has(name)) throw new Error(`README: quickstart:${name} appears twice`);
    found.set(name, { file, lang, code: `${code}\n` });
  }
  return found;
}

/** The quick starts of the repository's README.md. */
export function readmeQuickstarts() {
  return quickstarts(readFileSync(join(ROOT, "README.md"), "utf8"));
}
