// The hedge planner on constructed books with real pricing and the real risk gate.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELTA_BAND, HedgeResult, type HedgePlan } from '../../shared/hedge.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../../shared/risk.js';
import { valueBook } from '../risk/exposure.js';
import { planHedges, HedgeInputError } from './planner.js';
import { dateAfter, expiryTs, RATE, TestMarket } from './testing.js';

const NVDA_CAP = DEFAULT_RISK_LIMITS.tiers.T2.maxExposureNotional; // 250,000
const CASH = 2_000_000;

/** Order caps out of the way, where a test is about sizing rather than the gate. */
const WIDE_ORDERS: RiskLimits = {
  ...DEFAULT_RISK_LIMITS,
  order: { ...DEFAULT_RISK_LIMITS.order, maxNotional: 10_000_000, maxQty: 1_000_000, maxContracts: 10_000 },
  tiers: {
    T1: { ...DEFAULT_RISK_LIMITS.tiers.T1, maxOrderNotional: 10_000_000, maxPositionPctNav: 10 },
    T2: { ...DEFAULT_RISK_LIMITS.tiers.T2, maxOrderNotional: 10_000_000, maxPositionPctNav: 10 },
    T3: { ...DEFAULT_RISK_LIMITS.tiers.T3, maxOrderNotional: 10_000_000, maxPositionPctNav: 10 },
  },
};

function nvdaMarket(): TestMarket {
  const m = new TestMarket();
  m.underlying('NVDA', 182.5, 0.48);
  m.chain('NVDA', [dateAfter(4), dateAfter(11), dateAfter(25)], [165, 170, 175, 180, 185, 190, 195, 200]);
  return m;
}

function qqqMarket(shape = {}): TestMarket {
  const m = new TestMarket();
  m.underlying('QQQ', 600, 0.2, {}, 'ETF');
  m.chain('QQQ', [dateAfter(4), dateAfter(11), dateAfter(25)], [570, 580, 590, 595, 600, 605, 610, 620, 630], shape);
  return m;
}

const chosenOf = (r: HedgeResult): HedgePlan => {
  expect(r.chosen).toBe(0);
  return r.plans[r.chosen!]!;
};

describe('planHedges: nothing to do', () => {
  it('an empty book has no breaches, no plans and no chosen plan', () => {
    const m = nvdaMarket();
    const r = planHedges(m.input([], CASH));
    expect(r).toMatchObject({ breaches: [], plans: [], chosen: null, considered: 0 });
  });

  it('a book just inside every limit gets no plan (no churn at the edge)', () => {
    const m = nvdaMarket();
    const qty = Math.floor((0.99 * NVDA_CAP) / m.spot('NVDA'));
    const r = planHedges(m.input(m.positions([['NVDA', qty]]), CASH));
    expect(r.breaches).toEqual([]);
    expect(r.plans).toEqual([]);
    expect(r.chosen).toBeNull();
  });

  it('refuses a book whose NAV is unknown with a clear error', () => {
    const m = nvdaMarket();
    const input = m.input(m.positions([['NVDA', 3000]]), CASH);
    expect(() => planHedges({ ...input, nav: Number.NaN })).toThrow(HedgeInputError);
    expect(() => planHedges({ ...input, nav: 0 })).toThrow(/NAV or cash/);
  });
});

