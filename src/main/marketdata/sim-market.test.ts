import { describe, expect, it } from 'vitest';
import type { Instrument, Quote } from '../../shared/domain.js';
import { Rng } from './rng.js';
import { DEFAULT_UNDERLYINGS } from './sim-config.js';
import { CALENDAR_YEAR_MS, SimMarket, TRADING_YEAR_MS, type UnderlyingSpec } from './sim-market.js';

const T0 = Date.parse('2026-11-23T14:30:00Z');
const SEC = 1000;
const DAY = 86_400_000;

const option = (underlying: string, right: 'C' | 'P', strike: number): Instrument => ({
  symbol: `${underlying}-${right}-${strike}`,
  kind: 'OPTION',
  underlying,
  multiplier: 100,
  right,
  strike,
  style: 'american',
});

const spec = (over: Partial<UnderlyingSpec>): UnderlyingSpec => ({
  symbol: 'XYZ',
  kind: 'STOCK',
  price: 100,
  vol: 0.3,
  drift: 0,
  marketLoading: 0,
  dividendYield: 0,
  jumpsPerHour: 0,
  jumpStd: 0,
  ...over,
});

/** Runs `steps` one-second steps and returns every quote produced, in order. */
function run(market: SimMarket, steps: number, start = T0): Quote[] {
  const out: Quote[] = [];
  for (let i = 1; i <= steps; i++) out.push(...market.step(start + i * SEC, SEC));
  return out;
}

describe('Rng', () => {
  it('is xoshiro128** (hand-computed first outputs from state [1, 2, 3, 4])', () => {
    // result = rotl(s1 × 5, 7) × 9: s1 = 2 → 10 → 1280 → 11520; the next state has s1 = 0 → 0;
    // the one after has s1 = 1029 → 5145 → 658560 → 5927040.
    const rng = new Rng([1, 2, 3, 4]);
    expect([rng.next(), rng.next(), rng.next()].map((u) => u * 2 ** 32)).toEqual([11520, 0, 5927040]);
  });

  it('replays the same sequence from the same seed, and a different one from another seed', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    const seqC = Array.from({ length: 50 }, () => c.next());
    expect(seqB).toEqual(seqA);
    expect(seqC).not.toEqual(seqA);
  });

  it('never starts from the all-zero state (which would only produce zeros)', () => {
    const rng = new Rng([0, 0, 0, 0]);
    const draws = Array.from({ length: 10 }, () => rng.next());
    expect(draws.some((u) => u > 0)).toBe(true);
  });

  it('draws uniforms in [0, 1) with mean ≈ 1/2 and variance ≈ 1/12', () => {
    const rng = new Rng(99);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    // Standard errors: sqrt(1/12/n) ≈ 0.0009 for the mean; tolerances are ~5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.003);
  });

  it('draws standard normals: mean ≈ 0, variance ≈ 1, symmetric tails over 100k draws', () => {
    const rng = new Rng(2026);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let beyond196 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      if (Math.abs(z) > 1.96) beyond196++;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // SE(mean) = 1/sqrt(n) ≈ 0.0032; SE(var) = sqrt(2/n) ≈ 0.0045; P(|Z| > 1.96) = 0.05, SE ≈ 0.0007.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.025);
    expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(0.004);
  });

  it('int() covers its inclusive range uniformly', () => {
    const rng = new Rng(5);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(1, 6);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500); // SE ≈ 91
  });

  it('restoring from `state` continues the exact sequence, also between the two normals of a Box-Muller pair', () => {
    for (const drawnBefore of [0, 1, 2, 3, 7]) {
      const a = new Rng(31337);
      for (let i = 0; i < drawnBefore; i++) a.normal();
      const b = new Rng(JSON.parse(JSON.stringify(a.state)));
      const restA = Array.from({ length: 6 }, () => a.normal());
      const restB = Array.from({ length: 6 }, () => b.normal());
      expect(restB, `after ${drawnBefore} normals`).toEqual(restA);
    }
  });
});

