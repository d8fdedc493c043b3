// Revalues the book: marks, P&L and cash Greeks per position, per expiry bucket, per underlying
// and for the portfolio, each also as a fraction of NAV, with the short-dated bucket split out and
// beta-weighted delta against a benchmark. Pure apart from an optional ValuationCache: with one,
// a position is repriced only when its underlying's price or its volatility changed, or when the
// clock moved more than the cache's time step — so a quote for one underlying revalues only the
// positions on that underlying.
//
// Cash Greek conventions (also in the README):
//   deltaShares      = qty × multiplier × Δ                     (underlying shares)
//   deltaCash        = deltaShares × spot                       (currency)
//   gammaCash1Pct    = qty × multiplier × Γ × spot² × 1%        (change of deltaCash for a 1% move)
//   vegaCashPerPoint = qty × multiplier × vega × 0.01           (P&L for +1 vol point)
//   thetaCashPerDay  = qty × multiplier × θ(per year) / 365     (P&L per calendar day)
import type { CashGreeks, ExpiryBucket, GreeksRow, GreeksSummary, Instrument, PositionView, Quote } from '../../shared/domain.js';
import { compareInstruments } from '../../shared/instruments.js';
import { blackScholes } from '../pricing/black-scholes.js';
import { priceByStyle } from '../pricing/index.js';

export const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export interface ValuationInputs {
  positions: readonly { symbol: string; qty: number; avgPrice: number }[];
  instruments: ReadonlyMap<string, Instrument>;
  quotes: ReadonlyMap<string, Quote>;
  cash: number;
  now: number;
  rate: number;
  dividendYield: (underlying: string) => number;
  /** The instant an option stops trading. */
  expiryTs: (instrument: Instrument) => number;
  shortDatedDays: number;
  /** Beta of an underlying against the benchmark (default 1). */
  beta?: (underlying: string) => number;
  benchmark?: string;
}

export interface Valuation {
  positions: PositionView[];
  greeks: GreeksSummary;
  marketValue: number;
  unrealizedPnl: number;
  nav: number;
}

/** Per-unit model values of one option (the cacheable part of a revaluation). */
export interface UnitModel {
  price: number;
  delta: number;
  gamma: number;
  /** Per 1.00 of volatility. */
  vega: number;
  /** Per year. */
  theta: number;
}

export type OptionPricer = (instrument: Instrument, spot: number, vol: number, years: number, r: number, q: number) => UnitModel;

/** By the instrument's exercise style: American (integral method) for US stock and ETF options, BSM for European. */
export const defaultPricer: OptionPricer = priceByStyle;

/** Black-Scholes-Merton regardless of style (tests and comparisons). */
export const europeanPricer: OptionPricer = (instrument, spot, vol, years, r, q) =>
  blackScholes({ right: instrument.right!, spot, strike: instrument.strike!, t: years, r, q, vol });

/** Reuses per-unit option values while their inputs have not changed. */
export class ValuationCache {
  /** How many option revaluations ran (for tests and benchmarks). */
  priced = 0;
  private readonly entries = new Map<string, { spot: number; vol: number; at: number; model: UnitModel }>();

  constructor(
    readonly pricer: OptionPricer = defaultPricer,
    /** Time decay is refreshed at least this often (ms of market time). */
    readonly timeStepMs = 60_000,
  ) {}

  model(instrument: Instrument, spot: number, vol: number, now: number, years: number, r: number, q: number): UnitModel {
    const hit = this.entries.get(instrument.symbol);
    if (hit && hit.spot === spot && hit.vol === vol && Math.abs(now - hit.at) < this.timeStepMs) return hit.model;
    this.priced++;
    const model = this.pricer(instrument, spot, vol, years, r, q);
    this.entries.set(instrument.symbol, { spot, vol, at: now, model });
    return model;
  }

  forget(symbol: string): void {
    this.entries.delete(symbol);
  }
}

export const zeroGreeks = (): CashGreeks => ({ deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });

