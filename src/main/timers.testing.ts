// A clock and interval scheduler for tests, moved by hand: `now` only changes in `advance`, and
// every interval timer fires at each of its due times on the way, in time order, with the clock
// set to that due time. Implements IntervalTimers (timers.ts); pass `time.now` as the `now`
// option and `time` as the `timers` option of the code under test.
import type { IntervalTimers } from './timers.js';

interface ManualTimer {
  ms: number;
  due: number;
  tick: () => void;
  order: number;
}

export class ManualTime implements IntervalTimers {
  private t: number;
  private readonly timers = new Set<ManualTimer>();
  private created = 0;

  constructor(start: number) {
    this.t = start;
  }

  /** The current instant; a bound function, to hand over as a `now` option. */
  readonly now = (): number => this.t;

  every(ms: number, tick: () => void): () => void {
    if (!(ms > 0)) throw new Error(`ManualTime: an interval of ${ms} ms never advances`);
    const timer: ManualTimer = { ms, due: this.t + ms, tick, order: this.created++ };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }

  /** The intervals (ms) of the timers running now. */
  get intervals(): number[] {
    return [...this.timers].map((t) => t.ms);
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way (a tick may start or stop timers). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualTime: cannot advance by ${ms} ms`);
    const end = this.t + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers) {
        if (timer.due > end) continue;
        if (!next || timer.due < next.due || (timer.due === next.due && timer.order < next.order)) next = timer;
      }
      if (!next) break;
      this.t = next.due;
      next.due += next.ms;
      next.tick();
    }
    this.t = end;
  }
}
