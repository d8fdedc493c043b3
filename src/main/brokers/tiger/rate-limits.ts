// Tiger Open API request-rate tiers, for the OMS to enforce before a request leaves.
// Source: Tiger's "Rate Limit" page (quant.itigerup.com/openapi, docs.itigerup.com/docs/ratelimit):
// every method belongs to a high (120/min), medium (60/min) or low (10/min) tier, counted over a
// rolling 60-second window per method. Paper accounts also cap place + modify + cancel together
// at 120/min. Going over returns a rate-limit error (code 5, HTTP 429; older pages say code 4
// "rate limit error"), and an account that keeps hammering may be blacklisted — so the OMS must
// stay under these, not rely on the error.

export const TIGER_RATE_WINDOW_MS = 60_000;

export const TIGER_RATE_TIERS = { high: 120, medium: 60, low: 10 } as const;

/** Requests allowed per rolling minute, per Tiger method name. */
export const TIGER_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  // high: orders and real-time quotes
  order_no: TIGER_RATE_TIERS.high,
  place_order: TIGER_RATE_TIERS.high,
  modify_order: TIGER_RATE_TIERS.high,
  cancel_order: TIGER_RATE_TIERS.high,
  orders: TIGER_RATE_TIERS.high,
  active_orders: TIGER_RATE_TIERS.high,
  inactive_orders: TIGER_RATE_TIERS.high,
  filled_orders: TIGER_RATE_TIERS.high,
  timeline: TIGER_RATE_TIERS.high,
  quote_real_time: TIGER_RATE_TIERS.high,
  trade_tick: TIGER_RATE_TIERS.high,
  option_brief: TIGER_RATE_TIERS.high,
  option_trade_tick: TIGER_RATE_TIERS.high,
  future_real_time_quote: TIGER_RATE_TIERS.high,
  future_tick: TIGER_RATE_TIERS.high,
  // medium: chains, contracts, account state, history
  option_chain: TIGER_RATE_TIERS.medium,
  option_expiration: TIGER_RATE_TIERS.medium,
  quote_depth: TIGER_RATE_TIERS.medium,
  contract: TIGER_RATE_TIERS.medium,
  contracts: TIGER_RATE_TIERS.medium,
  quote_contract: TIGER_RATE_TIERS.medium,
  quote_shortable_stocks: TIGER_RATE_TIERS.medium,
  quote_stock_trade: TIGER_RATE_TIERS.medium,
  future_trading_date: TIGER_RATE_TIERS.medium,
  accounts: TIGER_RATE_TIERS.medium,
  assets: TIGER_RATE_TIERS.medium,
  prime_assets: TIGER_RATE_TIERS.medium,
  positions: TIGER_RATE_TIERS.medium,
  order_transactions: TIGER_RATE_TIERS.medium,
  history_timeline: TIGER_RATE_TIERS.medium,
  kline: TIGER_RATE_TIERS.medium,
  option_kline: TIGER_RATE_TIERS.medium,
  future_kline: TIGER_RATE_TIERS.medium,
  // low: reference data and permissions
  grab_quote_permission: TIGER_RATE_TIERS.low,
  get_quote_permission: TIGER_RATE_TIERS.low,
  market_state: TIGER_RATE_TIERS.low,
  all_symbols: TIGER_RATE_TIERS.low,
  all_symbol_names: TIGER_RATE_TIERS.low,
  stock_detail: TIGER_RATE_TIERS.low,
  future_exchange: TIGER_RATE_TIERS.low,
});

/** Paper (simulated) accounts: place_order + modify_order + cancel_order share one budget. */
export const TIGER_PAPER_ORDER_LIMIT = { methods: ['place_order', 'modify_order', 'cancel_order'] as const, perMinute: 120 };

/** The per-minute limit of a method; methods Tiger does not list fall in the strictest tier. */
export function tigerRateLimit(method: string): number {
  return TIGER_RATE_LIMITS[method] ?? TIGER_RATE_TIERS.low;
}
