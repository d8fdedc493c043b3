import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../shared/domain.js';
import { exerciseStyle, expiryInstant, yearsToExpiry } from './expiry.js';
import { YEAR_MS } from './conventions.js';

const option = (over: Partial<Instrument> = {}): Instrument => ({
  symbol: 'AAPL260320C00250000',
  kind: 'OPTION',
  underlying: 'AAPL',
  multiplier: 100,
  right: 'C',
  strike: 250,
  expiry: '2026-03-20',
  ...over,
});

describe('expiryInstant: the session close of the expiry date in New York', () => {
  it('16:00 EDT on a regular Friday in summer time (20:00 UTC)', () => {
    expect(expiryInstant('2026-03-20')).toBe(Date.UTC(2026, 2, 20, 20, 0));
  });

  it('16:00 EST in winter (21:00 UTC)', () => {
    expect(expiryInstant('2026-01-16')).toBe(Date.UTC(2026, 0, 16, 21, 0));
  });

  it('13:00 on an early-close day (the Friday after Thanksgiving 2026)', () => {
    expect(expiryInstant('2026-11-27')).toBe(Date.UTC(2026, 10, 27, 18, 0));
  });

  it('a holiday expiry moves to the previous trading day’s close (Good Friday 2026 → Thursday)', () => {
    expect(expiryInstant('2026-04-03')).toBe(Date.UTC(2026, 3, 2, 20, 0));
  });

  it('Christmas 2026 (a Friday) → Christmas Eve’s early close at 13:00', () => {
    expect(expiryInstant('2026-12-25')).toBe(Date.UTC(2026, 11, 24, 18, 0));
  });

  it('a Saturday expiry date (old-style monthlies) → Friday’s close', () => {
    expect(expiryInstant('2026-03-21')).toBe(Date.UTC(2026, 2, 20, 20, 0));
  });

  it('rejects a malformed or impossible date', () => {
    expect(() => expiryInstant('2026-02-30')).toThrow(RangeError);
    expect(() => expiryInstant('20260320')).toThrow(RangeError);
    expect(() => expiryInstant('')).toThrow(RangeError);
  });
});

describe('yearsToExpiry', () => {
  it('is (expiry instant − now) / 365 days', () => {
    const close = Date.UTC(2026, 2, 20, 20, 0);
    expect(yearsToExpiry(close - 86_400_000, option())).toBeCloseTo(1 / 365, 15);
    expect(yearsToExpiry(close - YEAR_MS, option())).toBeCloseTo(1, 15);
  });

  it('a 0DTE option at 10:00 New York has six hours left, not fourteen', () => {
    const tenAm = Date.UTC(2026, 2, 20, 14, 0); // 10:00 EDT
    expect(yearsToExpiry(tenAm, option()) * 365 * 24).toBeCloseTo(6, 10);
  });

  it('is never negative: 0 at and after the expiry instant', () => {
    const close = Date.UTC(2026, 2, 20, 20, 0);
    expect(yearsToExpiry(close, option())).toBe(0);
    expect(yearsToExpiry(close + 3_600_000, option())).toBe(0);
  });

  it('rejects instruments that are not options with an expiry, and a non-finite clock', () => {
    expect(() => yearsToExpiry(0, { symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 })).toThrow(RangeError);
    expect(() => yearsToExpiry(0, option({ expiry: undefined }))).toThrow(RangeError);
    expect(() => yearsToExpiry(Number.NaN, option())).toThrow(RangeError);
  });
});

describe('exerciseStyle', () => {
  it('uses the instrument’s own style when it has one', () => {
    expect(exerciseStyle(option({ style: 'european' }))).toBe('european');
    expect(exerciseStyle(option({ underlying: 'SPX', style: 'american' }))).toBe('american');
  });

  it('defaults cash-index options to European and stock and ETF options to American', () => {
    for (const underlying of ['SPX', 'SPXW', 'NDX', 'XSP', 'RUT', 'VIX']) expect(exerciseStyle(option({ underlying }))).toBe('european');
    for (const underlying of ['AAPL', 'SPY', 'QQQ', 'TQQQ', 'OEX']) expect(exerciseStyle(option({ underlying }))).toBe('american');
  });
});
