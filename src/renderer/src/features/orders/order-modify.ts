// The inline modify editor's values → the change to send: only what differs from the order, only
// the prices its type has, checked before anything is sent (the engine still re-runs the gate).
import type { Order } from '../../../../shared/domain.js';

export interface ModifyValues {
  qty: string;
  limitPrice: string;
  stopPrice: string;
}

export interface OrderChangeRequest {
  qty?: number;
  limitPrice?: number;
  stopPrice?: number;
}

export type ParsedModify =
  | { ok: true; change: OrderChangeRequest; summary: string }
  | { ok: false; field: keyof ModifyValues | null; message: string };

export function modifyFieldsFor(order: Pick<Order, 'orderType'>): { limit: boolean; stop: boolean } {
  return {
    limit: order.orderType === 'LIMIT' || order.orderType === 'STOP_LIMIT',
    stop: order.orderType === 'STOP' || order.orderType === 'STOP_LIMIT',
  };
}

export function initialModifyValues(order: Pick<Order, 'qty' | 'limitPrice' | 'stopPrice'>): ModifyValues {
  return {
    qty: String(order.qty),
    limitPrice: order.limitPrice === null ? '' : String(order.limitPrice),
    stopPrice: order.stopPrice === null ? '' : String(order.stopPrice),
  };
}

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.trim()));

export function parseModify(order: Pick<Order, 'orderType' | 'qty' | 'filledQty' | 'limitPrice' | 'stopPrice'>, values: ModifyValues): ParsedModify {
  const fields = modifyFieldsFor(order);
  const change: OrderChangeRequest = {};
  const parts: string[] = [];
  const qty = num(values.qty);
  if (!Number.isInteger(qty) || qty <= 0) return { ok: false, field: 'qty', message: 'Quantity must be a whole number above zero.' };
  if (qty <= order.filledQty) return { ok: false, field: 'qty', message: `Quantity must stay above the ${order.filledQty} already filled.` };
  if (qty !== order.qty) {
    change.qty = qty;
    parts.push(`qty ${order.qty} → ${qty}`);
  }
  if (fields.limit) {
    const limit = num(values.limitPrice);
    if (!Number.isFinite(limit) || limit <= 0) return { ok: false, field: 'limitPrice', message: 'The limit price must be above zero.' };
    if (limit !== order.limitPrice) {
      change.limitPrice = limit;
      parts.push(`limit ${order.limitPrice ?? '—'} → ${limit}`);
    }
  }
  if (fields.stop) {
    const stop = num(values.stopPrice);
    if (!Number.isFinite(stop) || stop <= 0) return { ok: false, field: 'stopPrice', message: 'The stop price must be above zero.' };
    if (stop !== order.stopPrice) {
      change.stopPrice = stop;
      parts.push(`stop ${order.stopPrice ?? '—'} → ${stop}`);
    }
  }
  if (parts.length === 0) return { ok: false, field: null, message: 'Nothing changed yet.' };
  return { ok: true, change, summary: parts.join(', ') };
}