describe('planHedges: delta', () => {
  it('a delta breach yields a share hedge of the right size, inside the band', () => {
    const m = nvdaMarket();
    const positions = m.positions([['NVDA', 3000]]);
    const input = m.input(positions, CASH, { limits: WIDE_ORDERS });
    const r = planHedges({ ...input, gate: m.gate(positions, CASH, WIDE_ORDERS) });
    expect(r.breaches.map((b) => b.id)).toEqual(['tier.NVDA']);
    expect(r.breaches[0]).toMatchObject({ group: 'tier', underlying: 'NVDA', unit: 'currency', limit: NVDA_CAP });
    const plan = chosenOf(r);
    expect(plan.kind).toBe('shares');
    const spot = m.spot('NVDA');
    const expected = Math.round((3000 * spot - 0.5 * NVDA_CAP) / spot);
    expect(plan.legs).toEqual([{ symbol: 'NVDA', side: 'SELL', qty: expected }]);
    expect(Math.abs(plan.afterUnderlying.delta - 0.5 * NVDA_CAP)).toBeLessThanOrEqual(spot);
    expect(plan.beforeUnderlying.delta).toBeCloseTo(3000 * spot, 6);
    expect(plan.breachesAfter).toEqual([]);
    expect(plan.feasible).toBe(true);
    expect(plan.reason).toBeNull();
    // Costs: half the spread on every share, the stock commission, nothing beyond the displayed size.
    const q = m.quotes.get('NVDA')!;
    expect(plan.costBreakdown.halfSpread).toBeCloseTo((expected * (q.ask - q.bid)) / 2, 6);
    expect(plan.costBreakdown.commission).toBeCloseTo(Math.min(Math.max(1, 0.005 * expected), 0.01 * expected * q.bid), 2);
    expect(plan.costBreakdown.cashImpact).toBeCloseTo(expected * q.bid - plan.costBreakdown.commission, 6);

    // Executing it leaves the book inside: planning again proposes nothing.
    const after = m.positions([['NVDA', 3000 - expected]]);
    expect(planHedges(m.input(after, CASH + expected * q.bid)).plans).toEqual([]);
  });

  it('a short book buys back into the band on the short side', () => {
    const m = nvdaMarket();
    const r = planHedges(m.input(m.positions([['NVDA', -2000]]), CASH, { limits: WIDE_ORDERS }));
    const plan = chosenOf(r);
    expect(plan.legs[0]).toMatchObject({ symbol: 'NVDA', side: 'BUY' });
    expect(plan.afterUnderlying.delta).toBeLessThan(0);
    expect(Math.abs(Math.abs(plan.afterUnderlying.delta) - 0.5 * NVDA_CAP)).toBeLessThanOrEqual(m.spot('NVDA'));
  });

  it('respects lot sizes and a configured band', () => {
    const m = nvdaMarket();
    const band = { target: 0.3, width: 0.1 };
    const r = planHedges(m.input(m.positions([['NVDA', 3000]]), CASH, { limits: WIDE_ORDERS, lotSize: () => 100, deltaBands: { NVDA: band } }));
    const plan = chosenOf(r);
    expect(plan.kind).toBe('shares');
    expect(plan.legs[0]!.qty % 100).toBe(0);
    expect(Math.abs(plan.afterUnderlying.delta - band.target * NVDA_CAP)).toBeLessThanOrEqual(band.width * NVDA_CAP);
  });

  it('property: the chosen hedge of a share book lands inside the band when the market is liquid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1400, max: 20_000 }),
        fc.boolean(),
        fc.constantFrom(1, 10, 100),
        fc.double({ min: 20, max: 400, noNaN: true }),
        (size, long, lot, price) => {
          const m = new TestMarket();
          m.underlying('NVDA', price, 0.48);
          const qty = Math.max(size, Math.ceil((1.05 * NVDA_CAP) / price)) * (long ? 1 : -1);
          const r = planHedges(m.input(m.positions([['NVDA', qty]]), 50_000_000, { limits: WIDE_ORDERS, lotSize: () => lot }));
          const plan = chosenOf(r);
          const after = plan.afterUnderlying.delta;
          expect(plan.legs.every((l) => l.qty % lot === 0)).toBe(true);
          expect(Math.sign(after)).toBe(long ? 1 : -1);
          expect(Math.abs(Math.abs(after) - DEFAULT_DELTA_BAND.target * NVDA_CAP)).toBeLessThanOrEqual(DEFAULT_DELTA_BAND.width * NVDA_CAP);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('a short sale the broker cannot borrow for is infeasible with its reason', () => {
    const m = nvdaMarket();
    // Long calls give the delta; selling shares against them opens a short.
    const call = m.option('NVDA', dateAfter(25), 'C', 175);
    const positions = m.positions([[call.symbol, 60]]);
    const base = m.input(positions, CASH, { limits: WIDE_ORDERS });
    const ok = planHedges(base);
    expect(ok.plans.some((p) => p.kind === 'shares' && p.feasible)).toBe(true);
    const r = planHedges({ ...base, shortable: () => false });
    const shares = r.plans.find((p) => p.kind === 'shares')!;
    expect(shares).toMatchObject({ feasible: false, reasonCode: 'NOT_SHORTABLE' });
    expect(shares.reason).toMatch(/cannot be sold short/);
    // Closing the calls needs no borrow and is still offered.
    expect(r.plans[r.chosen!]!.kind).toBe('reduce');
  });
});

describe('planHedges: gamma, vega and combinations', () => {
  it('a gamma breach yields an option hedge that brings gamma under its cap', () => {
    const m = qqqMarket();
    const put = m.option('QQQ', dateAfter(4), 'P', 600);
    const call = m.option('QQQ', dateAfter(4), 'C', 600);
    // A short straddle: short gamma, little delta.
    const positions = m.positions([[put.symbol, -10], [call.symbol, -10]]);
    const input = m.input(positions, CASH);
    const r = planHedges({ ...input, maxPlans: 10 });
    expect(r.breaches.map((b) => b.id)).toEqual(expect.arrayContaining(['short.gamma']));
    const capCash = DEFAULT_RISK_LIMITS.shortDated.gammaPctNav * input.nav;
    const optionPlans = r.plans.filter((p) => p.kind === 'options' && p.feasible);
    expect(optionPlans.length).toBeGreaterThan(0);
    for (const plan of optionPlans) {
      expect(plan.legs).toHaveLength(1);
      expect(plan.legs[0]!.side).toBe('BUY');
      expect(plan.legs[0]!.symbol.startsWith('QQQ')).toBe(true);
      expect(plan.beforeShortDated.gamma).toBeLessThan(-capCash);
      expect(Math.abs(plan.afterShortDated.gamma)).toBeLessThanOrEqual(capCash);
      // Sized for the target (80% of the cap), not a contract more than needed.
      const unit = plan.legDetails[0]!.greeks.gamma / plan.legs[0]!.qty;
      expect(Math.abs(plan.afterShortDated.gamma - unit)).toBeGreaterThan(0.8 * capCash);
      expect(plan.afterShortDated.gamma).toBeGreaterThan(-0.8 * capCash - 1e-6);
      expect(plan.breachesAfter).not.toContain('short.gamma');
    }
    // Only short-dated contracts can fix a short-dated breach.
    expect(optionPlans.every((p) => expiryTs(m.instruments.get(p.legs[0]!.symbol)!) - m.now <= 7 * 86_400_000)).toBe(true);
    // Whatever is chosen brings gamma inside.
    const best = chosenOf(r);
    expect(Math.abs(best.afterShortDated.gamma)).toBeLessThanOrEqual(capCash);
    expect(best.breachesAfter).not.toContain('short.gamma');
  });

  it('costs rank as expected: a wider spread or thinner size costs more and ranks lower', () => {
    const wide = qqqMarket();
    const positions = () => [...wide.positions([[wide.option('QQQ', dateAfter(4), 'P', 600).symbol, -10], [wide.option('QQQ', dateAfter(4), 'C', 600).symbol, -10]])];
    const book = positions();
    // Same contract economics; only the quote differs. Calls: 8% wide; puts: 1%.
    for (const k of [595, 600, 605]) for (const e of [dateAfter(4)]) wide.option('QQQ', e, 'C', k, { spreadPct: 0.08 });
    const r = planHedges({ ...wide.input(book, CASH), maxPlans: 20, reduceCandidates: 0 });
    const options = r.plans.filter((p) => p.kind === 'options' && p.feasible);
    const callAt = options.findIndex((p) => /C00600000$/.test(p.legs[0]!.symbol) && p.legs[0]!.symbol.includes('261127'));
    const putAt = options.findIndex((p) => /P00600000$/.test(p.legs[0]!.symbol) && p.legs[0]!.symbol.includes('261127'));
    expect(callAt).toBeGreaterThanOrEqual(0);
    expect(putAt).toBeGreaterThanOrEqual(0);
    expect(putAt).toBeLessThan(callAt);
    expect(options[callAt]!.costBreakdown.halfSpread).toBeGreaterThan(options[putAt]!.costBreakdown.halfSpread * 4);
    expect(options[callAt]!.score!).toBeGreaterThan(options[putAt]!.score!);

    // Thin size: the puts show 2 contracts on the offer, the calls 500.
    const thin = qqqMarket();
    const book2 = thin.positions([[thin.option('QQQ', dateAfter(4), 'P', 600).symbol, -10], [thin.option('QQQ', dateAfter(4), 'C', 600).symbol, -10]]);
    for (const k of [595, 600, 605]) {
      thin.option('QQQ', dateAfter(4), 'P', k, { askSize: 2 });
      thin.option('QQQ', dateAfter(4), 'C', k, { askSize: 500 });
    }
    const r2 = planHedges({ ...thin.input(book2, CASH), maxPlans: 20, reduceCandidates: 0 });
    const opts2 = r2.plans.filter((p) => p.kind === 'options' && p.feasible && p.legs[0]!.symbol.includes('261127'));
    const c600 = opts2.find((p) => /C00600000$/.test(p.legs[0]!.symbol))!;
    const p600 = opts2.find((p) => /P00600000$/.test(p.legs[0]!.symbol))!;
    expect(p600.costBreakdown.slippage).toBeGreaterThan(0);
    expect(c600.costBreakdown.slippage).toBe(0);
    expect(opts2.indexOf(p600)).toBeGreaterThan(opts2.indexOf(c600));
  });

  it('a book that needs both delta and gamma fixed gets a combination', () => {
    const m = new TestMarket();
    m.underlying('SPY', 668.4, 0.15, {}, 'ETF');
    m.chain('SPY', [dateAfter(4), dateAfter(11)], [640, 650, 660, 665, 670, 675, 680, 690]);
    const call = m.option('SPY', dateAfter(4), 'C', 670);
    // Long 5,000 SPY (far over the T1 exposure limit) and short 30 near-dated calls (short gamma).
    const positions = m.positions([['SPY', 5000], [call.symbol, -30]]);
    const r = planHedges({ ...m.input(positions, CASH, { limits: WIDE_ORDERS }), maxPlans: 10 });
    const ids = r.breaches.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['tier.SPY', 'short.gamma']));
    // Neither shares alone nor options alone can fix both.
    const shares = r.plans.find((p) => p.kind === 'shares');
    expect(shares?.feasible).toBe(false);
    expect(shares?.reasonCode).toBe('DOES_NOT_FIX');
    const plan = chosenOf(r);
    expect(plan.kind).toBe('combination');
    expect(plan.legs).toHaveLength(2);
    expect(plan.legs[0]!.symbol).toMatch(/^SPY\d{6}[CP]/);
    expect(plan.legs[1]).toMatchObject({ symbol: 'SPY', side: 'SELL' });
    expect(plan.breachesAfter).toEqual([]);
    expect(Math.abs(plan.afterUnderlying.delta)).toBeLessThanOrEqual(DEFAULT_RISK_LIMITS.tiers.T1.maxExposureNotional);
  });

  it('closing the positions that cause the breach is offered (buy back the short-dated shorts)', () => {
    const m = qqqMarket();
    const put = m.option('QQQ', dateAfter(4), 'P', 600);
    const r = planHedges({ ...m.input(m.positions([[put.symbol, -20]]), CASH), maxPlans: 10 });
    const close = r.plans.find((p) => p.kind === 'reduce' && p.legs[0]!.qty === 20);
    expect(close).toBeDefined();
    expect(close!.legs).toEqual([{ symbol: put.symbol, side: 'BUY', qty: 20 }]);
    expect(close!.afterShortDated.gamma).toBeCloseTo(0, 6);
    const partial = r.plans.find((p) => p.kind === 'reduce' && p.legs[0]!.qty < 20);
    expect(partial?.feasible).toBe(true);
  });
});

