import { describe, expect, it } from 'vitest';
import type { CashGreeks, Instrument, Quote } from '../../shared/domain.js';
import { DAY_MS, markPrice, ValuationCache, valueBook, type ValuationInputs } from './exposure.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');

const expectClose = (actual: number, expected: number, relTol = 1e-9, label?: string) => {
  expect(Math.abs(actual - expected), label ?? `${actual} vs ${expected}`).toBeLessThanOrEqual(relTol * Math.max(1, Math.abs(expected)));
};

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

// Instruments and when each option stops trading.
const AAPL = stock('AAPL');
const SPY = stock('SPY');
const MSFT = stock('MSFT');
const AAPL_C210 = opt('AAPL_C210', 'AAPL', 'C', 210, '2026-12-18'); // 25 days
const AAPL_P190 = opt('AAPL_P190', 'AAPL', 'P', 190, '2026-11-26'); // 3 days: short-dated
const SPY_C600 = opt('SPY_C600', 'SPY', 'C', 600, '2026-11-30'); // exactly 7 days: short-dated (inclusive)
const SPY_P580 = opt('SPY_P580', 'SPY', 'P', 580, '2026-12-01'); // 8 days: not short-dated
const EXPIRY_DAYS: Record<string, number> = { AAPL_C210: 25, AAPL_P190: 3, SPY_C600: 7, SPY_P580: 8 };

const instruments = new Map([AAPL, SPY, MSFT, AAPL_C210, AAPL_P190, SPY_C600, SPY_P580].map((i) => [i.symbol, i]));

const quotes = new Map<string, Quote>([
  ['AAPL', q('AAPL', 199.9, 200.1)], // mid 200
  ['SPY', q('SPY', 599.95, 600.05)], // mid 600
  ['AAPL_C210', q('AAPL_C210', 4.9, 5.1, { iv: 0.3 })], // mid 5.00
  ['AAPL_P190', q('AAPL_P190', 0.2, 0.24, { iv: 0.35 })], // mid 0.22
  ['SPY_C600', q('SPY_C600', 7.9, 8.1, { iv: 0.15 })], // mid 8.00
  ['SPY_P580', q('SPY_P580', 2.95, 3.05, { iv: 0.17 })], // mid 3.00
]);

const RATE = 0.04;
const YIELDS: Record<string, number> = { AAPL: 0.005, SPY: 0.012 };

const inputs = (over: Partial<ValuationInputs> = {}): ValuationInputs => ({
  positions: [],
  instruments,
  quotes,
  cash: 50_000,
  now: NOW,
  rate: RATE,
  dividendYield: (u) => YIELDS[u] ?? 0,
  expiryTs: (i) => NOW + (EXPIRY_DAYS[i.symbol] ?? 0) * DAY_MS,
  shortDatedDays: 7,
  ...over,
});

// Per-unit Black-Scholes-Merton Greeks computed independently with mpmath (30 digits) from the
// textbook formulas (Hull): Δ_C = e^{-qT}N(d1), Δ_P = −e^{-qT}N(−d1), Γ = e^{-qT}φ(d1)/(Sσ√T),
// vega = S e^{-qT} φ(d1) √T, θ_C = −S e^{-qT} φ(d1) σ/(2√T) − rK e^{-rT} N(d2) + qS e^{-qT} N(d1),
// θ_P = −S e^{-qT} φ(d1) σ/(2√T) + rK e^{-rT} N(−d2) − qS e^{-qT} N(−d1).
// AAPL 210 call: S = 200, T = 25/365, r = 4%, q = 0.5%, σ = 30% → d1 = −0.551633, d2 = −0.630147.
const C210 = { delta: 0.29050029506073125, gamma: 0.021812666157443048, vega: 17.928218759542231, theta: -41.18633816639503 };
// AAPL 190 put: S = 200, T = 3/365, r = 4%, q = 0.5%, σ = 35% → d1 = 1.641441, d2 = 1.609710.
const P190 = { delta: -0.05035085656963515, gamma: 0.016342322912893331, vega: 1.8804864721685476, theta: -39.680824041985012 };

/** Cash Greeks of `units` (= qty × multiplier) per the file header's conventions, by hand. */
function cash(units: number, spot: number, g: { delta: number; gamma: number; vega: number; theta: number }): CashGreeks {
  return {
    deltaShares: units * g.delta,
    deltaCash: units * g.delta * spot,
    gammaCash1Pct: units * g.gamma * spot * spot * 0.01,
    vegaCashPerPoint: units * g.vega * 0.01,
    thetaCashPerDay: (units * g.theta) / 365,
  };
}

