// Trading calendar: which dates trade, when sessions open and close, in exchange-local time.
import type { SessionState } from '../../shared/domain.js';
import { US_EQUITIES } from './calendars/us-equities.js';

export type CalendarSpec = typeof US_EQUITIES;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timezone, f);
  }
  return f;
}

/** Exchange-local date (YYYY-MM-DD) and minutes since local midnight of an instant. */
export function localParts(ts: number, timezone: string): { date: string; minutes: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(ts)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60,
  };
}

/** The UTC instant of a local wall-clock time (HH:MM) on a local date, in a time zone. */
export function zonedTime(date: string, hhmm: string, timezone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes settle the zone offset, including across DST changes.
  let ts = guess;
  for (let i = 0; i < 2; i++) {
    const local = localParts(ts, timezone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    const localAsUtc = Date.UTC(ly, lm - 1, ld) + Math.round(local.minutes * 60_000);
    ts += guess - localAsUtc;
  }
  return ts;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function dayOfWeek(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export class TradingCalendar {
  constructor(readonly spec: CalendarSpec = US_EQUITIES) {}

  get timezone(): string {
    return this.spec.timezone;
  }

  isTradingDay(date: string): boolean {
    const dow = dayOfWeek(date);
    return dow !== 0 && dow !== 6 && !this.spec.holidays.has(date);
  }

  nextTradingDay(date: string): string {
    let d = addDays(date, 1);
    while (!this.isTradingDay(d)) d = addDays(d, 1);
    return d;
  }

  /** The date itself if it trades, else the next trading day. */
  onOrAfter(date: string): string {
    return this.isTradingDay(date) ? date : this.nextTradingDay(date);
  }

  openAt(date: string): number {
    return zonedTime(date, this.spec.open, this.spec.timezone);
  }

  closeAt(date: string): number {
    const close = this.spec.earlyCloses.has(date) ? this.spec.earlyClose : this.spec.close;
    return zonedTime(date, close, this.spec.timezone);
  }

  session(ts: number): { date: string; state: SessionState } {
    const { date, minutes } = localParts(ts, this.spec.timezone);
    if (!this.isTradingDay(date)) return { date, state: 'CLOSED' };
    const toMin = (hhmm: string) => {
      const [h, m] = hhmm.split(':').map(Number) as [number, number];
      return h * 60 + m;
    };
    const close = this.spec.earlyCloses.has(date) ? this.spec.earlyClose : this.spec.close;
    if (minutes < toMin(this.spec.preOpen)) return { date, state: 'CLOSED' };
    if (minutes < toMin(this.spec.open)) return { date, state: 'PRE' };
    if (minutes < toMin(close)) return { date, state: 'REGULAR' };
    if (minutes < toMin(this.spec.postClose)) return { date, state: 'POST' };
    return { date, state: 'CLOSED' };
  }

  /**
   * Standard monthly-style expiry for a target date: the Friday on or after it,
   * moved to the previous trading day when that Friday is a holiday.
   */
  fridayExpiryOnOrAfter(date: string): string {
    let d = date;
    while (dayOfWeek(d) !== 5) d = addDays(d, 1);
    while (!this.isTradingDay(d)) d = addDays(d, -1);
    return d;
  }
}
