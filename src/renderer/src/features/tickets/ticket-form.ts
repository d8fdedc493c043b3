// The new-ticket form's values → an OrderIntent, checked with the shared schema so the form
// and the engine agree on what a valid intent is. The engine still runs the real checks.
import { OrderIntent, type OrderType, type Side } from '../../../../shared/domain.js';

export interface TicketFormValues {
  symbol: string;
  side: Side;
  qty: string;
  orderType: OrderType;
  limitPrice: string;
}

export const EMPTY_TICKET_FORM: TicketFormValues = { symbol: '', side: 'BUY', qty: '', orderType: 'MARKET', limitPrice: '' };

export type ParsedTicketForm = { ok: true; intent: OrderIntent } | { ok: false; field: keyof TicketFormValues; message: string };

const parseNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

/** The known symbol the trader meant (case-insensitive), else what they typed, trimmed. */
export function canonicalSymbol(typed: string, known: readonly string[]): string {
  const symbol = typed.trim();
  if (known.includes(symbol)) return symbol;
  const upper = symbol.toUpperCase();
  return known.find((k) => k.toUpperCase() === upper) ?? symbol;
}

export function parseTicketForm(values: TicketFormValues, knownSymbols: readonly string[] = []): ParsedTicketForm {
  const symbol = canonicalSymbol(values.symbol, knownSymbols);
  if (!symbol) return { ok: false, field: 'symbol', message: 'Enter a symbol.' };
  const qty = parseNumber(values.qty);
  if (!Number.isInteger(qty) || qty <= 0) return { ok: false, field: 'qty', message: 'Quantity must be a whole number above zero.' };
  let limitPrice: number | undefined;
  if (values.orderType === 'LIMIT') {
    limitPrice = parseNumber(values.limitPrice);
    if (!Number.isFinite(limitPrice) || limitPrice <= 0) {
      return { ok: false, field: 'limitPrice', message: 'A limit order needs a limit price above zero.' };
    }
  }
  const candidate = {
    symbol,
    side: values.side,
    qty,
    orderType: values.orderType,
    ...(limitPrice === undefined ? {} : { limitPrice }),
  };
  const parsed = OrderIntent.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path[0] === 'limitPrice' ? 'limitPrice' : issue?.path[0] === 'qty' ? 'qty' : 'symbol') as keyof TicketFormValues;
    return { ok: false, field, message: issue ? `${String(issue.path[0] ?? 'ticket')}: ${issue.message}` : 'Invalid ticket.' };
  }
  return { ok: true, intent: parsed.data };
}
