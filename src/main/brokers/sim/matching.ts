// The paper venue's matching rules, pure: given a working order, the current quote, the session
// and the market's rules, what fills now (and at what price), whether a stop triggers, and what
// happens to the rest. The paper broker applies the result; tests drive it directly.
//
// Rules (also in the README):
// - MARKET: fills at the touch (buy at the ask, sell at the bid) up to the displayed size there,
//   worse by the slippage model; the rest keeps filling on later quotes (IOC: the rest is cancelled).
// - LIMIT: fills when the touch crosses the limit, at the touch (never worse than the limit), up to
//   the displayed size.
// - STOP / STOP_LIMIT: a buy stop triggers when the ask (or last) reaches the stop, a sell stop when
//   the bid (or last) falls to it; then it works as MARKET / LIMIT.
// - TIF: DAY orders expire at the session's end; GTC stay; IOC fill what they can at once.
// - Outside regular hours only orders flagged outsideRth (limit orders only) can fill; others wait.
// - China A-shares: buys in lots of 100 (a sell may close an odd-lot remainder); T+1 (shares bought
//   today cannot be sold today); price-limit bands from the previous close (±10% main board, ±20%
//   ChiNext 300xxx / STAR 688xxx, ±5% ST) — an order cannot fill at a price beyond the band, and
//   nobody trades at the limit price on the side that is locked (buys at limit-up, sells at
//   limit-down); suspended stocks do not trade and new orders are rejected.
import type { Quote, SessionState, Side } from '../../../shared/domain.js';
import type { TimeInForce, VenueOrderType } from '../venue.js';

export interface PaperOrder {
  id: string;
  symbol: string;
  side: Side;
  qty: number;
  filledQty: number;
  orderType: VenueOrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  tif: TimeInForce;
  outsideRth: boolean;
  /** A stop order whose stop has been reached. */
  triggered: boolean;
}

export interface SlippageModel {
  /** Fraction of the spread a market order pays on top of the touch, per multiple of the displayed size it takes. */
  spreadFractionPerSize: number;
  /** Fixed extra cost as a fraction of price (e.g. 0.0002 = 2 bp). */
  fixedPct: number;
}

export const DEFAULT_SLIPPAGE: SlippageModel = { spreadFractionPerSize: 0.5, fixedPct: 0 };

export interface MarketRules {
  /** Minimum buy lot (1 for US; 100 for A-shares). */
  lotSize: number;
  /** Price band for the session (A-shares); null when there is none. */
  band: { lower: number; upper: number } | null;
  suspended: boolean;
  /** Shares that may be sold now (T+1: excludes today's buys); Infinity where selling is unrestricted. */
  sellable: number;
}

export const US_RULES: MarketRules = { lotSize: 1, band: null, suspended: false, sellable: Infinity };

export type MatchResult =
  | { kind: 'none'; triggered: boolean; reason?: string }
  | { kind: 'fill'; qty: number; price: number; triggered: boolean; cancelRest: string | null }
  | { kind: 'cancel'; reason: string; triggered: boolean };

/** An A-share's exchange and board from its code (`600519.SH`, `000001.SZ`, `300750.SZ`, `688981.SH`). */
export function isAShare(symbol: string): boolean {
  return /^\d{6}\.(SH|SZ)$/.test(symbol);
}

/** The price-limit band fraction for an A-share: ±20% ChiNext/STAR, ±5% ST, else ±10%. */
export function aShareBandPct(symbol: string, isST = false): number {
  if (isST) return 0.05;
  return /^(300|301|688|689)\d{3}\./.test(symbol) ? 0.2 : 0.1;
}

/** The band prices, rounded to the tick (0.01) inward as the exchanges do. */
export function aShareBand(prevClose: number, pct: number): { lower: number; upper: number } {
  return { lower: Math.ceil(prevClose * (1 - pct) * 100 - 1e-9) / 100, upper: Math.floor(prevClose * (1 + pct) * 100 + 1e-9) / 100 };
}

/** Validates a new order against the market's rules; a reason string when it must be rejected. */
export function rejectReason(order: Pick<PaperOrder, 'symbol' | 'side' | 'qty' | 'orderType' | 'limitPrice' | 'stopPrice' | 'outsideRth'>, rules: MarketRules, positionQty: number): string | null {
  if (rules.suspended) return `${order.symbol} is suspended: no trading.`;
  if ((order.orderType === 'LIMIT' || order.orderType === 'STOP_LIMIT') && !(order.limitPrice !== null && order.limitPrice > 0)) return 'A limit order needs a positive limit price.';
  if ((order.orderType === 'STOP' || order.orderType === 'STOP_LIMIT') && !(order.stopPrice !== null && order.stopPrice > 0)) return 'A stop order needs a positive stop price.';
  if (order.outsideRth && order.orderType !== 'LIMIT') return 'Only limit orders can trade outside regular hours.';
  if (order.side === 'BUY' && order.qty % rules.lotSize !== 0) return `Buy in lots of ${rules.lotSize}: ${order.qty} is not a multiple.`;
  if (order.side === 'SELL' && order.qty % rules.lotSize !== 0 && order.qty !== positionQty) {
    return `Sell in lots of ${rules.lotSize}, or the whole odd-lot position (${positionQty}).`;
  }
  if (order.side === 'SELL' && Number.isFinite(rules.sellable) && order.qty > rules.sellable) {
    return `Only ${rules.sellable} shares can be sold today (T+1: shares bought today settle tomorrow).`;
  }
  if (rules.band && order.limitPrice !== null && (order.limitPrice > rules.band.upper + 1e-9 || order.limitPrice < rules.band.lower - 1e-9)) {
    return `Limit ${order.limitPrice} is outside today's price band ${rules.band.lower}–${rules.band.upper}.`;
  }
  return null;
}

