// Pre-trade checks on an order intent: pure and deterministic. Each check says green, amber or
// red with a reason a trader understands; the ticket's verdict is the worst of them, and a red
// ticket cannot be approved. The risk-gate issue layers limits and tiers on top of these.
import type { CheckLevel, CheckResult, Instrument, OrderIntent, Quote, SessionState, TradingMode } from '../../shared/domain.js';
import { markPrice } from '../risk/exposure.js';

export interface CheckContext {
  intent: OrderIntent;
  instrument: Instrument | undefined;
  quote: Quote | undefined;
  mode: TradingMode;
  /** A venue for the mode is connected (paper ledger for DRY_RUN, a live broker for REAL). */
  venueConnected: boolean;
  session: SessionState;
  now: number;
  cash: number;
  nav: number;
  /** Current position in the symbol. */
  positionQty: number;
  estimatedCommission: number;
  limits: CheckLimits;
}

export interface CheckLimits {
  staleQuoteMs: number;
  /** Limit price this far through the touch (fraction of mark) is amber, then red. */
  priceAmberPct: number;
  priceRedPct: number;
  /** Order notional above this fraction of NAV is amber. */
  notionalAmberPctNav: number;
  /** Cash left after a buy below this fraction of NAV is amber. */
  cashReservePctNav: number;
}

export const DEFAULT_CHECK_LIMITS: CheckLimits = {
  staleQuoteMs: 10_000,
  priceAmberPct: 0.03,
  priceRedPct: 0.1,
  notionalAmberPctNav: 0.2,
  cashReservePctNav: 0.05,
};

const RANK: Record<CheckLevel, number> = { green: 0, amber: 1, red: 2 };

export function worstLevel(results: readonly CheckResult[]): CheckLevel {
  let worst: CheckLevel = 'green';
  for (const r of results) if (RANK[r.level] > RANK[worst]) worst = r.level;
  return worst;
}

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The price the order is expected to trade at: the limit, or the touch for market orders. */
export function expectedPrice(intent: OrderIntent, quote: Quote | undefined): number | null {
  if (intent.orderType === 'LIMIT' && intent.limitPrice !== undefined) return intent.limitPrice;
  if (!quote) return null;
  const touch = intent.side === 'BUY' ? quote.ask : quote.bid;
  return touch > 0 ? touch : markPrice(quote);
}

