// Self time of a V8 .cpuprofile by bucket (where the service's CPU goes), largest first.
// Usage: node bench/server/profile-summary.mjs <file.cpuprofile> [--top=15] [--callers=regex] [--inclusive]
import { readFileSync } from "node:fs";

/** The bucket of one profile node, by its script URL and function name. */
export function bucket({ url, functionName: fn }) {
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (fn === "(program)") return "V8 / native (program)";
  if (/abort_controller|domexception|event_target|internal\/events|AbortSignal/.test(url + fn)) {
    return "AbortSignal / DOMException / event listeners";
  }
  if (
    /undici|internal\/webstreams|internal\/url|internal\/blob|Headers|Request|Response/.test(url)
  ) {
    return "WHATWG Request / Response / Headers / streams";
  }
  if (/crypto|webcrypto/.test(url) || /^(verify|sign|createPublicKey)$/.test(fn)) {
    return "cryptography";
  }
  if (
    /_http_|internal\/http|node:net|internal\/stream|internal\/streams|net\.js|node:stream/.test(
      url,
    )
  ) {
    return "node:http / net / streams";
  }
  if (url.includes("node_modules/hono")) return "hono";
  if (url.includes("node_modules/valibot")) return "valibot";
  if (url.includes("node_modules/tsx") || url.includes("esbuild")) return "tsx loader";
  if (/\/(core|adapters)\//.test(url) && !url.includes("node_modules")) {
    return /adapters\/server\/serve\//.test(url)
      ? "our serve adapter"
      : "project code (core, adapters)";
  }
  if (url === "") return `native: ${fn || "(anonymous)"}`.slice(0, 60);
  return "other JavaScript (node internals)";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const top = Number(process.argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 15);
  const who = process.argv.find((a) => a.startsWith("--callers="))?.slice(10);
  if (process.argv.includes("--inclusive")) {
    const busy = p.timeDeltas.reduce((a, b) => a + b, 0);
    for (const [k, t] of inclusive(p).slice(0, top)) {
      console.log(`${(100 * t / busy).toFixed(1).padStart(5)} %  ${k}`);
    }
    process.exit(0);
  }
  if (who !== undefined) {
    const { total, rows } = callers(p, who);
    console.log(`${(total / 1e3).toFixed(0)} ms in /${who}/, by nearest other caller:`);
    for (const [k, t] of rows.slice(0, top)) {
      console.log(`${(100 * t / total).toFixed(1).padStart(5)} %  ${k}`);
    }
    process.exit(0);
  }
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const fns = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const dt = p.timeDeltas[i] ?? 0;
    const b = bucket(n.callFrame);
    self.set(b, (self.get(b) ?? 0) + dt);
    const f = `${n.callFrame.functionName || "(anonymous)"} ${
      n.callFrame.url.split("/").slice(-2).join("/")
    }`;
    fns.set(f, (fns.get(f) ?? 0) + dt);
  }
  const busy = [...self].filter(([b]) => b !== "idle").reduce((s, [, t]) => s + t, 0);
  console.log(
    `busy ${(busy / 1e6).toFixed(1)} s (idle ${((self.get("idle") ?? 0) / 1e6).toFixed(1)} s)`,
  );
  for (const [b, t] of [...self].filter(([b]) => b !== "idle").sort((a, b) => b[1] - a[1])) {
    console.log(`${(100 * t / busy).toFixed(1).padStart(5)} %  ${b}`);
  }
  console.log("\ntop functions (self):");
  for (
    const [f, t] of [...fns].filter(([f]) => !f.startsWith("(idle)")).sort((a, b) => b[1] - a[1])
      .slice(0, top)
  ) {
    console.log(`${(100 * t / busy).toFixed(1).padStart(5)} %  ${f}`);
  }
}

/**
 * Who calls the functions matching `pattern` (self time by the nearest caller outside their
 * bucket): `--callers=valibot`.
 */
export function callers(p, pattern) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const re = new RegExp(pattern);
  const label = (n) =>
    `${n.callFrame.functionName || "(anonymous)"} ${
      n.callFrame.url.split("/").slice(-2).join("/")
    }`;
  const out = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    let n = byId.get(p.samples[i]);
    if (!re.test(label(n))) continue;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    while (n !== undefined && re.test(label(n))) n = parent.get(n.id);
    const k = n === undefined ? "(root)" : label(n);
    out.set(k, (out.get(k) ?? 0) + dt);
  }
  return { total, rows: [...out].sort((a, b) => b[1] - a[1]) };
}

/** Total time (self and callees) of each function, by label: `--inclusive`. */
export function inclusive(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const label = (n) =>
    `${n.callFrame.functionName || "(anonymous)"} ${
      n.callFrame.url.split("/").slice(-2).join("/")
    }`;
  const out = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const seen = new Set();
    for (let n = byId.get(p.samples[i]); n !== undefined; n = parent.get(n.id)) {
      const k = label(n);
      if (seen.has(k)) continue;
      seen.add(k);
      out.set(k, (out.get(k) ?? 0) + dt);
    }
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}
