/**
 * Paste collector.
 *
 * @module
 */
import type { Context, EventData } from "./types.ts";
import { fieldKind, lengthBucket } from "./util.ts";

/**
 * Emits `interaction` `{ kind: "paste", field, length, trusted, dt }` per paste: the field's
 * kind and the pasted text's length as a power-of-two bucket, never the text. The clipboard is
 * read only because its length cannot be had otherwise; the string is measured and dropped in
 * the handler. The paste's form, if any, is added to `pasted` for the submit collector.
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * const pasted = new WeakSet<object>();
 * paste(context, pasted);
 * ```
 */
export function paste(c: Context, pasted: WeakSet<object>): void {
  c.on<ClipboardEvent>(c.d, "paste", (e) => {
    const form = (e.target as Element | null)?.closest?.("form");
    if (form) pasted.add(form);
    const data: EventData = {
      kind: "paste",
      field: fieldKind(e.target),
      length: lengthBucket(e.clipboardData?.getData("text/plain").length ?? 0),
      trusted: e.isTrusted,
      dt: c.act(e),
    };
    c.emit("interaction", data);
  });
}