describe('SimMarket: reproducibility', () => {
  it('produces identical paths and quotes from the same seed', () => {
    const a = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 42 });
    const b = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 42 });
    for (const m of [a, b]) m.listOption(option('SPY', 'C', 670), T0 + 30 * DAY);
    expect(run(b, 300)).toEqual(run(a, 300));
    expect(b.state).toEqual(a.state);
  });

  it('produces different paths from different seeds', () => {
    const a = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 42 });
    const b = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 43 });
    run(a, 300);
    run(b, 300);
    for (const u of DEFAULT_UNDERLYINGS) expect(b.spot(u.symbol)).not.toBe(a.spot(u.symbol));
  });

  it('restored from `state` continues exactly like an uninterrupted run, wherever it was saved', () => {
    const listed = [option('SPY', 'C', 670), option('SPY', 'P', 660), option('NVDA', 'C', 190)];
    const expiry = T0 + 20 * DAY;
    // Option prevCloses are not part of SimMarketState (the engine re-lists options), so
    // compare everything else in the quotes.
    const comparable = (q: Quote) => (q.symbol.includes('-') ? { ...q, prevClose: 0 } : q);
    // An underlying that jumps about every other second makes the number of normals drawn per
    // step vary, so across these save points both even and odd counts have been drawn.
    const underlyings = [...DEFAULT_UNDERLYINGS, spec({ symbol: 'JMP', jumpsPerHour: 1800, jumpStd: 0.01 })];
    for (const savedAfter of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89]) {
      const uninterrupted = new SimMarket({ underlyings, seed: 7 });
      for (const o of listed) uninterrupted.listOption(o, expiry);
      run(uninterrupted, savedAfter);
      const saved = JSON.parse(JSON.stringify(uninterrupted.state));

      const restored = new SimMarket({ underlyings, seed: 999, state: saved });
      for (const o of listed) restored.listOption(o, expiry);
      const start = T0 + savedAfter * SEC;
      const expected = run(uninterrupted, 40, start).map(comparable);
      const actual = run(restored, 40, start).map(comparable);
      expect(actual, `saved after ${savedAfter} steps`).toEqual(expected);
    }
  });
});

describe('SimMarket: underlying quotes', () => {
  it('quotes 0 < bid < last < ask with a tight spread, and prices stay positive', () => {
    const market = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 11 });
    for (const q of run(market, 2000)) {
      expect(q.bid).toBeGreaterThan(0);
      expect(q.bid).toBeLessThan(q.last);
      expect(q.last).toBeLessThan(q.ask);
      // Half-spread is max(1 cent, 0.5 bp of price), rounded to cents.
      expect(q.ask - q.bid).toBeLessThanOrEqual(Math.max(0.02, q.last * 0.0001) + 0.0100001);
      expect(q.bidSize).toBeGreaterThanOrEqual(100);
      expect(q.askSize).toBeLessThanOrEqual(3000);
      expect(Number.isInteger(Math.round(q.last * 100))).toBe(true);
    }
  });

  it('keeps even a very volatile price positive', () => {
    const market = new SimMarket({ underlyings: [spec({ price: 5, vol: 3, drift: -1, jumpsPerHour: 30, jumpStd: 0.2 })], seed: 3 });
    for (let i = 1; i <= 2000; i++) {
      market.step(T0 + i * 60 * SEC, 60 * SEC);
      expect(market.spot('XYZ')!).toBeGreaterThan(0);
    }
  });

  it('has sample log-return volatility close to the spec (no jumps)', () => {
    // 20,000 one-minute steps at vol 0.30 on trading time. The estimator's relative standard
    // error is about 1/sqrt(2n) = 0.5%, so a 4% tolerance is generous.
    const vol = 0.3;
    const market = new SimMarket({ underlyings: [spec({ vol, marketLoading: 0.6 })], seed: 20261121 });
    const dtMs = 60 * SEC;
    const n = 20_000;
    const returns: number[] = [];
    let previous = market.spot('XYZ')!;
    for (let i = 1; i <= n; i++) {
      market.step(T0 + i * dtMs, dtMs);
      const p = market.spot('XYZ')!;
      returns.push(Math.log(p / previous));
      previous = p;
    }
    const mean = returns.reduce((s, x) => s + x, 0) / n;
    const variance = returns.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    const annualised = Math.sqrt(variance / (dtMs / TRADING_YEAR_MS));
    expect(Math.abs(annualised / vol - 1)).toBeLessThan(0.04);
  });

  it('adds the jump variance: total vol² = σ² + λ × hours per trading year × jumpStd²', () => {
    // σ = 0.20, λ = 1 jump/hour of size sd 0.002; a trading year is 252 × 6.5 = 1638 hours.
    // Expected annualised vol: sqrt(0.04 + 1638 × 4e-6) = sqrt(0.046552) = 0.21576.
    const market = new SimMarket({ underlyings: [spec({ vol: 0.2, jumpsPerHour: 1, jumpStd: 0.002 })], seed: 8 });
    const dtMs = 60 * SEC;
    const n = 30_000;
    let previous = market.spot('XYZ')!;
    let sum = 0;
    let sumSq = 0;
    for (let i = 1; i <= n; i++) {
      market.step(T0 + i * dtMs, dtMs);
      const p = market.spot('XYZ')!;
      const r = Math.log(p / previous);
      sum += r;
      sumSq += r * r;
      previous = p;
    }
    const variance = (sumSq - (sum * sum) / n) / (n - 1);
    const annualised = Math.sqrt(variance / (dtMs / TRADING_YEAR_MS));
    expect(annualised).toBeGreaterThan(0.2157 * 0.95);
    expect(annualised).toBeLessThan(0.2157 * 1.05);
  });

  it('correlates underlyings through the market factor: ρ = loading₁ × loading₂', () => {
    // Loadings 0.9 and 0.8 → correlation 0.72 (SE ≈ (1 − ρ²)/sqrt(n) ≈ 0.004 at n = 20,000).
    const market = new SimMarket({
      underlyings: [spec({ symbol: 'A', marketLoading: 0.9 }), spec({ symbol: 'B', marketLoading: 0.8 })],
      seed: 77,
    });
    const n = 20_000;
    const ra: number[] = [];
    const rb: number[] = [];
    let pa = market.spot('A')!;
    let pb = market.spot('B')!;
    for (let i = 1; i <= n; i++) {
      market.step(T0 + i * 60 * SEC, 60 * SEC);
      ra.push(Math.log(market.spot('A')! / pa));
      rb.push(Math.log(market.spot('B')! / pb));
      pa = market.spot('A')!;
      pb = market.spot('B')!;
    }
    const ma = ra.reduce((s, x) => s + x, 0) / n;
    const mb = rb.reduce((s, x) => s + x, 0) / n;
    let cov = 0;
    let va = 0;
    let vb = 0;
    for (let i = 0; i < n; i++) {
      cov += (ra[i]! - ma) * (rb[i]! - mb);
      va += (ra[i]! - ma) ** 2;
      vb += (rb[i]! - mb) ** 2;
    }
    expect(cov / Math.sqrt(va * vb)).toBeCloseTo(0.72, 1);
    expect(Math.abs(cov / Math.sqrt(va * vb) - 0.72)).toBeLessThan(0.03);
  });
});

