/**
 * Service checks of the session's user as results and clears change it (SPEC §7.4, §7.5,
 * §10.1), read back through the test-control extension's session facts (SPEC Appendix A).
 *
 * @module
 */
import { Device } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectStatus, type ServiceContext } from "./context.ts";
import { needControl } from "./control.ts";

const ACTIONS = "/v1/backend/actions";

/**
 * Runs the user checks.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await userChecks(ctx);
 * ```
 */
export async function userChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.backend.user-facts"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const be = await Backend.create(http);
    const d = await Device.create(http);
    await d.createSession();
    const trigger = async (action_type: string) =>
      String(
        expectStatus(
          t,
          await be.call("POST", ACTIONS, { action_type, session_token: d.sessionToken }),
          201,
          `a ${action_type} action`,
        ).action_token,
      );
    const result = async (action_token: string, result: string, user_id: string) =>
      expectStatus(
        t,
        await be.call("POST", `${ACTIONS}/result`, { action_token, result, user_id }),
        201,
        `a ${result} result`,
      );
    const user = async () => (await control.session(d.sessionId)).user_id;
    const login = await trigger("login");
    const tx = await trigger("transaction");
    await result(tx, "success", "conf-user-tx");
    t.equal(await user(), null, "the session's user after a success on a transaction");
    const rec = expectStatus(
      t,
      await be.call("GET", `/v1/backend/recommendation?action_token=${encodeURIComponent(tx)}`),
      200,
      "the transaction's recommendation",
    );
    t.equal(
      (rec.context as { user_id?: unknown }).user_id,
      "conf-user-tx",
      "context.user_id (the user its result reported)",
    );
    await result(login, "failure", "conf-user-login");
    t.equal(await user(), null, "the session's user after a failed login");
    await result(login, "success", "conf-user-login");
    t.equal(await user(), "conf-user-login", "the session's user after a successful login");
    const cleared = await be.call("POST", "/v1/backend/users/clear", {
      session_token: d.sessionToken,
    });
    t.equal(expectStatus(t, cleared, 200, "clear the user").ok, true, "ok");
    t.equal(await user(), null, "the session's user after users/clear");
  });
}
