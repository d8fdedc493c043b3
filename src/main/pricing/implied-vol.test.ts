import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanOption } from './american.js';
import { black76 } from './black76.js';
import { blackScholes, type Right } from './black-scholes.js';
import { impliedVolatility, impliedVolatilityBlack76, type IvResult } from './implied-vol.js';

const iv = (r: IvResult) => {
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.iv;
};

const wide = fc.record({
  right: fc.constantFrom<Right>('C', 'P'),
  logMoneyness: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
  t: fc.double({ min: 1 / 365 / 24, max: 10, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.08, noNaN: true }),
  vol: fc.double({ min: 0.01, max: 3, noNaN: true }),
});

describe('European implied volatility', () => {
  it('round-trips price → vol → price to 1e-10 in vol wherever the price has time value to resolve it', () => {
    fc.assert(
      fc.property(wide, (a) => {
        const p = { right: a.right, spot: 100, strike: 100 * Math.exp(a.logMoneyness), t: a.t, r: a.r, q: a.q, vol: a.vol };
        const g = blackScholes(p);
        // The pricer's own rounding is a few ulps of S + K; a vol error of 1e-10 must move the
        // price by more than that for the vol to be recoverable at all.
        fc.pre(g.vega * 1e-10 > 8 * Number.EPSILON * (p.spot + p.strike));
        const found = iv(impliedVolatility({ ...p, price: g.price }));
        expect(Math.abs(found - p.vol), `found ${found}`).toBeLessThan(1e-10);
        // And the price it implies reproduces the input.
        expect(Math.abs(blackScholes({ ...p, vol: found }).price - g.price)).toBeLessThan(1e-12 * (p.spot + p.strike));
      }),
      { numRuns: 3000 },
    );
  });

  it('deep out of the money and very short: a 1-hour 30% OTM call and a 10-year 90% OTM put', () => {
    const call = { right: 'C' as const, spot: 100, strike: 130, t: 1 / (365 * 24), r: 0.05, q: 0, vol: 2.5 };
    expect(Math.abs(iv(impliedVolatility({ ...call, price: blackScholes(call).price })) - 2.5)).toBeLessThan(1e-12);
    const put = { right: 'P' as const, spot: 100, strike: 10, t: 10, r: 0.03, q: 0.01, vol: 0.35 };
    expect(Math.abs(iv(impliedVolatility({ ...put, price: blackScholes(put).price })) - 0.35)).toBeLessThan(1e-12);
  });

  it('Black-76: recovers the vol of a futures option', () => {
    for (const [right, forward] of [['C', 19], ['P', 19], ['C', 25], ['P', 12]] as const) {
      const p = { right, forward, strike: 19, t: 0.75, r: 0.1, vol: 0.28 };
      expect(Math.abs(iv(impliedVolatilityBlack76({ ...p, price: black76(p).price })) - 0.28)).toBeLessThan(1e-13);
    }
  });

  it('a price exactly at the lower bound has zero implied volatility', () => {
    expect(iv(impliedVolatility({ right: 'C', price: 0, spot: 100, strike: 120, t: 1, r: 0, q: 0 }))).toBe(0);
    expect(iv(impliedVolatility({ right: 'P', price: 20, spot: 100, strike: 120, t: 1, r: 0, q: 0 }))).toBe(0);
  });
});

