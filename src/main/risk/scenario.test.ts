// The price × volatility scenario grid and the historical shock P&L: the centre cell is the book as
// valued by valueBook, stocks are linear, a long call gains with spot and with vol, a proposed order
// adds exactly its own P&L, time decays a long option, and bad inputs throw a clear ScenarioError.
import { describe, expect, it } from 'vitest';
import type { Instrument, Quote } from '../../shared/domain.js';
import { blackScholes } from '../pricing/black-scholes.js';
import { DAY_MS, valueBook } from './exposure.js';
import { DEFAULT_SPOT_PCTS, DEFAULT_VOL_PTS, ScenarioError, scenarioGrid, shockPnl, type ScenarioInputs, type ScenarioPosition } from './scenario.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');
const RATE = 0.04;
const YIELDS: Record<string, number> = { AAPL: 0.005, SPY: 0.012 };

const stock = (symbol: string): Instrument => ({ symbol, kind: 'STOCK', underlying: symbol, multiplier: 1 });
const opt = (symbol: string, underlying: string, right: 'C' | 'P', strike: number, expiry: string): Instrument => ({
  symbol,
  kind: 'OPTION',
  underlying,
  multiplier: 100,
  right,
  strike,
  expiry,
  style: 'european',
});
const AAPL = stock('AAPL');
const SPY = stock('SPY');
const AAPL_C210 = opt('AAPL_C210', 'AAPL', 'C', 210, '2026-12-18');
const AAPL_P190 = opt('AAPL_P190', 'AAPL', 'P', 190, '2026-11-26');
const SPY_C600 = opt('SPY_C600', 'SPY', 'C', 600, '2026-11-30');
const EXPIRY_DAYS: Record<string, number> = { AAPL_C210: 25, AAPL_P190: 3, SPY_C600: 7 };
const instruments = new Map([AAPL, SPY, AAPL_C210, AAPL_P190, SPY_C600].map((i) => [i.symbol, i]));

const q = (symbol: string, bid: number, ask: number, extra: Partial<Quote> = {}): Quote => ({
  symbol,
  bid,
  ask,
  last: (bid + ask) / 2,
  bidSize: 1,
  askSize: 1,
  prevClose: 0,
  ts: NOW,
  ...extra,
});
const quotes = new Map<string, Quote>([
  ['AAPL', q('AAPL', 199.9, 200.1)],
  ['SPY', q('SPY', 599.95, 600.05)],
  ['AAPL_C210', q('AAPL_C210', 4.9, 5.1, { iv: 0.3 })],
  ['AAPL_P190', q('AAPL_P190', 0.2, 0.24, { iv: 0.35 })],
  ['SPY_C600', q('SPY_C600', 7.9, 8.1, { iv: 0.15 })],
]);
const expiryTs = (i: Instrument) => NOW + (EXPIRY_DAYS[i.symbol] ?? 0) * DAY_MS;

const grid = (positions: ScenarioPosition[], over: Partial<ScenarioInputs> = {}) =>
  scenarioGrid({ positions, quotes, now: NOW, rate: RATE, dividendYield: (u) => YIELDS[u] ?? 0, expiryTs, nav: 250_000, ...over });
const pos = (instrument: Instrument, qty: number): ScenarioPosition => ({ instrument, qty });
const centre = (g: ReturnType<typeof scenarioGrid>) => g.cells[g.spotPcts.indexOf(0)]![g.volPts.indexOf(0)]!;

