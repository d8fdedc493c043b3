import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AMERICAN_STRIDE, americanOption, exerciseBoundary, prepareAmerican } from './american.js';
import { blackScholes, type BsInputs, type Right } from './black-scholes.js';
import { binomialPrice } from './tree.js';

/** A converged Leisen-Reimer value: Richardson extrapolation of 1,001 and 2,001 steps. */
const tree = (p: BsInputs) => 2 * binomialPrice(p, { steps: 2001, american: true }) - binomialPrice(p, { steps: 1001, american: true });

const listed = fc.record({
  right: fc.constantFrom<Right>('C', 'P'),
  moneyness: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
  t: fc.double({ min: 0.02, max: 2, noNaN: true }),
  r: fc.double({ min: 0.005, max: 0.08, noNaN: true }),
  q: fc.double({ min: 0, max: 0.1, noNaN: true }),
  vol: fc.double({ min: 0.08, max: 0.8, noNaN: true }),
});
const toInputs = (a: { right: Right; moneyness: number; t: number; r: number; q: number; vol: number }): BsInputs => ({
  right: a.right,
  spot: 100,
  strike: 100 * a.moneyness,
  t: a.t,
  r: a.r,
  q: a.q,
  vol: a.vol,
});

describe('americanOption against a converged binomial tree', () => {
  it.each([
    // [right, spot, T, r, q, vol]
    ['P', 100, 0.25, 0.08, 0, 0.4],
    ['P', 90, 0.5, 0.05, 0.02, 0.3],
    ['P', 80, 1, 0.08, 0, 0.2],
    ['P', 95, 0.0833, 0.08, 0, 0.25],
    ['P', 100, 0.02, 0.05, 0, 0.6],
    ['C', 110, 0.5, 0.03, 0.08, 0.3],
    ['C', 100, 1, 0.05, 0.06, 0.2],
    ['C', 120, 0.25, 0.08, 0.12, 0.4],
    ['C', 90, 0.0833, 0.02, 0.05, 0.35],
  ] as const)('%s S=%d K=100 T=%d r=%d q=%d vol=%d', (right, spot, t, r, q, vol) => {
    const p = { right, spot, strike: 100, t, r, q, vol };
    const reference = tree(p);
    const value = americanOption(p).price;
    // The premium over European is 0.01–2 here; both methods agree to a few 1e-5 of the strike.
    expect(Math.abs(value - reference), `${value} vs tree ${reference}`).toBeLessThan(3e-4);
    expect(reference - blackScholes(p).price).toBeGreaterThan(1e-3); // early exercise matters in these cases
  });
});

