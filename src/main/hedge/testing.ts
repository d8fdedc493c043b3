// Test and benchmark support for the hedge planner: a small constructed market — underlyings with
// quotes, option chains quoted around the real pricer's value (American, by exercise style) — and
// the planner's input for a book on it, including the real risk gate (evaluateOrder) on that book.
// Nothing here is mocked: prices, Greeks and the gate are the production code.
import type { Instrument, OrderIntent, Quote } from '../../shared/domain.js';
import { occSymbol } from '../../shared/instruments.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../../shared/risk.js';
import { DEFAULT_COMMISSIONS } from '../brokers/sim/ledger.js';
import { expiryInstant, priceByStyle } from '../pricing/index.js';
import { DAY_MS, markPrice, valueBook, ValuationCache } from '../risk/exposure.js';
import { gateContext } from '../risk/gate-context.js';
import { evaluateOrder } from '../risk/gate.js';
import type { HedgeGateVerdict, HedgeInput, HedgePosition } from './planner.js';

/** Monday 23 Nov 2026, 10:00 New York. */
export const NOW = Date.UTC(2026, 10, 23, 15, 0);
export const RATE = 0.04;
const YEAR_MS = 365 * DAY_MS;

const expiryInstants = new Map<string, number>();
/** The exchange's expiry instant (memoised per date: the calendar's time-zone arithmetic is slow, as an engine would cache it). */
export const expiryTs = (i: Instrument): number => {
  let ts = expiryInstants.get(i.expiry!);
  if (ts === undefined) expiryInstants.set(i.expiry!, (ts = expiryInstant(i.expiry!)));
  return ts;
};

/** YYYY-MM-DD `days` calendar days after NOW (tests pick Fridays and other trading days). */
export function dateAfter(days: number): string {
  return new Date(NOW + days * DAY_MS).toISOString().slice(0, 10);
}

export interface QuoteShape {
  /** Full spread as a fraction of the mid (default 1% for options, 1 bp for stock). */
  spreadPct?: number;
  bidSize?: number;
  askSize?: number;
  /** Quote age in ms at NOW (default 0). */
  ageMs?: number;
}

export class TestMarket {
  readonly quotes = new Map<string, Quote>();
  readonly chains = new Map<string, Instrument[]>();
  readonly instruments = new Map<string, Instrument>();
  readonly vols = new Map<string, number>();
  readonly dividends = new Map<string, number>();

  constructor(readonly now = NOW) {}

  underlying(symbol: string, price: number, vol = 0.25, shape: QuoteShape = {}, kind: 'STOCK' | 'ETF' = 'STOCK', q = 0.005): Instrument {
    const instrument: Instrument = { symbol, kind, underlying: symbol, multiplier: 1 };
    this.instruments.set(symbol, instrument);
    this.vols.set(symbol, vol);
    this.dividends.set(symbol, q);
    const half = Math.max(0.005, (price * (shape.spreadPct ?? 0.0001)) / 2);
    this.quotes.set(symbol, {
      symbol,
      bid: price - half,
      ask: price + half,
      last: price,
      bidSize: shape.bidSize ?? 2_000,
      askSize: shape.askSize ?? 2_000,
      prevClose: price,
      ts: this.now - (shape.ageMs ?? 0),
    });
    return instrument;
  }

  spot(symbol: string): number {
    return markPrice(this.quotes.get(symbol))!;
  }

  /** Lists (or re-quotes) one contract at the pricer's value ± half the spread. */
  option(underlying: string, expiry: string, right: 'C' | 'P', strike: number, shape: QuoteShape = {}): Instrument {
    const symbol = occSymbol(underlying, expiry, right, strike);
    let instrument = this.instruments.get(symbol);
    if (!instrument) {
      instrument = { symbol, kind: 'OPTION', underlying, multiplier: 100, right, strike, expiry, style: 'american' };
      this.instruments.set(symbol, instrument);
      let chain = this.chains.get(underlying);
      if (!chain) this.chains.set(underlying, (chain = []));
      chain.push(instrument);
    }
    const spot = this.spot(underlying);
    const vol = this.vols.get(underlying)!;
    const years = Math.max(0, (expiryTs(instrument) - this.now) / YEAR_MS);
    const mid = priceByStyle(instrument, spot, vol, years, RATE, this.dividends.get(underlying)!).price;
    const half = Math.max(0.005, (mid * (shape.spreadPct ?? 0.01)) / 2);
    this.quotes.set(symbol, {
      symbol,
      bid: Math.max(0, mid - half),
      ask: mid + half,
      last: mid,
      bidSize: shape.bidSize ?? 200,
      askSize: shape.askSize ?? 200,
      prevClose: mid,
      iv: vol,
      ts: this.now - (shape.ageMs ?? 0),
    });
    return instrument;
  }