const expectRel = (actual: number, expected: number, rel = 1e-9, label?: string) =>
  expect(Math.abs(actual - expected), label ?? `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

const BOOK = [pos(AAPL, 100), pos(AAPL_C210, 3), pos(AAPL_P190, -5), pos(SPY_C600, 2), pos(SPY, -20)];

describe('scenarioGrid: shape', () => {
  it('uses the default moves and labels every cell with its scenario', () => {
    const g = grid(BOOK);
    expect(g.spotPcts).toEqual(DEFAULT_SPOT_PCTS);
    expect(g.volPts).toEqual(DEFAULT_VOL_PTS);
    expect(g.days).toBe(0);
    expect(g.nav).toBe(250_000);
    expect(g.withOrder).toBeNull();
    expect(g.cells).toHaveLength(DEFAULT_SPOT_PCTS.length);
    g.cells.forEach((row, i) => {
      expect(row).toHaveLength(DEFAULT_VOL_PTS.length);
      row.forEach((cell, j) => {
        expect(cell.spotPct).toBe(DEFAULT_SPOT_PCTS[i]);
        expect(cell.volPts).toBe(DEFAULT_VOL_PTS[j]);
        for (const x of Object.values(cell)) expect(Number.isFinite(x)).toBe(true);
      });
    });
  });

  it('an empty book is all zeros', () => {
    for (const row of grid([]).cells) for (const c of row) expect(c).toMatchObject({ pnl: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });
  });
});

describe('scenarioGrid: the centre cell', () => {
  it('has P&L 0 and the same cash Greeks valueBook gives the same book', () => {
    const g = grid(BOOK);
    const c = centre(g);
    expect(c.pnl).toBe(0);
    const v = valueBook({
      positions: BOOK.map((p) => ({ symbol: p.instrument.symbol, qty: p.qty, avgPrice: 1 })),
      instruments,
      quotes,
      cash: 0,
      now: NOW,
      rate: RATE,
      dividendYield: (u) => YIELDS[u] ?? 0,
      expiryTs,
      shortDatedDays: 7,
    });
    const p = v.greeks.portfolio;
    expectRel(c.deltaCash, p.deltaCash, 1e-9, 'delta');
    expectRel(c.gammaCash1Pct, p.gammaCash1Pct, 1e-9, 'gamma');
    expectRel(c.vegaCashPerPoint, p.vegaCashPerPoint, 1e-9, 'vega');
    expectRel(c.thetaCashPerDay, p.thetaCashPerDay, 1e-9, 'theta');
    // Non-trivial book: every Greek is present.
    for (const x of [p.deltaCash, p.gammaCash1Pct, p.vegaCashPerPoint, p.thetaCashPerDay]) expect(Math.abs(x)).toBeGreaterThan(1);
  });
});

describe('scenarioGrid: P&L', () => {
  it('a stock-only book is linear: units × spot × move, in every vol column, with constant delta', () => {
    const g = grid([pos(AAPL, 100), pos(SPY, -20)]);
    for (const row of g.cells) {
      for (const c of row) {
        expectRel(c.pnl, 100 * 200 * c.spotPct - 20 * 600 * c.spotPct, 1e-9);
        expectRel(c.deltaCash, (100 * 200 - 20 * 600) * (1 + c.spotPct), 1e-9);
        expect(c.gammaCash1Pct).toBe(0);
        expect(c.vegaCashPerPoint).toBe(0);
      }
    }
    expectRel(g.cells[0]![0]!.pnl, -0.1 * (20_000 - 12_000));
  });

  it('a long call gains with spot (along every vol column) and with vol (along every spot row)', () => {
    const g = grid([pos(AAPL_C210, 1)]);
    for (let j = 0; j < g.volPts.length; j++) {
      for (let i = 1; i < g.spotPcts.length; i++) expect(g.cells[i]![j]!.pnl).toBeGreaterThan(g.cells[i - 1]![j]!.pnl);
    }
    for (let i = 0; i < g.spotPcts.length; i++) {
      for (let j = 1; j < g.volPts.length; j++) expect(g.cells[i]![j]!.pnl).toBeGreaterThan(g.cells[i]![j - 1]!.pnl);
    }
    // Convex: the +10% gain beats the −10% loss, and delta rises with spot.
    const up = g.cells.at(-1)![g.volPts.indexOf(0)]!;
    const down = g.cells[0]![g.volPts.indexOf(0)]!;
    expect(up.pnl).toBeGreaterThan(-down.pnl);
    expect(up.deltaCash).toBeGreaterThan(down.deltaCash);
  });

  it('a short call is the mirror image of a long one', () => {
    const long = grid([pos(AAPL_C210, 2)]);
    const short = grid([pos(AAPL_C210, -2)]);
    long.cells.forEach((row, i) => row.forEach((c, j) => expectRel(short.cells[i]![j]!.pnl, -c.pnl, 1e-9)));
  });

  it('adding a proposed order changes every cell by exactly that position’s own P&L and Greeks', () => {
    const order = pos(AAPL_C210, 4);
    const before = grid(BOOK);
    const after = grid([...BOOK, order], { withOrder: 'BUY 4 AAPL_C210' });
    const alone = grid([order]);
    expect(after.withOrder).toBe('BUY 4 AAPL_C210');
    after.cells.forEach((row, i) =>
      row.forEach((c, j) => {
        const b = before.cells[i]![j]!;
        const o = alone.cells[i]![j]!;
        expectRel(c.pnl - b.pnl, o.pnl, 1e-9);
        expectRel(c.deltaCash - b.deltaCash, o.deltaCash, 1e-9);
        expectRel(c.gammaCash1Pct - b.gammaCash1Pct, o.gammaCash1Pct, 1e-9);
        expectRel(c.vegaCashPerPoint - b.vegaCashPerPoint, o.vegaCashPerPoint, 1e-9);
      }),
    );
    // And the order's own P&L is not trivially zero off-centre.
    expect(Math.abs(alone.cells[0]![0]!.pnl)).toBeGreaterThan(100);
  });

  it('a time step makes a long option lose value (theta), about theta × days for one day', () => {
    const oneDay = grid([pos(AAPL_C210, 1)], { days: 1 });
    const week = grid([pos(AAPL_C210, 1)], { days: 7 });
    const theta = centre(grid([pos(AAPL_C210, 1)])).thetaCashPerDay;
    expect(theta).toBeLessThan(0);
    expect(oneDay.days).toBe(1);
    expect(centre(oneDay).pnl).toBeLessThan(0);
    expectRel(centre(oneDay).pnl, theta, 0.05);
    expect(centre(week).pnl).toBeLessThan(centre(oneDay).pnl);
    // Stock P&L does not decay.
    expect(centre(grid([pos(AAPL, 100)], { days: 7 })).pnl).toBe(0);
  });

  it('past expiry, the option is worth its intrinsic value', () => {
    // The 3-day 190 put, 10 days on and 10% down (spot 180): worth 10 × 100, against its model value today.
    const g = grid([pos(AAPL_P190, 1)], { days: 10, spotPcts: [-0.1], volPts: [0] });
    const c = g.cells[0]![0]!;
    const today = blackScholes({ right: 'P', spot: 200, strike: 190, t: 3 / 365, r: RATE, q: YIELDS.AAPL!, vol: 0.35 }).price;
    expectRel(c.pnl, 1_000 - 100 * today, 1e-9);
    expect(c.vegaCashPerPoint).toBe(0);
    expect(c.gammaCash1Pct).toBe(0);
    expect(c.thetaCashPerDay).toBe(0);
  });

  it('a vol shift is floored at 1% implied volatility', () => {
    // The 15% SPY call shifted by −20 and −30 points both price at the 1% floor.
    const g = grid([pos(SPY_C600, 1)], { volPts: [-30, -20], spotPcts: [0] });
    expect(g.cells[0]![0]!.pnl).toBe(g.cells[0]![1]!.pnl);
  });
});

describe('scenarioGrid: bad inputs throw a clear ScenarioError', () => {
  const cases: [string, Partial<ScenarioInputs>, RegExp][] = [
    ['a spot move of −100%', { spotPcts: [-1] }, /above −100%/],
    ['a spot move below −100%', { spotPcts: [0, -1.5] }, /above −100%/],
    ['a NaN spot move', { spotPcts: [NaN] }, /finite/],
    ['an infinite spot move', { spotPcts: [Infinity] }, /finite/],
    ['a NaN vol move', { volPts: [0, NaN] }, /finite/],
    ['negative days', { days: -1 }, /time step non-negative/],
    ['NaN days', { days: NaN }, /finite/],
  ];
  for (const [what, over, message] of cases) {
    it(what, () => {
      expect(() => grid(BOOK, over)).toThrow(ScenarioError);
      expect(() => grid(BOOK, over)).toThrow(message);
    });
  }

  it('a position whose underlying has no quote', () => {
    const noAapl = new Map(quotes);
    noAapl.delete('AAPL');
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: noAapl })).toThrow(ScenarioError);
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: noAapl })).toThrow('No price for AAPL: the scenario grid cannot value AAPL_C210.');
    // An unusable quote (no price at all) is no better.
    const zero = new Map(quotes);
    zero.set('AAPL', q('AAPL', 0, 0, { last: 0 }));
    expect(() => grid([pos(AAPL, 1)], { quotes: zero })).toThrow(/No price for AAPL/);
  });

  it('an option without implied volatility', () => {
    const noIv = new Map(quotes);
    noIv.set('AAPL_C210', q('AAPL_C210', 4.9, 5.1));
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: noIv })).toThrow(ScenarioError);
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: noIv })).toThrow('No implied volatility for AAPL_C210.');
    noIv.set('AAPL_C210', q('AAPL_C210', 4.9, 5.1, { iv: 0 }));
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: noIv })).toThrow('No implied volatility for AAPL_C210.');
    const missing = new Map(quotes);
    missing.delete('AAPL_C210');
    expect(() => grid([pos(AAPL_C210, 1)], { quotes: missing })).toThrow('No implied volatility for AAPL_C210.');
  });

  it('the error is an Error with its message', () => {
    try {
      grid(BOOK, { days: -1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as Error).message.length).toBeGreaterThan(10);
    }
  });
});

describe('shockPnl', () => {
  const env = { quotes, now: NOW, rate: RATE, dividendYield: (u: string) => YIELDS[u] ?? 0, expiryTs, nav: 250_000 };

  it('is zero with no returns, and units × spot × (eʳ − 1) for stocks', () => {
    expect(shockPnl({ ...env, positions: BOOK }, new Map())).toBe(0);
    const r = new Map([
      ['AAPL', Math.log(1.03)],
      ['SPY', -0.02],
    ]);
    expectRel(shockPnl({ ...env, positions: [pos(AAPL, 100), pos(SPY, -20)] }, r), 100 * 200 * 0.03 - 20 * 600 * (Math.exp(-0.02) - 1), 1e-9);
  });

  it('matches the grid cell for the same spot move at unchanged vol', () => {
    const move = 0.05;
    const g = grid(BOOK, { spotPcts: [move], volPts: [0] });
    const pnl = shockPnl({ ...env, positions: BOOK }, new Map([['AAPL', Math.log(1 + move)], ['SPY', Math.log(1 + move)]]));
    expectRel(pnl, g.cells[0]![0]!.pnl, 1e-9);
  });

  it('throws ScenarioError without an underlying price or implied volatility', () => {
    const noSpy = new Map(quotes);
    noSpy.delete('SPY');
    expect(() => shockPnl({ ...env, quotes: noSpy, positions: [pos(SPY_C600, 1)] }, new Map())).toThrow(ScenarioError);
    const noIv = new Map(quotes);
    noIv.set('SPY_C600', q('SPY_C600', 7.9, 8.1));
    expect(() => shockPnl({ ...env, quotes: noIv, positions: [pos(SPY_C600, 1)] }, new Map())).toThrow('No implied volatility for SPY_C600.');
  });
});