describe('americanOption: no-arbitrage properties', () => {
  it('is worth at least the European option and the immediate exercise value, and at most K (put) or S (call)', () => {
    fc.assert(
      fc.property(listed, (a) => {
        const p = toInputs(a);
        const value = americanOption(p).price;
        const european = blackScholes(p).price;
        const intrinsic = Math.max(p.right === 'C' ? p.spot - p.strike : p.strike - p.spot, 0);
        expect(value).toBeGreaterThanOrEqual(european - 1e-9);
        expect(value).toBeGreaterThanOrEqual(intrinsic - 1e-9);
        expect(value).toBeLessThanOrEqual(p.right === 'C' ? p.spot : p.strike);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    // Found by the properties above: spot just above a solved boundary that sits a little low.
    ['P', 1.0995016336608705, 2, 0.0373179170356091, 0, 0.096],
    ['P', 1.3, 2, 0.01871976167481307, 0, 0.15132607473861387],
    ['P', 1.0708278346430034, 1.7824304610116217, 0.03834735960424863, 0, 0.08],
    ['P', 1.0599264099955399, 0.17282216312695187, 0.037642806138375486, 0, 0.10453939169350492],
  ] as const)('deep in the money (%s K/S=%d T=%d r=%d q=%d vol=%d) is never below intrinsic or European', (right, moneyness, t, r, q, vol) => {
    const p = toInputs({ right, moneyness, t, r, q, vol });
    const value = americanOption(p);
    expect(value.price).toBeGreaterThanOrEqual(p.strike - p.spot);
    expect(value.price).toBeGreaterThanOrEqual(blackScholes(p).price);
    expect(Math.abs(value.price - tree(p))).toBeLessThan(3e-4);
  });

  it('is monotone: puts fall and calls rise with spot; both rise with volatility and with time', () => {
    fc.assert(
      fc.property(listed, fc.double({ min: 0.01, max: 0.2, noNaN: true }), (a, bump) => {
        const p = toInputs(a);
        const value = (over: Partial<BsInputs>) => americanOption({ ...p, ...over }).price;
        const base = value({});
        const up = value({ spot: p.spot * (1 + bump) });
        if (p.right === 'C') expect(up).toBeGreaterThanOrEqual(base - 1e-9);
        else expect(up).toBeLessThanOrEqual(base + 1e-9);
        expect(value({ vol: p.vol * (1 + bump) })).toBeGreaterThanOrEqual(base - 1e-9);
        // More time never hurts an American option (its holder can always exercise earlier).
        expect(value({ t: p.t * (1 + bump) })).toBeGreaterThanOrEqual(base - 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it('satisfies put-call symmetry C(S, K, r, q) = P(K, S, q, r)', () => {
    fc.assert(
      fc.property(listed, (a) => {
        const p = toInputs(a);
        const call = americanOption({ ...p, right: 'C' }).price;
        const put = americanOption({ ...p, right: 'P', spot: p.strike, strike: p.spot, r: p.q, q: p.r }).price;
        expect(Math.abs(call - put)).toBeLessThan(1e-9 * p.spot);
      }),
      { numRuns: 100 },
    );
  });

  it('a call without dividends is never exercised early: it equals the European call', () => {
    fc.assert(
      fc.property(listed, (a) => {
        const p = { ...toInputs(a), right: 'C' as const, q: 0 };
        expect(americanOption(p)).toEqual(blackScholes(p));
      }),
      { numRuns: 50 },
    );
  });
});

describe('americanOption: Greeks', () => {
  it('equal central finite differences of the price (theta to 0.2% of S·σ/√T, 1% near the boundary; the rest tighter)', () => {
    const price = (p: BsInputs) => americanOption(p).price;
    fc.assert(
      fc.property(listed, (a) => {
        const p = toInputs(a);
        const g = americanOption(p);
        fc.pre(g.gamma > 0); // off the exercise region, where the Greeks are those of K − S
        const S = p.spot;
        const srt = p.vol * Math.sqrt(p.t);
        const hS = S * srt * 1e-3;
        // Not straddling the exercise boundary, where gamma jumps and differences see the kink.
        const boundary = exerciseBoundary(p);
        fc.pre(boundary === null || Math.abs(S - boundary) > 20 * hS);
        // Spot differences with Richardson extrapolation (h and h/2), which cancels the h² term:
        // just off the boundary the third and fourth derivatives are large enough that a plain
        // central difference's own truncation error reached the tolerances.
        const atSpot = (s: number) => price({ ...p, spot: s });
        const firstDiff = (h: number) => (atSpot(S + h) - atSpot(S - h)) / (2 * h);
        const secondDiff = (h: number) => (atSpot(S + h) - 2 * g.price + atSpot(S - h)) / (h * h);
        const fdDelta = (4 * firstDiff(hS / 2) - firstDiff(hS)) / 3;
        expect(Math.abs(g.delta - fdDelta)).toBeLessThan(1e-6);
        const fdGamma = (4 * secondDiff(hS) - secondDiff(2 * hS)) / 3;
        expect(Math.abs(g.gamma - fdGamma) * S * srt).toBeLessThan(1e-4);
        const hV = p.vol * 1e-4;
        const fdVega = (price({ ...p, vol: p.vol + hV }) - price({ ...p, vol: p.vol - hV })) / (2 * hV);
        expect(Math.abs(g.vega - fdVega)).toBeLessThan(1e-5 * S * Math.sqrt(p.t));
        const hR = 1e-5;
        const fdRho = (price({ ...p, r: p.r + hR }) - price({ ...p, r: p.r - hR })) / (2 * hR);
        expect(Math.abs(g.rho - fdRho)).toBeLessThan(2e-4 * p.strike * p.t);
        // Theta comes from the Black-Scholes equation; re-solving the boundary for another T (what
        // a finite difference does) differs by discretisation error, largest near the boundary.
        const hT = p.t * 1e-4;
        const fdTheta = -(price({ ...p, t: p.t + hT }) - price({ ...p, t: p.t - hT })) / (2 * hT);
        // Within 0.2·S·σ√T of the boundary the Black-Scholes-equation theta inherits the integral's
        // gamma error, amplified by ½σ²S²: there it holds to 1% of S·σ/√T (README, Pricing).
        const nearBoundary = boundary !== null && Math.abs(S - boundary) < 0.2 * S * srt;
        expect(Math.abs(g.theta - fdTheta)).toBeLessThan((nearBoundary ? 1e-2 : 2e-3) * S * Math.max(p.vol / Math.sqrt(p.t), 1));
      }),
      { numRuns: 80 },
    );
  });

  it('the exercise boundary agrees with the tree’s within the tree’s own resolution (σ·√(T/N) ≈ 0.5%)', () => {
    // Put: the tree's critical price by bisection on "value = intrinsic".
    const p = { right: 'P' as const, strike: 100, t: 0.5, r: 0.06, q: 0.01, vol: 0.3 };
    let lo = 50;
    let hi = 100;
    for (let i = 0; i < 25; i++) {
      const s = 0.5 * (lo + hi);
      if (binomialPrice({ ...p, spot: s }, { steps: 2001, american: true }) - (100 - s) > 1e-9) hi = s;
      else lo = s;
    }
    expect(Math.abs(exerciseBoundary(p)! / lo - 1)).toBeLessThan(5e-3);
    expect(exerciseBoundary({ ...p, r: -0.01 })).toBeNull();
    expect(exerciseBoundary({ ...p, right: 'C', q: 0 })).toBeNull();
  });

  it('in the exercise region are those of the intrinsic value', () => {
    // Deep in the money with high rates: exercise now.
    const g = americanOption({ right: 'P', spot: 50, strike: 100, t: 1, r: 0.08, q: 0, vol: 0.2 });
    expect(g).toEqual({ price: 50, delta: -1, gamma: 0, vega: 0, theta: 0, rho: 0 });
    const c = americanOption({ right: 'C', spot: 200, strike: 100, t: 1, r: 0.02, q: 0.1, vol: 0.2 });
    expect(c).toEqual({ price: 100, delta: 1, gamma: 0, vega: 0, theta: 0, rho: 0 });
  });
});

describe('americanOption: edge cases and bad input', () => {
  it('at or past expiry is the intrinsic value', () => {
    expect(americanOption({ right: 'P', spot: 90, strike: 100, t: 0, r: 0.05, q: 0, vol: 0.3 }).price).toBe(10);
    expect(americanOption({ right: 'C', spot: 90, strike: 100, t: -1, r: 0.05, q: 0, vol: 0.3 }).price).toBe(0);
  });

  it('with zero volatility is the best deterministic exercise value', () => {
    // Put, r = 5%, q = 0: exercising now (10) beats waiting (K e^{−rT} − S < 10).
    expect(americanOption({ right: 'P', spot: 90, strike: 100, t: 1, r: 0.05, q: 0, vol: 0 }).price).toBe(10);
    // Call with a large yield: exercising now beats the forward.
    expect(americanOption({ right: 'C', spot: 110, strike: 100, t: 1, r: 0.01, q: 0.2, vol: 0 }).price).toBe(10);
    // Out of the money on every path: worthless.
    expect(americanOption({ right: 'P', spot: 120, strike: 100, t: 1, r: 0.05, q: 0, vol: 0 }).price).toBe(0);
    // Continuous as vol → 0.
    const small = americanOption({ right: 'P', spot: 90, strike: 100, t: 1, r: 0.05, q: 0, vol: 1e-4 }).price;
    expect(Math.abs(small - 10)).toBeLessThan(1e-6);
  });

  it('a put with non-positive rates is never exercised early (European value)', () => {
    const p = { right: 'P' as const, spot: 95, strike: 100, t: 1, r: -0.005, q: 0.01, vol: 0.25 };
    expect(americanOption(p)).toEqual(blackScholes(p));
  });

  it.each([
    ['NaN spot', { spot: Number.NaN }],
    ['negative spot', { spot: -1 }],
    ['zero strike', { strike: 0 }],
    ['infinite time', { t: Infinity }],
    ['NaN vol', { vol: Number.NaN }],
  ])('throws RangeError for %s (never NaN)', (_label, over) => {
    expect(() => americanOption({ right: 'P', spot: 100, strike: 100, t: 1, r: 0.05, q: 0, vol: 0.2, ...over })).toThrow(RangeError);
  });

  it('prepares a per-option cache that a spot move reuses (same values as a fresh solve)', () => {
    const cache = new Float64Array(AMERICAN_STRIDE);
    prepareAmerican(false, 0.05, 0.01, 0.3, 0.5, cache, 0);
    const first = new Float64Array(cache);
    prepareAmerican(false, 0.05, 0.01, 0.3, 0.5, cache, 0);
    expect(cache).toEqual(first);
  });
});
