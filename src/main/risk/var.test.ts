// VaR / CVaR and beta: historical figures on hand-computed samples, beta recovered from a
// constructed series, delta-gamma-normal figures against independently computed moments, and
// methods marked unavailable (with a note) when history is short.
import { describe, expect, it } from 'vitest';
import { Rng } from '../marketdata/rng.js';
import { deltaGammaFigures, estimateBeta, historicalFigures, logReturns, MIN_OBSERVATIONS, varReport, type VarInputs } from './var.js';

const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

const expectRel = (actual: number, expected: number, rel = 1e-9) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

/** A deterministic shuffle, so the functions have to sort. */
function shuffled<T>(xs: readonly T[], seed = 1): T[] {
  const out = [...xs];
  const rng = new Rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function normals(n: number, seed: number, scale = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => scale * rng.normal());
}
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
/** Sample covariance (n − 1). */
function cov(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (a.length - 1);
}

describe('logReturns', () => {
  it('is ln(b / a) for consecutive closes, skipping pairs with a non-positive close', () => {
    const r = logReturns([100, 110, 99]);
    expect(r).toHaveLength(2);
    expectRel(r[0]!, Math.log(1.1));
    expectRel(r[1]!, Math.log(0.9));
    expect(logReturns([100, 0, 50, 55])).toEqual([Math.log(55 / 50)]);
    expect(logReturns([100])).toEqual([]);
  });
});

describe('historicalFigures', () => {
  it('30 outcomes −15 … 14: 95% takes the 2 worst (⌈1.5⌉), 99% the worst one', () => {
    const pnl = shuffled(range(-15, 30));
    expect(historicalFigures(pnl, 0.95)).toEqual({ var: 14, cvar: 14.5 });
    expect(historicalFigures(pnl, 0.99)).toEqual({ var: 15, cvar: 15 });
  });

  it('250 outcomes −125 … 124: 95% → 13th worst, mean of the 13 worst; 99% → 3rd worst', () => {
    const pnl = shuffled(range(-125, 250), 7);
    // 95%: ⌈12.5⌉ = 13 worst = −125 … −113 → VaR 113, CVaR 119.
    expect(historicalFigures(pnl, 0.95)).toEqual({ var: 113, cvar: 119 });
    // 99%: ⌈2.5⌉ = 3 worst = −125, −124, −123 → VaR 123, CVaR 124.
    expect(historicalFigures(pnl, 0.99)).toEqual({ var: 123, cvar: 124 });
  });

  it('a hand-computed uneven sample', () => {
    const worst = [-1_250.5, -980, -410.25, -400];
    const pnl = shuffled([...worst, ...range(0, 26).map((i) => i * 13.5 - 100)], 3); // 30 outcomes
    // 95%: ⌈1.5⌉ = 2 → VaR 980, CVaR (1,250.5 + 980) / 2 = 1,115.25. 99%: 1 → 1,250.5.
    expect(historicalFigures(pnl, 0.95)).toEqual({ var: 980, cvar: 1_115.25 });
    expect(historicalFigures(pnl, 0.99)).toEqual({ var: 1_250.5, cvar: 1_250.5 });
    // 75%: ⌈7.5⌉ = 8 worst.
    const sorted = [...pnl].sort((a, b) => a - b);
    const tail8 = sorted.slice(0, 8);
    const f75 = historicalFigures(pnl, 0.75);
    expect(f75.var).toBe(-sorted[7]!);
    expectRel(f75.cvar, -mean(tail8));
  });

  it('a gain in every outcome gives a negative VaR; one outcome is its own VaR', () => {
    expect(historicalFigures([5, 7, 9], 0.95)).toEqual({ var: -5, cvar: -5 });
    expect(historicalFigures([-42], 0.99)).toEqual({ var: 42, cvar: 42 });
  });

  it('does not reorder its input', () => {
    const pnl = [3, -1, 2, -5];
    historicalFigures(pnl, 0.95);
    expect(pnl).toEqual([3, -1, 2, -5]);
  });

  // Bug: k = ⌈n(1 − c)⌉ is computed in floating point; 1 − 0.95 = 0.050000000000000044 and
  // 1 − 0.99 = 0.010000000000000009, so whenever n(1 − c) is a whole number the ceiling rounds one
  // outcome too far (100 × 0.05 → 5.000000000000004 → 6). See the report.
  it('100 outcomes −50 … 49: 95% is the 5th worst (⌈100 × 5%⌉ = 5), 99% the worst', () => {
    const pnl = shuffled(range(-50, 100), 11);
    expect(historicalFigures(pnl, 0.95)).toEqual({ var: 46, cvar: 48 });
    expect(historicalFigures(pnl, 0.99)).toEqual({ var: 50, cvar: 50 });
  });

  it('20 outcomes (the minimum history) −10 … 9: 95% is the single worst (⌈20 × 5%⌉ = 1)', () => {
    expect(historicalFigures(shuffled(range(-10, 20), 5), 0.95)).toEqual({ var: 10, cvar: 10 });
  });
});

