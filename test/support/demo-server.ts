// Starts the real service plus the demo on loopback (Node's http), for end-to-end tests.
import { createService } from "../../adapters/server/app.ts";
import { serve } from "../../adapters/server/serve/node.ts";
import { demoApp } from "../../examples/demo/backend.ts";
import { bundleDemo } from "../../examples/demo/bundle.ts";

export const DEMO_SECRET = "demo-secret-for-tests";

export async function startDemo(o: { tokenLifetimeS?: number } = {}) {
  let handler: (req: Request) => Promise<Response> = () =>
    Promise.resolve(new Response(null, { status: 503 }));
  const server = await serve({
    fetch: (req: Request) => handler(req),
    port: 0,
    hostname: "127.0.0.1",
  });
  // WebCrypto needs a secure context: http://localhost is one, http://127.0.0.1 is too in Chromium.
  const base = `http://localhost:${server.port}`;
  const service = await createService({
    publicUrl: base,
    clients: [{ id: "demo", secret: DEMO_SECRET, allowedOrigins: [base] }],
    limits: { tokenLifetimeS: o.tokenLifetimeS ?? 900 },
    log: null,
    rateLimits: false,
  });
  const { html, script, chunks } = await bundleDemo();
  const demo = demoApp({
    service,
    baseUrl: base,
    clientId: "demo",
    clientSecret: DEMO_SECRET,
    html,
    script,
    chunks,
  });
  // Every request the service saw, for assertions that outlive a page (beacons on close).
  type Seen = { method: string; path: string; contentType: string; body: string };
  const seen: Seen[] = [];
  const waiting = new Set<{ pred: (r: Seen) => boolean; resolve: (r: Seen) => void }>();
  handler = async (req) => {
    const path = new URL(req.url).pathname;
    if (path.startsWith("/v1/device/")) {
      const body = req.method === "POST" ? await req.clone().text() : "";
      const r = {
        method: req.method,
        path,
        contentType: req.headers.get("content-type") ?? "",
        body,
      };
      seen.push(r);
      for (const w of waiting) {
        if (w.pred(r)) {
          waiting.delete(w);
          w.resolve(r);
        }
      }
    }
    return path.startsWith("/demo") ? demo.fetch(req) : service.fetch(req);
  };
  return {
    base,
    service,
    seen,
    /** The first request from `from` on (an index into `seen`) that `pred` accepts, once seen. */
    request(pred: (r: Seen) => boolean, from = 0): Promise<Seen> {
      const found = seen.slice(from).find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiting.add({ pred, resolve }));
    },
    async close() {
      await server.shutdown(2000);
      await service.close(1000);
    },
  };
}
