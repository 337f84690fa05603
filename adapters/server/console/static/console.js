// The operator page (docs/operations.md): reads /console/api/* with a bearer token kept in
// sessionStorage, draws small inline SVG charts, and writes every value with textContent.
"use strict";
const $ = (s) => document.querySelector(s);
const KEY = "ds-console-token";
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs, ...kids) {
  const e = tag.startsWith("svg:")
    ? document.createElementNS(SVG, tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

async function api(path, init) {
  const token = sessionStorage.getItem(KEY);
  const res = await fetch(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  });
  const body = await res.json();
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    show(false, body.message);
    throw new Error(body.message);
  }
  if (!res.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

function show(signedIn, message) {
  $("#login").hidden = signedIn;
  $("#main").hidden = !signedIn;
  $("#login-error").textContent = message || "";
}

const pick = (counts, prefix) =>
  Object.entries(counts)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, n]) => [k.slice(prefix.length), n])
    .sort((a, b) => b[1] - a[1]);

/** A bar chart of one counter over time buckets (start at `from`, width `step`). */
function timeChart(id, buckets, name, from, step, n) {
  const values = Array.from({ length: n }, (_, i) => {
    const b = buckets.find((x) => x.startMs === from + i * step);
    return b ? b.counts[name] || 0 : 0;
  });
  const max = Math.max(1, ...values);
  const w = 600, h = 120, bw = w / n;
  const svg = el("svg:svg", {
    viewBox: `0 0 ${w} ${h + 16}`,
    role: "img",
    "data-total": values.reduce((a, b) => a + b, 0),
  });
  values.forEach((v, i) => {
    const bh = (v / max) * h;
    const t = new Date(from + i * step).toISOString().slice(11, 16);
    svg.append(
      el("svg:rect", {
        x: i * bw + 1,
        y: h - bh,
        width: Math.max(1, bw - 2),
        height: bh,
        "data-value": v,
        class: "bar",
      }, el("svg:title", {}, `${t} UTC: ${v}`)),
    );
  });
  svg.append(
    el("svg:text", { x: 0, y: h + 14, class: "axis" }, new Date(from).toISOString().slice(11, 16)),
  );
  svg.append(
    el("svg:text", { x: w, y: h + 14, class: "axis", "text-anchor": "end" }, `max ${max}`),
  );
  $(id).replaceChildren(svg);
}

/** Horizontal bars of named totals. */
function barList(id, entries) {
  const max = Math.max(1, ...entries.map((e) => e[1]));
  const rows = entries.slice(0, 10).map(([name, v]) =>
    el(
      "div",
      { class: "row", "data-name": name, "data-value": v },
      el("span", { class: "name" }, name),
      el(
        "svg:svg",
        { viewBox: "0 0 100 10", preserveAspectRatio: "none", class: "hbar" },
        el("svg:rect", { x: 0, y: 0, height: 10, width: (v / max) * 100, class: `bar ${name}` }),
      ),
      el("span", { class: "num" }, v),
    )
  );
  $(id).replaceChildren(...(rows.length ? rows : [el("p", { class: "empty" }, "nothing yet")]));
}

function tile(id, value) {
  $(id).textContent = String(value);
}

