/**
 * The worker the workerd leg runs: the example Worker (`examples/worker/`: hono, the secure
 * token middleware, a Durable Object replay store) plus our verifier behind the conformance
 * harness's HTTP contract at `/verify` (`GET` hello, `POST` one request), so the token vectors
 * and the conformance verifier target run inside workerd.
 *
 * @module
 */
import example, { type Env, ReplayObject } from "../../examples/worker/worker.ts";
import { createVerifierDriver } from "../../conformance/drivers/verifier-handler.ts";
import { httpDriverHandler } from "../../conformance/drivers/http.ts";

export { ReplayObject };

// One driver per isolate: its named replay stores live as long as the isolate (the test runs
// one workerd process with one isolate).
const verifier = httpDriverHandler(createVerifierDriver());

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    if (new URL(request.url).pathname === "/verify") return verifier(request);
    return example.fetch(request, env);
  },
};