export function runPreTradeChecks(ctx: CheckContext): CheckResult[] {
  const out: CheckResult[] = [];
  const add = (check: string, level: CheckLevel, code: string, message: string) => out.push({ check, level, code, message });
  const { intent, instrument, quote, limits } = ctx;

  // Mode
  if (ctx.mode === 'OFF') add('mode', 'red', 'MODE_OFF', 'Trading is OFF: no order can be sent. Switch to DRY_RUN or REAL first.');
  else if (!ctx.venueConnected) add('mode', 'red', 'VENUE_DISCONNECTED', `No venue is connected for ${ctx.mode}.`);
  else if (ctx.mode === 'DRY_RUN') add('mode', 'green', 'DRY_RUN', 'DRY_RUN: the order fills on the paper ledger, nothing reaches a broker.');
  else add('mode', 'green', 'REAL', 'REAL: the order goes to the connected broker.');

  // Instrument and order shape
  if (!instrument) {
    add('instrument', 'red', 'UNKNOWN_SYMBOL', `${intent.symbol} is not a known instrument.`);
    return out;
  }
  if (intent.orderType === 'LIMIT' && intent.limitPrice === undefined) {
    add('order', 'red', 'LIMIT_PRICE_MISSING', 'A limit order needs a limit price.');
  } else if (intent.orderType === 'MARKET' && intent.limitPrice !== undefined) {
    add('order', 'amber', 'LIMIT_PRICE_IGNORED', 'A market order ignores the limit price given.');
  }

  // Session
  if (ctx.session !== 'REGULAR') {
    if (intent.orderType === 'MARKET') add('session', 'red', 'MARKET_CLOSED', `The market is ${ctx.session.toLowerCase()}: market orders are refused.`);
    else add('session', 'amber', 'MARKET_CLOSED', `The market is ${ctx.session.toLowerCase()}: the limit order rests until the session opens.`);
  }

  // Quote
  if (!quote) {
    add('quote', 'red', 'NO_QUOTE', `No quote for ${intent.symbol}: the order cannot be priced.`);
    return out;
  }
  const ageMs = ctx.now - quote.ts;
  if (ageMs > limits.staleQuoteMs) {
    add('quote', 'red', 'STALE_QUOTE', `The last quote for ${intent.symbol} is ${Math.round(ageMs / 1000)} s old (limit ${limits.staleQuoteMs / 1000} s).`);
  } else {
    add('quote', 'green', 'QUOTE_FRESH', `Quote ${money(quote.bid)} × ${money(quote.ask)}.`);
  }

  // Price sanity
  const mark = markPrice(quote);
  const touch = intent.side === 'BUY' ? quote.ask : quote.bid;
  if (intent.orderType === 'LIMIT' && intent.limitPrice !== undefined && mark !== null && mark > 0) {
    // How far the limit reaches through the touch, as a fraction of the mark: a buy limit far
    // above the ask (or a sell limit far below the bid) is a fat finger.
    const reference = touch > 0 ? touch : mark;
    const through = intent.side === 'BUY' ? intent.limitPrice - reference : reference - intent.limitPrice;
    const pct = through / mark;
    const tickSlack = Math.max(0.05, quote.ask - quote.bid);
    if (pct > limits.priceRedPct && through > tickSlack) {
      add('price', 'red', 'PRICE_FAR_FROM_MARKET', `Limit ${money(intent.limitPrice)} is ${(pct * 100).toFixed(1)}% through the market (${money(reference)}): looks like a typo.`);
    } else if (pct > limits.priceAmberPct && through > tickSlack) {
      add('price', 'amber', 'PRICE_THROUGH_MARKET', `Limit ${money(intent.limitPrice)} is ${(pct * 100).toFixed(1)}% through the market (${money(reference)}).`);
    } else if (intent.limitPrice > mark * 3 || intent.limitPrice < mark / 3) {
      add('price', 'amber', 'PRICE_FAR_AWAY', `Limit ${money(intent.limitPrice)} is far from the market (${money(mark)}): it may never fill.`);
    } else {
      add('price', 'green', 'PRICE_SANE', `Limit ${money(intent.limitPrice)} vs market ${money(mark)}.`);
    }
  } else if (intent.orderType === 'MARKET') {
    if (!(touch > 0)) add('price', 'red', 'NO_LIQUIDITY', `Nobody is quoting the ${intent.side === 'BUY' ? 'offer' : 'bid'} in ${intent.symbol}.`);
    else if (mark !== null && mark > 0 && (quote.ask - quote.bid) / mark > 0.1) {
      add('price', 'amber', 'WIDE_SPREAD', `The spread is ${(((quote.ask - quote.bid) / mark) * 100).toFixed(1)}% of the price: a market order pays it.`);
    } else add('price', 'green', 'PRICE_SANE', `Market order at about ${money(touch)}.`);
  }

  // Cash and size
  const price = expectedPrice(intent, quote);
  if (price !== null) {
    const notional = price * intent.qty * instrument.multiplier;
    if (intent.side === 'BUY') {
      const cost = notional + ctx.estimatedCommission;
      const cashAfter = ctx.cash - cost;
      if (cashAfter < 0) add('cash', 'red', 'INSUFFICIENT_CASH', `Needs ${money(cost)} but only ${money(ctx.cash)} cash is available.`);
      else if (cashAfter < ctx.nav * limits.cashReservePctNav) {
        add('cash', 'amber', 'LOW_CASH', `Leaves ${money(cashAfter)} cash, under the ${(limits.cashReservePctNav * 100).toFixed(0)}% of NAV reserve.`);
      } else add('cash', 'green', 'CASH_OK', `Uses ${money(cost)} of ${money(ctx.cash)} cash.`);
    } else {
      const opensShort = ctx.positionQty - intent.qty < 0;
      if (opensShort) {
        const what = instrument.kind === 'OPTION' ? 'writes options (margin is not modelled yet)' : 'sells short (borrow and margin are not modelled yet)';
        add('cash', 'amber', 'OPENS_SHORT', `This ${what}: ${Math.min(intent.qty, intent.qty - ctx.positionQty)} beyond the current position.`);
      } else add('cash', 'green', 'CASH_OK', `Reduces the position; receives about ${money(notional - ctx.estimatedCommission)}.`);
    }
    if (ctx.nav > 0 && notional > ctx.nav * limits.notionalAmberPctNav) {
      add('size', 'amber', 'LARGE_ORDER', `Notional ${money(notional)} is ${((notional / ctx.nav) * 100).toFixed(0)}% of NAV.`);
    }
  }
  return out;
}
