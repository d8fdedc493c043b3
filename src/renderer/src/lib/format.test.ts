import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatExpiry,
  formatInstrument,
  formatNumber,
  formatPercent,
  formatQty,
  formatSigned,
  formatStrike,
  formatTime,
  compareInstruments,
  MISSING,
  pnlClass,
} from './format.js';
import { instrument } from '../testing/fixtures.js';

describe('formatNumber', () => {
  it('groups thousands and fixes decimals', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(0.5, 0)).toBe('1');
    expect(formatNumber(12, 2)).toBe('12.00');
  });
  it('shows negatives with an ASCII minus and never "-0.00"', () => {
    expect(formatNumber(-1234.5)).toBe('-1,234.50');
    expect(formatNumber(-0.001)).toBe('0.00');
    expect(formatNumber(-0)).toBe('0.00');
    expect(formatNumber(-0.4, 0)).toBe('0');
  });
  it('renders missing values as a dash', () => {
    expect(formatNumber(null)).toBe(MISSING);
    expect(formatNumber(undefined)).toBe(MISSING);
    expect(formatNumber(Number.NaN)).toBe(MISSING);
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe(MISSING);
  });
});

describe('signed and percent', () => {
  it('adds + only to values that are not zero after rounding', () => {
    expect(formatSigned(12.345)).toBe('+12.35');
    expect(formatSigned(-12.345)).toBe('-12.35');
    expect(formatSigned(0.001)).toBe('0.00');
  });
  it('formats fractions as percentages', () => {
    expect(formatPercent(0.01234)).toBe('1.23%');
    expect(formatPercent(-0.5, 1, true)).toBe('-50.0%');
    expect(formatPercent(0.02, 2, true)).toBe('+2.00%');
    expect(formatPercent(null)).toBe(MISSING);
  });
  it('classes P&L by sign', () => {
    expect(pnlClass(5)).toBe('pos');
    expect(pnlClass(-5)).toBe('neg');
    expect(pnlClass(0)).toBe('flat');
    expect(pnlClass(null)).toBe('flat');
  });
});

describe('formatQty', () => {
  it('keeps whole quantities whole and shows fractional ones', () => {
    expect(formatQty(1500)).toBe('1,500');
    expect(formatQty(-3)).toBe('-3');
    expect(formatQty(2.5)).toBe('2.5');
  });
});

describe('instruments', () => {
  const call = instrument('AAPL261218C00230000', {
    kind: 'OPTION',
    underlying: 'AAPL',
    multiplier: 100,
    right: 'C',
    strike: 230,
    expiry: '2026-12-18',
  });
  it('reads options the way traders say them', () => {
    expect(formatInstrument(call)).toBe('AAPL 18 Dec 26 230 C');
    expect(formatInstrument({ ...call, strike: 232.5, right: 'P', expiry: '2027-01-15' })).toBe('AAPL 15 Jan 27 232.5 P');
  });
  it('shows shares by symbol and falls back when the instrument is unknown', () => {
    expect(formatInstrument(instrument('SPY', { kind: 'ETF' }))).toBe('SPY');
    expect(formatInstrument(undefined, 'XYZ')).toBe('XYZ');
  });
  it('formats expiries and strikes', () => {
    expect(formatExpiry('2026-03-06')).toBe('06 Mar 26');
    expect(formatExpiry('soon')).toBe('soon');
    expect(formatStrike(1250)).toBe('1250');
    expect(formatStrike(97.5)).toBe('97.5');
  });
  it('sorts shares before options, then by expiry, strike and right', () => {
    const stock = instrument('AAPL');
    const near = { ...call, symbol: 'n', expiry: '2026-06-19' };
    const far = { ...call, symbol: 'f' };
    const lowStrike = { ...call, symbol: 'l', strike: 95 };
    const put = { ...call, symbol: 'p', right: 'P' as const };
    const other = instrument('MSFT');
    const sorted = [other, put, far, lowStrike, near, stock].sort(compareInstruments);
    expect(sorted.map((i) => i.symbol)).toEqual(['AAPL', 'n', 'l', 'f', 'p', 'MSFT']);
  });
});

describe('time', () => {
  it('counts down in the largest useful units', () => {
    expect(formatCountdown(75_000)).toBe('1m 15s');
    expect(formatCountdown(3_725_000)).toBe('1h 02m');
    expect(formatCountdown(9_100)).toBe('10s');
    expect(formatCountdown(0)).toBe('expired');
    expect(formatCountdown(-5)).toBe('expired');
  });
  it('shows times in the exchange zone and survives unknown zones', () => {
    const ts = Date.UTC(2026, 2, 2, 15, 4, 5);
    expect(formatTime(ts, 'America/New_York')).toBe('10:04:05');
    expect(formatTime(ts, 'UTC', true)).toBe('2026-03-02 15:04:05');
    expect(formatTime(ts, 'Not/AZone')).toBe('15:04:05');
  });
});
