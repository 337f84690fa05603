/**
 * Before the service suite runs: is the service there, and do the given client credentials
 * work? Either problem stops the run at once with one clear line (exit 2), instead of many
 * MUST checks failing for a reason that is not the service's.
 *
 * @module
 */
import { UsageError } from "./options.ts";

/** Why a fetch failed, as specific as the runtime says (ECONNREFUSED, ENOTFOUND, …). */
function cause(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } })?.cause;
  const inner = c?.code ?? c?.message;
  const outer = e instanceof Error ? e.message : String(e);
  return inner !== undefined && inner !== outer ? `${outer}: ${inner}` : outer;
}

/**
 * Checks that `url` answers and that each client's credentials get an access token (SPEC
 * §7.1); throws a {@link UsageError} saying what to fix otherwise.
 *
 * @example
 * ```ts
 * declare const secret: string;
 * await preflightService("http://localhost:8787", [{ id: "demo", secret, flag: "--client-id" }]);
 * ```
 */
export async function preflightService(
  url: string,
  clients: readonly { id: string; secret: string; flag: string }[],
): Promise<void> {
  let base: URL;
  try {
    base = new URL(url.endsWith("/") ? url : `${url}/`);
  } catch {
    throw new UsageError(`--url ${url} is not a URL`);
  }
  try {
    const r = await fetch(new URL(".well-known/device-session", base));
    await r.body?.cancel();
  } catch (e) {
    throw new UsageError(`cannot reach the service at ${url} (${cause(e)})`);
  }
  for (const c of clients) {
    const r = await fetch(new URL("v1/oauth/token", base), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: c.id,
        client_secret: c.secret,
      }).toString(),
    }).catch((e) => {
      throw new UsageError(`cannot reach the service at ${url} (${cause(e)})`);
    });
    const body = await r.json().catch(() => ({})) as { code?: string };
    if (r.status === 401 || r.status === 403 || r.status === 400) {
      throw new UsageError(
        `the service at ${url} refuses the credentials of client ${c.id} (${r.status} ${
          body.code ?? ""
        }): check ${c.flag} and its secret`,
      );
    }
  }
}
