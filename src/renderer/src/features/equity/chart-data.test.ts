import { describe, expect, it } from 'vitest';
import { formatTickMark, pointsAfter, TICK, toChartPoints } from './chart-data.js';

const p = (ts: number, nav: number) => ({ ts, nav, cash: 0 });

describe('equity chart data', () => {
  it('converts epoch ms to whole seconds, sorted, last point per second winning', () => {
    const points = [p(3_500, 103), p(1_000, 100), p(1_999, 101), p(2_000, 102), p(3_100, 99)];
    expect(toChartPoints(points)).toEqual([
      { time: 1, value: 101 },
      { time: 2, value: 102 },
      { time: 3, value: 103 },
    ]);
  });

  it('yields strictly increasing times', () => {
    const raw = Array.from({ length: 200 }, (_, i) => p(1_700_000_000_000 + i * 250, 1_000_000 + i));
    const out = toChartPoints(raw);
    expect(out).toHaveLength(50);
    for (let i = 1; i < out.length; i++) expect(out[i]!.time).toBeGreaterThan(out[i - 1]!.time);
  });

  it('drops non-finite values', () => {
    expect(toChartPoints([p(1_000, Number.NaN), p(2_000, 5)])).toEqual([{ time: 2, value: 5 }]);
  });

  it('gives the live points from the last shown second on (that second is replaced, not duplicated)', () => {
    const points = [p(1_000, 1), p(2_000, 2), p(2_600, 3), p(4_000, 4)];
    expect(pointsAfter(points, 2)).toEqual([
      { time: 2, value: 3 },
      { time: 4, value: 4 },
    ]);
    expect(pointsAfter(points, null)).toHaveLength(3);
    expect(pointsAfter(points, 9)).toEqual([]);
  });
});

describe('tick marks', () => {
  it('labels the time axis in the exchange zone', () => {
    const t = Date.UTC(2026, 10, 23, 14, 30, 5) / 1000; // 09:30:05 in New York
    expect(formatTickMark(t, TICK.Time, 'America/New_York')).toBe('09:30');
    expect(formatTickMark(t, TICK.TimeWithSeconds, 'America/New_York')).toBe('09:30:05');
    expect(formatTickMark(t, TICK.DayOfMonth, 'America/New_York')).toBe('23 Nov');
    expect(formatTickMark(t, TICK.Year, 'UTC')).toBe('2026');
    expect(formatTickMark(t, TICK.Time, 'Bad/Zone')).toBe('14:30');
  });
});