function expectGreeks(actual: CashGreeks, expected: CashGreeks, relTol = 1e-9) {
  for (const k of Object.keys(expected) as (keyof CashGreeks)[]) expectClose(actual[k], expected[k], relTol, k);
}

describe('markPrice', () => {
  it('uses the mid when both sides quote', () => {
    expect(markPrice(q('X', 9.9, 10.3, { last: 12 }))).toBeCloseTo(10.1, 12);
  });

  it('falls back to the last trade on a one-sided or crossed book, and to null without one', () => {
    expect(markPrice(q('X', 0, 10.3, { last: 10 }))).toBe(10);
    expect(markPrice(q('X', 9.9, 0, { last: 10 }))).toBe(10);
    expect(markPrice(q('X', 10.5, 10, { last: 10.2 }))).toBe(10.2); // crossed
    expect(markPrice(q('X', 0, 0, { last: 0 }))).toBeNull();
    expect(markPrice(undefined)).toBeNull();
  });
});

describe('valueBook: stocks', () => {
  it('gives a stock position delta = shares and cash delta = shares × spot, with no other Greeks', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'AAPL', qty: 100, avgPrice: 180 }] }));
    expect(v.positions).toHaveLength(1);
    const p = v.positions[0]!;
    expect(p.greeks).toEqual({ deltaShares: 100, deltaCash: 20_000, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });
    expect(p.last).toBe(200);
    expect(p.marketValue).toBe(20_000);
    expect(p.unrealizedPnl).toBe(2_000); // (200 − 180) × 100
    expect(p.iv).toBeNull();
  });

  it('gives a short stock position negative delta', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'SPY', qty: -10, avgPrice: 610 }] }));
    expect(v.positions[0]!.greeks.deltaShares).toBe(-10);
    expect(v.positions[0]!.greeks.deltaCash).toBe(-6000);
    expect(v.positions[0]!.marketValue).toBe(-6000);
    expect(v.positions[0]!.unrealizedPnl).toBe(100); // shorted at 610, now 600
  });

  it('marks a position without a quote at cost, with zero unrealised P&L', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'MSFT', qty: 20, avgPrice: 400 }], cash: 1000 }));
    const p = v.positions[0]!;
    expect(p.last).toBeNull();
    expect(p.marketValue).toBe(8000);
    expect(p.unrealizedPnl).toBe(0);
    expect(p.greeks.deltaShares).toBe(20);
    expect(p.greeks.deltaCash).toBe(8000); // priced at cost too
    expect(p.pricingError).toMatch(/No quote for MSFT: valued at cost/);
    expect(v.nav).toBe(9000);
    expect(v.unrealizedPnl).toBe(0);
  });

  it('skips positions in unknown instruments', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'NOPE', qty: 5, avgPrice: 1 }] }));
    expect(v.positions).toEqual([]);
    expect(v.nav).toBe(50_000);
  });
});