describe('estimateBeta', () => {
  // Benchmark: 120 closes from 1%-a-day normal log returns. Asset: 1.5 × those returns + tiny noise.
  const benchReturns = normals(119, 42, 0.01);
  const noise = normals(119, 43, 1e-6);
  const closes = (returns: readonly number[], start: number) => {
    const out = [start];
    for (const r of returns) out.push(out.at(-1)! * Math.exp(r));
    return out;
  };
  const bench = closes(benchReturns, 600);
  const asset = closes(
    benchReturns.map((r, i) => 1.5 * r + noise[i]!),
    200,
  );

  it('recovers a known beta of 1.5', () => {
    const beta = estimateBeta(asset, bench)!;
    expect(beta).toBeGreaterThan(1.499);
    expect(beta).toBeLessThan(1.501);
  });

  it('recovers negative and zero-ish betas', () => {
    const inverse = closes(
      benchReturns.map((r, i) => -0.5 * r + noise[i]!),
      50,
    );
    expect(estimateBeta(inverse, bench)!).toBeCloseTo(-0.5, 3);
    const unrelated = closes(normals(119, 99, 0.01), 100);
    expect(Math.abs(estimateBeta(unrelated, bench)!)).toBeLessThan(0.3);
  });

  it('uses the common tail when one series is longer', () => {
    const longer = [...closes(normals(50, 7, 0.05), 1_000), ...asset.map((c) => c * 7)];
    expect(estimateBeta(longer, bench)!).toBeCloseTo(1.5, 3);
  });

  it('is undefined with fewer than 21 common closes, or a flat benchmark', () => {
    expect(estimateBeta(asset.slice(-MIN_OBSERVATIONS), bench)).toBeUndefined();
    expect(estimateBeta(asset.slice(-(MIN_OBSERVATIONS + 1)), bench)).toBeDefined();
    expect(estimateBeta(asset, new Array<number>(120).fill(600))).toBeUndefined();
    expect(estimateBeta([], [])).toBeUndefined();
  });
});

