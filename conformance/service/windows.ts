/**
 * Service checks that need long stretches of service time or many requests, run last: the rate
 * limits the service reports through test control (SPEC §12, Appendix A.5) answered 429 with
 * `Retry-After`, and a key rotated out of the JWKS that the service still honours for telemetry
 * within retention (§3.6, §8.5).
 *
 * @module
 */
import { parseJws } from "../../core/token/jws.ts";
import type { Assert } from "../core/assert.ts";
import { Device, event } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { needControl } from "./control.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import type { Exchange, Http } from "./http.ts";
import { WireConnection } from "./wire.ts";

/** Limits the suite is willing to exceed (requests per minute): more would slow every run. */
const MAX_REACHABLE = 1000;
/** The device API's, exceeded with pipelined requests on one connection. */
const MAX_REACHABLE_PIPELINED = 20000;
/** Requests in flight at once while exceeding a limit. */
const PARALLEL = 32;
/** Requests written at once on one connection. */
const PIPELINED = 100;

/** Sends `request` until the first 429, at most `limit + 1` times; that 429, or `null`. */
async function exceed(limit: number, request: () => Promise<Exchange>): Promise<Exchange | null> {
  let sent = 0;
  while (sent <= limit) {
    const n = Math.min(PARALLEL, limit + 1 - sent);
    sent += n;
    const xs = await Promise.all(Array.from({ length: n }, request));
    const limited = xs.find((x) => x.status === 429);
    if (limited !== undefined) return limited;
  }
  return null;
}

/**
 * Sends GET `path` until the first 429, at most `limit + 1` times, pipelined on one connection
 * (far cheaper than as many fetches); that 429 as an exchange, or `null`.
 */
async function exceedPipelined(
  url: string,
  path: string,
  limit: number,
): Promise<Exchange | null> {
  let conn: WireConnection | null = null;
  try {
    for (let sent = 0; sent <= limit;) {
      // A server may close a connection after some requests: go on with a new one.
      if (conn === null || conn.closed) {
        conn?.close();
        conn = await WireConnection.open(url);
        if (conn === null) throw new Error(`pipelined requests: no connection after ${sent}`);
      }
      const n = Math.min(PIPELINED, limit + 1 - sent);
      conn.write(`GET ${path} HTTP/1.1\r\nhost: ${conn.host}\r\n\r\n`.repeat(n));
      for (let i = 0; i < n; i++) {
        const a = await conn.read(10_000);
        if (a === "timeout") throw new Error(`pipelined requests: no answer after ${sent + i}`);
        if (a === "closed") break; // unanswered ones are sent again on the next connection
        sent++;
        if (a.status !== 429) continue;
        let json: unknown;
        try {
          json = JSON.parse(a.body);
        } catch { /* judged as not an error body below */ }
        const headers = new Headers(a.headers);
        return { method: "GET", path, status: 429, headers, json, text: a.body };
      }
    }
    return null;
  } finally {
    conn?.close();
  }
}

/** Fails unless `x` is the 429 of §6.0 with a Retry-After of delay-seconds within the window. */
/**
 * A burst past a limit, and when all of it was answered a second one a window later: a service
 * with fixed windows (SPEC §12) admits a burst that crosses a window's end up to twice its
 * limit, and the second burst, starting 61 s and the first's length later, cannot cross one too.
 * A limit of twice what the service reports still fails both.
 */
async function burstTwice(
  control: { advance(seconds: number): Promise<unknown> },
  burst: () => Promise<Exchange | null>,
): Promise<Exchange | null> {
  const first = await burst();
  if (first !== null) return first;
  await control.advance(61);
  return await burst();
}

function expectLimited(t: Assert, x: Exchange | null, what: string, limit: number): void {
  if (x === null) {
    t.fail(`${what}: ${limit + 1} requests in a minute, twice a window apart, were all answered`);
  }
  expectError(t, x, 429, "ERR_RATE_LIMITED", what);
  const after = x.headers.get("retry-after");
  t.ok(after !== null && /^\d+$/.test(after), `${what}: Retry-After delay-seconds, got ${after}`);
  t.between(Number(after), 1, 60, `${what}: Retry-After`);
}

/** The longest lifetime of the service-signed tokens the suite can obtain, seconds. */
async function longestLifetime(t: Assert, http: Http, d: Device): Promise<number> {
  const be = await Backend.create(http);
  const x = await be.call("POST", "/v1/backend/actions", {
    action_type: "login",
    session_token: d.sessionToken,
  });
  const action = expectStatus(t, x, 201, "an action").action_token;
  const life = (tok: unknown) => {
    const p = parseJws(String(tok)).payload as { iat?: number; exp?: number };
    return Number(p.exp) - Number(p.iat);
  };
  return Math.max(life(d.sessionToken), life(action), life(be.token));
}

