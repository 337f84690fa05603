/**
 * Service checks of IP addresses (SPEC §7.6, §8.6, §14): `ip_cidrs` rules matched against the
 * IP an action carries (prefix bits, IPv6, IPv4-mapped addresses and blocks, never across
 * versions), the CIDR forms a rule may hold, and the client IP the service derives from an SDK's
 * request (never from a header the client wrote).
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { Device, event } from "./actors.ts";
import type { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import { act, recommendationOf, type ScoringKit } from "./scoring.ts";

/** [rule CIDR, action IP, whether the rule matches]: one row per matching rule of §7.6. */
const MATCHES: readonly (readonly [string, string, boolean])[] = [
  ["198.51.100.0/24", "198.51.100.9", true],
  ["198.51.100.0/24", "198.51.101.9", false],
  ["198.51.100.7/24", "198.51.100.77", true], // host bits of the block are ignored
  ["198.51.100.128/25", "198.51.100.200", true], // a prefix inside a byte
  ["198.51.100.128/25", "198.51.100.127", false],
  ["198.51.100.9/32", "198.51.100.9", true],
  ["0.0.0.0/0", "203.0.113.1", true],
  ["198.51.100.0/24", "::ffff:198.51.100.9", true], // an IPv4-mapped address is IPv4
  ["::ffff:198.51.100.0/120", "198.51.100.9", true], // a mapped block of prefix ≥ 96 is IPv4
  ["::ffff:0:0/95", "::fffe:c633:6409", true], // shorter: an IPv6 block …
  ["::ffff:0:0/95", "198.51.100.9", false], // … that no IPv4 address matches
  ["2001:db8::/32", "2001:db8:0:0:0:0:0:1", true],
  ["2001:db8::/32", "2001:db9::1", false],
  ["2001:db8:0:1::/63", "2001:db8:0:1:ffff::1", true],
  ["::/0", "198.51.100.9", false], // never across versions
];

/** CIDRs that are not CIDRs (§7.6). */
const INVALID = [
  "198.51.100.0/33",
  "2001:db8::/129",
  "198.51.100.0",
  "198.51.100.0/024",
  "198.051.100.0/24",
  "198.51.100/24",
  "198.51.100.0.1/24",
  "2001:db8:::1/64",
  "2001:db8::/-1",
];

/** A client-supplied X-Forwarded-For address the service must not take as the client IP. */
const SPOOFED = "203.0.113.254";

/** A lowest free rule priority in 901–1000, or the check cannot run. */
async function freePriority(t: Assert, b: Backend): Promise<number> {
  const x = expectStatus(t, await b.call("GET", "/v1/backend/rules"), 200, "list rules");
  const used = new Set(((x.rules ?? []) as { priority: number }[]).map((r) => r.priority));
  for (let p = 901; p <= 1000; p++) if (!used.has(p)) return p;
  return t.skip("the client has no free rule priorities in 901–1000");
}

/** Whether `ip` is an address in the canonical text §8.6 names. */
function canonicalIp(ip: unknown): boolean {
  if (typeof ip !== "string") return false;
  const v4 = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;
  if (v4.test(ip)) return ip.split(".").every((o) => Number(o) <= 255);
  // RFC 5952: lower case, no leading zeros, `::` for the longest run of two or more zero groups.
  if (!/^[0-9a-f:]+$/.test(ip) || ip.startsWith("::ffff:")) return false;
  try {
    return new URL(`http://[${ip}]/`).hostname === `[${ip}]`;
  } catch {
    return false;
  }
}

/**
 * Runs the IP checks.
 *
 * @example
 * ```ts
 * import { scoringKit } from "./scoring.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await networkChecks(ctx, await scoringKit(ctx));
 * ```
 */
export async function networkChecks(c: ServiceContext, kit: ScoringKit): Promise<void> {
  const { run, http } = c;

  await run.check(C["svc.rules.ip-match"], async (t) => {
    const be = await kit.backend(t);
    const d = await kit.session();
    for (const [cidr, ip, matches] of MATCHES) {
      const rule = {
        name: `conformance-${kit.tag}-ip`,
        priority: await freePriority(t, be),
        enabled: true,
        mode: "production",
        match: { ip_cidrs: [cidr] },
        recommendation: "DENY",
      };
      const id = String(
        expectStatus(t, await be.call("POST", "/v1/backend/rules", rule), 201, `rule ${cidr}`).id,
      );
      try {
        const { rec } = await act(t, be, d, { ip });
        const reasons = (rec.reasons ?? []) as unknown[];
        t.equal(reasons.includes("RULE_DENY"), matches, `${ip} matches ${cidr}`);
      } finally {
        await be.call("DELETE", `/v1/backend/rules/${encodeURIComponent(id)}`);
      }
    }
  });

  await run.check(C["svc.rules.ip-invalid"], async (t) => {
    const be = await kit.backend(t);
    const priority = await freePriority(t, be);
    for (const cidr of INVALID) {
      const rule = {
        name: `conformance-${kit.tag}-bad-ip`,
        priority,
        enabled: false,
        mode: "preview",
        match: { ip_cidrs: ["192.0.2.0/24", cidr] },
        recommendation: "DENY",
      };
      const x = await be.call("POST", "/v1/backend/rules", rule);
      const id = (x.json as { id?: unknown } | undefined)?.id;
      if (x.status === 201) await be.call("DELETE", `/v1/backend/rules/${String(id)}`);
      expectError(t, x, 400, "ERR_INVALID_BODY", `a rule with ip_cidrs ${cidr}`);
    }
  });

  await run.check(C["svc.telemetry.client-ip"], async (t) => {
    const be = await kit.backend(t);
    const d = await Device.create(http);
    await d.createSession();
    const e = event(1, "action", { action_type: "login", correlation_id: `ip-${kit.tag}` });
    const x = await http.call("POST", "/v1/device/telemetry", {
      headers: { "content-type": "application/json", "x-forwarded-for": SPOOFED },
      body: d.batchText([e]),
    });
    const b = expectStatus(t, x, 200, "a batch with an action event and X-Forwarded-For");
    const actions = (b.actions ?? []) as { seq: number; action_token: string }[];
    const a = t.need(actions.find((r) => r.seq === 1), "the action record in the answer");
    const rec = await recommendationOf(t, be, a.action_token);
    const ip = (rec.context as { ip?: unknown } | undefined)?.ip;
    t.ok(canonicalIp(ip), `context.ip is the request's client IP in canonical form: got ${ip}`);
    t.ok(ip !== SPOOFED, "context.ip is not the X-Forwarded-For address the client wrote");
  });
}
