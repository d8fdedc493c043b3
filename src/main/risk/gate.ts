// The risk gate: one pure, deterministic function between every order intent (manual, hedge, AI,
// strategy) and the broker. Same inputs → same verdict. It returns green / amber / red with a
// reason code and a trader-readable message per check, and the what-if Greeks after the order.
// The verdict is the worst check; a red verdict is never sent.
//
// "Risk-reducing" (what REDUCING lets through): the order shrinks the position in its symbol
// without flipping it, or it lowers the absolute value of at least one portfolio cash Greek
// (delta, gamma, vega, theta) while raising none of them.
import type { CashGreeks, CheckLevel, CheckResult, Instrument, OrderIntent, Quote, SessionState, TradingMode } from '../../shared/domain.js';
import type { GateVerdict, GreekCaps, PortfolioGreeks, RiskLimits, RiskTier, TradingState, WhatIf } from '../../shared/risk.js';
import { markPrice } from './exposure.js';

export interface GateBook {
  nav: number;
  cash: number;
  portfolio: PortfolioGreeks;
  shortDated: PortfolioGreeks;
  /** Cash delta of the order's underlying before the order. */
  underlyingDeltaCash: number;
  /** Current signed position in the order's symbol. */
  positionQty: number;
}

export interface GateContext {
  intent: OrderIntent;
  instrument: Instrument | undefined;
  quote: Quote | undefined;
  /** The underlying's quote (for an option; the same as `quote` for a stock). */
  underlyingQuote: Quote | undefined;
  mode: TradingMode;
  /** A venue for the mode is connected (paper ledger for DRY_RUN, a live broker for REAL). */
  venueConnected: boolean;
  session: SessionState;
  now: number;
  /** Options: the instant the contract stops trading. */
  expiryTs: number | null;
  tradingState: TradingState;
  dailyLossPct: number;
  drawdownPct: number;
  book: GateBook;
  /** Cash Greeks of one unit bought (1 share or 1 contract); null when the instrument cannot be priced. */
  unitGreeks: CashGreeks | null;
  /** The instrument falls in the short-dated bucket. */
  shortDated: boolean;
  estimatedCommission: number;
  /** Orders sent in the last 60 seconds. */
  ordersLastMinute: number;
  limits: RiskLimits;
}

const RANK: Record<CheckLevel, number> = { green: 0, amber: 1, red: 2 };

const ORDER_TYPES = ['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'] as const;
const TIFS = ['DAY', 'GTC', 'IOC'] as const;
const ORDER_TYPE_NAME: Partial<Record<string, string>> = {
  MARKET: 'A market order',
  LIMIT: 'A limit order',
  STOP: 'A stop order',
  STOP_LIMIT: 'A stop-limit order',
};
const SESSION_NAME: Record<SessionState, string> = {
  PRE: 'in the pre-market session',
  POST: 'in the after-hours session',
  CLOSED: 'closed',
  REGULAR: 'in regular hours',
};

export function worstLevel(results: readonly CheckResult[]): CheckLevel {
  let worst: CheckLevel = 'green';
  for (const r of results) if (RANK[r.level] > RANK[worst]) worst = r.level;
  return worst;
}

// One formatter for every message: toLocaleString with options builds a new one per call (~15 µs).
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (x: number) => MONEY.format(x);
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * A stop becomes a market order when it triggers, and fast markets run through stops: it is sized
 * as if it filled this much worse than its trigger.
 */
export const STOP_SLIPPAGE_PCT = 0.005;

/**
 * The price the order is expected to trade at: the limit (limit and stop-limit orders); for a stop,
 * the stop — or the touch when the market is already through it — worsened by STOP_SLIPPAGE_PCT;
 * the touch for market orders.
 */