async function refresh() {
  const s = await api("/console/api/summary");
  $("#client").textContent = `${s.client_id} — signed in as ${s.actor}`;
  const h = s.hour, d = s.day;
  const recs = pick(d, "recommendations.");
  const total = recs.reduce((a, [, n]) => a + n, 0);
  const deny = d["recommendations.DENY"] || 0;
  tile("#t-sessions", h["sessions.created"] || 0);
  tile("#t-actions", pick(h, "actions.").reduce((a, [, n]) => a + n, 0));
  tile("#t-deny", total ? `${Math.round((deny / total) * 100)}%` : "–");
  tile("#t-dropped", h["telemetry.dropped"] || 0);
  tile("#t-preview", pick(d, "rules.preview.").reduce((a, [, n]) => a + n, 0));
  const minute = 60_000, hour = 3_600_000;
  const mFrom = Math.floor(s.now_ms / minute) * minute - 59 * minute;
  const hFrom = Math.floor(s.now_ms / hour) * hour - 23 * hour;
  timeChart("#c-sessions-hour", s.series.minute, "sessions.created", mFrom, minute, 60);
  timeChart("#c-sessions-day", s.series.hour, "sessions.created", hFrom, hour, 24);
  timeChart("#c-dropped-hour", s.series.minute, "telemetry.dropped", mFrom, minute, 60);
  barList("#c-actions", pick(d, "actions."));
  barList("#c-recs", recs);
  barList("#c-reasons", pick(d, "reasons."));
  $("#rules").replaceChildren(
    ...s.rules.map((r) =>
      el(
        "tr",
        { "data-rule": r.id },
        el("td", {}, r.priority),
        el("td", {}, r.name),
        el("td", {}, r.recommendation),
        el("td", {}, r.mode),
        el("td", {}, r.enabled ? "on" : "off"),
        el("td", { class: "num prod" }, r.hits_24h.production),
        el("td", { class: "num prev" }, r.hits_24h.preview),
        el(
          "td",
          {},
          ruleButton(r, r.enabled ? "disable" : "enable", { enabled: !r.enabled }),
          ruleButton(r, r.mode === "preview" ? "promote" : "to preview", {
            mode: r.mode === "preview" ? "production" : "preview",
          }),
        ),
      )
    ),
  );
  await Promise.all([loadDecisions(), loadAudit()]);
}

function ruleButton(rule, label, patch) {
  const b = el("button", { type: "button" }, label);
  b.addEventListener("click", async () => {
    await api(`/console/api/rules/${encodeURIComponent(rule.id)}`, {
      method: "POST",
      body: JSON.stringify(patch),
    });
    await refresh();
  });
  return b;
}

async function loadDecisions() {
  const q = $("#q").value.trim();
  const { decisions } = await api(`/console/api/decisions?limit=50&q=${encodeURIComponent(q)}`);
  $("#decisions").replaceChildren(
    ...decisions.map((e) =>
      el(
        "tr",
        { class: e.type },
        el("td", {}, new Date(e.at_ms).toISOString().slice(11, 19)),
        el("td", {}, e.action_type),
        el("td", { class: "type" }, e.type),
        el("td", { class: "num" }, e.risk_score),
        el("td", {}, e.reasons.join(" ")),
        el(
          "td",
          {},
          e.preview_rule ? `${e.preview_rule.name} → ${e.preview_rule.recommendation}` : "",
        ),
        el("td", { class: "id" }, e.session_id),
        el("td", { class: "id" }, e.device_id),
        el("td", { class: "id" }, e.user_id || e.claimed_user_id || ""),
        el(
          "td",
          { class: "signals" },
          Object.entries(e.signals || {}).filter(([, v]) => v !== false && v !== 0).map(([k, v]) =>
            v === true ? k : `${k}=${v}`
          ).join(" "),
        ),
      )
    ),
  );
}

async function loadAudit() {
  const { entries } = await api("/console/api/audit");
  $("#audit").replaceChildren(
    ...entries.map((e) =>
      el(
        "tr",
        {},
        el("td", {}, new Date(e.at_ms).toISOString().replace("T", " ").slice(0, 19)),
        el("td", {}, e.actor),
        el("td", {}, e.action),
        el("td", { class: "id" }, e.target),
        el("td", { class: "diff" }, diff(e.before, e.after)),
      )
    ),
  );
}

function diff(before, after) {
  if (!before) return "created";
  if (!after) return "deleted";
  return Object.keys({ ...before, ...after })
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)
    .join("; ");
}

$("#login").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(KEY, $("#token").value.trim());
  show(true);
  refresh().catch((e) => ($("#status").textContent = e.message));
});
$("#search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  loadDecisions().catch((e) => ($("#status").textContent = e.message));
});
$("#signout").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  show(false);
});
if (sessionStorage.getItem(KEY)) {
  show(true);
  refresh().catch((e) => ($("#status").textContent = e.message));
} else show(false);
setInterval(() => {
  if (sessionStorage.getItem(KEY) && document.visibilityState === "visible") {
    refresh().then(
      () => ($("#status").textContent = ""),
      (e) => ($("#status").textContent = e.message),
    );
  }
}, 15_000);