describe('no implied volatility: clear reasons, never NaN', () => {
  const base = { right: 'C' as const, spot: 100, strike: 90, t: 1, r: 0.05, q: 0.01 };

  it('below intrinsic', () => {
    const r = impliedVolatility({ ...base, price: 5 });
    expect(r).toMatchObject({ ok: false, reason: 'BELOW_INTRINSIC' });
    if (!r.ok) expect(r.message).toMatch(/below the intrinsic value 13\.\d{4}/);
  });

  it('above the upper bound (a call worth more than the discounted forward, a put more than the discounted strike)', () => {
    expect(impliedVolatility({ ...base, price: 99.5 })).toMatchObject({ ok: false, reason: 'ABOVE_UPPER_BOUND' });
    expect(impliedVolatility({ ...base, right: 'P', price: 86 })).toMatchObject({ ok: false, reason: 'ABOVE_UPPER_BOUND' });
  });

  it.each([
    ['NaN price', { price: Number.NaN }],
    ['negative price', { price: -1 }],
    ['infinite price', { price: Infinity }],
    ['zero spot', { price: 5, spot: 0 }],
    ['negative strike', { price: 5, strike: -90 }],
    ['NaN time', { price: 5, t: Number.NaN }],
    ['NaN rate', { price: 5, r: Number.NaN }],
    ['infinite yield', { price: 5, q: Infinity }],
  ])('bad input: %s', (_label, over) => {
    const r = impliedVolatility({ ...base, ...over });
    expect(r).toMatchObject({ ok: false, reason: 'BAD_INPUT' });
  });

  it('expired (t ≤ 0)', () => {
    expect(impliedVolatility({ ...base, price: 15, t: 0 })).toMatchObject({ ok: false, reason: 'EXPIRED' });
    expect(impliedVolatility({ ...base, price: 15, t: -0.1 })).toMatchObject({ ok: false, reason: 'EXPIRED' });
  });

  it('every failure has a one-line message', () => {
    for (const price of [Number.NaN, -1, 0.5, 200]) {
      const r = impliedVolatility({ ...base, price });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^[^\n]+$/);
    }
  });
});

describe('American implied volatility', () => {
  it('round-trips the American pricer (vol → price → vol) to 1e-9', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Right>('C', 'P'),
        fc.double({ min: 0.8, max: 1.25, noNaN: true }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.double({ min: 0.1, max: 0.8, noNaN: true }),
        (right, moneyness, t, vol) => {
          const p = { right, spot: 100, strike: 100 * moneyness, t, r: 0.05, q: 0.02, vol };
          const g = americanOption(p);
          const price = g.price;
          // In the exercise region the price is K − S for every vol up to some level: no unique vol.
          fc.pre(g.vega > 1e-3);
          const found = iv(impliedVolatility({ ...p, price, style: 'american' }));
          expect(Math.abs(found - vol), `found ${found}`).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is lower than the European implied vol of the same price when early exercise has value', () => {
    const p = { right: 'P' as const, spot: 90, strike: 100, t: 1, r: 0.06, q: 0, price: 12.5 };
    const american = iv(impliedVolatility({ ...p, style: 'american' }));
    const european = iv(impliedVolatility(p));
    expect(american).toBeLessThan(european);
    expect(Math.abs(americanOption({ ...p, vol: american }).price - 12.5)).toBeLessThan(1e-10);
  });

  it('below the immediate exercise value, or at/above the strike (put) or spot (call): no implied vol', () => {
    const p = { right: 'P' as const, spot: 90, strike: 100, t: 0.5, r: 0.05, q: 0.03, style: 'american' as const };
    expect(impliedVolatility({ ...p, price: 9.99 })).toMatchObject({ ok: false, reason: 'BELOW_INTRINSIC' });
    expect(impliedVolatility({ ...p, price: 100 })).toMatchObject({ ok: false, reason: 'ABOVE_UPPER_BOUND' });
    expect(impliedVolatility({ ...p, right: 'C', price: 95 })).toMatchObject({ ok: false, reason: 'ABOVE_UPPER_BOUND' });
    expect(impliedVolatility({ ...p, price: Number.NaN })).toMatchObject({ ok: false, reason: 'BAD_INPUT' });
  });

  it('a deep in-the-money put worth exactly its exercise value has zero implied vol', () => {
    expect(iv(impliedVolatility({ right: 'P', spot: 50, strike: 100, t: 0.5, r: 0.05, q: 0, price: 50, style: 'american' }))).toBe(0);
  });
});
