import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { black76 } from './black76.js';

const inputs = fc.record({
  forward: fc.double({ min: 5, max: 500, noNaN: true }),
  moneyness: fc.double({ min: 0.6, max: 1.6, noNaN: true }),
  t: fc.double({ min: 0.01, max: 3, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

describe('black76', () => {
  it('satisfies put-call parity on the forward: C − P = e^{−rT}(F − K)', () => {
    fc.assert(
      fc.property(inputs, (a) => {
        const p = { forward: a.forward, strike: a.forward * a.moneyness, t: a.t, r: a.r, vol: a.vol };
        const c = black76({ ...p, right: 'C' });
        const put = black76({ ...p, right: 'P' });
        expect(Math.abs(c.price - put.price - Math.exp(-p.r * p.t) * (p.forward - p.strike))).toBeLessThan(1e-11 * p.forward);
      }),
    );
  });

  it('delta is ∂V/∂F and rho is ∂V/∂r with F fixed (= −T·V)', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom<'C' | 'P'>('C', 'P'), (a, right) => {
        const p = { right, forward: a.forward, strike: a.forward * a.moneyness, t: a.t, r: a.r, vol: a.vol };
        const g = black76(p);
        const hF = p.forward * p.vol * Math.sqrt(p.t) * 1e-4; // on the scale of the curvature
        const fdDelta = (black76({ ...p, forward: p.forward + hF }).price - black76({ ...p, forward: p.forward - hF }).price) / (2 * hF);
        expect(Math.abs(g.delta - fdDelta)).toBeLessThan(1e-7);
        const hR = 1e-6;
        const fdRho = (black76({ ...p, r: p.r + hR }).price - black76({ ...p, r: p.r - hR }).price) / (2 * hR);
        expect(Math.abs(g.rho - fdRho)).toBeLessThan(1e-6 * p.forward * p.t);
        expect(g.rho).toBeCloseTo(-p.t * g.price, 12);
      }),
    );
  });

  it('rejects non-finite rates and bad forwards with RangeError', () => {
    expect(() => black76({ right: 'C', forward: 100, strike: 100, t: 1, r: Number.NaN, vol: 0.2 })).toThrow(RangeError);
    expect(() => black76({ right: 'C', forward: 0, strike: 100, t: 1, r: 0.01, vol: 0.2 })).toThrow(RangeError);
  });
});
