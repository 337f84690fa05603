/**
 * Runs the hono example on `node:http` (Node, Deno and Bun all have it):
 *
 * ```sh
 * DS_SERVICE_URL=http://localhost:8787 DS_CLIENT_ID=demo DS_CLIENT_SECRET=… \
 *   node --import tsx examples/backend-hono/main.ts      # or: deno run -A …, bun …
 * ```
 *
 * (With Deno or Bun you may serve `app.fetch` directly: `Deno.serve(app.fetch)`,
 * `export default app`.)
 *
 * @module
 */
import { createServer } from "node:http";
import { Buffer } from "node:buffer";
import process from "node:process";
import { createBackendClient } from "../../backend.ts";
import { createApp } from "./app.ts";

const service = process.env.DS_SERVICE_URL ?? "http://localhost:8787";
const clientId = process.env.DS_CLIENT_ID ?? "demo";
const clientSecret = process.env.DS_CLIENT_SECRET;
if (!clientSecret) throw new Error("set DS_CLIENT_SECRET (and DS_SERVICE_URL, DS_CLIENT_ID)");
const port = Number(process.env.PORT ?? 3000);

const app = createApp({
  backend: createBackendClient({
    baseUrl: service,
    clientId,
    clientSecret,
  }),
  issuer: process.env.DS_ISSUER ?? new URL(service).origin,
  clientId,
  jwks: new URL(".well-known/jwks.json", service.endsWith("/") ? service : `${service}/`),
});

// A minimal node:http → fetch bridge (in production, @hono/node-server does this).
createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const response = await app.fetch(
    new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), {
      method: req.method,
      headers,
      ...(chunks.length ? { body: new Uint8Array(Buffer.concat(chunks)) } : {}),
    }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(new Uint8Array(await response.arrayBuffer()));
}).listen(port, () => console.log(`hono example on http://localhost:${port}`));
