import { describe, expect, it } from 'vitest';
import type { BacktestTrade } from '../../shared/backtest.js';
import { DAY_MS } from './bars.js';
import { EquityStats, tradeStats } from './metrics.js';

const T0 = Date.UTC(2024, 0, 1);

function stats(curve: readonly number[], start = 100, exposed: (i: number) => boolean = () => true, stepMs = DAY_MS) {
  const s = new EquityStats(start);
  curve.forEach((equity, i) => s.update(T0 + i * stepMs, equity, exposed(i)));
  return s.finish();
}

const sampleSd = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('metrics on known equity curves', () => {
  it('returns, Sharpe, Sortino, drawdown with dates and duration, Calmar, exposure', () => {
    const curve = [100, 110, 99, 120, 90, 130];
    const m = stats(curve, 100, (i) => i % 2 === 1);
    // Daily returns against the previous day's close (the first against the starting value).
    const r = curve.map((e, i) => e / (i === 0 ? 100 : curve[i - 1]!) - 1);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const downside = Math.sqrt(r.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / r.length);
    expect(m.totalReturn).toBeCloseTo(0.3, 12);
    expect(m.annualizedReturn).toBeCloseTo(1.3 ** (365.25 / 5) - 1, 6);
    expect(m.sharpe).toBeCloseTo((mean / sampleSd(r)) * Math.sqrt(252), 10);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(252), 10);
    // Worst fall: from 120 (day 3) to 90 (day 4), back above 120 on day 5.
    expect(m.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(m.maxDrawdownPeak).toBe(T0 + 3 * DAY_MS);
    expect(m.maxDrawdownTrough).toBe(T0 + 4 * DAY_MS);
    expect(m.maxDrawdownRecovery).toBe(T0 + 5 * DAY_MS);
    expect(m.maxDrawdownDays).toBe(2);
    expect(m.longestDrawdownDays).toBe(2); // 110 → 99 → 120 also lasted two days
    expect(m.calmar).toBeCloseTo(m.annualizedReturn! / 0.25, 10);
    expect(m.exposure).toBe(0.5);
    expect(m.bars).toBe(6);
    expect(m.endValue).toBe(130);
  });

  it('a drawdown not recovered lasts until the last bar', () => {
    const m = stats([100, 105, 100, 95, 96, 97, 98]);
    expect(m.maxDrawdown).toBeCloseTo(10 / 105, 12);
    expect(m.maxDrawdownPeak).toBe(T0 + DAY_MS);
    expect(m.maxDrawdownTrough).toBe(T0 + 3 * DAY_MS);
    expect(m.maxDrawdownRecovery).toBeNull();
    expect(m.maxDrawdownDays).toBe(5);
    expect(m.longestDrawdownDays).toBe(5);
  });

  it('a later, longer but shallower drawdown counts for the longest, not the maximum', () => {
    const m = stats([100, 80, 100, 99, 98, 97, 96, 101]);
    expect(m.maxDrawdown).toBeCloseTo(0.2, 12);
    expect(m.maxDrawdownDays).toBe(2);
    expect(m.longestDrawdownDays).toBe(5);
  });

  it('a flat curve has no Sharpe, no Sortino and no drawdown', () => {
    const m = stats([100, 100, 100]);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownPeak).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.totalReturn).toBe(0);
  });

  it('a steady riser has no downside: Sortino undefined, Sharpe defined', () => {
    const m = stats([101, 103, 104, 106]);
    expect(m.sortino).toBeNull();
    expect(m.sharpe).toBeGreaterThan(0);
  });

  it('intraday bars: returns are taken day to day, from each day’s last bar', () => {
    // Three bars per day; the days end at 102, 99, 105.
    const curve = [100, 101, 102, 90, 95, 99, 100, 104, 105];
    const s = new EquityStats(100);
    curve.forEach((e, i) => s.update(T0 + Math.floor(i / 3) * DAY_MS + (i % 3) * 3_600_000, e, true));
    const m = s.finish();
    const r = [102 / 100 - 1, 99 / 102 - 1, 105 / 99 - 1];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    expect(m.sharpe).toBeCloseTo((mean / sampleSd(r)) * Math.sqrt(252), 10);
    // The drawdown still sees the intraday low.
    expect(m.maxDrawdown).toBeCloseTo(12 / 102, 12);
  });
});

describe('per-trade metrics', () => {
  const trade = (pnl: number, open = false): BacktestTrade => ({
    side: 'LONG',
    qty: 1,
    entryTime: 0,
    entryPrice: 1,
    exitTime: open ? null : 1,
    exitPrice: open ? null : 1,
    pnl,
    returnPct: 0,
    bars: 1,
    open,
  });

  it('win rate, profit factor and expectancy over closed trades only', () => {
    expect(tradeStats([trade(10), trade(-5), trade(20), trade(-10), trade(100, true)])).toEqual({
      trades: 4,
      winRate: 0.5,
      profitFactor: 2,
      expectancy: 3.75,
    });
  });

  it('no losing trade: profit factor undefined; no trade at all: everything undefined', () => {
    expect(tradeStats([trade(3), trade(4)])).toEqual({ trades: 2, winRate: 1, profitFactor: null, expectancy: 3.5 });
    expect(tradeStats([])).toEqual({ trades: 0, winRate: null, profitFactor: null, expectancy: null });
  });
});
