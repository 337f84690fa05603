/**
 * The options check shared by the machine (`options.ts`) and the SDK's `init`: a module of its
 * own so that the browser entry validates `init` options at once without carrying the machine,
 * which arrives as a chunk of its own.
 *
 * @module
 */
import { errorOf } from "../errors/error.ts";
import { firstBad } from "../wire/guards.ts";

/**
 * Checks options against a guard table (`wire/guards.ts`), throwing `ERR_INVALID_INPUT` that
 * names the first invalid option.
 *
 * @example
 * ```ts
 * import { MACHINE_OPTIONS } from "../wire/guards.ts";
 * checkOptions(MACHINE_OPTIONS, { clientId: "demo", serverPath: "nope" }); // throws: serverPath
 * ```
 */
export function checkOptions<T>(table: Parameters<typeof firstBad>[0], input: T): T {
  const bad = firstBad(table, input);
  if (bad === null) return input;
  throw errorOf(
    "ERR_INVALID_INPUT",
    bad === "" ? "options must be an object" : `invalid option ${bad}`,
    { details: { option: bad } },
  );
}