  /** A full chain: every expiry × strike × right. */
  chain(underlying: string, expiries: readonly string[], strikes: readonly number[], shape: QuoteShape = {}): void {
    for (const e of expiries) for (const k of strikes) for (const r of ['C', 'P'] as const) this.option(underlying, e, r, k, shape);
  }

  /** Changes a quote's fields in place (e.g. to make it stale or one-sided). */
  patch(symbol: string, change: Partial<Quote>): void {
    this.quotes.set(symbol, { ...this.quotes.get(symbol)!, ...change });
  }

  /** Positions at the mark (avg price = mark). */
  positions(entries: readonly [symbol: string, qty: number][]): HedgePosition[] {
    return entries.map(([symbol, qty]) => {
      const instrument = this.instruments.get(symbol);
      if (!instrument) throw new Error(`unknown test symbol ${symbol}`);
      return { instrument, qty, avgPrice: markPrice(this.quotes.get(symbol)) ?? 0 };
    });
  }

  private valuationInputs(positions: readonly HedgePosition[], cash: number, limits: RiskLimits) {
    return {
      positions: positions.map((p) => ({ symbol: p.instrument.symbol, qty: p.qty, avgPrice: p.avgPrice })),
      instruments: this.instruments,
      quotes: this.quotes,
      cash,
      now: this.now,
      rate: RATE,
      dividendYield: (u: string) => this.dividends.get(u) ?? 0,
      expiryTs,
      shortDatedDays: limits.shortDated.days,
    };
  }

  /** The planner's input for a book on this market, valued as the engine values it. */
  input(positions: readonly HedgePosition[], cash: number, extra: Partial<HedgeInput> = {}): HedgeInput {
    const limits = extra.limits ?? DEFAULT_RISK_LIMITS;
    const valuation = valueBook(this.valuationInputs(positions, cash, limits));
    return {
      positions,
      quotes: this.quotes,
      now: this.now,
      rate: RATE,
      dividendYield: (u) => this.dividends.get(u) ?? 0,
      expiryTs,
      limits,
      nav: valuation.nav,
      cash,
      chain: (u) => this.chains.get(u) ?? [],
      underlyingKind: (u) => (this.instruments.get(u)?.kind === 'ETF' ? 'ETF' : 'STOCK'),
      ...extra,
    };
  }

  /** The real risk gate on one intent against this book (DRY_RUN, regular hours, ACTIVE), its inputs assembled as the engine's are. */
  gate(positions: readonly HedgePosition[], cash: number, limits: RiskLimits = DEFAULT_RISK_LIMITS): (intent: OrderIntent) => HedgeGateVerdict {
    const valuation = valueBook(this.valuationInputs(positions, cash, limits));
    const cache = new ValuationCache();
    const pricing = { rate: RATE, dividendYield: (u: string) => this.dividends.get(u) ?? 0, expiryTs };
    return (intent) => {
      const instrument = this.instruments.get(intent.symbol);
      const { context } = gateContext({
        intent,
        instrument,
        quote: this.quotes.get(intent.symbol),
        underlyingQuote: instrument ? this.quotes.get(instrument.underlying) : undefined,
        mode: 'DRY_RUN',
        venueConnected: true,
        session: 'REGULAR',
        now: this.now,
        tradingState: 'ACTIVE',
        dailyLossPct: 0,
        drawdownPct: 0,
        valuation,
        cash,
        positionQty: positions.filter((x) => x.instrument.symbol === intent.symbol).reduce((s, x) => s + x.qty, 0),
        quotes: this.quotes,
        pricing,
        cache,
        commissions: DEFAULT_COMMISSIONS,
        ordersLastMinute: 0,
        limits,
      });
      return evaluateOrder(context);
    };
  }
}
