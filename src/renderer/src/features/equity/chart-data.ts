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

/** lightweight-charts' TickMarkType values (Year, Month, DayOfMonth, Time, TimeWithSeconds). */
export const TICK = { Year: 0, Month: 1, DayOfMonth: 2, Time: 3, TimeWithSeconds: 4 } as const;

const tickFormatters = new Map<string, Intl.DateTimeFormat>();

function zoned(timeZone: string, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const cacheKey = `${timeZone}|${key}`;
  let df = tickFormatters.get(cacheKey);
  if (!df) {
    try {
      df = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    } catch {
      df = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
    }
    tickFormatters.set(cacheKey, df);
  }
  return df;
}

/** Time-axis labels in the exchange's zone (the chart itself only knows UTC seconds). */
export function formatTickMark(timeSeconds: number, tickType: number, timeZone: string): string {
  const date = new Date(timeSeconds * 1000);
  switch (tickType) {
    case TICK.Year:
      return zoned(timeZone, { year: 'numeric' }, 'y').format(date);
    case TICK.Month:
      return zoned(timeZone, { month: 'short', year: '2-digit' }, 'm').format(date);
    case TICK.DayOfMonth:
      return zoned(timeZone, { day: '2-digit', month: 'short' }, 'd').format(date);
    case TICK.TimeWithSeconds:
      return zoned(timeZone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }, 's').format(date);
    default:
      return zoned(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, 't').format(date);
  }
}
