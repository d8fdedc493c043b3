// The heavy risk computations — scenario grids and historical VaR, O(book × grid) — as jobs on a
// plain, structured-clonable book. The engine assembles a job on its event loop (positions, quotes,
// clock, rate, and the dividend yields and expiry instants it would otherwise look up through
// callbacks, precomputed into maps); the risk worker threads run it (pool.ts, worker.ts). The same
// functions run in-process, so a worker's answer can be checked against a direct one. Pure.
import type { Instrument, Quote } from '../../shared/domain.js';
import type { ScenarioGrid, VarReport } from '../../shared/risk.js';
import { scenarioGrid, shockPnl, type ScenarioInputs, type ScenarioPosition } from './scenario.js';
import { varReport } from './var.js';

/** The book as the risk worker receives it: no functions, only data. */
export interface RiskBook {
  positions: ScenarioPosition[];
  /** Quotes of every position and of every underlying held (nothing else is needed). */
  quotes: Map<string, Quote>;
  now: number;
  rate: number;
  /** Continuous dividend yield of every underlying held. */
  dividendYields: Map<string, number>;
  /** Expiry instant (ms) of every option held, by symbol. */
  expiries: Map<string, number>;
  nav: number;
}

export interface ScenarioJob {
  book: RiskBook;
  spotPcts?: number[];
  volPts?: number[];
  days?: number;
  /** Label when the grid includes a proposed order or a hedge plan's legs. */
  withOrder: string | null;
}

export interface VarJob {
  book: RiskBook;
  /** Daily log returns of every underlying held, oldest first. */
  returns: Map<string, number[]>;
  /** The account's daily NAVs, oldest first. */
  dailyNavs: number[];
  /** Per underlying: cash delta and cash gamma per 1% move (the delta-gamma method). */
  exposures: { underlying: string; deltaCash: number; gammaCash1Pct: number }[];
}

/** What the engine knows about the book, with the look-ups it answers on its own loop. */
export interface LiveBook {
  positions: ScenarioPosition[];
  quotes: ReadonlyMap<string, Quote>;
  now: number;
  rate: number;
  nav: number;
  dividendYield: (underlying: string) => number;
  expiryTs: (instrument: Instrument) => number;
}

/** Calls every look-up the computation will make, now, and keeps only the quotes it will read. */
export function precomputeBook(live: LiveBook): RiskBook {
  const quotes = new Map<string, Quote>();
  const dividendYields = new Map<string, number>();
  const expiries = new Map<string, number>();
  for (const p of live.positions) {
    const { symbol, underlying, kind } = p.instrument;
    for (const s of [underlying, symbol]) {
      const q = live.quotes.get(s);
      if (q) quotes.set(s, q);
    }
    if (!dividendYields.has(underlying)) dividendYields.set(underlying, live.dividendYield(underlying));
    if (kind === 'OPTION' && !expiries.has(symbol)) expiries.set(symbol, live.expiryTs(p.instrument));
  }
  return { positions: live.positions, quotes, now: live.now, rate: live.rate, dividendYields, expiries, nav: live.nav };
}

/** The look-ups back as functions; a missing entry is a bug in the job's assembly, never a zero. */
function pricingInputs(book: RiskBook): Omit<ScenarioInputs, 'spotPcts' | 'volPts' | 'days' | 'withOrder'> {
  return {
    positions: book.positions,
    quotes: book.quotes,
    now: book.now,
    rate: book.rate,
    nav: book.nav,
    dividendYield: (underlying) => {
      const q = book.dividendYields.get(underlying);
      if (q === undefined) throw new Error(`risk job without a dividend yield for ${underlying}`);
      return q;
    },
    expiryTs: (instrument) => {
      const ts = book.expiries.get(instrument.symbol);
      if (ts === undefined) throw new Error(`risk job without an expiry for ${instrument.symbol}`);
      return ts;
    },
  };
}

export function computeScenario(job: ScenarioJob): ScenarioGrid {
  return scenarioGrid({ ...pricingInputs(job.book), spotPcts: job.spotPcts, volPts: job.volPts, days: job.days, withOrder: job.withOrder });
}

/** The book fully revalued under each past day's returns (the common tail of every underlying's history), then every VaR method. */
export function computeVar(job: VarJob): VarReport {
  const inputs = pricingInputs(job.book);
  const underlyings = [...new Set(job.book.positions.map((p) => p.instrument.underlying))];
  const series = underlyings.map((u) => {
    const r = job.returns.get(u);
    if (!r) throw new Error(`VaR job without returns for ${u}`);
    return r;
  });
  const n = Math.min(...series.map((r) => r.length), Infinity);
  const historicalPnl: number[] = [];
  if (Number.isFinite(n)) {
    for (let k = 0; k < n; k++) {
      const shock = new Map<string, number>();
      underlyings.forEach((u, i) => shock.set(u, series[i]![series[i]!.length - n + k]!));
      historicalPnl.push(shockPnl(inputs, shock));
    }
  }
  return varReport({ nav: job.book.nav, historicalPnl, dailyNavs: job.dailyNavs, deltaGamma: { exposures: job.exposures, returns: job.returns } });
}
