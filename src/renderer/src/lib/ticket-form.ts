// The new-ticket form's values → an OrderIntent, checked with the shared schema so the form
// and the engine agree on what a valid intent is. The engine still runs the real checks.
import { OrderIntent, type OrderType, type Side, type TimeInForce } from '../../../shared/domain.js';

export interface TicketFormValues {
  symbol: string;
  side: Side;
  qty: string;
  orderType: OrderType;
  limitPrice: string;
  stopPrice: string;
  tif: TimeInForce;
  /** Sent only with a limit order (the only type that may trade outside regular hours). */
  outsideRth: boolean;
}

export const EMPTY_TICKET_FORM: TicketFormValues = {
  symbol: '',
  side: 'BUY',
  qty: '',
  orderType: 'MARKET',
  limitPrice: '',
  stopPrice: '',
  tif: 'DAY',
  outsideRth: false,
};

export const ORDER_TYPE_LABEL: Record<OrderType, string> = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'Stop', STOP_LIMIT: 'Stop-limit' };

/** Which of the form's optional fields an order type shows. */
export function fieldsFor(orderType: OrderType): { limit: boolean; stop: boolean; outsideRth: boolean } {
  return {
    limit: orderType === 'LIMIT' || orderType === 'STOP_LIMIT',
    stop: orderType === 'STOP' || orderType === 'STOP_LIMIT',
    outsideRth: orderType === 'LIMIT',
  };
}

export type ParsedTicketForm = { ok: true; intent: OrderIntent } | { ok: false; field: keyof TicketFormValues; message: string };

const parseNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

/** The known symbol the trader meant (case-insensitive), else what they typed, trimmed. */
export function canonicalSymbol(typed: string, known: readonly string[]): string {
  const symbol = typed.trim();
  if (known.includes(symbol)) return symbol;
  const upper = symbol.toUpperCase();
  return known.find((k) => k.toUpperCase() === upper) ?? symbol;
}

const FORM_FIELDS: readonly (keyof TicketFormValues)[] = ['symbol', 'side', 'qty', 'orderType', 'limitPrice', 'stopPrice', 'tif', 'outsideRth'];

export function parseTicketForm(values: TicketFormValues, knownSymbols: readonly string[] = []): ParsedTicketForm {
  const symbol = canonicalSymbol(values.symbol, knownSymbols);
  if (!symbol) return { ok: false, field: 'symbol', message: 'Enter a symbol.' };
  const qty = parseNumber(values.qty);
  if (!Number.isInteger(qty) || qty <= 0) return { ok: false, field: 'qty', message: 'Quantity must be a whole number above zero.' };
  const shown = fieldsFor(values.orderType);
  const kind = ORDER_TYPE_LABEL[values.orderType].toLowerCase();
  let limitPrice: number | undefined;
  if (shown.limit) {
    limitPrice = parseNumber(values.limitPrice);
    if (!Number.isFinite(limitPrice) || limitPrice <= 0) {
      return { ok: false, field: 'limitPrice', message: `A ${kind} order needs a limit price above zero.` };
    }
  }
  let stopPrice: number | undefined;
  if (shown.stop) {
    stopPrice = parseNumber(values.stopPrice);
    if (!Number.isFinite(stopPrice) || stopPrice <= 0) {
      return { ok: false, field: 'stopPrice', message: `A ${kind} order needs a stop price above zero.` };
    }
  }
  const candidate = {
    symbol,
    side: values.side,
    qty,
    orderType: values.orderType,
    ...(limitPrice === undefined ? {} : { limitPrice }),
    ...(stopPrice === undefined ? {} : { stopPrice }),
    tif: values.tif,
    // A hidden checkbox is not sent: only a limit order can trade outside regular hours.
    outsideRth: shown.outsideRth && values.outsideRth,
  };
  const parsed = OrderIntent.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path[0];
    const field = (FORM_FIELDS as readonly unknown[]).includes(path) ? (path as keyof TicketFormValues) : 'symbol';
    return { ok: false, field, message: issue?.message ?? 'Invalid ticket.' };
  }
  return { ok: true, intent: parsed.data };
}
