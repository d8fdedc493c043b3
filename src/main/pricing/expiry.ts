// When an option expires and how it can be exercised. Time to expiry runs to the exchange's
// expiry instant — the regular session close of the expiry date in New York (16:00, or 13:00 on
// an early-close day), or of the trading day before it when the date is a holiday or weekend —
// not to calendar midnight, so a 0DTE option at 10:00 has 6 hours left, not 14.
import type { Instrument } from '../../shared/domain.js';
import { addDays, TradingCalendar } from '../marketdata/calendar.js';
import { YEAR_MS, type ExerciseStyle } from './conventions.js';

/**
 * Option roots on cash-settled indices with European exercise (S&P 500, Nasdaq-100, Russell 2000,
 * Mini-SPX, VIX, Dow Jones, S&P 500 European XEO). OEX (S&P 100) is American and not listed.
 */
export const EUROPEAN_INDEX_ROOTS: ReadonlySet<string> = new Set([
  'SPX',
  'SPXW',
  'SPXPM',
  'XSP',
  'NDX',
  'NDXP',
  'XND',
  'RUT',
  'RUTW',
  'MRUT',
  'VIX',
  'VIXW',
  'DJX',
  'XEO',
]);

/**
 * The exercise style of an instrument: its own `style` when set; otherwise European for options
 * on the cash indices above and American for other (US single-stock and ETF) options.
 */
export function exerciseStyle(instrument: Instrument): ExerciseStyle {
  if (instrument.style) return instrument.style;
  return EUROPEAN_INDEX_ROOTS.has(instrument.underlying.toUpperCase()) ? 'european' : 'american';
}

const usEquities = new TradingCalendar();
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The expiry instant (epoch ms) of a US equity or index option expiring on `expiry` (YYYY-MM-DD,
 * exchange-local): the session close of that date, or of the last trading day before it when the
 * exchange is closed that day.
 */
/** Expiry instants per calendar and date: the calendar's time-zone arithmetic is far slower than pricing. */
const expiryCache = new WeakMap<TradingCalendar, Map<string, number>>();

export function expiryInstant(expiry: string, calendar: TradingCalendar = usEquities): number {
  let cache = expiryCache.get(calendar);
  if (!cache) expiryCache.set(calendar, (cache = new Map()));
  const hit = cache.get(expiry);
  if (hit !== undefined) return hit;
  const ts = computeExpiryInstant(expiry, calendar);
  if (cache.size > 10_000) cache.clear();
  cache.set(expiry, ts);
  return ts;
}

function computeExpiryInstant(expiry: string, calendar: TradingCalendar): number {
  if (!ISO_DATE.test(expiry) || Number.isNaN(Date.parse(`${expiry}T00:00:00Z`)) || new Date(`${expiry}T00:00:00Z`).toISOString().slice(0, 10) !== expiry) {
    throw new RangeError(`expiry must be a calendar date YYYY-MM-DD (got "${expiry}")`);
  }
  let date = expiry;
  while (!calendar.isTradingDay(date)) date = addDays(date, -1);
  return calendar.closeAt(date);
}

/**
 * Years from `nowMs` to the option's expiry instant, (expiry − now) / 365 days, and 0 once it has
 * passed. Throws RangeError when the instrument is not an option with an expiry date.
 */
export function yearsToExpiry(nowMs: number, instrument: Instrument, calendar: TradingCalendar = usEquities): number {
  if (instrument.kind !== 'OPTION' || !instrument.expiry) {
    throw new RangeError(`${instrument.symbol} is not an option with an expiry date`);
  }
  if (!Number.isFinite(nowMs)) throw new RangeError(`now must be a finite epoch time in ms (got ${nowMs})`);
  return Math.max(0, (expiryInstant(instrument.expiry, calendar) - nowMs) / YEAR_MS);
}
