// Deltadeck symbols ↔ Tiger contracts. Deltadeck names a stock `AAPL` and an option by its
// unpadded OCC symbol `AAPL261218C00230000`; Tiger names an option either by its contract fields
// (symbol + expiry + strike + right) or by its identifier, the OCC symbol with the root padded to
// six characters (`AAPL  261218C00230000`). Tiger's REST quote methods take expiries as the epoch
// milliseconds of New York midnight on the expiry date; its trade methods take `YYYYMMDD`.
import type { OptionRight } from '../../../shared/domain.js';
import { occSymbol, parseOcc } from '../../../shared/instruments.js';
import { localParts, zonedTime } from '../../marketdata/calendar.js';
import { BrokerError } from '../venue.js';

/** US options and stocks trade and expire in New York time. */
export const TIGER_TIMEZONE = 'America/New_York';

const STOCK = /^[A-Z][A-Z0-9.]{0,9}$/;
const IDENTIFIER = /^([A-Z][A-Z0-9.]{0,5})\s*(\d{2})(\d{2})(\d{2})([CP])(\d{1,9})$/;

export type TigerRight = 'CALL' | 'PUT';

/** The contract fields Tiger's trade methods take. */
export interface TigerContract {
  symbol: string;
  secType: 'STK' | 'OPT';
  /** Options only: `YYYYMMDD`. */
  expiry?: string;
  /** Options only, as Tiger writes it: `230.0`. */
  strike?: string;
  right?: TigerRight;
  multiplier?: number;
}

/** A parsed Deltadeck symbol; throws BAD_REQUEST for anything that is neither a stock nor an OCC option. */
export function toTigerContract(symbol: string): TigerContract {
  const option = parseOcc(symbol);
  if (option) {
    return {
      symbol: option.underlying,
      secType: 'OPT',
      expiry: option.expiry.replaceAll('-', ''),
      strike: formatTigerStrike(option.strike),
      right: option.right === 'C' ? 'CALL' : 'PUT',
      multiplier: 100,
    };
  }
  if (STOCK.test(symbol)) return { symbol, secType: 'STK' };
  throw new BrokerError('BAD_REQUEST', `"${symbol}" is not a symbol Deltadeck can send to Tiger: use a ticker such as AAPL or an OCC option such as AAPL261218C00230000.`);
}

/** Tiger's option identifier for an OCC symbol: the root padded to six characters. */
export function toTigerIdentifier(occ: string): string {
  const option = parseOcc(occ);
  if (!option) throw new BrokerError('BAD_REQUEST', `"${occ}" is not an OCC option symbol such as AAPL261218C00230000.`);
  return occ.replace(option.underlying, option.underlying.padEnd(6, ' '));
}

/** The OCC symbol for a Tiger option identifier; undefined when it is not one. */
export function fromTigerIdentifier(identifier: string): string | undefined {
  const m = IDENTIFIER.exec(identifier.trim());
  if (!m) return undefined;
  const [, root, yy, mm, dd, right, strike] = m as unknown as [string, string, string, string, string, OptionRight, string];
  const parsed = parseOcc(`${root}${yy}${mm}${dd}${right}${strike.padStart(8, '0')}`);
  if (!parsed) return undefined;
  return occSymbol(parsed.underlying, parsed.expiry, parsed.right, Number(strike) / 1000);
}

/** The fields Tiger puts on an order, position, fill or chain row to say what it is for. */
export interface TigerContractFields {
  symbol?: unknown;
  secType?: unknown;
  identifier?: unknown;
  expiry?: unknown;
  strike?: unknown;
  right?: unknown;
}

/**
 * The Deltadeck symbol for a Tiger contract: a stock keeps its ticker; an option is rebuilt from
 * its identifier or, failing that, from expiry/strike/right. Undefined when the fields do not
 * describe a stock or option Deltadeck can name (futures, warrants, malformed rows).
 */
export function fromTigerContract(fields: TigerContractFields): string | undefined {
  const symbol = typeof fields.symbol === 'string' ? fields.symbol.trim() : '';
  const secType = typeof fields.secType === 'string' ? fields.secType : '';
  if (secType === 'OPT' || (secType === '' && fields.right !== undefined && fields.right !== null && fields.right !== '')) {
    if (typeof fields.identifier === 'string' && fields.identifier !== '') {
      const fromId = fromTigerIdentifier(fields.identifier);
      if (fromId) return fromId;
    }
    const expiry = tigerExpiryToIso(fields.expiry);
    const strike = Number(fields.strike);
    const right = tigerRightToOption(fields.right);
    if (!STOCK.test(symbol) || !expiry || !Number.isFinite(strike) || strike <= 0 || !right) return undefined;
    return occSymbol(symbol, expiry, right, strike);
  }
  if (secType !== '' && secType !== 'STK') return undefined;
  return STOCK.test(symbol) ? symbol : undefined;
}

/** `CALL`, `PUT`, `C`, `P` in any case → C | P. */
export function tigerRightToOption(right: unknown): OptionRight | undefined {
  if (typeof right !== 'string') return undefined;
  const r = right.trim().toUpperCase();
  if (r === 'CALL' || r === 'C') return 'C';
  if (r === 'PUT' || r === 'P') return 'P';
  return undefined;
}

/** Tiger writes expiries as `YYYYMMDD`, `YYYY-MM-DD` or New York midnight in epoch ms; → `YYYY-MM-DD`. */
export function tigerExpiryToIso(expiry: unknown): string | undefined {
  if (typeof expiry === 'number' && Number.isFinite(expiry)) return localParts(expiry, TIGER_TIMEZONE).date;
  if (typeof expiry !== 'string') return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(expiry);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(expiry)) return expiry;
  if (/^\d{12,14}$/.test(expiry)) return localParts(Number(expiry), TIGER_TIMEZONE).date;
  return undefined;
}

/** `2026-12-18` → epoch ms of 2026-12-18 00:00 in New York, as Tiger's option quote methods want it. */
export function expiryToTigerMs(isoDate: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new BrokerError('BAD_REQUEST', `"${isoDate}" is not an expiry date (YYYY-MM-DD).`);
  return zonedTime(isoDate, '00:00', TIGER_TIMEZONE);
}

/** Strikes the way Tiger writes them: `230.0`, `232.5`. */
export function formatTigerStrike(strike: number): string {
  const s = String(Number(strike.toFixed(4)));
  return s.includes('.') ? s : `${s}.0`;
}
