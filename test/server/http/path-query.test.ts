// The request facts' path and query (adapters/server/http/request.ts `pathAndQuery`) are what
// the WHATWG URL parser gives, on any URL: plain ones take a fast path that must agree with it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { pathAndQuery } from "../../../adapters/server/http/request.ts";

const part = (units: string[]) => fc.string({ unit: fc.constantFrom(...units), maxLength: 8 });
const url = fc.tuple(
  fc.constantFrom("http://", "https://", "HTTP://", "ftp://"),
  fc.constantFrom(
    "localhost",
    "127.0.0.1",
    "Example.COM",
    "a b",
    "[::1]",
    "h:8787",
    "h:99999",
    "",
    // Hosts of plain characters the parser refuses or rewrites: numbers read as IPv4, IDNA.
    "999.1.1.1",
    "1.2.3.4.5",
    "01.1.1.1",
    "a.1",
    "host.0x1",
    "0x7f.1",
    "xn--a",
    "a.XN--b",
    "xn--bcher-kva.example",
    "-a.b",
  ),
  fc.array(
    fc.oneof(
      fc.constantFrom("v1", "device", "a.b", "x_y-z~", "jwks.json", "A0"),
      fc.constantFrom(".", "..", "%2e", "%2E", "%41", "", "é", "a b", ".well-known", "a;b", "\\"),
    ),
    { maxLength: 4 },
  ).chain((segs) =>
    fc.constantFrom("/" + segs.join("/"), "/" + segs.join("/") + "/", segs.join("/"))
  ),
  fc.option(part(["a", "=", "&", "+", "%20", "%", " ", '"', "'", "é", "#", "?", "<", ".", "~"])),
).map(([scheme, host, path, query]) =>
  `${scheme}${host}${path}${query === null ? "" : "?" + query}`
);

function reference(u: string): { path: string; query: [string, string][] } {
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    parsed = new URL("http://invalid/");
  }
  return { path: parsed.pathname, query: [...parsed.searchParams] };
}

describe("request path and query", () => {
  it("agree with the URL parser on any URL", { timeout: 60_000 }, () => {
    let fast = 0;
    fc.assert(
      fc.property(url, (u) => {
        const { path, query } = pathAndQuery(u);
        assert.deepEqual({ path, query: [...query] }, reference(u), u);
        if (/^https?:\/\/[a-z0-9.:-]+(\/[\w~-][\w.~-]*)*\/?(\?[\w.~=&+%-]*)?$/i.test(u)) fast++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(fast > 50, `only ${fast} plain URLs generated`);
  });

  it("plain service URLs", { timeout: 10_000 }, () => {
    const r = pathAndQuery("http://localhost/v1/backend/recommendation?action_token=a.b-c_d&x=%20");
    assert.equal(r.path, "/v1/backend/recommendation");
    assert.deepEqual([...r.query], [["action_token", "a.b-c_d"], ["x", " "]]);
    assert.equal(pathAndQuery("http://localhost/a/%2e%2e/b").path, "/b");
    assert.equal(pathAndQuery("http://h:99999/a").path, "/", "a URL the parser refuses");
  });
});
