import { describe, expect, it } from 'vitest';
import { blackScholes } from './black-scholes.js';
import { DAYS_PER_YEAR, thetaPerCalendarDay, vegaPerVolPoint, YEAR_MS } from './conventions.js';

describe('Greek conventions', () => {
  it('vega per vol point is the price change for +1 vol point; theta per day for one calendar day', () => {
    const p = { right: 'C' as const, spot: 100, strike: 100, t: 0.5, r: 0.03, q: 0.01, vol: 0.2 };
    const g = blackScholes(p);
    // Central differences over one vol point and one calendar day.
    const onePoint = blackScholes({ ...p, vol: 0.205 }).price - blackScholes({ ...p, vol: 0.195 }).price;
    expect(Math.abs(vegaPerVolPoint(g.vega) - onePoint)).toBeLessThan(1e-4 * Math.abs(onePoint));
    const half = 0.5 / DAYS_PER_YEAR;
    const oneDay = blackScholes({ ...p, t: p.t - half }).price - blackScholes({ ...p, t: p.t + half }).price;
    expect(Math.abs(thetaPerCalendarDay(g.theta) - oneDay)).toBeLessThan(1e-4 * Math.abs(oneDay));
    expect(YEAR_MS).toBe(365 * 86_400_000);
  });
});
