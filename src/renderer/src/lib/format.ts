// Number, time and instrument formatting for the cockpit. Pure; en-US grouping so the
// e2e tests and the trader see the same `1,234,567.89` everywhere.
import type { Instrument } from '../../../shared/domain.js';
import { displayName } from '../../../shared/instruments.js';

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(minDigits: number, maxDigits: number): Intl.NumberFormat {
  const key = `${minDigits}:${maxDigits}`;
  let nf = formatters.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: minDigits,
      maximumFractionDigits: maxDigits,
      useGrouping: true,
    });
    formatters.set(key, nf);
  }
  return nf;
}

/** Placeholder for a value the engine did not provide (e.g. no last trade yet). */
export const MISSING = '—';

/**
 * `1234567.891 → "1,234,567.89"`, negatives with an ASCII minus. Values that round to zero
 * never show as "-0.00".
 */
export function formatNumber(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const text = numberFormat(decimals, decimals).format(value);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Like formatNumber, but with an explicit `+` on positive values (changes, P&L percentages). */
export function formatSigned(value: number | null | undefined, decimals = 2): string {
  const text = formatNumber(value, decimals);
  if (text === MISSING || text.startsWith('-')) return text;
  return /[1-9]/.test(text) ? `+${text}` : text;
}

/** A fraction as a percentage: `0.01234 → "1.23%"`. */
export function formatPercent(fraction: number | null | undefined, decimals = 2, signed = false): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return MISSING;
  const pct = fraction * 100;
  return `${signed ? formatSigned(pct, decimals) : formatNumber(pct, decimals)}%`;
}

/** Quantities: whole numbers without decimals, fractional ones with up to four. */
export function formatQty(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (Number.isInteger(value)) return formatNumber(value, 0);
  const text = numberFormat(0, 4).format(value);
  return /^-0$/.test(text) ? '0' : text;
}

/** -1 / 0 / 1 for colouring P&L; tiny float noise counts as flat. */
export function signOf(value: number | null | undefined, epsilon = 1e-9): -1 | 0 | 1 {
  if (value === null || value === undefined || !Number.isFinite(value) || Math.abs(value) < epsilon) return 0;
  return value > 0 ? 1 : -1;
}

/** CSS class for a signed money value. */
export function pnlClass(value: number | null | undefined): 'pos' | 'neg' | 'flat' {
  const s = signOf(value);
  return s > 0 ? 'pos' : s < 0 ? 'neg' : 'flat';
}

export { compareInstruments, formatExpiry, formatStrike } from '../../../shared/instruments.js';

/** How a trader reads an instrument (shared naming), or the raw symbol when it is unknown. */
export function formatInstrument(instrument: Instrument | undefined, fallbackSymbol = ''): string {
  return instrument ? displayName(instrument) : fallbackSymbol;
}

/** `75_000 → "1m 15s"`, `3_725_000 → "1h 02m"`, `<= 0 → "expired"`. */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'expired';
  const totalSeconds = Math.ceil(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Wall-clock time of an epoch-ms timestamp in the exchange's time zone (`HH:MM:SS`).
 * Falls back to UTC when the zone name is unknown to this runtime.
 */
export function formatTime(ts: number, timeZone = 'UTC', withDate = false): string {
  if (!Number.isFinite(ts)) return MISSING;
  const key = `${timeZone}|${withDate}`;
  let df = timeFormatters.get(key);
  if (!df) {
    const options: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    };
    try {
      df = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    } catch {
      df = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' });
    }
    timeFormatters.set(key, df);
  }
  return df.format(new Date(ts)).replace(',', '');
}
