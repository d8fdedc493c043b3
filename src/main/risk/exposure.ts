// Revalues the book: marks, P&L and cash Greeks per position, per underlying and for the
// portfolio, with the short-dated bucket split out. Pure — the engine calls it on quote changes.
//
// Cash Greek conventions (also in the README):
//   deltaShares      = qty × multiplier × Δ                     (underlying shares)
//   deltaCash        = deltaShares × spot                       (currency)
//   gammaCash1Pct    = qty × multiplier × Γ × spot² × 1%        (change of deltaCash for a 1% move)
//   vegaCashPerPoint = qty × multiplier × vega × 0.01           (P&L for +1 vol point)
//   thetaCashPerDay  = qty × multiplier × θ(per year) / 365     (P&L per calendar day)
import type { CashGreeks, GreeksRow, GreeksSummary, Instrument, PositionView, Quote } from '../../shared/domain.js';
import { compareInstruments } from '../../shared/instruments.js';
import { blackScholes } from '../pricing/black-scholes.js';

export const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** Used only when an option has no quoted implied volatility. */
const FALLBACK_VOL = 0.3;

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
}

export interface Valuation {
  positions: PositionView[];
  greeks: GreeksSummary;
  marketValue: number;
  unrealizedPnl: number;
  nav: number;
}

const zeroGreeks = (): CashGreeks => ({ deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });

function addInto(target: CashGreeks, g: CashGreeks): void {
  target.deltaShares += g.deltaShares;
  target.deltaCash += g.deltaCash;
  target.gammaCash1Pct += g.gammaCash1Pct;
  target.vegaCashPerPoint += g.vegaCashPerPoint;
  target.thetaCashPerDay += g.thetaCashPerDay;
}

/** The price a position is marked at: the mid when both sides quote, else the last trade. */
export function markPrice(quote: Quote | undefined): number | null {
  if (!quote) return null;
  if (quote.bid > 0 && quote.ask > 0 && quote.ask >= quote.bid) return (quote.bid + quote.ask) / 2;
  return quote.last > 0 ? quote.last : null;
}

export function valueBook(input: ValuationInputs): Valuation {
  const rows = new Map<string, { greeks: CashGreeks; shortDated: CashGreeks; marketValue: number }>();
  const views: PositionView[] = [];
  let marketValue = 0;
  let unrealizedPnl = 0;

  for (const position of input.positions) {
    const instrument = input.instruments.get(position.symbol);
    if (!instrument) continue;
    const units = position.qty * instrument.multiplier;
    const quote = input.quotes.get(position.symbol);
    const mark = markPrice(quote);
    const spot = markPrice(input.quotes.get(instrument.underlying));
    const value = mark === null ? position.avgPrice * units : mark * units;
    const greeks = zeroGreeks();
    let iv: number | null = null;
    let shortDated = false;

    if (instrument.kind === 'OPTION') {
      const expiryTs = input.expiryTs(instrument);
      shortDated = expiryTs - input.now <= input.shortDatedDays * DAY_MS;
      if (spot !== null) {
        iv = quote?.iv ?? FALLBACK_VOL;
        const g = blackScholes({
          right: instrument.right!,
          spot,
          strike: instrument.strike!,
          t: Math.max(0, (expiryTs - input.now) / YEAR_MS),
          r: input.rate,
          q: input.dividendYield(instrument.underlying),
          vol: iv,
        });
        greeks.deltaShares = units * g.delta;
        greeks.deltaCash = greeks.deltaShares * spot;
        greeks.gammaCash1Pct = units * g.gamma * spot * spot * 0.01;
        greeks.vegaCashPerPoint = units * g.vega * 0.01;
        greeks.thetaCashPerDay = (units * g.theta) / 365;
      }
    } else {
      greeks.deltaShares = units;
      greeks.deltaCash = units * (spot ?? mark ?? position.avgPrice);
    }

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
      greeks,
      iv,
    });

    let row = rows.get(instrument.underlying);
    if (!row) {
      row = { greeks: zeroGreeks(), shortDated: zeroGreeks(), marketValue: 0 };
      rows.set(instrument.underlying, row);
    }
    addInto(row.greeks, greeks);
    if (shortDated) addInto(row.shortDated, greeks);
    row.marketValue += value;
  }

  views.sort((a, b) => compareInstruments(a.instrument, b.instrument));
  const nav = input.cash + marketValue;
  const pct = (cash: number) => (nav > 0 ? cash / nav : 0);
  const byUnderlying: GreeksRow[] = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([underlying, row]) => ({
      underlying,
      ...row.greeks,
      marketValue: row.marketValue,
      deltaPctNav: pct(row.greeks.deltaCash),
      shortDated: row.shortDated,
    }));
  const total = zeroGreeks();
  const totalShort = zeroGreeks();
  for (const row of rows.values()) {
    addInto(total, row.greeks);
    addInto(totalShort, row.shortDated);
  }
  return {
    positions: views,
    greeks: {
      byUnderlying,
      portfolio: { underlying: 'PORTFOLIO', ...total, marketValue, deltaPctNav: pct(total.deltaCash), shortDated: totalShort },
      shortDatedDays: input.shortDatedDays,
    },
    marketValue,
    unrealizedPnl,
    nav,
  };
}
