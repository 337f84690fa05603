// The demo page's script: the browser SDK, a login and a transfer form wired to the demo
// backend (which verifies the secure token locally, then asks the service), and a live view.
import { init } from "../../browser.ts";

// `?refreshAt=0.5` shortens the refresh point for the end-to-end tests; nothing else is tunable.
const q = new URLSearchParams(location.search);
const refreshAt = q.has("refreshAt") ? Number(q.get("refreshAt")) : undefined;
const ds = init({
  clientId: "demo",
  serverPath: "/",
  enableSessionToken: true,
  ...(refreshAt !== undefined ? { refreshAt } : {}),
});
(globalThis as { deviceSession?: unknown }).deviceSession = ds; // for the end-to-end tests

const $ = (id: string) => document.getElementById(id)!;

async function submit(
  form: string,
  action: string,
  body: () => Record<string, unknown>,
  done?: (r: { recommendation?: { recommendation: { type: string } } }) => Promise<void>,
) {
  const el = $(form) as HTMLFormElement;
  const out = $(`${form}-result`);
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = el.querySelector("button")!;
    button.disabled = true;
    out.textContent = "…";
    try {
      // A new secure token per action, bound to it, minted on this device (no round trip).
      const secureToken = await ds.getSecureSessionToken(action, 120);
      const res = await fetch(`/demo/api/${form}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...body(), secureToken }),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${json.code}: ${json.message}`);
      render(out, json);
      await done?.(json);
    } catch (e) {
      out.innerHTML = `<span class="error">${escape(String(e))}</span>`;
    } finally {
      button.disabled = false;
    }
  });
}

function render(
  out: HTMLElement,
  r: {
    recommendation: {
      recommendation: { type: string };
      risk_score: number;
      reasons: string[];
      positive?: string[];
    };
    verified: { deviceId: string };
  },
) {
  const rec = r.recommendation;
  out.innerHTML =
    `<div class="type ${rec.recommendation.type}" data-testid="type">${rec.recommendation.type}</div>` +
    `<div>risk score ${rec.risk_score}</div><div>reasons: ${
      escape(rec.reasons.join(", ") || "none")
    }</div>` +
    (rec.positive?.length
      ? `<div class="positive">good signs: ${escape(rec.positive.join(", "))}</div>`
      : "") +
    `<div>verified locally: device ${escape(r.verified.deviceId)}</div>`;
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

void submit(
  "login",
  "login",
  () => ({ username: ($("username") as HTMLInputElement).value }),
  async (r) => {
    const type = r.recommendation?.recommendation.type;
    if (type === "ALLOW" || type === "TRUST") {
      await ds.setAuthenticatedUser(($("username") as HTMLInputElement).value);
    }
  },
);
void submit("transfer", "transaction", () => ({
  amount: Number(($("amount") as HTMLInputElement).value),
  currency: ($("currency") as HTMLSelectElement).value,
  payee: ($("payee") as HTMLInputElement).value,
}));

setInterval(() => {
  const s = ds.snapshot();
  $("phase").textContent = s.phase;
  // Until the session runs, no tab leads or follows yet.
  $("leader").textContent = s.sessionId === null
    ? "— (starting)"
    : ds.isLeader()
    ? "leader (runs the session)"
    : "follower (shares it)";
  $("session").textContent = s.sessionId ?? "—";
  $("device").textContent = s.deviceId ?? "—";
  $("user").textContent = s.userId ?? "—";
  $("assurance").textContent = s.keyAssurance ?? "—";
  const left = s.tokenExpiresAt === null
    ? null
    : Math.round(s.tokenExpiresAt - (Date.now() + s.clockOffsetMs) / 1000);
  $("expiry").textContent = left === null ? "—" : `${left} s`;
  $("queue").textContent = `${s.queueLength} events, ${s.queueBytes} bytes`;
  $("acked").textContent = String(s.ackedSeq);
  $("dropped").textContent = String(s.dropped);
}, 250);
