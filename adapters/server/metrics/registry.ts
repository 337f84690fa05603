/**
 * A small Prometheus registry: counters and histograms with fixed label names, rendered in the
 * text exposition format 0.0.4. Hand-written rather than `prom-client`, which imports `node:`
 * modules (cluster, perf_hooks) the service does not need on Deno, Bun or workerd.
 *
 * @module
 */

type Labels = Readonly<Record<string, string>>;

/** The content type of the text exposition format. */
export const EXPOSITION_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const escapeLabel = (s: string): string =>
  s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const num = (n: number): string =>
  Number.isFinite(n) ? String(n) : Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";

function labelText(names: readonly string[], values: readonly string[], extra = ""): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`);
  if (extra !== "") parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

abstract class Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }
  protected key(labels: Labels): string[] {
    return this.labelNames.map((n) => labels[n] ?? "");
  }
  abstract render(): string;
}

/** A monotonic counter per label set. */
export class Counter extends Metric {
  readonly #values = new Map<string, { labels: string[]; value: number }>();
  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const values = this.key(labels);
    const k = values.join("\u0000");
    const entry = this.#values.get(k);
    if (entry === undefined) this.#values.set(k, { labels: values, value: by });
    else entry.value += by;
  }
  /** The current value of one series (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.#values.get(this.key(labels).join("\u0000"))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${num(value)}`);
    }
    return lines.join("\n");
  }
}

/** A histogram per label set, over fixed upper bounds (seconds, for latencies). */
export class Histogram extends Metric {
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, { labels: string[]; counts: number[]; sum: number }>();
  constructor(name: string, help: string, labelNames: readonly string[], bounds: number[]) {
    super(name, help, labelNames);
    this.#bounds = [...bounds].sort((a, b) => a - b);
  }
  /** Records one observation. */
  observe(labels: Labels, value: number): void {
    const values = this.key(labels);
    const k = values.join("\u0000");
    let s = this.#series.get(k);
    if (s === undefined) {
      s = { labels: values, counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0 };
      this.#series.set(k, s);
    }
    const i = this.#bounds.findIndex((b) => value <= b);
    s.counts[i === -1 ? this.#bounds.length : i]!++;
    s.sum += value;
  }
  render(): string {
    const n = this.name;
    const lines = [`# HELP ${n} ${escapeHelp(this.help)}`, `# TYPE ${n} histogram`];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((b, i) => {
        cumulative += s.counts[i]!;
        lines.push(
          `${n}_bucket${labelText(this.labelNames, s.labels, `le="${num(b)}"`)} ${cumulative}`,
        );
      });
      cumulative += s.counts[this.#bounds.length]!;
      lines.push(`${n}_bucket${labelText(this.labelNames, s.labels, 'le="+Inf"')} ${cumulative}`);
      lines.push(`${n}_sum${labelText(this.labelNames, s.labels)} ${num(s.sum)}`);
      lines.push(`${n}_count${labelText(this.labelNames, s.labels)} ${cumulative}`);
    }
    return lines.join("\n");
  }
}

/**
 * A set of metrics rendered together.
 *
 * @example
 * ```ts
 * const reg = new Registry();
 * const hits = reg.counter("app_hits_total", "Hits.", ["route"]);
 * hits.inc({ route: "/" });
 * reg.render(); // "# HELP app_hits_total Hits.\n# TYPE app_hits_total counter\napp_hits_total{route=\"/\"} 1\n"
 * ```
 */
export class Registry {
  readonly #metrics: Metric[] = [];
  /** Registers a counter. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const c = new Counter(name, help, labelNames);
    this.#metrics.push(c);
    return c;
  }
  /** Registers a histogram with upper bounds `bounds`. */
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    bounds: number[],
  ): Histogram {
    const h = new Histogram(name, help, labelNames, bounds);
    this.#metrics.push(h);
    return h;
  }
  /** Every metric in the text exposition format 0.0.4 (ends with a newline). */
  render(): string {
    return this.#metrics.map((m) => m.render()).join("\n") + "\n";
  }
}
