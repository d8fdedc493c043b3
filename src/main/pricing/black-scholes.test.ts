import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blackScholes, normCdf, normPdf, type BsInputs, type Right } from './black-scholes.js';

// Reference values of the standard normal CDF computed independently with mpmath
// (`mpmath.ncdf`, 30 significant digits), rounded to double precision.
const PHI_REFERENCE: readonly [number, number][] = [
  [0, 0.5],
  [0.5, 0.69146246127401310364],
  [1, 0.84134474606854294859],
  [-1, 0.15865525393145705141],
  [1.96, 0.97500210485177956379],
  [2.5, 0.99379033467422386483],
  [-3, 0.0013498980316300945267],
  [5, 0.99999971334842812081],
  [7.5, 0.99999999999996809108],
  [-7.5, 3.1908916729108962278e-14],
  [-6, 9.865876450376981407e-10],
  [-8, 6.2209605742717841235e-16],
  [-10, 7.619853024160526066e-24],
  [-20, 2.7536241186062336951e-89],
];

describe('normPdf', () => {
  it('is 1/sqrt(2π) at zero and symmetric', () => {
    expect(normPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(normPdf(1.3)).toBe(normPdf(-1.3));
    // φ(1) = e^{-1/2}/sqrt(2π)
    expect(normPdf(1)).toBeCloseTo(Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 15);
  });
});

describe('normCdf', () => {
  it('matches the textbook values Φ(0), Φ(1.96), Φ(-3)', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(Math.abs(normCdf(1.96) - 0.9750021048517795)).toBeLessThan(1e-15);
    expect(Math.abs(normCdf(-3) - 0.0013498980316301)).toBeLessThan(1e-15);
  });

  it('is within 1e-15 absolute of high-precision references across the range', () => {
    for (const [x, ref] of PHI_REFERENCE) {
      expect(Math.abs(normCdf(x) - ref), `x = ${x}`).toBeLessThan(1e-15);
    }
  });

  it('keeps full relative accuracy in the lower tail (Cody erfc: better than 1e-13 to x = −20)', () => {
    for (const [x, ref] of PHI_REFERENCE) {
      if (x > -3) continue;
      expect(Math.abs(normCdf(x) / ref - 1), `x = ${x}`).toBeLessThan(1e-13);
    }
  });

  it('is symmetric: Φ(x) + Φ(-x) = 1 to 1e-15', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (x) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(1e-15);
      }),
      { numRuns: 500 },
    );
  });

  it('is monotone non-decreasing and saturates at the extremes', () => {
    let previous = normCdf(-40);
    for (let x = -39.9; x <= 40; x += 0.1) {
      const v = normCdf(x);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    // Φ(-40) ≈ 3.7e-350 underflows a double (Φ is 0 below about −37.5); Φ(40) rounds to 1.
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Infinity)).toBe(1);
  });
});

const base = (over: Partial<BsInputs> = {}): BsInputs => ({ right: 'C', spot: 100, strike: 100, t: 1, r: 0.05, q: 0, vol: 0.2, ...over });

