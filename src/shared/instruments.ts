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

/** A trader-readable name: "AAPL 18 Dec 26 230 C" for options, the symbol otherwise. */
export function displayName(instrument: Instrument): string {
  if (instrument.kind !== 'OPTION' || !instrument.expiry || instrument.strike === undefined) return instrument.symbol;
  const [y, m, d] = instrument.expiry.split('-');
  const strike = Number.isInteger(instrument.strike) ? String(instrument.strike) : instrument.strike.toFixed(2);
  return `${instrument.underlying} ${Number(d)} ${MONTHS[Number(m) - 1]} ${y!.slice(2)} ${strike} ${instrument.right}`;
}