export function addInto(target: CashGreeks, g: CashGreeks, k = 1): void {
  target.deltaShares += k * g.deltaShares;
  target.deltaCash += k * g.deltaCash;
  target.gammaCash1Pct += k * g.gammaCash1Pct;
  target.vegaCashPerPoint += k * g.vegaCashPerPoint;
  target.thetaCashPerDay += k * g.thetaCashPerDay;
}

/** The price a position is marked at: the mid when both sides quote, else the last trade. */
export function markPrice(quote: Quote | undefined): number | null {
  if (!quote) return null;
  if (quote.bid > 0 && quote.ask > 0 && quote.ask >= quote.bid) return (quote.bid + quote.ask) / 2;
  return quote.last > 0 ? quote.last : null;
}

export interface UnitValuation {
  greeks: CashGreeks;
  iv: number | null;
  dte: number | null;
  shortDated: boolean;
  error: string | null;
}

/**
 * Cash Greeks of `units` (qty × multiplier) of an instrument. Fails closed: an option whose
 * underlying has no price, or that has no implied volatility, gets an error and zero Greeks —
 * callers must treat the error as "risk unknown", never as "no risk".
 */
export function unitCashGreeks(
  instrument: Instrument,
  units: number,
  quotes: ReadonlyMap<string, Quote>,
  env: Pick<ValuationInputs, 'now' | 'rate' | 'dividendYield' | 'expiryTs' | 'shortDatedDays'>,
  cache?: ValuationCache,
  /** A stock without a quote is valued at this price (its cost), flagged. */
  fallbackPrice?: number,
): UnitValuation {
  const greeks = zeroGreeks();
  const spot = markPrice(quotes.get(instrument.underlying));
  if (instrument.kind !== 'OPTION') {
    const quoted = spot ?? markPrice(quotes.get(instrument.symbol));
    const price = quoted ?? fallbackPrice ?? null;
    greeks.deltaShares = units;
    if (price === null) return { greeks, iv: null, dte: null, shortDated: false, error: `No price for ${instrument.underlying}: cash delta unknown.` };
    greeks.deltaCash = units * price;
    return { greeks, iv: null, dte: null, shortDated: false, error: quoted === null ? `No quote for ${instrument.symbol}: valued at cost.` : null };
  }
  const expiryTs = env.expiryTs(instrument);
  const dte = (expiryTs - env.now) / DAY_MS;
  const shortDated = expiryTs - env.now <= env.shortDatedDays * DAY_MS;
  if (spot === null) return { greeks, iv: null, dte, shortDated, error: `No price for the underlying ${instrument.underlying}: Greeks unknown.` };
  const iv = quotes.get(instrument.symbol)?.iv;
  if (iv === undefined || !Number.isFinite(iv) || iv <= 0) return { greeks, iv: null, dte, shortDated, error: `No implied volatility for ${instrument.symbol}: Greeks unknown.` };
  const years = Math.max(0, (expiryTs - env.now) / YEAR_MS);
  const q = env.dividendYield(instrument.underlying);
  const g = cache ? cache.model(instrument, spot, iv, env.now, years, env.rate, q) : defaultPricer(instrument, spot, iv, years, env.rate, q);
  greeks.deltaShares = units * g.delta;
  greeks.deltaCash = greeks.deltaShares * spot;
  greeks.gammaCash1Pct = units * g.gamma * spot * spot * 0.01;
  greeks.vegaCashPerPoint = units * g.vega * 0.01;
  greeks.thetaCashPerDay = (units * g.theta) / 365;
  return { greeks, iv, dte, shortDated, error: null };
}

interface RowAcc {
  greeks: CashGreeks;
  shortDated: CashGreeks;
  marketValue: number;
  unpriced: number;
  expiries: Map<string, { greeks: CashGreeks; marketValue: number; dte: number; shortDated: boolean }>;
}