describe('SimMarket: option quotes', () => {
  const strikes = [560, 600, 640, 660, 670, 680, 700, 740, 800];

  function optionsMarket() {
    const market = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 5, rate: 0.04 });
    const expiryTs = T0 + 30 * DAY;
    for (const k of strikes) {
      market.listOption(option('SPY', 'C', k), expiryTs);
      market.listOption(option('SPY', 'P', k), expiryTs);
    }
    return { market, expiryTs };
  }

  it('quotes every listed option with 0 ≤ bid ≤ ask and an implied volatility', () => {
    const { market } = optionsMarket();
    run(market, 50);
    for (const k of strikes) {
      for (const right of ['C', 'P'] as const) {
        const q = market.quote(`SPY-${right}-${k}`);
        expect(q, `SPY-${right}-${k}`).toBeDefined();
        expect(q!.bid).toBeGreaterThanOrEqual(0);
        expect(q!.bid).toBeLessThanOrEqual(q!.ask);
        expect(q!.ask).toBeGreaterThan(0);
        expect(q!.iv).toBeGreaterThan(0.05);
        expect(q!.ts).toBe(T0 + 50 * SEC);
      }
    }
  });

  it('quotes SPY options as American: mids within the American put-call bounds S e^{-qT} − K ≤ C − P ≤ S − K e^{-rT}', () => {
    const { market, expiryTs } = optionsMarket();
    const now = T0 + 50 * SEC;
    run(market, 50);
    const S = market.spot('SPY')!;
    const T = (expiryTs - now) / CALENDAR_YEAR_MS;
    const q = 0.012; // SPY's dividend yield in the default config
    const r = 0.04;
    for (const k of strikes) {
      const c = market.quote(`SPY-C-${k}`)!;
      const p = market.quote(`SPY-P-${k}`)!;
      const mids = (c.bid + c.ask) / 2 - (p.bid + p.ask) / 2;
      const halfSpreads = (c.ask - c.bid) / 2 + (p.ask - p.bid) / 2;
      expect(mids, `K = ${k}`).toBeGreaterThanOrEqual(S * Math.exp(-q * T) - k - halfSpreads - 1e-9);
      expect(mids, `K = ${k}`).toBeLessThanOrEqual(S - k * Math.exp(-r * T) + halfSpreads + 1e-9);
    }
  });

  it('prices calls down and puts up as the strike rises, with a downward-sloping smile', () => {
    const { market } = optionsMarket();
    run(market, 10);
    for (let i = 1; i < strikes.length; i++) {
      const lo = strikes[i - 1]!;
      const hi = strikes[i]!;
      expect(market.quote(`SPY-C-${hi}`)!.last).toBeLessThanOrEqual(market.quote(`SPY-C-${lo}`)!.last);
      expect(market.quote(`SPY-P-${hi}`)!.last).toBeGreaterThanOrEqual(market.quote(`SPY-P-${lo}`)!.last);
    }
    // Equity skew: a 15% out-of-the-money put strike has a higher implied vol than at the money.
    expect(market.quote('SPY-P-560')!.iv!).toBeGreaterThan(market.quote('SPY-P-670')!.iv!);
  });

  it('values an option just past expiry at intrinsic', () => {
    const market = new SimMarket({ underlyings: [spec({ price: 100 })], seed: 1 });
    market.listOption(option('XYZ', 'C', 90), T0);
    market.listOption(option('XYZ', 'P', 90), T0);
    market.quoteAll(T0 + SEC);
    expect(market.quote('XYZ-C-90')!.last).toBeCloseTo(10, 10);
    expect(market.quote('XYZ-P-90')!.last).toBe(0);
  });

  it('ignores listings that are not options or whose underlying is not simulated', () => {
    const market = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 5 });
    market.listOption(option('MSFT', 'C', 500), T0 + DAY);
    market.listOption({ symbol: 'SPY2', kind: 'STOCK', underlying: 'SPY', multiplier: 1 }, T0 + DAY);
    const symbols = market.quoteAll(T0).map((q) => q.symbol);
    expect(symbols.sort()).toEqual(DEFAULT_UNDERLYINGS.map((u) => u.symbol).sort());
  });

  it('stops quoting a delisted option', () => {
    const { market } = optionsMarket();
    run(market, 5);
    expect(market.quote('SPY-C-670')).toBeDefined();
    market.delistOption('SPY-C-670');
    expect(market.quote('SPY-C-670')).toBeUndefined();
    const later = run(market, 5, T0 + 5 * SEC);
    expect(later.some((q) => q.symbol === 'SPY-C-670')).toBe(false);
    expect(later.some((q) => q.symbol === 'SPY-P-670')).toBe(true);
    expect(market.quote('SPY-C-670')).toBeUndefined();
  });
});