/**
 * Runs the checks (after every other check that needs the clock).
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await windowChecks(ctx);
 * ```
 */
export async function windowChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;

  await run.check(C["svc.jwks.retired-key"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    await d.createSession();
    const old = d.sessionToken;
    const oldKid = parseJws(old).header.kid;
    // The previous key stays published for the longest token lifetime + 300 s (§3.6).
    const published = await longestLifetime(t, http, d) + 300 + 1;
    const { retention_s: retention } = await control.client();
    const facts = await control.session(d.sessionId);
    if (facts.ends_at + retention <= http.nowS() + 2 * published + 60) {
      t.skip(`the client's retention (${retention} s) ends before two rotations can happen`);
    }
    let first = await control.rotate();
    if (first.status === 409) {
      // An earlier rotation's previous key is still published.
      await control.advance(published);
      first = await control.rotate();
    }
    const r1 = expectStatus(t, first, 200, "the first rotation");
    t.equal(r1.previous_kid, oldKid, "previous_kid of the first rotation");
    await control.advance(published);
    const r2 = expectStatus(t, await control.rotate(), 200, "a rotation once the previous expired");
    const jwks = expectStatus(t, await http.call("GET", "/.well-known/jwks.json"), 200, "JWKS");
    const kids = ((jwks.keys ?? []) as { kid: string }[]).map((k) => k.kid).sort();
    t.equal(kids, [String(r1.kid), String(r2.kid)].sort(), "JWKS kids: the two newest keys");
    // The session ended (idle) meanwhile; its events are taken until retention ends (§8.5).
    const b = await d.telemetry([event(1)], { session_token: old });
    t.equal(
      expectStatus(t, b, 200, "a batch under a token of the key no longer published").acked_seq,
      1,
      "acked_seq of that batch",
    );
  });

  await run.check(C["svc.jwks.scheduled-rotation"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const period = (await control.client()).key_rotation_s ?? 0;
    if (period <= 0) {
      t.skip("the service reports no scheduled rotation (key_rotation_s)", { notApplicable: true });
    }
    const kidsOf = async () => {
      const x = await http.call("GET", "/.well-known/jwks.json");
      const keys = (expectStatus(t, x, 200, "JWKS").keys ?? []) as { kid: string }[];
      return keys.map((k) => k.kid).sort();
    };
    const d = await Device.create(http);
    await d.createSession();
    const before = parseJws(d.sessionToken).header.kid;
    await control.advance(period);
    // The rotation may start with any request (a few JWKS fetches, at most, until it shows).
    let kids = await kidsOf();
    for (let i = 0; i < 100 && kids.length === 1 && kids[0] === before; i++) {
      await new Promise((r) => setTimeout(r, 50)); // a rotation in the background (≤ 5 s)
      kids = await kidsOf();
    }
    t.ok(kids.includes(String(before)), `the former key stays published (previous): ${kids}`);
    const fresh = kids.filter((k) => k !== before);
    t.equal(fresh.length, 1, `a new key is published once ${period} s passed: JWKS kids`);
    const e = await Device.create(http);
    await e.createSession();
    t.equal(parseJws(e.sessionToken).header.kid, fresh[0], "kid of a token issued after that");
  });

  await run.check(C["svc.errors.rate-limited"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const facts = await control.client();
    const rl = t.need(facts.rate_limits, "rate_limits in the test-control client facts");
    const reachable = (n: number | undefined, max = MAX_REACHABLE): n is number =>
      typeof n === "number" && n > 0 && n <= max;
    const device = rl.device_per_ip_per_min;
    const token = rl.token_per_ip_per_min;
    const conn = await WireConnection.open(http.base);
    conn?.close();
    const deviceMax = conn === null ? MAX_REACHABLE : MAX_REACHABLE_PIPELINED;
    if (!reachable(device, deviceMax) && !reachable(token)) {
      t.skip(`no rate limit of at most ${MAX_REACHABLE} per minute to exceed`);
    }
    const config = `/v1/device/config?client_id=${encodeURIComponent(http.target.clientId)}`;
    if (reachable(device, deviceMax)) {
      const burst = () =>
        conn === null
          ? exceed(device, () => http.call("GET", config))
          : exceedPipelined(http.base, config, device);
      const x = await burstTwice(control, burst);
      expectLimited(t, x, "the device API past its limit", device);
      await control.advance(61);
      expectStatus(t, await http.call("GET", config), 200, "the device API a window later");
    }
    if (reachable(token)) {
      const be = new Backend(http, http.target.clientId, http.target.clientSecret);
      await control.client(); // the extension's own access token, fresh before the limit
      const x = await burstTwice(control, () => exceed(token, () => be.tokenRaw()));
      expectLimited(t, x, "the token endpoint past its limit", token);
      await control.advance(61);
      expectStatus(t, await be.tokenRaw(), 200, "the token endpoint a window later");
    }
  });
}