describe('planHedges: infeasible plans keep their reason', () => {
  it('a stale underlying quote makes the share hedge infeasible, and nothing is chosen', () => {
    const m = nvdaMarket();
    m.patch('NVDA', { ts: m.now - 60_000 });
    const r = planHedges(m.input(m.positions([['NVDA', 3000]]), CASH, { limits: WIDE_ORDERS }));
    expect(r.breaches.map((b) => b.id)).toEqual(['tier.NVDA']);
    expect(r.chosen).toBeNull();
    const shares = r.plans.find((p) => p.kind === 'shares')!;
    expect(shares).toMatchObject({ feasible: false, reasonCode: 'STALE_QUOTE' });
    expect(shares.reason).toMatch(/NVDA is 60 s old/);
  });

  it('a stale option chain leaves the option hedge and the buy-back infeasible with that reason', () => {
    const m = qqqMarket({ ageMs: 120_000 });
    const put = m.option('QQQ', dateAfter(4), 'P', 600, { ageMs: 120_000 });
    const r = planHedges({ ...m.input(m.positions([[put.symbol, -20]]), CASH), maxPlans: 10 });
    expect(r.breaches.map((b) => b.id)).toContain('short.gamma');
    const options = r.plans.find((p) => p.kind === 'options')!;
    expect(options).toMatchObject({ feasible: false, reasonCode: 'STALE_QUOTE', legs: [] });
    expect(options.reason).toMatch(/is 120 s old \(limit 10 s\)/);
    const close = r.plans.find((p) => p.kind === 'reduce')!;
    expect(close).toMatchObject({ feasible: false, reasonCode: 'STALE_QUOTE' });
    expect(r.chosen).toBeNull();
  });

  it('no bid in the underlying makes the share sale infeasible for lack of liquidity', () => {
    const m = nvdaMarket();
    m.patch('NVDA', { bid: 0, bidSize: 0 });
    const r = planHedges(m.input(m.positions([['NVDA', 3000]]), CASH, { limits: WIDE_ORDERS }));
    const shares = r.plans.find((p) => p.kind === 'shares')!;
    expect(shares).toMatchObject({ feasible: false, reasonCode: 'NO_LIQUIDITY' });
    expect(shares.reason).toMatch(/bid in NVDA/);
  });

  it('a red gate verdict makes the plan infeasible with the gate\'s reason', () => {
    const m = nvdaMarket();
    const positions = m.positions([['NVDA', 3000]]);
    // The real gate with the default per-order caps: a 2,315-share sale is over 200,000 notional.
    const r = planHedges({ ...m.input(positions, CASH), gate: m.gate(positions, CASH) });
    const shares = r.plans.find((p) => p.kind === 'shares')!;
    expect(shares).toMatchObject({ feasible: false, reasonCode: 'GATE_RED' });
    expect(shares.reason).toMatch(/Risk gate red on SELL \d+ NVDA: .*per-order cap/);
    expect(r.plans.filter((p) => p.feasible).every((p) => p.kind !== 'shares')).toBe(true);
  });
});