describe('valueBook: options', () => {
  it('gives a long call qty × 100 × BS Greeks, scaled per the header conventions', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'AAPL_C210', qty: 3, avgPrice: 4 }] }));
    const p = v.positions[0]!;
    expect(p.iv).toBe(0.3);
    // units = 3 × 100 = 300: deltaShares = 300 × 0.29050 = 87.15; deltaCash = 17,430;
    // gamma 1% = 300 × 0.021813 × 200² × 1% = 2,617.5; vega/pt = 300 × 17.928 × 1% = 53.78;
    // theta/day = 300 × (−41.186) / 365 = −33.85.
    expectGreeks(p.greeks, cash(300, 200, C210));
    expectClose(p.greeks.deltaShares, 87.150088518219375);
    expectClose(p.greeks.gammaCash1Pct, 2617.5199388931658);
    expectClose(p.greeks.thetaCashPerDay, -33.85178479429728);
    // Market value and P&L use the quote, not the model: 3 × 5.00 × 100 = 1500; (5 − 4) × 300 = 300.
    expect(p.marketValue).toBeCloseTo(1500, 9);
    expect(p.unrealizedPnl).toBeCloseTo(300, 9);
  });

  it('flips every Greek for a short position: short put has positive delta, negative gamma and vega, positive theta', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'AAPL_P190', qty: -2, avgPrice: 0.5 }] }));
    const g = v.positions[0]!.greeks;
    expectGreeks(g, cash(-200, 200, P190));
    expect(g.deltaShares).toBeGreaterThan(0);
    expect(g.gammaCash1Pct).toBeLessThan(0);
    expect(g.vegaCashPerPoint).toBeLessThan(0);
    expect(g.thetaCashPerDay).toBeGreaterThan(0);
    // Sold at 0.50, now 0.22: (0.22 − 0.50) × −200 = +56.
    expect(v.positions[0]!.unrealizedPnl).toBeCloseTo(56, 9);
  });

  it('gamma 1% is the change of delta (in shares, valued at spot) for a 1% move in the underlying', () => {
    // Independent of the formulas: revalue with the underlying at ±0.5% and difference.
    const book = (spot: number) =>
      valueBook(
        inputs({
          positions: [{ symbol: 'AAPL_C210', qty: 3, avgPrice: 4 }],
          quotes: new Map([...quotes, ['AAPL', q('AAPL', spot, spot)]]),
        }),
      ).positions[0]!.greeks;
    const up = book(200 * 1.005).deltaShares;
    const down = book(200 * 0.995).deltaShares;
    // Central-difference truncation is about (h / (S σ √T))² / 6 ≈ (1 / 15.7)² / 6 ≈ 7e-4 relative here.
    expectClose((up - down) * 200, book(200).gammaCash1Pct, 2e-3);
  });

  it('fails closed without an implied volatility or an underlying quote: Greeks flagged unknown, not silently zero', () => {
    const noIv = new Map([...quotes, ['AAPL_C210', q('AAPL_C210', 4.9, 5.1)]]);
    const unpriced = valueBook(inputs({ quotes: noIv, positions: [{ symbol: 'AAPL_C210', qty: 1, avgPrice: 4 }] }));
    expect(unpriced.positions[0]!.iv).toBeNull();
    expect(unpriced.positions[0]!.pricingError).toMatch(/No implied volatility for AAPL_C210/);
    expect(unpriced.greeks.byUnderlying[0]!.unpriced).toBe(1);
    expect(unpriced.greeks.portfolio.unpriced).toBe(1);

    const noSpot = new Map(quotes);
    noSpot.delete('AAPL');
    const v = valueBook(inputs({ quotes: noSpot, positions: [{ symbol: 'AAPL_C210', qty: 1, avgPrice: 4 }] }));
    expect(v.positions[0]!.iv).toBeNull();
    expect(v.positions[0]!.pricingError).toMatch(/No price for the underlying AAPL/);
    expect(v.positions[0]!.greeks).toEqual({ deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });
    expect(v.positions[0]!.marketValue).toBeCloseTo(500, 9); // still marked at its own quote
  });

  it('treats an expired option as intrinsic: delta e^{-q·0} = 1 per share in the money, nothing else', () => {
    const v = valueBook(
      inputs({
        positions: [{ symbol: 'AAPL_C210', qty: 1, avgPrice: 4 }],
        quotes: new Map([...quotes, ['AAPL', q('AAPL', 219.9, 220.1)]]),
        expiryTs: () => NOW - DAY_MS,
      }),
    );
    expectGreeks(v.positions[0]!.greeks, { deltaShares: 100, deltaCash: 22_000, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });
  });
});

