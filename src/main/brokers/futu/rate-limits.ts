// Futu's published per-account request limits for trading calls (Futu API docs, "接口限制" of
// each call, checked for v10.x): the OMS enforces them before a request leaves; the adapter
// does not queue or retry. A call over the limit comes back as BrokerError RATE_LIMITED.
// Funds, position, order and fill queries are limited (10 per 30 s) only when they ask OpenD to
// refresh its cache, which this adapter never does, so they are not listed.
export interface RateLimit {
  /** Calls allowed per window. */
  max: number;
  windowMs: number;
  /** Minimum gap between two consecutive calls, when Futu states one. */
  minIntervalMs?: number;
  per: 'account';
}

export const FUTU_RATE_LIMITS = {
  /** Trd_PlaceOrder (2202): 15 per 30 s per account, at least 0.02 s apart. */
  placeOrder: { max: 15, windowMs: 30_000, minIntervalMs: 20, per: 'account' },
  /** Trd_ModifyOrder (2205), which also cancels: 20 per 30 s per account, at least 0.04 s apart. */
  modifyOrCancel: { max: 20, windowMs: 30_000, minIntervalMs: 40, per: 'account' },
} as const satisfies Record<string, RateLimit>;
