// Price × volatility scenario grid: the book fully revalued with every underlying moved by the
// same percentage and every option's implied volatility shifted by the same number of points,
// optionally after a time step. Each cell holds the P&L against the unshocked book (both valued
// with the same model, so the grid shows model P&L, not mark-to-model noise) and the book's cash
// Greeks in that scenario. Pure.
import type { CashGreeks, Instrument, Quote } from '../../shared/domain.js';
import type { ScenarioCell, ScenarioGrid } from '../../shared/risk.js';
import { DAY_MS, defaultPricer, markPrice, type OptionPricer } from './exposure.js';

const YEAR_MS = 365 * DAY_MS;

export const DEFAULT_SPOT_PCTS = [-0.1, -0.075, -0.05, -0.025, 0, 0.025, 0.05, 0.075, 0.1];
export const DEFAULT_VOL_PTS = [-5, -2.5, 0, 2.5, 5];

export interface ScenarioPosition {
  instrument: Instrument;
  qty: number;
}

export interface ScenarioInputs {
  positions: readonly ScenarioPosition[];
  quotes: ReadonlyMap<string, Quote>;
  now: number;
  rate: number;
  dividendYield: (underlying: string) => number;
  expiryTs: (instrument: Instrument) => number;
  nav: number;
  spotPcts?: readonly number[];
  volPts?: readonly number[];
  /** Calendar days to step forward (theta). */
  days?: number;
  pricer?: OptionPricer;
  /** Label when the grid includes a proposed order. */
  withOrder?: string | null;
}

interface Prepared {
  units: number;
  instrument: Instrument;
  spot: number;
  iv: number;
  expiryTs: number;
  q: number;
}

export class ScenarioError extends Error {}

export function scenarioGrid(input: ScenarioInputs): ScenarioGrid {
  const spotPcts = [...(input.spotPcts ?? DEFAULT_SPOT_PCTS)];
  const volPts = [...(input.volPts ?? DEFAULT_VOL_PTS)];
  const days = input.days ?? 0;
  if (!spotPcts.every((x) => Number.isFinite(x) && x > -1) || !volPts.every(Number.isFinite) || !Number.isFinite(days) || days < 0) {
    throw new ScenarioError('Scenario moves must be finite, spot moves above −100% and the time step non-negative.');
  }
  const pricer = input.pricer ?? defaultPricer;
  const prepared: Prepared[] = [];
  for (const p of input.positions) {
    const spot = markPrice(input.quotes.get(p.instrument.underlying));
    if (spot === null) throw new ScenarioError(`No price for ${p.instrument.underlying}: the scenario grid cannot value ${p.instrument.symbol}.`);
    const iv = input.quotes.get(p.instrument.symbol)?.iv ?? NaN;
    if (p.instrument.kind === 'OPTION' && !(iv > 0)) throw new ScenarioError(`No implied volatility for ${p.instrument.symbol}.`);
    prepared.push({
      units: p.qty * p.instrument.multiplier,
      instrument: p.instrument,
      spot,
      iv,
      expiryTs: p.instrument.kind === 'OPTION' ? input.expiryTs(p.instrument) : 0,
      q: input.dividendYield(p.instrument.underlying),
    });
  }

  const valueAt = (spotPct: number, volPt: number, stepDays: number): { value: number; greeks: CashGreeks } => {
    let value = 0;
    const g: CashGreeks = { deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
    const now = input.now + stepDays * DAY_MS;
    for (const p of prepared) {
      const spot = p.spot * (1 + spotPct);
      if (p.instrument.kind !== 'OPTION') {
        value += p.units * spot;
        g.deltaShares += p.units;
        g.deltaCash += p.units * spot;
        continue;
      }
      const years = Math.max(0, (p.expiryTs - now) / YEAR_MS);
      const vol = Math.max(0.01, p.iv + volPt / 100);
      const m = pricer(p.instrument, spot, vol, years, input.rate, p.q);
      value += p.units * m.price;
      g.deltaShares += p.units * m.delta;
      g.deltaCash += p.units * m.delta * spot;
      g.gammaCash1Pct += p.units * m.gamma * spot * spot * 0.01;
      g.vegaCashPerPoint += p.units * m.vega * 0.01;
      g.thetaCashPerDay += (p.units * m.theta) / 365;
    }
    return { value, greeks: g };
  };

  const base = valueAt(0, 0, 0).value;
  const cells: ScenarioCell[][] = spotPcts.map((s) =>
    volPts.map((v) => {
      const r = valueAt(s, v, days);
      return {
        spotPct: s,
        volPts: v,
        pnl: r.value - base,
        deltaCash: r.greeks.deltaCash,
        gammaCash1Pct: r.greeks.gammaCash1Pct,
        vegaCashPerPoint: r.greeks.vegaCashPerPoint,
        thetaCashPerDay: r.greeks.thetaCashPerDay,
      };
    }),
  );
  return { spotPcts, volPts, days, cells, nav: input.nav, withOrder: input.withOrder ?? null };
}

/** P&L of the book for one set of per-underlying log returns (historical VaR), same model both sides. */
export function shockPnl(input: Omit<ScenarioInputs, 'spotPcts' | 'volPts' | 'days' | 'withOrder'>, logReturns: ReadonlyMap<string, number>): number {
  const pricer = input.pricer ?? defaultPricer;
  let pnl = 0;
  for (const p of input.positions) {
    const spot = markPrice(input.quotes.get(p.instrument.underlying));
    if (spot === null) throw new ScenarioError(`No price for ${p.instrument.underlying}.`);
    const shocked = spot * Math.exp(logReturns.get(p.instrument.underlying) ?? 0);
    const units = p.qty * p.instrument.multiplier;
    if (p.instrument.kind !== 'OPTION') {
      pnl += units * (shocked - spot);
      continue;
    }
    const iv = input.quotes.get(p.instrument.symbol)?.iv;
    if (!(iv !== undefined && iv > 0)) throw new ScenarioError(`No implied volatility for ${p.instrument.symbol}.`);
    const years = Math.max(0, (input.expiryTs(p.instrument) - input.now) / YEAR_MS);
    const q = input.dividendYield(p.instrument.underlying);
    pnl += units * (pricer(p.instrument, shocked, iv, years, input.rate, q).price - pricer(p.instrument, spot, iv, years, input.rate, q).price);
  }
  return pnl;
}