export function valueBook(input: ValuationInputs, cache?: ValuationCache): Valuation {
  const rows = new Map<string, RowAcc>();
  const views: PositionView[] = [];
  let marketValue = 0;
  let unrealizedPnl = 0;

  for (const position of input.positions) {
    const instrument = input.instruments.get(position.symbol);
    if (!instrument) continue;
    const units = position.qty * instrument.multiplier;
    const mark = markPrice(input.quotes.get(position.symbol));
    const value = mark === null ? position.avgPrice * units : mark * units;
    const unit = unitCashGreeks(instrument, units, input.quotes, input, cache, position.avgPrice);

    marketValue += value;
    const unrealized = mark === null ? 0 : (mark - position.avgPrice) * units;
    unrealizedPnl += unrealized;
    views.push({
      symbol: position.symbol,
      instrument,
      qty: position.qty,
      avgPrice: position.avgPrice,
      last: mark,
      marketValue: value,
      unrealizedPnl: unrealized,
      greeks: unit.greeks,
      iv: unit.iv,
      dte: unit.dte,
      pricingError: unit.error,
    });

    let row = rows.get(instrument.underlying);
    if (!row) {
      row = { greeks: zeroGreeks(), shortDated: zeroGreeks(), marketValue: 0, unpriced: 0, expiries: new Map() };
      rows.set(instrument.underlying, row);
    }
    addInto(row.greeks, unit.greeks);
    if (unit.shortDated) addInto(row.shortDated, unit.greeks);
    if (unit.error) row.unpriced++;
    row.marketValue += value;
    if (instrument.kind === 'OPTION' && instrument.expiry) {
      let bucket = row.expiries.get(instrument.expiry);
      if (!bucket) {
        bucket = { greeks: zeroGreeks(), marketValue: 0, dte: unit.dte ?? 0, shortDated: unit.shortDated };
        row.expiries.set(instrument.expiry, bucket);
      }
      addInto(bucket.greeks, unit.greeks);
      bucket.marketValue += value;
    }
  }

  views.sort((a, b) => compareInstruments(a.instrument, b.instrument));
  const nav = input.cash + marketValue;
  const ofNav = (cash: number) => (nav > 0 ? cash / nav : 0);
  const pctNav = (g: CashGreeks) => ({
    deltaPctNav: ofNav(g.deltaCash),
    gammaPctNav: ofNav(g.gammaCash1Pct),
    vegaPctNav: ofNav(g.vegaCashPerPoint),
    thetaPctNav: ofNav(g.thetaCashPerDay),
  });
  const betaOf = input.beta ?? (() => 1);
  const byUnderlying: GreeksRow[] = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([underlying, row]) => {
      const beta = betaOf(underlying);
      const expiries: ExpiryBucket[] = [...row.expiries.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([expiry, b]) => ({ expiry, dte: b.dte, marketValue: b.marketValue, shortDated: b.shortDated, ...b.greeks, ...pctNav(b.greeks) }));
      return {
        underlying,
        ...row.greeks,
        marketValue: row.marketValue,
        ...pctNav(row.greeks),
        beta,
        betaDeltaCash: row.greeks.deltaCash * beta,
        shortDated: row.shortDated,
        expiries,
        unpriced: row.unpriced,
      };
    });
  const total = zeroGreeks();
  const totalShort = zeroGreeks();
  let betaDeltaCash = 0;
  let unpriced = 0;
  for (const row of byUnderlying) {
    addInto(total, row);
    addInto(totalShort, row.shortDated);
    betaDeltaCash += row.betaDeltaCash;
    unpriced += row.unpriced;
  }
  const benchmark = input.benchmark ?? 'SPY';
  const benchmarkSpot = markPrice(input.quotes.get(benchmark));
  return {
    positions: views,
    greeks: {
      byUnderlying,
      portfolio: {
        underlying: 'PORTFOLIO',
        ...total,
        marketValue,
        ...pctNav(total),
        beta: total.deltaCash !== 0 ? betaDeltaCash / total.deltaCash : 1,
        betaDeltaCash,
        shortDated: totalShort,
        expiries: [],
        unpriced,
      },
      shortDatedDays: input.shortDatedDays,
      benchmark,
      betaWeightedShares: benchmarkSpot ? betaDeltaCash / benchmarkSpot : 0,
    },
    marketValue,
    unrealizedPnl,
    nav,
  };
}
