/**
 * Form submit collector.
 *
 * @module
 */
import type { Context, EventData } from "./types.ts";
import { round } from "./util.ts";

/** Controls that hold no user input: buttons, hidden fields, groupings. */
const NOT_FIELD = /^(hidden|submit|button|reset|image|fieldset|output)$/;

/**
 * Emits `interaction` `{ kind: "submit", field_count, had_paste, ms_since_load, trusted, dt }`
 * per form submission: how many input controls the form has (counted by type, values never
 * read), whether anything was pasted into it, and ms since navigation start (bots submit
 * within milliseconds of loading). `form.submit()` fires no event and is not seen.
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * const pasted = new WeakSet<object>(); // shared with the paste collector
 * submit(context, pasted);
 * ```
 */
export function submit(c: Context, pasted: WeakSet<object>): void {
  c.on<SubmitEvent>(c.d, "submit", (e) => {
    const form = e.target as HTMLFormElement;
    let n = 0;
    for (const el of Array.from(form.elements ?? [])) {
      const type = (el as HTMLInputElement).type;
      if (type && !NOT_FIELD.test(type)) n++;
    }
    const data: EventData = {
      kind: "submit",
      field_count: n,
      had_paste: pasted.has(form),
      ms_since_load: round(e.timeStamp),
      trusted: e.isTrusted,
      dt: c.act(e),
    };
    c.emit("interaction", data);
  });
}
