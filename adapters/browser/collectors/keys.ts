/**
 * Key timing: per field, how long keys are held and the gaps between them. Never which keys.
 *
 * @module
 */
import type { Context, EventData } from "./types.ts";
import { fieldKind, lengthBucket, round } from "./util.ts";

/** Count, sum and sum of squares of a series (enough for mean and standard deviation). */
type Stats = [number, number, number];

const add = (s: Stats, v: number): void => {
  s[0]++;
  s[1] += v;
  s[2] += v * v;
};

/** Adds `<name>_mean` and `<name>_sd` (ms) when the series is not empty. */
const put = (d: EventData, name: string, s: Stats): void => {
  if (!s[0]) return;
  const m = s[1] / s[0];
  d[name + "_mean"] = round(m);
  d[name + "_sd"] = round(Math.sqrt(Math.max(0, s[2] / s[0] - m * m)));
};

/**
 * Emits `interaction` `{ kind: "keys", field, count, dwell_mean, dwell_sd, flight_mean,
 * flight_sd, corrections, untrusted }` per burst: the keys typed into one field until it loses
 * focus, another field gets keys, `burstMs` pass, or the page hides. `dwell` is press to
 * release, `flight` release to next press (negative when keys overlap), in ms.
 *
 * What is never kept: `key` and `code`. The handler compares `key` with "Backspace"/"Delete"
 * to count corrections and drops it. Releases are matched to presses oldest-first instead of by
 * key, so no key identity is held even in memory; the mean dwell is exact either way, only the
 * spread is approximate when keys overlap. `count` is a power-of-two bucket, because the
 * number of keys typed into a password field is close to the password's length.
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * keys(context, 5000);
 * ```
 */
export function keys(c: Context, burstMs: number): void {
  // The open burst, as closure variables (they minify; object properties would not).
  // `el` is its field (undefined: no burst); `down` the press times of keys not yet released,
  // oldest first; `up` the last release time or -1.
  let el: EventTarget | null | undefined;
  let field = "";
  let t0 = 0, n = 0, up = -1, fixes = 0, untrusted = 0;
  let down: number[] = [];
  let dwell: Stats = [0, 0, 0];
  let flight: Stats = [0, 0, 0];
  const end = (): void => {
    if (el === undefined) return;
    el = undefined;
    const d: EventData = {
      kind: "keys",
      field,
      count: lengthBucket(n),
      corrections: fixes,
      untrusted,
    };
    put(d, "dwell", dwell);
    put(d, "flight", flight);
    c.emit("interaction", d);
  };
  c.on<KeyboardEvent>(c.d, "keydown", (e) => {
    c.act(e);
    if (e.repeat) return; // auto-repeat: one press, held
    const t = e.timeStamp;
    if (el !== undefined && (el !== e.target || t - t0 >= burstMs)) end();
    if (el === undefined) {
      el = e.target;
      field = fieldKind(el);
      t0 = t;
      n = fixes = untrusted = 0;
      up = -1;
      down = [];
      dwell = [0, 0, 0];
      flight = [0, 0, 0];
    }
    n++;
    if (!e.isTrusted) untrusted++;
    if (up >= 0) add(flight, t - up);
    // Bounded: a key whose release went to another window never pairs.
    if (down.length < 8) down.push(t);
    if (e.key === "Backspace" || e.key === "Delete") fixes++;
  });
  c.on<KeyboardEvent>(c.d, "keyup", (e) => {
    if (el === undefined || el !== e.target) return;
    const p = down.shift();
    if (p !== undefined) add(dwell, e.timeStamp - p);
    up = e.timeStamp;
  });
  c.on<FocusEvent>(c.d, "focusout", (e) => {
    if (el !== undefined && el === e.target) end();
  });
  c.flush.push(end);
  c.off.push(() => (el = undefined));
}
