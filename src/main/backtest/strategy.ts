// The one strategy API: a strategy sees bars (and, live, quotes), its fills and its closed
// orders, and sends order intents through a StrategyContext. The backtester implements the
// context with a simulated clock and venue; the live runner implements it with the engine's
// ticket path (pre-trade checks, approval, OMS). Strategy code cannot tell them apart.
import type { Side } from '../../shared/domain.js';

export type StrategyOrderType = 'MARKET' | 'LIMIT' | 'STOP';

/** `submit` copies the request: a strategy may reuse one object for all its orders. */
export interface OrderRequest {
  symbol: string;
  side: Side;
  qty: number;
  type: StrategyOrderType;
  /** Limit price (LIMIT) or trigger price (STOP). */
  price?: number;
  /** Why: shown on the ticket live, kept in the run's notes in a backtest. */
  reason?: string;
}

/**
 * One bar. In a backtest the same object is refilled for every bar (no allocation in the hot
 * loop): copy the fields you want to keep.
 */
export interface StrategyBar {
  symbol: string;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface StrategyQuote {
  symbol: string;
  time: number;
  bid: number;
  ask: number;
  last: number;
}

export interface StrategyFill {
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  price: number;
  commission: number;
  time: number;
}

export interface OrderClosed {
  orderId: string | null;
  symbol: string;
  status: 'rejected' | 'cancelled' | 'expired';
  reason: string;
}

export interface StrategyContext {
  /** Signed position: > 0 long, < 0 short. */
  position(symbol: string): number;
  /** Orders sent in the symbol that are neither filled nor closed yet. */
  openOrders(symbol: string): number;
  /** Sends an order intent; returns its id, or null when it was refused at once (onOrderClosed says why). */
  submit(order: OrderRequest): string | null;
  cancel(orderId: string): void;
  cash(): number;
}

export interface Strategy {
  readonly name: string;
  onBar(bar: StrategyBar, ctx: StrategyContext): void;
  onQuote?(quote: StrategyQuote, ctx: StrategyContext): void;
  onFill?(fill: StrategyFill, ctx: StrategyContext): void;
  onOrderClosed?(event: OrderClosed, ctx: StrategyContext): void;
}
