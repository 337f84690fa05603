/**
 * A controllable clock and scheduler in one: time moves only when a test says so, timers fire
 * in order, and the driver's promise continuations run between them.
 *
 * @module
 */
import type { Clock, Scheduler } from "../ports.ts";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time for tests and simulations.
 *
 * @example
 * ```ts
 * import { type DriverOptions, SessionDriver } from "../driver/driver.ts";
 * import type { Ports } from "../ports.ts";
 * declare const options: DriverOptions;
 * declare const ports: Ports; // random, keys, transport, storage
 * const time = new VirtualTime(1_767_225_600_000);
 * const driver = new SessionDriver(options, { ...ports, clock: time, scheduler: time });
 * await driver.start();
 * await time.advance(60_000); // fires every timer due in the next minute, in order
 * ```
 */
export class VirtualTime implements Clock, Scheduler {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 1_767_225_600_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(at: number, fn: () => void): unknown {
    const t = { at: Math.max(at, this.#now), seq: this.#seq++, fn };
    this.#timers.push(t);
    return t;
  }

  clear(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Lets promise continuations run (the driver awaits ports between steps). */
  async settle(rounds = 30): Promise<void> {
    for (let i = 0; i < rounds; i++) await Promise.resolve();
  }

  /** Moves time forward by `ms`, firing due timers in (time, creation) order. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await this.settle();
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers) {
        if (
          t.at <= end &&
          (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))
        ) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await this.settle();
    }
    this.#now = end;
    await this.settle();
  }
}