describe('SimMarket: sessions', () => {
  it('rollSession makes the last price the previous close, for underlyings and options', () => {
    const market = new SimMarket({ underlyings: DEFAULT_UNDERLYINGS, seed: 9 });
    market.listOption(option('AAPL', 'C', 270), T0 + 10 * DAY);
    run(market, 600);
    const lastAapl = market.quote('AAPL')!.last;
    const lastOption = market.quote('AAPL-C-270')!.last;
    // Before the roll, prevClose is still the starting price.
    expect(market.quote('AAPL')!.prevClose).toBe(266.1);

    market.rollSession();
    expect(market.state.prevCloses.AAPL).toBe(lastAapl);
    expect(market.quote('AAPL-C-270')!.prevClose).toBe(lastOption);

    const now = T0 + DAY;
    const requoted = market.quoteAll(now);
    expect(requoted.find((q) => q.symbol === 'AAPL')!.prevClose).toBe(lastAapl);
    expect(requoted.find((q) => q.symbol === 'AAPL-C-270')!.prevClose).toBe(lastOption);
    // quoteAll does not move prices: last is unchanged.
    expect(market.quote('AAPL')!.last).toBe(lastAapl);
    // The previous close survives further steps.
    run(market, 10, now);
    expect(market.quote('AAPL')!.prevClose).toBe(lastAapl);
    expect(market.quote('AAPL-C-270')!.prevClose).toBe(lastOption);
  });
});