function stopReached(order: PaperOrder, quote: Quote): boolean {
  const stop = order.stopPrice!;
  if (order.side === 'BUY') return (quote.ask > 0 && quote.ask >= stop) || (quote.last > 0 && quote.last >= stop);
  return (quote.bid > 0 && quote.bid <= stop) || (quote.last > 0 && quote.last <= stop);
}

/** What happens to a working order on this quote. Pure. */
export function match(order: PaperOrder, quote: Quote | undefined, session: SessionState, rules: MarketRules, slippage: SlippageModel = DEFAULT_SLIPPAGE): MatchResult {
  const remaining = order.qty - order.filledQty;
  const ioc = order.tif === 'IOC';
  const nothing = (triggered: boolean, reason: string): MatchResult => (ioc ? { kind: 'cancel', reason: `IOC: ${reason}`, triggered } : { kind: 'none', triggered, reason });
  if (remaining <= 0) return { kind: 'none', triggered: order.triggered };
  if (rules.suspended) return nothing(order.triggered, `${order.symbol} is suspended.`);
  if (session === 'CLOSED' || (session !== 'REGULAR' && !order.outsideRth)) return nothing(order.triggered, 'market closed');
  if (!quote) return nothing(order.triggered, 'no quote');

  let triggered = order.triggered;
  const isStop = order.orderType === 'STOP' || order.orderType === 'STOP_LIMIT';
  if (isStop && !triggered) {
    if (!stopReached(order, quote)) return nothing(false, 'stop not reached');
    triggered = true;
  }
  const isLimit = order.orderType === 'LIMIT' || order.orderType === 'STOP_LIMIT';
  const buy = order.side === 'BUY';
  const touch = buy ? quote.ask : quote.bid;
  const size = buy ? quote.askSize : quote.bidSize;
  if (!(touch > 0) || !(size > 0)) return nothing(triggered, 'no liquidity on that side');
  if (rules.band) {
    // Locked at the limit: no sellers at limit-up, no buyers at limit-down.
    if (buy && touch >= rules.band.upper - 1e-9) return nothing(triggered, 'locked at limit-up');
    if (!buy && touch <= rules.band.lower + 1e-9) return nothing(triggered, 'locked at limit-down');
  }
  if (isLimit) {
    const limit = order.limitPrice!;
    if (buy ? touch > limit + 1e-9 : touch < limit - 1e-9) return nothing(triggered, 'limit not reached');
  }

  // Quantity: what is displayed at the touch, in whole lots.
  let qty = Math.min(remaining, Math.floor(size));
  if (rules.lotSize > 1 && qty < remaining) qty = Math.floor(qty / rules.lotSize) * rules.lotSize;
  if (qty <= 0) return nothing(triggered, 'displayed size below one lot');

  let price = touch;
  if (!isLimit) {
    const spread = quote.ask > 0 && quote.bid > 0 ? quote.ask - quote.bid : 0;
    const impact = spread * slippage.spreadFractionPerSize * (qty / size) + touch * slippage.fixedPct;
    price = buy ? touch + impact : Math.max(0.0001, touch - impact);
  } else {
    const limit = order.limitPrice!;
    price = buy ? Math.min(touch, limit) : Math.max(touch, limit);
  }
  if (rules.band) price = Math.min(rules.band.upper, Math.max(rules.band.lower, price));
  price = Math.round(price * 10_000) / 10_000;
  const rest = remaining - qty;
  return { kind: 'fill', qty, price, triggered, cancelRest: rest > 0 && ioc ? `IOC: ${rest} not filled at once, cancelled.` : null };
}

/** DAY orders end with the session they were placed in; GTC carry over. */
export function expiresAtSessionEnd(order: Pick<PaperOrder, 'tif'>): boolean {
  return order.tif === 'DAY';
}

export interface FeeSchedule {
  /** Per share (stocks). */
  perShare: number;
  /** Per contract (options). */
  perContract: number;
  /** Percent of traded value (e.g. 0.0003 = 3 bp), both sides. */
  pctOfValue: number;
  /** Minimum per order (ticket). */
  minPerOrder: number;
  /** Cap as a fraction of value (stocks), 0 for none. */
  maxPctOfValue: number;
  /** Tax on sells as a fraction of value (A-share stamp duty 0.05%). */
  sellTaxPct: number;
}

export const US_FEES: FeeSchedule = { perShare: 0.005, perContract: 0.65, pctOfValue: 0, minPerOrder: 1, maxPctOfValue: 0.01, sellTaxPct: 0 };
/** A typical mainland broker: 2.5 bp commission, 5 CNY minimum, 0.05% stamp duty on sells. */
export const CN_FEES: FeeSchedule = { perShare: 0, perContract: 0, pctOfValue: 0.00025, minPerOrder: 5, maxPctOfValue: 0, sellTaxPct: 0.0005 };

/** Commission plus taxes for one fill, rounded to cents. */
export function feesFor(schedule: FeeSchedule, side: Side, isOption: boolean, qty: number, price: number, multiplier: number): { commission: number; tax: number } {
  const value = qty * price * multiplier;
  let commission = (isOption ? schedule.perContract * qty : schedule.perShare * qty) + schedule.pctOfValue * value;
  commission = Math.max(schedule.minPerOrder, commission);
  if (!isOption && schedule.maxPctOfValue > 0) commission = Math.min(commission, Math.max(schedule.minPerOrder, schedule.maxPctOfValue * value));
  const tax = side === 'SELL' ? schedule.sellTaxPct * value : 0;
  return { commission: Math.round(commission * 100) / 100, tax: Math.round(tax * 100) / 100 };
}
