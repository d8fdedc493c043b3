// Instrument symbols and display names. Options use the OCC symbology without padding:
// ROOT + YYMMDD + C|P + strike × 1000 in 8 digits, e.g. AAPL261218C00230000.
import type { Instrument, OptionRight } from './domain.js';

const OCC = /^([A-Z][A-Z0-9.]{0,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

export function occSymbol(underlying: string, expiry: string, right: OptionRight, strike: number): string {
  const yymmdd = expiry.slice(2, 4) + expiry.slice(5, 7) + expiry.slice(8, 10);
  return `${underlying}${yymmdd}${right}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

/** Parses an OCC option symbol; undefined when it is not one. */
export function parseOcc(symbol: string): { underlying: string; expiry: string; right: OptionRight; strike: number } | undefined {
  const m = OCC.exec(symbol);
  if (!m) return undefined;
  const [, underlying, yy, mm, dd, right, strike] = m as unknown as [string, string, string, string, string, OptionRight, string];
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return { underlying, expiry: `20${yy}-${mm}-${dd}`, right, strike: Number(strike) / 1000 };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-12-18` → `18 Dec 26`; anything else is returned as it is. */
export function formatExpiry(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${m[3]} ${month} ${m[1]!.slice(2)}` : isoDate;
}

/** Strikes without trailing zeros or grouping: 230 → "230", 232.5 → "232.5". */
export function formatStrike(strike: number): string {
  return String(Number(strike.toFixed(4)));
}

/** How a trader reads an instrument: `AAPL`, or `AAPL 18 Dec 26 230 C` for an option. */
export function displayName(instrument: Instrument): string {
  if (instrument.kind !== 'OPTION' || instrument.expiry === undefined || instrument.strike === undefined || instrument.right === undefined) {
    return instrument.symbol;
  }
  return `${instrument.underlying} ${formatExpiry(instrument.expiry)} ${formatStrike(instrument.strike)} ${instrument.right}`;
}

/** Book order: by underlying, the underlying itself before its options, then expiry, strike, calls before puts. */
export function compareInstruments(x: Instrument, y: Instrument): number {
  return (
    x.underlying.localeCompare(y.underlying) ||
    Number(x.kind === 'OPTION') - Number(y.kind === 'OPTION') ||
    (x.expiry ?? '').localeCompare(y.expiry ?? '') ||
    (x.strike ?? 0) - (y.strike ?? 0) ||
    (x.right ?? '').localeCompare(y.right ?? '') ||
    x.symbol.localeCompare(y.symbol)
  );
}