export function expectedPrice(intent: OrderIntent, quote: Quote | undefined): number | null {
  if ((intent.orderType === 'LIMIT' || intent.orderType === 'STOP_LIMIT') && intent.limitPrice !== undefined) return intent.limitPrice;
  if (intent.orderType === 'STOP' && intent.stopPrice !== undefined) {
    const buy = intent.side === 'BUY';
    const touch = quote ? (buy ? quote.ask : quote.bid) : 0;
    const trigger = touch > 0 ? (buy ? Math.max(intent.stopPrice, touch) : Math.min(intent.stopPrice, touch)) : intent.stopPrice;
    return buy ? trigger * (1 + STOP_SLIPPAGE_PCT) : trigger * (1 - STOP_SLIPPAGE_PCT);
  }
  if (intent.orderType === 'LIMIT' || intent.orderType === 'STOP_LIMIT' || intent.orderType === 'STOP') return null;
  if (!quote) return null;
  const touch = intent.side === 'BUY' ? quote.ask : quote.bid;
  return touch > 0 ? touch : markPrice(quote);
}

export function tierOf(limits: RiskLimits, underlying: string): RiskTier {
  return limits.symbolTiers[underlying] ?? limits.defaultTier;
}

function quoteProblem(q: Quote): string | null {
  const fields = [q.bid, q.ask, q.last, q.ts];
  if (!fields.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'has a missing or non-numeric field';
  if (q.bid < 0 || q.ask < 0 || q.last < 0) return 'has a negative price';
  if (q.bid > 0 && q.ask > 0 && q.bid > q.ask) return `is crossed (bid ${money(q.bid)} above ask ${money(q.ask)})`;
  if (!(q.bid > 0) && !(q.ask > 0) && !(q.last > 0)) return 'has no price at all';
  return null;
}

/** Quotes stamped in the future beyond clock skew are not trusted as fresh. */
const FUTURE_SKEW_MS = 5_000;
function futureStamped(q: Quote, now: number): string | null {
  return q.ts > now + FUTURE_SKEW_MS ? `is stamped ${Math.round((q.ts - now) / 1000)} s in the future` : null;
}

const GREEKS = [
  ['deltaCash', 'delta', 'deltaPctNav'],
  ['gammaCash1Pct', 'gamma', 'gammaPctNav'],
  ['vegaCashPerPoint', 'vega', 'vegaPctNav'],
  ['thetaCashPerDay', 'theta', 'thetaPctNav'],
] as const;

function addGreeks(a: PortfolioGreeks, b: CashGreeks, sign: number): PortfolioGreeks {
  return {
    deltaCash: a.deltaCash + sign * b.deltaCash,
    gammaCash1Pct: a.gammaCash1Pct + sign * b.gammaCash1Pct,
    vegaCashPerPoint: a.vegaCashPerPoint + sign * b.vegaCashPerPoint,
    thetaCashPerDay: a.thetaCashPerDay + sign * b.thetaCashPerDay,
  };
}

function scale(g: CashGreeks, k: number): CashGreeks {
  return {
    deltaShares: g.deltaShares * k,
    deltaCash: g.deltaCash * k,
    gammaCash1Pct: g.gammaCash1Pct * k,
    vegaCashPerPoint: g.vegaCashPerPoint * k,
    thetaCashPerDay: g.thetaCashPerDay * k,
  };
}

/** The order lowers risk: shrinks its position without flipping, or lowers some |Greek| while raising none. */
export function isRiskReducing(positionQty: number, signedQty: number, before: PortfolioGreeks, after: PortfolioGreeks): boolean {
  const shrinksPosition = positionQty !== 0 && Math.sign(signedQty) === -Math.sign(positionQty) && Math.abs(signedQty) <= Math.abs(positionQty);
  if (shrinksPosition) return true;
  let lowered = false;
  for (const [key] of GREEKS) {
    const b = Math.abs(before[key]);
    const a = Math.abs(after[key]);
    const eps = 1e-9 * Math.max(1, b);
    if (a > b + eps) return false;
    if (a < b - eps) lowered = true;
  }
  return lowered;
}

/** Evaluates an order intent against every limit. Pure and deterministic. */
export function evaluateOrder(ctx: GateContext): GateVerdict {
  const out: CheckResult[] = [];
  const add = (check: string, level: CheckLevel, code: string, message: string) => out.push({ check, level, code, message });
  const done = (whatIf: WhatIf | null, estNotional: number): GateVerdict => ({ level: worstLevel(out), checks: out, whatIf, estNotional });
  const { intent, instrument, quote, limits } = ctx;

  // Input sanity: the gate is called directly by hedge, AI and strategy code, not only through the API schema.
  if (typeof intent.symbol !== 'string' || intent.symbol.trim() === '') add('input', 'red', 'BAD_SYMBOL', 'The order has no symbol.');
  if (!Number.isInteger(intent.qty) || !(intent.qty > 0)) add('input', 'red', 'BAD_QTY', `Quantity ${String(intent.qty)} is not a positive whole number.`);
  if (intent.side !== 'BUY' && intent.side !== 'SELL') add('input', 'red', 'BAD_SIDE', `Side ${String(intent.side)} is neither BUY nor SELL.`);
  if (intent.limitPrice !== undefined && !finitePositive(intent.limitPrice)) add('input', 'red', 'BAD_PRICE', `Limit price ${String(intent.limitPrice)} is not a positive number.`);
  if (intent.stopPrice !== undefined && !finitePositive(intent.stopPrice)) add('input', 'red', 'BAD_PRICE', `Stop price ${String(intent.stopPrice)} is not a positive number.`);
  if (!(ORDER_TYPES as readonly unknown[]).includes(intent.orderType)) add('input', 'red', 'BAD_ORDER_TYPE', `Order type ${String(intent.orderType)} is not MARKET, LIMIT, STOP or STOP_LIMIT.`);
  if (intent.tif !== undefined && !(TIFS as readonly unknown[]).includes(intent.tif)) add('input', 'red', 'BAD_TIF', `Time in force ${String(intent.tif)} is not DAY, GTC or IOC.`);
  if (!finitePositive(ctx.book.nav) || !Number.isFinite(ctx.book.cash)) add('input', 'red', 'BAD_ACCOUNT', 'The account value is unknown, so the order cannot be sized against limits.');
  const book = ctx.book;
  const riskNumbers = [
    book.underlyingDeltaCash,
    book.positionQty,
    ...Object.values(book.portfolio),
    ...Object.values(book.shortDated),
    ctx.dailyLossPct,
    ctx.drawdownPct,
    ctx.ordersLastMinute,
    ctx.estimatedCommission,
  ];
  if (!riskNumbers.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    add('input', 'red', 'BAD_RISK_INPUT', 'The book\'s risk figures are incomplete (a non-numeric value), so the order cannot be checked.');
  }
  if (ctx.unitGreeks && !Object.values(ctx.unitGreeks).every((x) => Number.isFinite(x))) {
    add('input', 'red', 'BAD_RISK_INPUT', `${intent.symbol}'s Greeks are not numbers, so its risk is unknown.`);
  }
  if (out.length > 0) return done(null, 0);

  // Mode and account state
  if (ctx.mode === 'OFF') add('mode', 'red', 'MODE_OFF', 'Trading is OFF: no order can be sent. Switch to DRY_RUN or REAL first.');
  else if (!ctx.venueConnected) add('mode', 'red', 'VENUE_DISCONNECTED', `No venue is connected for ${ctx.mode}.`);
  else if (ctx.mode === 'DRY_RUN') add('mode', 'green', 'DRY_RUN', 'DRY_RUN: the order fills on the paper ledger, nothing reaches a broker.');
  else add('mode', 'green', 'REAL', 'REAL: the order goes to the connected broker.');
  if (ctx.tradingState === 'HALTED') add('state', 'red', 'HALTED', 'The account is HALTED: no order passes until you reset it on the Risk page.');

  // Instrument and order shape
  if (!instrument) {
    add('instrument', 'red', 'UNKNOWN_SYMBOL', `${intent.symbol} is not a known instrument.`);
    return done(null, 0);
  }
  const tif = intent.tif ?? 'DAY';
  const outsideRth = intent.outsideRth ?? false;
  const isStop = intent.orderType === 'STOP' || intent.orderType === 'STOP_LIMIT';
  const takesLimit = intent.orderType === 'LIMIT' || intent.orderType === 'STOP_LIMIT';
  const typeName = ORDER_TYPE_NAME[intent.orderType] ?? 'An order';
  if (takesLimit && intent.limitPrice === undefined) add('order', 'red', 'LIMIT_PRICE_MISSING', `${typeName} needs a limit price.`);
  else if (!takesLimit && intent.limitPrice !== undefined) add('order', 'amber', 'LIMIT_PRICE_IGNORED', `${typeName} ignores the limit price given.`);
  if (isStop && intent.stopPrice === undefined) add('order', 'red', 'STOP_PRICE_MISSING', `${typeName} needs a stop price.`);
  else if (!isStop && intent.stopPrice !== undefined) add('order', 'amber', 'STOP_PRICE_IGNORED', `${typeName} ignores the stop price given.`);
  if (outsideRth && intent.orderType !== 'LIMIT') add('order', 'red', 'OUTSIDE_RTH_NOT_LIMIT', 'Only limit orders can trade outside regular hours.');
  if (tif === 'IOC' && isStop) add('order', 'red', 'IOC_STOP', 'IOC does not apply to a stop order: it would be cancelled before its stop is reached. Use DAY or GTC.');
  if (instrument.kind === 'OPTION') {
    if (ctx.expiryTs === null || !Number.isFinite(ctx.expiryTs)) add('instrument', 'red', 'NO_EXPIRY', `${intent.symbol} has no known expiry time.`);
    else if (ctx.expiryTs <= ctx.now) add('instrument', 'red', 'EXPIRED', `${intent.symbol} has expired: no time left to trade it.`);
  }

  // Session: outside regular hours only a limit order flagged outside-RTH trades (in the pre- and
  // post-market, not overnight); anything else waits for the open — except IOC, which would be
  // cancelled at once.
  if (ctx.session !== 'REGULAR') {
    const where = SESSION_NAME[ctx.session];
    const tradesNow = ctx.session !== 'CLOSED' && outsideRth && intent.orderType === 'LIMIT';
    if (tradesNow) add('session', 'green', 'OUTSIDE_RTH', `The market is ${where}: this outside-RTH limit order can trade now.`);
    else if (tif === 'IOC') add('session', 'red', 'IOC_MARKET_CLOSED', `The market is ${where}: an IOC order would be cancelled at once, unfilled.`);
    else {
      const note = intent.orderType === 'MARKET' ? ' A market order then fills at the opening price, which may gap.' : '';
      const rth = outsideRth && ctx.session === 'CLOSED' ? ' (outside-RTH trading is closed too)' : '';
      add('session', 'amber', 'MARKET_CLOSED', `The market is ${where}${rth}: the order will wait for the open.${note}`);
    }
  }

  // Quotes: present, sane and fresh — for the option's underlying too.
  if (!quote) {
    add('quote', 'red', 'NO_QUOTE', `No quote for ${intent.symbol}: the order cannot be priced.`);
    return done(null, 0);
  }
  const problem = quoteProblem(quote) ?? futureStamped(quote, ctx.now);
  if (problem) {
    add('quote', 'red', 'BAD_QUOTE', `The quote for ${intent.symbol} ${problem}: the order cannot be priced.`);
    return done(null, 0);
  }
  const staleMs = limits.quotes.staleAfterSec * 1000;
  const stale = (q: Quote) => ctx.now - q.ts > staleMs;
  if (stale(quote)) {
    add('quote', 'red', 'STALE_QUOTE', `The last quote for ${intent.symbol} is ${Math.round((ctx.now - quote.ts) / 1000)} s old (limit ${limits.quotes.staleAfterSec} s).`);
  } else add('quote', 'green', 'QUOTE_FRESH', `Quote ${money(quote.bid)} × ${money(quote.ask)}.`);
  if (instrument.kind === 'OPTION') {
    const uq = ctx.underlyingQuote;
    if (!uq || quoteProblem(uq)) add('quote', 'red', 'NO_UNDERLYING_QUOTE', `No usable quote for ${instrument.underlying}: the option's risk cannot be measured.`);
    else if (stale(uq)) add('quote', 'red', 'STALE_QUOTE', `The last quote for ${instrument.underlying} is ${Math.round((ctx.now - uq.ts) / 1000)} s old (limit ${limits.quotes.staleAfterSec} s).`);
  }

  // Fat finger
  const mark = markPrice(quote);
  const touch = intent.side === 'BUY' ? quote.ask : quote.bid;
  const tickSlack = Math.max(0.05, quote.ask - quote.bid);
  // A stop on the wrong side of the market triggers at once (as the paper ledger and brokers do:
  // a buy stop when the ask or last is at or above it, a sell stop when the bid or last is at or below it).
  let stopTriggersNow = false;
  if (isStop && intent.stopPrice !== undefined && mark !== null && mark > 0) {
    const stop = intent.stopPrice;
    const buy = intent.side === 'BUY';
    const reference = touch > 0 ? touch : mark;
    const touchName = touch > 0 ? (buy ? 'the ask' : 'the bid') : 'the market';
    stopTriggersNow = buy ? (quote.ask > 0 && quote.ask >= stop) || (quote.last > 0 && quote.last >= stop) : (quote.bid > 0 && quote.bid <= stop) || (quote.last > 0 && quote.last <= stop);
    const then = intent.orderType === 'STOP' ? 'trade as a market order' : `work as a limit order at ${money(intent.limitPrice ?? Number.NaN)}`;
    const through = Math.max(0, buy ? reference - stop : stop - reference);
    const fraction = through / mark;
    const label = `${buy ? 'Buy' : 'Sell'} stop ${money(stop)}`;
    if (stopTriggersNow && fraction > limits.order.fatFingerRedPct && through > tickSlack) {
      add('price', 'red', 'STOP_FAR_THROUGH_MARKET', `${label} is ${pct(fraction)} ${buy ? 'below' : 'above'} ${touchName} (${money(reference)}), over the ${pct(limits.order.fatFingerRedPct, 0)} fat-finger limit: it would trigger at once — looks like a typo (${buy ? 'a sell stop' : 'a buy stop'}?).`);
    } else if (stopTriggersNow) {
      add('price', 'amber', 'STOP_TRIGGERS_NOW', `${label} is on the wrong side of the market (${touchName} is ${money(reference)}): it would trigger at once and ${then}.`);
    } else if (stop > mark * 3 || stop < mark / 3) {
      add('price', 'amber', 'STOP_FAR_AWAY', `${label} is far from the market (${money(mark)}): it may never trigger.`);
    } else add('price', 'green', 'STOP_SANE', `${label} triggers when ${buy ? 'the ask rises' : 'the bid falls'} to it (now ${money(reference)}).`);
  }
  if (takesLimit && intent.limitPrice !== undefined && mark !== null && mark > 0) {
    // A stop-limit's limit is judged against where the market will be when it triggers: the stop.
    const atStop = intent.orderType === 'STOP_LIMIT' && intent.stopPrice !== undefined && !stopTriggersNow;
    const reference = atStop ? intent.stopPrice! : touch > 0 ? touch : mark;
    const refName = atStop ? 'the stop' : 'the market';
    const through = intent.side === 'BUY' ? intent.limitPrice - reference : reference - intent.limitPrice;
    const fraction = through / mark;
    if (fraction > limits.order.fatFingerRedPct && through > tickSlack) {
      add('price', 'red', 'PRICE_FAR_FROM_MARKET', `Limit ${money(intent.limitPrice)} is ${pct(fraction)} through ${refName} (${money(reference)}), over the ${pct(limits.order.fatFingerRedPct, 0)} fat-finger limit: looks like a typo.`);
    } else if (fraction > limits.order.fatFingerAmberPct && through > tickSlack) {
      add('price', 'amber', 'PRICE_THROUGH_MARKET', `Limit ${money(intent.limitPrice)} is ${pct(fraction)} through ${refName} (${money(reference)}).`);
    } else if (intent.limitPrice > mark * 3 || intent.limitPrice < mark / 3) {
      add('price', 'amber', 'PRICE_FAR_AWAY', `Limit ${money(intent.limitPrice)} is far from the market (${money(mark)}): it may never fill.`);
    } else add('price', 'green', 'PRICE_SANE', `Limit ${money(intent.limitPrice)} vs ${atStop ? `stop ${money(reference)}` : `market ${money(mark)}`}.`);
  } else if (intent.orderType === 'MARKET') {
    if (!(touch > 0)) add('price', 'red', 'NO_LIQUIDITY', `Nobody is quoting the ${intent.side === 'BUY' ? 'offer' : 'bid'} in ${intent.symbol}.`);
    else if (mark !== null && mark > 0 && (quote.ask - quote.bid) / mark > 0.1) {
      add('price', 'amber', 'WIDE_SPREAD', `The spread is ${pct((quote.ask - quote.bid) / mark)} of the price: a market order pays it.`);
    } else add('price', 'green', 'PRICE_SANE', `Market order at about ${money(touch)}.`);
  }

  const price = expectedPrice(intent, quote);
  if (price === null || !(price > 0)) {
    add('price', 'red', 'NO_PRICE', `${intent.symbol} cannot be priced.`);
    return done(null, 0);
  }
  const { nav, cash } = ctx.book;
  const notional = price * intent.qty * instrument.multiplier;
  const signedQty = intent.side === 'BUY' ? intent.qty : -intent.qty;

  // Per-order caps
  const isOption = instrument.kind === 'OPTION';
  const qtyCap = isOption ? limits.order.maxContracts : limits.order.maxQty;
  if (intent.qty > qtyCap) add('order-size', 'red', 'MAX_QTY', `${intent.qty} ${isOption ? 'contracts' : 'shares'} is over the per-order cap of ${qtyCap}.`);
  if (notional > limits.order.maxNotional) add('order-size', 'red', 'MAX_NOTIONAL', `Notional ${money(notional)} is over the per-order cap of ${money(limits.order.maxNotional)}.`);
  else add('order-size', 'green', 'ORDER_SIZE_OK', `Notional ${money(notional)} (${pct(notional / nav)} of NAV).`);

  // What-if Greeks
  let whatIf: WhatIf | null = null;
  if (ctx.unitGreeks === null) {
    add('greeks', 'red', 'NO_GREEKS', `${intent.symbol} cannot be valued (no underlying price or volatility), so its risk is unknown.`);
  } else {
    const order = scale(ctx.unitGreeks, signedQty);
    const before = ctx.book.portfolio;
    const after = addGreeks(before, order, 1);
    const riskReducing = isRiskReducing(ctx.book.positionQty, signedQty, before, after);
    whatIf = { before, after, order, nav, riskReducing };

    // Tier limits (per underlying)
    const tier = tierOf(limits, instrument.underlying);
    const t = limits.tiers[tier];
    if (notional > t.maxOrderNotional) add('tier', 'red', 'TIER_ORDER', `${instrument.underlying} is tier ${tier}: orders up to ${money(t.maxOrderNotional)}; this one is ${money(notional)}.`);
    const exposureBefore = Math.abs(ctx.book.underlyingDeltaCash);
    const exposureAfter = Math.abs(ctx.book.underlyingDeltaCash + order.deltaCash);
    if (exposureAfter > t.maxExposureNotional && exposureAfter > exposureBefore) {
      add('tier', 'red', 'TIER_EXPOSURE', `${instrument.underlying} exposure would be ${money(exposureAfter)} cash delta, over tier ${tier}'s ${money(t.maxExposureNotional)}.`);
    }
    const positionValueAfter = Math.abs((ctx.book.positionQty + signedQty) * (mark ?? price) * instrument.multiplier);
    const positionValueBefore = Math.abs(ctx.book.positionQty * (mark ?? price) * instrument.multiplier);
    if (positionValueAfter / nav > t.maxPositionPctNav && positionValueAfter > positionValueBefore) {
      add('tier', 'red', 'TIER_POSITION', `The ${intent.symbol} position would be ${pct(positionValueAfter / nav)} of NAV, over tier ${tier}'s ${pct(t.maxPositionPctNav, 0)}.`);
    }
    if (!out.some((c) => c.check === 'tier')) add('tier', 'green', 'TIER_OK', `Within tier ${tier} limits for ${instrument.underlying}.`);

    // Portfolio caps, whole book and the short-dated bucket
    const caps = (label: string, code: string, capsFor: GreekCaps, b: PortfolioGreeks, a: PortfolioGreeks) => {
      for (const [key, name, capKey] of GREEKS) {
        const cap = capsFor[capKey];
        const usedAfter = Math.abs(a[key]) / nav;
        const usedBefore = Math.abs(b[key]) / nav;
        const increases = usedAfter > usedBefore + 1e-12;
        if (usedAfter > cap && increases) {
          add(label, 'red', `${code}_${name.toUpperCase()}`, `${label === 'portfolio' ? 'Portfolio' : 'Short-dated'} ${name} would be ${pct(usedAfter, 2)} of NAV, over the ${pct(cap, 2)} cap.`);
        } else if (usedAfter > cap) {
          const effect = usedAfter < usedBefore - 1e-12 ? 'though this order lowers it' : 'this order does not change it';
          add(label, 'amber', `${code}_${name.toUpperCase()}`, `${label === 'portfolio' ? 'Portfolio' : 'Short-dated'} ${name} stays over its cap (${pct(usedAfter, 2)} of NAV vs ${pct(cap, 2)}); ${effect}.`);
        } else if (usedAfter > 0.8 * cap && increases) {
          add(label, 'amber', `${code}_${name.toUpperCase()}_NEAR`, `${label === 'portfolio' ? 'Portfolio' : 'Short-dated'} ${name} would use ${pct(usedAfter / cap, 0)} of its cap.`);
        }
      }
    };
    caps('portfolio', 'PORTFOLIO', limits.portfolio, before, after);
    if (ctx.shortDated) caps('short-dated', 'SHORT_DATED', limits.shortDated, ctx.book.shortDated, addGreeks(ctx.book.shortDated, order, 1));
    else caps('short-dated', 'SHORT_DATED', limits.shortDated, ctx.book.shortDated, ctx.book.shortDated);
    if (!out.some((c) => c.check === 'portfolio' || c.check === 'short-dated')) add('portfolio', 'green', 'PORTFOLIO_OK', 'Portfolio Greeks stay inside their caps.');

    // Loss limits: REDUCING lets only risk-reducing orders through.
    const lossTripped = ctx.dailyLossPct >= limits.loss.dailyLossPct || ctx.drawdownPct >= limits.loss.maxDrawdownPct;
    if (ctx.tradingState === 'REDUCING' || (ctx.tradingState === 'ACTIVE' && lossTripped)) {
      if (riskReducing) add('state', 'green', 'REDUCING_ALLOWED', 'The account is REDUCING; this order lowers risk, so it may pass.');
      else add('state', 'red', 'REDUCING', `The account is REDUCING (daily loss ${pct(ctx.dailyLossPct)}, drawdown ${pct(ctx.drawdownPct)}): only risk-reducing orders pass.`);
    }
  }

  // Cash and reserve
  if (intent.side === 'BUY') {
    const cost = notional + ctx.estimatedCommission;
    const cashAfter = cash - cost;
    const reserve = nav * limits.account.cashReservePctNav;
    if (cashAfter < 0) add('cash', 'red', 'INSUFFICIENT_CASH', `Needs ${money(cost)} but only ${money(cash)} cash is available.`);
    else if (cashAfter < reserve) add('cash', 'red', 'CASH_RESERVE', `Leaves ${money(cashAfter)} cash, under the ${pct(limits.account.cashReservePctNav, 0)} of NAV reserve (${money(reserve)}).`);
    else add('cash', 'green', 'CASH_OK', `Uses ${money(cost)} of ${money(cash)} cash.`);
  } else if (ctx.book.positionQty - intent.qty < 0) {
    const what = isOption ? 'writes options (margin is not modelled yet)' : 'sells short (borrow and margin are not modelled yet)';
    add('cash', 'amber', 'OPENS_SHORT', `This ${what}: ${Math.min(intent.qty, intent.qty - ctx.book.positionQty)} beyond the current position.`);
  } else add('cash', 'green', 'CASH_OK', `Reduces the position; receives about ${money(notional - ctx.estimatedCommission)}.`);

  // Order rate
  if (ctx.ordersLastMinute >= limits.account.maxOrdersPerMinute) {
    add('rate', 'red', 'ORDER_RATE', `${ctx.ordersLastMinute} orders were sent in the last minute; the limit is ${limits.account.maxOrdersPerMinute}. Wait a moment.`);
  }
  return done(whatIf, notional);
}
