// Deltadeck symbols ⇄ Futu securities.
//   US stock      AAPL                  ⇄ { market: US(11), code: "AAPL" }
//   US option     AAPL261218C00230000   ⇄ { market: US(11), code: "AAPL261218C230000" }
//                 (OCC: strike × 1000 in 8 digits; Futu: strike × 1000 without padding)
//   Hong Kong     00700.HK              ⇄ { market: HK(1),  code: "00700" }
//   Shanghai      600519.SH             ⇄ { market: CNSH(21), code: "600519" }
//   Shenzhen      000001.SZ             ⇄ { market: CNSZ(22), code: "000001" }
// Trading uses the same codes with a TrdSecMarket (US 2, HK 1, CN_SH 31, CN_SZ 32).
import { occSymbol, parseOcc } from '../../../shared/instruments.js';
import { BrokerError } from '../venue.js';
import { QotMarket, TrdMarket, TrdSecMarket, type Security } from './wire.js';

export type FutuMarket = 'US' | 'HK' | 'CN';

const US_TICKER = /^[A-Z][A-Z0-9.\-]{0,9}$/;
const FUTU_US_OPTION = /^([A-Z][A-Z0-9.]*?)(\d{2})(\d{2})(\d{2})([CP])(\d+)$/;
const SUFFIXED = /^([A-Z0-9]{1,20})\.(HK|SH|SZ)$/;

function badSymbol(symbol: string): BrokerError {
  return new BrokerError(
    'BAD_REQUEST',
    `"${symbol}" is not a symbol Futu can trade here: use a US ticker (AAPL), an OCC option (AAPL261218C00230000), or 00700.HK / 600519.SH / 000001.SZ.`,
  );
}

/** OCC option symbol → Futu US option code; undefined when the symbol is not an OCC option. */
export function occToFutuOptionCode(symbol: string): string | undefined {
  const occ = parseOcc(symbol);
  if (!occ) return undefined;
  const yymmdd = occ.expiry.slice(2, 4) + occ.expiry.slice(5, 7) + occ.expiry.slice(8, 10);
  return `${occ.underlying}${yymmdd}${occ.right}${Math.round(occ.strike * 1000)}`;
}

/** Futu US option code → OCC symbol; undefined when the code is not an option code. */
export function futuOptionCodeToOcc(code: string): string | undefined {
  const m = FUTU_US_OPTION.exec(code);
  if (!m) return undefined;
  const [, root, yy, mm, dd, right, strike] = m as unknown as [string, string, string, string, string, 'C' | 'P', string];
  if (root.length > 6 || strike.length > 8) return undefined;
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return occSymbol(root, `20${yy}-${mm}-${dd}`, right, Number(strike) / 1000);
}

/** Deltadeck symbol → Futu quote security. Throws BrokerError BAD_REQUEST for anything unmappable. */
export function toFutuSecurity(symbol: string): Security {
  const suffixed = SUFFIXED.exec(symbol);
  if (suffixed) {
    const [, code, suffix] = suffixed as unknown as [string, string, 'HK' | 'SH' | 'SZ'];
    if (suffix === 'HK') return { market: QotMarket.HK, code };
    if (!/^\d{6}$/.test(code)) throw badSymbol(symbol);
    return { market: suffix === 'SH' ? QotMarket.CNSH : QotMarket.CNSZ, code };
  }
  const option = occToFutuOptionCode(symbol);
  if (option) return { market: QotMarket.US, code: option };
  if (US_TICKER.test(symbol)) return { market: QotMarket.US, code: symbol };
  throw badSymbol(symbol);
}

/** Futu quote security → Deltadeck symbol. */
export function fromFutuSecurity(security: Security): string {
  switch (security.market) {
    case QotMarket.US:
      return futuOptionCodeToOcc(security.code) ?? security.code;
    case QotMarket.HK:
      return `${security.code}.HK`;
    case QotMarket.CNSH:
      return `${security.code}.SH`;
    case QotMarket.CNSZ:
      return `${security.code}.SZ`;
    default:
      return `${security.code}.M${security.market}`;
  }
}

export interface TradeCode {
  code: string;
  secMarket: number;
  trdMarket: number;
}

/** Deltadeck symbol → the code, TrdSecMarket and TrdMarket a Futu order carries. */
export function toFutuTradeCode(symbol: string): TradeCode {
  const security = toFutuSecurity(symbol);
  switch (security.market) {
    case QotMarket.HK:
      return { code: security.code, secMarket: TrdSecMarket.HK, trdMarket: TrdMarket.HK };
    case QotMarket.CNSH:
      return { code: security.code, secMarket: TrdSecMarket.CNSH, trdMarket: TrdMarket.CN };
    case QotMarket.CNSZ:
      return { code: security.code, secMarket: TrdSecMarket.CNSZ, trdMarket: TrdMarket.CN };
    default:
      return { code: security.code, secMarket: TrdSecMarket.US, trdMarket: TrdMarket.US };
  }
}

const SEC_TO_QOT: Record<number, number> = {
  [TrdSecMarket.US]: QotMarket.US,
  [TrdSecMarket.HK]: QotMarket.HK,
  [TrdSecMarket.CNSH]: QotMarket.CNSH,
  [TrdSecMarket.CNSZ]: QotMarket.CNSZ,
};

const TRD_TO_QOT: Record<number, number> = { [TrdMarket.US]: QotMarket.US, [TrdMarket.HK]: QotMarket.HK };

/** A code from an order, fill or position → Deltadeck symbol. Without a secMarket the account's market decides. */
export function fromFutuTradeCode(code: string, secMarket: number | undefined, accountMarket: number): string {
  let market = secMarket ? SEC_TO_QOT[secMarket] : undefined;
  if (market === undefined && accountMarket === TrdMarket.CN) market = code.startsWith('6') ? QotMarket.CNSH : QotMarket.CNSZ;
  market ??= TRD_TO_QOT[accountMarket] ?? QotMarket.US;
  return fromFutuSecurity({ market, code });
}

export const TRD_MARKET_OF: Record<FutuMarket, number> = { US: TrdMarket.US, HK: TrdMarket.HK, CN: TrdMarket.CN };

/** Exchange time zone of a Futu quote market, for times Futu sends as local strings. */
export function marketTimeZone(qotMarket: number): string {
  if (qotMarket === QotMarket.HK) return 'Asia/Hong_Kong';
  if (qotMarket === QotMarket.CNSH || qotMarket === QotMarket.CNSZ) return 'Asia/Shanghai';
  return 'America/New_York';
}

const tzFormatters = new Map<string, Intl.DateTimeFormat>();

/** "YYYY-MM-DD HH:MM:SS[.mmm]" in an exchange's local time → epoch ms; NaN when unparseable. */
export function localTimeToEpochMs(text: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  let fmt = tzFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    tzFormatters.set(timeZone, fmt);
  }
  // The zone's offset at (approximately) that instant; twice, to settle across a DST switch.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(guess)).map((p) => [p.type, p.value]));
    const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    guess = asUtc - (shown - Math.floor(guess / 1000) * 1000);
  }
  return guess;
}