describe('blackScholes: textbook prices', () => {
  it('Hull, Example 15.6: S=42, K=40, r=10%, σ=20%, T=0.5 → call 4.76, put 0.81', () => {
    const inputs = { spot: 42, strike: 40, t: 0.5, r: 0.1, q: 0, vol: 0.2 };
    const call = blackScholes({ right: 'C', ...inputs });
    const put = blackScholes({ right: 'P', ...inputs });
    // Textbook, rounded to cents.
    expect(call.price).toBeCloseTo(4.76, 2);
    expect(put.price).toBeCloseTo(0.81, 2);
    // mpmath at 30 digits: d1 = 0.76926..., d2 = 0.62784..., c = 4.759422392871533, p = 0.8085993729000937.
    expect(call.price).toBeCloseTo(4.759422392871533, 12);
    expect(put.price).toBeCloseTo(0.8085993729000937, 12);
    // Hull's N(d1) = 0.7791 is the call delta with no dividends.
    expect(call.delta).toBeCloseTo(0.7791, 4);
  });

  it('Hull, Example 17.1 (index with dividend yield): S=930, K=900, r=8%, q=3%, σ=20%, T=2/12 → call 51.83', () => {
    const inputs = { spot: 930, strike: 900, t: 2 / 12, r: 0.08, q: 0.03, vol: 0.2 };
    const call = blackScholes({ right: 'C', ...inputs });
    const put = blackScholes({ right: 'P', ...inputs });
    expect(call.price).toBeCloseTo(51.83, 2);
    // mpmath at 30 digits: c = 51.83295679649085, p = 14.55099677377244.
    expect(call.price).toBeCloseTo(51.83295679649085, 10);
    expect(put.price).toBeCloseTo(14.55099677377244, 10);
    // Hull: N(d1) = 0.7069, so delta = e^{-qT} N(d1) = e^{-0.005} × 0.7069 = 0.7034.
    expect(call.delta).toBeCloseTo(Math.exp(-0.03 / 6) * 0.7069, 4);
  });

  it('prices a dividend-paying case against mpmath: S=100, K=95, r=5%, q=3%, σ=25%, T=0.75', () => {
    const inputs = { spot: 100, strike: 95, t: 0.75, r: 0.05, q: 0.03, vol: 0.25 };
    // mpmath: d1 = 0.4144487863540101, d2 = 0.1979424354079004, c = 11.67205538911132, p = 5.400401353255749.
    expect(blackScholes({ right: 'C', ...inputs }).price).toBeCloseTo(11.67205538911132, 10);
    expect(blackScholes({ right: 'P', ...inputs }).price).toBeCloseTo(5.400401353255749, 10);
  });

  it('gives an at-the-money-forward call and put the same value', () => {
    // With K = S e^{(r-q)T} the forward is at the money: C = P by parity.
    const spot = 100;
    const t = 0.5;
    const strike = spot * Math.exp((0.05 - 0.02) * t);
    const c = blackScholes(base({ right: 'C', strike, t, q: 0.02 }));
    const p = blackScholes(base({ right: 'P', strike, t, q: 0.02 }));
    expect(c.price).toBeCloseTo(p.price, 10);
    // Brenner–Subrahmanyam: ATMF value ≈ 0.4 × S e^{-qT} σ sqrt(T).
    expect(c.price / (spot * Math.exp(-0.02 * t) * 0.2 * Math.sqrt(t))).toBeCloseTo(0.3989, 3);
  });
});

