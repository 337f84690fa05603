/** The sum of the series of `name` whose labels include `labels`, in a Prometheus exposition. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = (m[2] ?? "").split(/,(?=[a-z_]+=")/);
    if (want.every((w) => have.includes(w))) total += Number(m[3]);
  }
  return total;
}