describe('deltaGammaFigures', () => {
  const r = normals(60, 1, 0.012);
  const s = normals(60, 2, 0.02).map((x, i) => x + 0.5 * r[i]!); // correlated with r
  const sigma2 = cov(r, r);
  const sigma = Math.sqrt(sigma2);

  it('pure delta, single asset: VaR = z·|δ|·σ, CVaR = |δ|·σ·φ(z)/(1 − c), mean 0', () => {
    for (const delta of [100_000, -100_000]) {
      const input = { exposures: [{ underlying: 'AAPL', deltaCash: delta, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r]]) };
      const f95 = deltaGammaFigures(input, 0.95)!;
      expect(f95.mean).toBe(0);
      expectRel(f95.sd, 100_000 * sigma);
      expectRel(f95.var, Z95 * 100_000 * sigma);
      expectRel(f95.cvar, (100_000 * sigma * phi(Z95)) / 0.05);
      const f99 = deltaGammaFigures(input, 0.99)!;
      expectRel(f99.var, Z99 * 100_000 * sigma);
      expectRel(f99.cvar, (100_000 * sigma * phi(Z99)) / 0.01);
    }
  });

  it('gamma adds a mean of ½·G·σ² (G = cash gamma per 1% × 100) and ½·G²·σ⁴ of variance', () => {
    const G = 500 * 100;
    const pure = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 0, gammaCash1Pct: 500 }], returns: new Map([['AAPL', r]]) }, 0.95)!;
    expectRel(pure.mean, 0.5 * G * sigma2);
    expectRel(pure.sd, Math.sqrt(0.5) * G * sigma2);
    expectRel(pure.var, -(0.5 * G * sigma2 - Z95 * Math.sqrt(0.5) * G * sigma2));

    const both = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 80_000, gammaCash1Pct: 500 }], returns: new Map([['AAPL', r]]) }, 0.99)!;
    const sd = Math.sqrt(80_000 ** 2 * sigma2 + 0.5 * G * G * sigma2 * sigma2);
    expectRel(both.mean, 0.5 * G * sigma2);
    expectRel(both.sd, sd);
    expectRel(both.var, Z99 * sd - 0.5 * G * sigma2);
    expectRel(both.cvar, (sd * phi(Z99)) / 0.01 - 0.5 * G * sigma2);
    // Long gamma lowers the VaR against the same delta alone; short gamma raises it.
    const deltaOnly = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 80_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r]]) }, 0.99)!;
    const shortGamma = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 80_000, gammaCash1Pct: -500 }], returns: new Map([['AAPL', r]]) }, 0.99)!;
    expect(shortGamma.var).toBeGreaterThan(deltaOnly.var);
    expect(shortGamma.mean).toBeLessThan(0);
  });

  it('two assets: variance δᵀΣδ with the sample covariance', () => {
    const input = {
      exposures: [
        { underlying: 'AAPL', deltaCash: 60_000, gammaCash1Pct: 0 },
        { underlying: 'NVDA', deltaCash: -25_000, gammaCash1Pct: 0 },
      ],
      returns: new Map([
        ['AAPL', r],
        ['NVDA', s],
      ]),
    };
    const variance = 60_000 ** 2 * cov(r, r) + 2 * 60_000 * -25_000 * cov(r, s) + 25_000 ** 2 * cov(s, s);
    const f = deltaGammaFigures(input, 0.95)!;
    expectRel(f.sd, Math.sqrt(variance));
    expectRel(f.var, Z95 * Math.sqrt(variance));
  });

  it('aligns series by their common (most recent) tail', () => {
    const longer = [...normals(15, 77, 0.5), ...r];
    const a = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 1_000, gammaCash1Pct: 0 }, { underlying: 'NVDA', deltaCash: 1_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', longer], ['NVDA', s]]) }, 0.95)!;
    const b = deltaGammaFigures({ exposures: [{ underlying: 'AAPL', deltaCash: 1_000, gammaCash1Pct: 0 }, { underlying: 'NVDA', deltaCash: 1_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r], ['NVDA', s]]) }, 0.95)!;
    expectRel(a.var, b.var);
  });

  it('is null when an exposed underlying has no history or fewer than 20 returns; unexposed ones do not matter', () => {
    const exp = (u: string, d = 1_000) => ({ underlying: u, deltaCash: d, gammaCash1Pct: 0 });
    expect(deltaGammaFigures({ exposures: [exp('AAPL')], returns: new Map() }, 0.95)).toBeNull();
    expect(deltaGammaFigures({ exposures: [exp('AAPL')], returns: new Map([['AAPL', r.slice(0, 19)]]) }, 0.95)).toBeNull();
    expect(deltaGammaFigures({ exposures: [exp('AAPL')], returns: new Map([['AAPL', r.slice(0, 20)]]) }, 0.95)).not.toBeNull();
    expect(deltaGammaFigures({ exposures: [exp('AAPL'), exp('NVDA', 0)], returns: new Map([['AAPL', r]]) }, 0.95)).not.toBeNull();
  });
});