describe('planHedges: contract', () => {
  it('serialises to the schema and the CLI shape, deterministically', () => {
    const m = qqqMarket();
    const put = m.option('QQQ', dateAfter(4), 'P', 600);
    const input = m.input(m.positions([[put.symbol, -20]]), CASH);
    const r = planHedges(input);
    const json = JSON.parse(JSON.stringify(r));
    expect(HedgeResult.parse(json)).toEqual(json);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['breaches', 'plans', 'chosen']));
    for (const plan of json.plans) {
      expect(Object.keys(plan)).toEqual(expect.arrayContaining(['legs', 'before', 'after', 'cost', 'score', 'feasible', 'reason']));
      expect(Object.keys(plan.before).sort()).toEqual(['delta', 'gamma', 'theta', 'vega']);
      expect(Object.keys(plan.after).sort()).toEqual(['delta', 'gamma', 'theta', 'vega']);
      for (const leg of plan.legs) expect(Object.keys(leg).sort()).toEqual(['qty', 'side', 'symbol']);
    }
    expect(planHedges(input)).toEqual(r);
  });

  it('before Greeks are the Greeks panel\'s, and a caller\'s valuation gives the same plans', () => {
    const m = qqqMarket();
    m.underlying('NVDA', 182.5, 0.48);
    const put = m.option('QQQ', dateAfter(4), 'P', 600);
    const positions = m.positions([[put.symbol, -20], ['NVDA', 1000]]);
    const input = m.input(positions, CASH);
    const valuation = valueBook({
      positions: positions.map((p) => ({ symbol: p.instrument.symbol, qty: p.qty, avgPrice: p.avgPrice })),
      instruments: m.instruments,
      quotes: m.quotes,
      cash: CASH,
      now: m.now,
      rate: RATE,
      dividendYield: input.dividendYield,
      expiryTs,
      shortDatedDays: 7,
    });
    const r = planHedges(input);
    const p = valuation.greeks.portfolio;
    expect(r.plans[0]!.before.delta).toBeCloseTo(p.deltaCash, 6);
    expect(r.plans[0]!.before.gamma).toBeCloseTo(p.gammaCash1Pct, 6);
    expect(r.plans[0]!.before.vega).toBeCloseTo(p.vegaCashPerPoint, 6);
    expect(r.plans[0]!.before.theta).toBeCloseTo(p.thetaCashPerDay, 6);
    expect(r.plans[0]!.beforeShortDated.gamma).toBeCloseTo(p.shortDated.gammaCash1Pct, 6);
    // The engine passes valuation.positions (PositionView, with Greeks): same answer.
    const fromViews = planHedges({ ...input, positions: valuation.positions });
    expect(fromViews.plans.map((x) => [x.id, x.feasible])).toEqual(r.plans.map((x) => [x.id, x.feasible]));
    expect(fromViews.plans[0]!.after.gamma).toBeCloseTo(r.plans[0]!.after.gamma, 6);
  });

  it('the underlying filter plans only for that underlying', () => {
    const m = qqqMarket();
    m.underlying('NVDA', 182.5, 0.48);
    const put = m.option('QQQ', dateAfter(4), 'P', 600);
    const positions = m.positions([[put.symbol, -20], ['NVDA', 3000]]);
    const all = planHedges({ ...m.input(positions, CASH, { limits: WIDE_ORDERS }), maxPlans: 10 });
    expect(new Set(all.plans.map((p) => p.underlying))).toEqual(new Set(['QQQ', 'NVDA']));
    const nvda = planHedges({ ...m.input(positions, CASH, { limits: WIDE_ORDERS }), underlying: 'NVDA' });
    expect(nvda.plans.length).toBeGreaterThan(0);
    expect(nvda.plans.every((p) => p.underlying === 'NVDA')).toBe(true);
    expect(nvda.breaches).toEqual(all.breaches);
  });
});
