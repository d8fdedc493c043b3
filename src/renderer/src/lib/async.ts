// Two small schedulers for reads the UI makes on its own (previews, polled panels), so a slow
// engine answer can never overwrite a newer one and a poll never overlaps the previous one. Pure:
// the timers are injected, React wiring lives in the components.

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DebouncedLatest<A> {
  /** Runs `run(arg)` after the quiet period; a newer call replaces an older one, pending or in flight. */
  schedule(arg: A): void;
  /** Drops the pending call and ignores the answer of the one in flight. */
  cancel(): void;
}

/** Debounce + latest-wins: only the answer to the last scheduled argument reaches `onResult`. */
export function createDebouncedLatest<A, R>(options: {
  delayMs: number;
  run: (arg: A) => Promise<R>;
  onResult: (result: R, arg: A) => void;
  timers?: Timers;
}): DebouncedLatest<A> {
  const timers = options.timers ?? browserTimers;
  let generation = 0;
  let handle: unknown = null;
  const clear = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  return {
    schedule(arg) {
      clear();
      const mine = ++generation;
      handle = timers.setTimeout(() => {
        handle = null;
        void options.run(arg).then((result) => {
          if (mine === generation) options.onResult(result, arg);
        });
      }, options.delayMs);
    },
    cancel() {
      clear();
      generation++;
    },
  };
}

export interface Poller {
  /** Runs now and then every interval until stopped. */
  start(): void;
  stop(): void;
  /** Runs now, or right after the run in flight finishes — never two at once. */
  refresh(): void;
  readonly running: boolean;
}

/**
 * Polls `run` every `intervalMs` counted from the end of the previous run, so requests never
 * overlap; skips ticks while `isVisible()` is false (call refresh() when it becomes visible).
 */
export function createPoller(options: {
  run: () => Promise<unknown>;
  intervalMs: number;
  isVisible?: () => boolean;
  timers?: Timers;
}): Poller {
  const timers = options.timers ?? browserTimers;
  const isVisible = options.isVisible ?? (() => true);
  let started = false;
  let inFlight = false;
  let again = false;
  let handle: unknown = null;

  const clearTimer = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  const scheduleNext = () => {
    clearTimer();
    if (!started) return;
    handle = timers.setTimeout(() => {
      handle = null;
      if (isVisible()) execute();
      else scheduleNext();
    }, options.intervalMs);
  };
  const execute = () => {
    if (!started) return;
    if (inFlight) {
      again = true;
      return;
    }
    clearTimer();
    inFlight = true;
    void options
      .run()
      .catch(() => undefined)
      .then(() => {
        inFlight = false;
        if (!started) return;
        if (again) {
          again = false;
          execute();
        } else scheduleNext();
      });
  };

  return {
    start() {
      if (started) return;
      started = true;
      execute();
    },
    stop() {
      started = false;
      again = false;
      clearTimer();
    },
    refresh: execute,
    get running() {
      return inFlight;
    },
  };
}