describe('varReport', () => {
  const r = normals(60, 1, 0.012);
  const inputs = (over: Partial<VarInputs> = {}): VarInputs => ({
    nav: 200_000,
    historicalPnl: range(-15, 30).map((x) => x * 100),
    dailyNavs: range(0, 31).map((i) => 190_000 + 1_000 * Math.sin(i)),
    deltaGamma: { exposures: [{ underlying: 'AAPL', deltaCash: 50_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r]]) },
    ...over,
  });
  const method = (rep: ReturnType<typeof varReport>, name: string) => rep.methods.find((m) => m.method === name)!;

  it('gives all three methods at 95% and 99% with enough history', () => {
    const rep = varReport(inputs());
    expect(rep.horizonDays).toBe(1);
    expect(rep.nav).toBe(200_000);
    expect(rep.methods.map((m) => m.method)).toEqual(['historical-prices', 'historical-equity', 'delta-gamma']);
    for (const m of rep.methods) {
      expect(m.available).toBe(true);
      expect(m.note).toBeNull();
      expect(m.figures.map((f) => f.confidence)).toEqual([0.95, 0.99]);
    }
    expect(method(rep, 'historical-prices')).toMatchObject({ observations: 30, figures: [{ confidence: 0.95, var: 1_400, cvar: 1_450 }, { confidence: 0.99, var: 1_500, cvar: 1_500 }] });
    expect(method(rep, 'delta-gamma').observations).toBe(60);
    expectRel(method(rep, 'delta-gamma').figures[0]!.var, Z95 * 50_000 * Math.sqrt(cov(r, r)));
  });

  it('historical-equity scales each daily NAV change to today’s NAV', () => {
    const navs = range(0, 31).map((i) => 190_000 + 1_000 * Math.sin(i));
    const changes = navs.slice(1).map((n, i) => ((n - navs[i]!) / navs[i]!) * 200_000);
    const m = method(varReport(inputs({ dailyNavs: navs })), 'historical-equity');
    expect(m.observations).toBe(30);
    expect(m.figures[0]).toEqual({ confidence: 0.95, ...historicalFigures(changes, 0.95) });
    expect(m.figures[1]).toEqual({ confidence: 0.99, ...historicalFigures(changes, 0.99) });
  });

  it('marks each method unavailable, with a note, below 20 observations', () => {
    const rep = varReport(
      inputs({
        historicalPnl: range(0, 19),
        dailyNavs: range(0, 20).map((i) => 100_000 + i), // 19 changes
        deltaGamma: { exposures: [{ underlying: 'AAPL', deltaCash: 50_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r.slice(0, 19)]]) },
      }),
    );
    for (const m of rep.methods) {
      expect(m.available, m.method).toBe(false);
      expect(m.figures).toEqual([]);
      expect(m.note).toMatch(/20/);
      expect(m.observations).toBe(19);
    }
    expect(method(rep, 'historical-prices').note).toContain('19 available');
    expect(method(rep, 'historical-equity').note).toContain('19 recorded');
  });

  it('exactly 20 observations are enough', () => {
    const rep = varReport(inputs({ historicalPnl: range(-10, 20), dailyNavs: range(0, 21).map((i) => 100_000 + 10 * i * (i % 2 ? -1 : 1)) }));
    expect(method(rep, 'historical-prices').available).toBe(true);
    expect(method(rep, 'historical-equity').available).toBe(true);
  });

  it('delta-gamma is unavailable when an exposed underlying has no history', () => {
    const rep = varReport(inputs({ deltaGamma: { exposures: [{ underlying: 'NVDA', deltaCash: 1_000, gammaCash1Pct: 0 }], returns: new Map([['AAPL', r]]) } }));
    expect(method(rep, 'delta-gamma')).toMatchObject({ available: false, figures: [] });
    expect(method(rep, 'delta-gamma').note).toContain('20');
  });
});
