// Equity points (epoch ms) → lightweight-charts points (UTC seconds, strictly increasing).
import type { EquityPoint } from '../../../../shared/domain.js';

export interface ChartPoint {
  /** Seconds since the epoch (lightweight-charts' UTCTimestamp). */
  time: number;
  value: number;
}

/** Seconds for the chart; several points in one second collapse onto that second. */
export const toChartTime = (ts: number): number => Math.floor(ts / 1000);

/**
 * Sorted by time, one point per second (the last one in that second wins), non-finite
 * values dropped — the shape `series.setData` requires.
 */
export function toChartPoints(points: readonly EquityPoint[]): ChartPoint[] {
  const bySecond = new Map<number, number>();
  const sorted = [...points].filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.nav)).sort((a, b) => a.ts - b.ts);
  for (const p of sorted) bySecond.set(toChartTime(p.ts), p.nav);
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

/**
 * The live points to push with `series.update` after the chart last showed `lastTime`:
 * points in the same second replace the last one, older points are skipped (update()
 * refuses to go back in time).
 */
export function pointsAfter(points: readonly EquityPoint[], lastTime: number | null): ChartPoint[] {
  const all = toChartPoints(points);
  if (lastTime === null) return all;
  return all.filter((p) => p.time >= lastTime);
}
