import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { impliedTotalVolOtm, ivIterations, normalisedBlack, normalisedBlackOtm, normalisedBlackOtmComplement, normalisedVega, scaledNormalisedBlack } from './normalised-black.js';

// b(x, s) = e^{x/2}Φ(x/s + s/2) − e^{−x/2}Φ(x/s − s/2), from mpmath at 40 digits.
const REFERENCE: [number, number, number][] = [
  [0, 0.2, 7.9655674554057967e-2],
  [-0.1, 0.05, 4.2443083085118716e-4],
  [-0.1, 0.5, 1.5149328081310299e-1],
  [-1, 0.3, 3.3290949429445667e-5],
  [-1, 2, 3.0924672903513752e-1],
  [-5, 0.5, 3.6244167118344717e-25],
  [-5, 3, 2.621728202255927e-2],
  [-20, 1, 1.2097749726121601e-90],
  [-0.001, 0.0001, 7.4745602454210835e-29],
  [-2, 8, 3.6781785984458573e-1],
];

// The scaled function Y(h+t) − Y(h−t), Y = Φ/φ, where the two terms nearly cancel (small t),
// from mpmath at 50 digits.
const SCALED: [number, number, number][] = [
  [-3.01, 1e-06, 1.7154361180036621739e-7],
  [-3.01, 0.45, 0.07825186018119074426],
  [-3.5, 0.3, 0.04040602118756449837],
  [-4, 0.01, 0.0010678141732334893292],
  [-6, 0.49, 0.025362348907332632552],
  [-10, 0.1, 0.0019429889510160897355],
  [-30, 0.001, 2.2148556526092139665e-6],
  [-100, 0.49, 0.00009797296537558489233],
];

const relative = (a: number, b: number) => Math.abs(a / b - 1);

describe('normalised Black function', () => {
  it('matches high-precision values with full relative accuracy, down to 1e-90', () => {
    for (const [x, s, ref] of REFERENCE) expect(relative(normalisedBlackOtm(x, s), ref), `b(${x}, ${s})`).toBeLessThan(2e-14);
  });

  it('keeps full precision where Y(h+t) − Y(h−t) cancels (small t, moderate and large |h|)', () => {
    for (const [h, t, ref] of SCALED) expect(relative(scaledNormalisedBlack(h, t), ref), `h=${h} t=${t}`).toBeLessThan(2e-15);
  });

  it('b + (b_max − b) = b_max, and put-call parity b(x,s,+1) − b(x,s,−1) = e^{x/2} − e^{−x/2}', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 1e-3, max: 20, noNaN: true }), (x, s) => {
        const otm = -Math.abs(x);
        const bMax = Math.exp(0.5 * otm);
        expect(Math.abs(normalisedBlackOtm(otm, s) + normalisedBlackOtmComplement(otm, s) - bMax)).toBeLessThan(1e-15 * bMax + 1e-300) // two roundings of each part and of the sum: a few ε;
        const parity = normalisedBlack(x, s, 1) - normalisedBlack(x, s, -1);
        expect(Math.abs(parity - 2 * Math.sinh(0.5 * x))).toBeLessThan(1e-14 * Math.max(1, Math.exp(0.5 * Math.abs(x))));
      }),
      { numRuns: 300 },
    );
  });

  it('its vega is the derivative in s', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 0, noNaN: true }), fc.double({ min: 0.05, max: 5, noNaN: true }), (x, s) => {
        const h = 1e-5 * s;
        const fd = (normalisedBlackOtm(x, s + h) - normalisedBlackOtm(x, s - h)) / (2 * h);
        expect(Math.abs(fd - normalisedVega(x, s))).toBeLessThan(1e-8);
      }),
    );
  });
});

describe('implied total volatility', () => {
  it('recovers s from b to near machine precision over 20 orders of magnitude of moneyness and volatility', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 2.3, noNaN: true }), fc.double({ min: -3, max: 0.8, noNaN: true }), (logAbsX, logS) => {
        const x = -(10 ** logAbsX);
        const s = 10 ** logS;
        const b = normalisedBlackOtm(x, s);
        fc.pre(b > 1e-300 && b < Math.exp(0.5 * x) * (1 - 1e-12));
        const found = impliedTotalVolOtm(b, x);
        // What a correctly rounded b allows: |Δs| ≈ ulp(b)/b'(s); and never worse than 1e-13 relative
        // where that is smaller.
        const attainable = (4 * Number.EPSILON * b) / normalisedVega(x, s);
        expect(Math.abs(found - s), `x=${x} s=${s} found=${found}`).toBeLessThanOrEqual(Math.max(1e-13 * s, 50 * attainable));
      }),
      { numRuns: 3000 },
    );
  });

  it('needs at most a handful of Householder iterations', () => {
    let worst = 0;
    for (const x of [-1e-6, -1e-3, -0.05, -0.3, -1, -3, -10, -50]) {
      for (const s of [0.001, 0.01, 0.05, 0.2, 0.5, 1, 2, 4]) {
        const b = normalisedBlackOtm(x, s);
        if (!(b > 1e-300) || b >= Math.exp(0.5 * x) * (1 - 1e-12)) continue;
        impliedTotalVolOtm(b, x);
        worst = Math.max(worst, ivIterations.last);
      }
    }
    expect(worst).toBeLessThanOrEqual(6);
  });

  it('is exact at the money: b(0, s) = 1 − 2Φ(−s/2)', () => {
    for (const s of [1e-6, 0.01, 0.3, 1, 3]) {
      expect(relative(impliedTotalVolOtm(normalisedBlackOtm(0, s), 0), s)).toBeLessThan(1e-14);
    }
  });
});
