import { describe, expect, it } from 'vitest';
import type { CheckResult, LimitUsage } from '../../../shared/risk.js';
import { formatLimitValue, gaugeFillPct, heatColor, levelForUsage, sortChecks, sortLimitsForGauges } from './risk-view.js';

const usage = (id: string, u: number, level: LimitUsage['level']): LimitUsage => ({
  id,
  label: id,
  group: 'portfolio',
  value: u,
  limit: 1,
  unit: 'pctNav',
  usage: u,
  level,
});

describe('levelForUsage', () => {
  it('is amber from 80 % and red only above 100 %', () => {
    expect(levelForUsage(0)).toBe('green');
    expect(levelForUsage(0.7999)).toBe('green');
    expect(levelForUsage(0.8)).toBe('amber');
    expect(levelForUsage(1)).toBe('amber');
    expect(levelForUsage(1.0001)).toBe('red');
    expect(levelForUsage(null)).toBe('green');
  });
});

describe('sortLimitsForGauges', () => {
  it('puts breaches first (fullest first), then amber, then green in engine order', () => {
    const sorted = sortLimitsForGauges([
      usage('g1', 0.1, 'green'),
      usage('a1', 0.85, 'amber'),
      usage('r1', 1.2, 'red'),
      usage('g2', 0.5, 'green'),
      usage('r2', 1.9, 'red'),
      usage('a2', 0.95, 'amber'),
    ]);
    expect(sorted.map((l) => l.id)).toEqual(['r2', 'r1', 'a2', 'a1', 'g1', 'g2']);
  });
});

describe('sortChecks', () => {
  it('orders red, amber, green and keeps the engine order within a level', () => {
    const c = (code: string, level: CheckResult['level']): CheckResult => ({ check: 'x', code, level, message: code });
    expect(sortChecks([c('g', 'green'), c('r1', 'red'), c('a', 'amber'), c('r2', 'red')]).map((x) => x.code)).toEqual([
      'r1',
      'r2',
      'a',
      'g',
    ]);
  });
});

describe('formatLimitValue / gaugeFillPct', () => {
  it('formats each unit', () => {
    expect(formatLimitValue(0.0953, 'pctNav')).toBe('9.53%');
    expect(formatLimitValue(0.00026, 'pctNav')).toBe('0.026%');
    expect(formatLimitValue(250_000, 'currency')).toBe('250,000');
    expect(formatLimitValue(10, 'count')).toBe('10');
  });
  it('caps the bar at the limit', () => {
    expect(gaugeFillPct(0.5)).toBe(50);
    expect(gaugeFillPct(1.9)).toBe(100);
    expect(gaugeFillPct(-1)).toBe(0);
    expect(gaugeFillPct(Number.NaN)).toBe(0);
  });
});

describe('heatColor', () => {
  it('is transparent when flat, green for gains, red for losses', () => {
    expect(heatColor(0, 1_000_000)).toBe('transparent');
    expect(heatColor(5_000, 1_000_000)).toMatch(/^rgba\(38, 166, 91, /);
    expect(heatColor(-5_000, 1_000_000)).toMatch(/^rgba\(229, 72, 77, /);
  });
  it('grows with |P&L| / NAV and saturates', () => {
    const alpha = (s: string) => Number(/, ([\d.]+)\)$/.exec(s)![1]);
    const small = alpha(heatColor(-1_000, 1_000_000));
    const mid = alpha(heatColor(-20_000, 1_000_000));
    const full = alpha(heatColor(-50_000, 1_000_000));
    const beyond = alpha(heatColor(-500_000, 1_000_000));
    expect(small).toBeLessThan(mid);
    expect(mid).toBeLessThan(full);
    expect(full).toBe(beyond);
    expect(full).toBe(0.7);
  });
  it('refuses to colour without a NAV', () => {
    expect(heatColor(100, 0)).toBe('transparent');
    expect(heatColor(Number.NaN, 1)).toBe('transparent');
  });
});