describe('valueBook: aggregation', () => {
  const positions = [
    { symbol: 'AAPL', qty: 100, avgPrice: 180 },
    { symbol: 'AAPL_C210', qty: 3, avgPrice: 4 },
    { symbol: 'AAPL_P190', qty: -2, avgPrice: 0.5 },
    { symbol: 'SPY', qty: 50, avgPrice: 610 },
    { symbol: 'SPY_C600', qty: 1, avgPrice: 9 },
    { symbol: 'SPY_P580', qty: 4, avgPrice: 2 },
  ];

  it('computes NAV = cash + Σ market values', () => {
    const v = valueBook(inputs({ positions }));
    // 100 × 200 + 3 × 5 × 100 − 2 × 0.22 × 100 + 50 × 600 + 1 × 8 × 100 + 4 × 3 × 100
    // = 20,000 + 1,500 − 44 + 30,000 + 800 + 1,200 = 53,456
    expectClose(v.marketValue, 53_456);
    expectClose(v.nav, 50_000 + 53_456);
    // Unrealised: 2,000 + 300 + 56 − 500 − 100 + 400 = 2,156
    expectClose(v.unrealizedPnl, 2_156);
  });

  it('lists positions in book order: by underlying, the underlying first, then options by expiry', () => {
    const v = valueBook(inputs({ positions: [...positions].reverse() }));
    expect(v.positions.map((p) => p.symbol)).toEqual(['AAPL', 'AAPL_P190', 'AAPL_C210', 'SPY', 'SPY_C600', 'SPY_P580']);
  });

  it('orders options with the same expiry by strike, then right', () => {
    const sameExpiry = new Map(instruments);
    const mk = (symbol: string, right: 'C' | 'P', strike: number) => sameExpiry.set(symbol, opt(symbol, 'AAPL', right, strike, '2026-12-18'));
    mk('Z1', 'P', 200);
    mk('Z2', 'C', 200);
    mk('Z3', 'C', 195);
    const v = valueBook(
      inputs({
        instruments: sameExpiry,
        positions: ['Z1', 'Z2', 'Z3'].map((symbol) => ({ symbol, qty: 1, avgPrice: 1 })),
      }),
    );
    expect(v.positions.map((p) => p.symbol)).toEqual(['Z3', 'Z2', 'Z1']);
  });

  it('puts only options expiring within shortDatedDays in the short-dated bucket', () => {
    const v = valueBook(inputs({ positions }));
    const aapl = v.greeks.byUnderlying.find((r) => r.underlying === 'AAPL')!;
    const spy = v.greeks.byUnderlying.find((r) => r.underlying === 'SPY')!;
    // AAPL: only the 3-day put (not the stock, not the 25-day call).
    expectGreeks(aapl.shortDated, cash(-200, 200, P190));
    // SPY: only the call expiring in exactly 7 days (not the stock, not the 8-day put).
    const spyCall = v.positions.find((p) => p.symbol === 'SPY_C600')!.greeks;
    expectGreeks(spy.shortDated, spyCall, 1e-12);
    expect(spy.shortDated.deltaShares).toBeGreaterThan(0);
    expect(spy.shortDated.deltaShares).toBeLessThan(100);
    expect(v.greeks.shortDatedDays).toBe(7);

    // With a 2-day window nothing qualifies; with 30 days every option does.
    const none = valueBook(inputs({ positions, shortDatedDays: 2 }));
    expectGreeks(none.greeks.portfolio.shortDated, { deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 });
    const all = valueBook(inputs({ positions, shortDatedDays: 30 }));
    const optionsOnly = all.positions.filter((p) => p.instrument.kind === 'OPTION');
    expectClose(all.greeks.portfolio.shortDated.deltaShares, optionsOnly.reduce((s, p) => s + p.greeks.deltaShares, 0), 1e-12);
    expectClose(all.greeks.portfolio.shortDated.deltaShares, all.greeks.portfolio.deltaShares - 150, 1e-12); // minus the 100 + 50 shares
  });

  it('sums per-underlying rows to the portfolio row, and positions to their rows', () => {
    const v = valueBook(inputs({ positions }));
    const { byUnderlying, portfolio } = v.greeks;
    expect(byUnderlying.map((r) => r.underlying)).toEqual(['AAPL', 'SPY']);
    expect(portfolio.underlying).toBe('PORTFOLIO');
    const keys = ['deltaShares', 'deltaCash', 'gammaCash1Pct', 'vegaCashPerPoint', 'thetaCashPerDay'] as const;
    for (const k of keys) {
      expectClose(byUnderlying.reduce((s, r) => s + r[k], 0), portfolio[k], 1e-12, k);
      expectClose(byUnderlying.reduce((s, r) => s + r.shortDated[k], 0), portfolio.shortDated[k], 1e-12, `shortDated.${k}`);
      for (const row of byUnderlying) {
        const sum = v.positions.filter((p) => p.instrument.underlying === row.underlying).reduce((s, p) => s + p.greeks[k], 0);
        expectClose(row[k], sum, 1e-12, `${row.underlying}.${k}`);
      }
    }
    expectClose(byUnderlying.reduce((s, r) => s + r.marketValue, 0), portfolio.marketValue, 1e-12);
    expectClose(portfolio.marketValue, v.marketValue, 1e-12);
    // AAPL row market value: 20,000 + 1,500 − 44 = 21,456.
    expectClose(byUnderlying[0]!.marketValue, 21_456);
    // deltaPctNav = deltaCash / NAV.
    for (const row of [...byUnderlying, portfolio]) expectClose(row.deltaPctNav, row.deltaCash / v.nav, 1e-12);
    // AAPL delta in shares: 100 (stock) + 300 × 0.29050 (call) + (−200) × (−0.05035) (short put) = 197.22.
    expectClose(byUnderlying[0]!.deltaShares, 100 + 300 * C210.delta - 200 * P190.delta);
  });

  it('reports zero delta % of NAV when NAV is not positive', () => {
    const v = valueBook(inputs({ positions: [{ symbol: 'AAPL', qty: 100, avgPrice: 180 }], cash: -30_000 }));
    expect(v.nav).toBe(-10_000);
    expect(v.greeks.portfolio.deltaPctNav).toBe(0);
  });

  it('is empty but well-formed for an empty book', () => {
    const v = valueBook(inputs());
    expect(v.nav).toBe(50_000);
    expect(v.greeks.byUnderlying).toEqual([]);
    expect(v.greeks.portfolio).toMatchObject({ underlying: 'PORTFOLIO', deltaShares: 0, marketValue: 0, deltaPctNav: 0 });
  });
});

