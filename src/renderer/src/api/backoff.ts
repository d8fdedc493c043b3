// Reconnect delays: exponential with a cap and jitter, so many cockpits do not reconnect in lockstep.
// The cap is short: the engine is local (or on the LAN) and a restart takes seconds.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay that is randomised, 0..1. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 5_000, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0 = first retry). `random` is injectable for tests. */
export function reconnectDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30));
  const capped = Math.min(options.maxMs, exp);
  const spread = capped * options.jitter;
  return Math.max(0, Math.round(capped - spread + random() * 2 * spread));
}