// A sane domain: moneyness 0.6–1.6, 1 week to 3 years, vol 5%–100%, small rates and yields.
const saneInputs = fc.record({
  right: fc.constantFrom<Right>('C', 'P'),
  spot: fc.double({ min: 5, max: 1000, noNaN: true }),
  moneyness: fc.double({ min: 0.6, max: 1.6, noNaN: true }),
  t: fc.double({ min: 0.02, max: 3, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.06, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

const toInputs = (a: { right: Right; spot: number; moneyness: number; t: number; r: number; q: number; vol: number }): BsInputs => ({
  right: a.right,
  spot: a.spot,
  strike: a.spot * a.moneyness,
  t: a.t,
  r: a.r,
  q: a.q,
  vol: a.vol,
});

describe('blackScholes: invariants', () => {
  it('satisfies put-call parity with a dividend yield: C − P = S e^{-qT} − K e^{-rT}', () => {
    fc.assert(
      fc.property(saneInputs, (a) => {
        const p = toInputs(a);
        const c = blackScholes({ ...p, right: 'C' });
        const put = blackScholes({ ...p, right: 'P' });
        const forward = p.spot * Math.exp(-p.q * p.t) - p.strike * Math.exp(-p.r * p.t);
        expect(Math.abs(c.price - put.price - forward)).toBeLessThan(1e-10);
        // Parity also holds for the Greeks: delta_C − delta_P = e^{-qT}, equal gamma and vega.
        expect(Math.abs(c.delta - put.delta - Math.exp(-p.q * p.t))).toBeLessThan(1e-12);
        expect(c.gamma).toBe(put.gamma);
        expect(c.vega).toBe(put.vega);
      }),
      { numRuns: 300 },
    );
  });

  it('stays within the no-arbitrage bounds', () => {
    fc.assert(
      fc.property(saneInputs, (a) => {
        const p = toInputs(a);
        const { price, delta, gamma, vega } = blackScholes(p);
        const dfQ = Math.exp(-p.q * p.t);
        const dfR = Math.exp(-p.r * p.t);
        const tol = 1e-9 * p.spot;
        if (p.right === 'C') {
          expect(price).toBeGreaterThanOrEqual(Math.max(p.spot * dfQ - p.strike * dfR, 0) - tol);
          expect(price).toBeLessThanOrEqual(p.spot * dfQ + tol);
          expect(delta).toBeGreaterThanOrEqual(0);
          expect(delta).toBeLessThanOrEqual(dfQ + 1e-15);
        } else {
          expect(price).toBeGreaterThanOrEqual(Math.max(p.strike * dfR - p.spot * dfQ, 0) - tol);
          expect(price).toBeLessThanOrEqual(p.strike * dfR + tol);
          expect(delta).toBeLessThanOrEqual(0);
          expect(delta).toBeGreaterThanOrEqual(-dfQ - 1e-15);
        }
        expect(gamma).toBeGreaterThanOrEqual(0);
        expect(vega).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('has each Greek equal to a central finite difference of the price', () => {
    const price = (p: BsInputs) => blackScholes(p).price;
    fc.assert(
      fc.property(saneInputs, (a) => {
        const p = toInputs(a);
        const g = blackScholes(p);
        const S = p.spot;

        // Steps and tolerances are scaled to each Greek's natural size so that low-vol, short-dated
        // cases (sharp curvature) and deep out-of-the-money cases (tiny Greeks) are both fair:
        // the price curvature lives on the scale S·σ·sqrt(T) in spot.
        const sigmaRootT = p.vol * Math.sqrt(p.t);
        const hS = S * sigmaRootT * 1e-3;

        // delta = ∂V/∂S (dimensionless, at most 1).
        const fdDelta = (price({ ...p, spot: S + hS }) - price({ ...p, spot: S - hS })) / (2 * hS);
        expect(Math.abs(g.delta - fdDelta)).toBeLessThan(1e-6);

        // gamma = ∂²V/∂S², natural size 1/(S σ sqrt T).
        const hG = hS * 3;
        const fdGamma = (price({ ...p, spot: S + hG }) - 2 * price(p) + price({ ...p, spot: S - hG })) / (hG * hG);
        expect(Math.abs(g.gamma - fdGamma) * S * sigmaRootT).toBeLessThan(1e-5);

        // vega = ∂V/∂σ per 1.00 of volatility, natural size S sqrt(T).
        const hV = p.vol * 1e-4;
        const fdVega = (price({ ...p, vol: p.vol + hV }) - price({ ...p, vol: p.vol - hV })) / (2 * hV);
        expect(Math.abs(g.vega - fdVega)).toBeLessThan(1e-6 * S * Math.sqrt(p.t));

        // theta per year = −∂V/∂T (value lost as calendar time passes), natural size S σ / sqrt(T).
        const hT = p.t * 1e-4;
        const fdTheta = -(price({ ...p, t: p.t + hT }) - price({ ...p, t: p.t - hT })) / (2 * hT);
        expect(Math.abs(g.theta - fdTheta)).toBeLessThan(1e-6 * S * Math.max(p.vol / Math.sqrt(p.t), 1));

        // rho = ∂V/∂r per 1.00 of rate, natural size K T.
        const hR = 1e-5;
        const fdRho = (price({ ...p, r: p.r + hR }) - price({ ...p, r: p.r - hR })) / (2 * hR);
        expect(Math.abs(g.rho - fdRho)).toBeLessThan(1e-6 * p.strike * p.t);
      }),
      { numRuns: 300 },
    );
  });

  it('uses the stated units: vega per 1.00 vol, theta per year, rho per 1.00 rate (Hull 42/40 case)', () => {
    // Hand calculation from Hull's d1 = 0.7693, d2 = 0.6278 (S=42, K=40, r=0.1, σ=0.2, T=0.5):
    //   φ(d1) = exp(-0.7693²/2)/sqrt(2π) = 0.2967
    //   vega  = S φ(d1) sqrt(T) = 42 × 0.2967 × 0.7071 = 8.81 (per 1.00 vol; 0.088 per vol point)
    //   rho   = K T e^{-rT} N(d2) = 40 × 0.5 × 0.951229 × 0.7350 = 13.98 (per 1.00 rate)
    //   theta = −S φ(d1) σ/(2 sqrt T) − r K e^{-rT} N(d2) = −1.762 − 2.797 = −4.56 per year
    const g = blackScholes({ right: 'C', spot: 42, strike: 40, t: 0.5, r: 0.1, q: 0, vol: 0.2 });
    expect(g.vega).toBeCloseTo(8.81, 1);
    expect(g.rho).toBeCloseTo(13.98, 1);
    expect(g.theta).toBeCloseTo(-4.56, 1);
  });
});

describe('blackScholes: monotonicity', () => {
  it('calls rise and puts fall with spot; both rise with volatility; with no dividend both rise with time', () => {
    fc.assert(
      fc.property(saneInputs, fc.double({ min: 1e-3, max: 0.2, noNaN: true }), (a, bump) => {
        const p = toInputs(a);
        const value = (over: Partial<BsInputs>) => blackScholes({ ...p, ...over }).price;
        const base = value({});
        const tol = 1e-12 * p.spot;
        const up = value({ spot: p.spot * (1 + bump) });
        if (p.right === 'C') expect(up).toBeGreaterThanOrEqual(base - tol);
        else expect(up).toBeLessThanOrEqual(base + tol);
        expect(value({ vol: p.vol * (1 + bump) })).toBeGreaterThanOrEqual(base - tol);
        // With q = 0 and r ≥ 0 a longer life is worth at least as much (calls); for puts only
        // with r = 0 as well (a European put can lose value with time when rates are positive).
        const calm = { q: 0, r: p.right === 'C' ? Math.max(p.r, 0) : 0 };
        expect(value({ ...calm, t: p.t * (1 + bump) })).toBeGreaterThanOrEqual(value(calm) - tol);
      }),
      { numRuns: 300 },
    );
  });
});

describe('blackScholes: degenerate cases', () => {
  it('at expiry is the intrinsic value', () => {
    expect(blackScholes(base({ right: 'C', spot: 110, strike: 100, t: 0 }))).toEqual({ price: 10, delta: 1, gamma: 0, vega: 0, theta: 0, rho: 0 });
    expect(blackScholes(base({ right: 'P', spot: 110, strike: 100, t: 0 })).price).toBe(0);
    expect(blackScholes(base({ right: 'P', spot: 90, strike: 100, t: 0 }))).toEqual({ price: 10, delta: -1, gamma: 0, vega: 0, theta: 0, rho: 0 });
    expect(blackScholes(base({ right: 'C', spot: 90, strike: 100, t: 0 })).price).toBe(0);
    // Past expiry (negative time) behaves as at expiry.
    expect(blackScholes(base({ right: 'C', spot: 110, strike: 100, t: -0.1 })).price).toBe(10);
  });

  it('with zero volatility is the discounted intrinsic value of the forward', () => {
    // S=100, K=100, r=5%, q=1%, T=1: S e^{-q} − K e^{-r} = 99.00498 − 95.12294 = 3.88204 for the call.
    const p = { spot: 100, strike: 100, t: 1, r: 0.05, q: 0.01, vol: 0 };
    const expected = 100 * Math.exp(-0.01) - 100 * Math.exp(-0.05);
    expect(expected).toBeCloseTo(3.88204, 5);
    const call = blackScholes({ right: 'C', ...p });
    expect(call.price).toBeCloseTo(expected, 12);
    expect(call.delta).toBeCloseTo(Math.exp(-0.01), 15);
    // The put is out of the money on the forward even though spot = strike.
    const put = blackScholes({ right: 'P', ...p });
    expect(put.price).toBe(0);
    expect(put.delta).toBe(0);
    // A put struck above the forward: K e^{-r} − S e^{-q} with K = 110.
    const itmPut = blackScholes({ right: 'P', ...p, strike: 110 });
    expect(itmPut.price).toBeCloseTo(110 * Math.exp(-0.05) - 100 * Math.exp(-0.01), 12);
    expect(itmPut.delta).toBeCloseTo(-Math.exp(-0.01), 15);
  });

  it('is continuous as volatility goes to zero', () => {
    const p = { spot: 100, strike: 90, t: 1, r: 0.03, q: 0.01 };
    const limit = blackScholes({ right: 'C', ...p, vol: 0 }).price;
    const small = blackScholes({ right: 'C', ...p, vol: 1e-4 }).price;
    expect(Math.abs(small - limit)).toBeLessThan(1e-9);
  });
});

describe('blackScholes: invalid inputs', () => {
  it.each([
    ['zero spot', { spot: 0 }],
    ['negative spot', { spot: -5 }],
    ['NaN spot', { spot: Number.NaN }],
    ['zero strike', { strike: 0 }],
    ['NaN time', { t: Number.NaN }],
    ['infinite time', { t: Infinity }],
    ['NaN volatility', { vol: Number.NaN }],
  ])('throws RangeError for %s', (_label, over) => {
    expect(() => blackScholes(base(over as Partial<BsInputs>))).toThrow(RangeError);
  });
});
