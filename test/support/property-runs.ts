// How many runs a property test makes: `PROPERTY_RUNS` from the environment where there is one
// (Node, Deno, Bun), else the file's own default (in Chromium, QuickJS and workerd too).
export function propertyRuns(fallback: number): number {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env;
  return Number(env?.PROPERTY_RUNS ?? fallback);
}
