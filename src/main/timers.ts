// Repeating timers behind a seam. Heartbeats, watchdogs and the state publisher's coalescing run
// on `IntervalTimers`: setInterval in production; in tests a manual scheduler with its own clock
// (ManualTime in timers.testing.ts), so their logic is driven step by step — "advance 1 s: one
// KeepAlive went out" — instead of being asserted against the wall clock.

export interface IntervalTimers {
  /**
   * Calls `tick` every `ms` until the returned function is called. `unref`: the timer alone does
   * not keep the process alive.
   */
  every(ms: number, tick: () => void, options?: { unref?: boolean }): () => void;
}

export const systemTimers: IntervalTimers = {
  every(ms, tick, options) {
    const timer = setInterval(tick, ms);
    if (options?.unref) timer.unref?.();
    return () => clearInterval(timer);
  },
};