describe('valueBook with a ValuationCache: incremental revaluation', () => {
  const book = [
    { symbol: 'AAPL_C210', qty: 2, avgPrice: 4 },
    { symbol: 'AAPL_P190', qty: -3, avgPrice: 0.3 },
    { symbol: 'SPY_C600', qty: 1, avgPrice: 7 },
    { symbol: 'SPY_P580', qty: 1, avgPrice: 3 },
    { symbol: 'SPY', qty: 10, avgPrice: 590 },
  ];

  it('a quote for one underlying reprices only that underlying’s options, with the same result as a full revaluation', () => {
    const cache = new ValuationCache();
    valueBook(inputs({ positions: book }), cache);
    expect(cache.priced).toBe(4);
    valueBook(inputs({ positions: book }), cache);
    expect(cache.priced).toBe(4); // nothing moved: nothing repriced

    const moved = new Map(quotes);
    moved.set('AAPL', q('AAPL', 201.9, 202.1));
    const incremental = valueBook(inputs({ positions: book, quotes: moved }), cache);
    expect(cache.priced).toBe(6); // the two AAPL options only
    const full = valueBook(inputs({ positions: book, quotes: moved }));
    expect(incremental.greeks).toEqual(full.greeks);
    expect(incremental.positions).toEqual(full.positions);
  });

  it('an implied-volatility change reprices that option; the clock moving past the time step reprices all', () => {
    const cache = new ValuationCache(undefined, 60_000);
    valueBook(inputs({ positions: book }), cache);
    const volMoved = new Map(quotes);
    volMoved.set('SPY_C600', q('SPY_C600', 7.9, 8.1, { iv: 0.16 }));
    valueBook(inputs({ positions: book, quotes: volMoved }), cache);
    expect(cache.priced).toBe(5);
    valueBook(inputs({ positions: book, quotes: volMoved, now: NOW + 30_000 }), cache);
    expect(cache.priced).toBe(5); // within the time step
    valueBook(inputs({ positions: book, quotes: volMoved, now: NOW + 60_000 }), cache);
    expect(cache.priced).toBe(9);
  });

  it('reports % of NAV for every Greek, per-expiry buckets and beta-weighted delta', () => {
    const v = valueBook(inputs({ positions: book, beta: (u) => (u === 'AAPL' ? 1.2 : 1) }));
    const aapl = v.greeks.byUnderlying.find((r) => r.underlying === 'AAPL')!;
    expect(aapl.gammaPctNav).toBeCloseTo(aapl.gammaCash1Pct / v.nav, 12);
    expect(aapl.vegaPctNav).toBeCloseTo(aapl.vegaCashPerPoint / v.nav, 12);
    expect(aapl.thetaPctNav).toBeCloseTo(aapl.thetaCashPerDay / v.nav, 12);
    expect(aapl.expiries.map((e) => e.expiry)).toEqual(['2026-11-26', '2026-12-18']);
    const sumBuckets = aapl.expiries.reduce((s, e) => s + e.deltaCash, 0);
    expect(sumBuckets).toBeCloseTo(aapl.deltaCash, 9); // AAPL has no shares in this book
    expect(aapl.expiries[0]!.shortDated).toBe(true);
    expect(aapl.betaDeltaCash).toBeCloseTo(1.2 * aapl.deltaCash, 9);
    const spyMid = 600;
    expect(v.greeks.benchmark).toBe('SPY');
    expect(v.greeks.betaWeightedShares).toBeCloseTo(v.greeks.portfolio.betaDeltaCash / spyMid, 9);
  });
});
