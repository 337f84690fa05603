/**
 * Runs the `(req, res, next)` example on `node:http`:
 *
 * ```sh
 * DS_SERVICE_URL=http://localhost:8787 DS_CLIENT_ID=demo DS_CLIENT_SECRET=… \
 *   node --import tsx examples/backend-express-style/main.ts
 * ```
 *
 * @module
 */
import { createServer } from "node:http";
import process from "node:process";
import { createBackendClient } from "../../backend.ts";
import { createHandler } from "./app.ts";

const service = process.env.DS_SERVICE_URL ?? "http://localhost:8787";
const clientId = process.env.DS_CLIENT_ID ?? "demo";
const clientSecret = process.env.DS_CLIENT_SECRET;
if (!clientSecret) throw new Error("set DS_CLIENT_SECRET (and DS_SERVICE_URL, DS_CLIENT_ID)");
const port = Number(process.env.PORT ?? 3001);

const handler = createHandler({
  backend: createBackendClient({
    baseUrl: service,
    clientId,
    clientSecret,
  }),
  issuer: process.env.DS_ISSUER ?? new URL(service).origin,
  clientId,
  jwks: new URL(".well-known/jwks.json", service.endsWith("/") ? service : `${service}/`),
  // Demo only: every user's password is "password".
  checkPassword: (_user, password) => password === "password",
});

createServer(handler).listen(port, () => console.log(`example on http://localhost:${port}`));
