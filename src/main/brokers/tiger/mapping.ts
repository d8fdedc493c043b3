// Tiger records → Deltadeck venue types (orders, fills, positions, quotes, chain rows), from
// both the REST replies (camelCase JSON) and the push messages (protobuf). Tiger sends numbers
// sometimes as JSON numbers, sometimes as strings ("230.0", 64-bit ids), so every field goes
// through a tolerant reader; a record that does not name a contract Deltadeck understands is
// skipped by the caller rather than guessed at.
import type { Side } from '../../../shared/domain.js';
import type { TimeInForce, VenueOrderStatus, VenueOrderType } from '../venue.js';

/** A number from a Tiger field that may be a number, a numeric string or absent. */
export function num(value: unknown, fallback = 0): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : fallback;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}

/** A Tiger id (order id, transaction id) as a decimal string; 64-bit ids stay exact. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function tigerSide(action: unknown): Side | undefined {
  return action === 'BUY' ? 'BUY' : action === 'SELL' ? 'SELL' : undefined;
}

const ORDER_TYPES: Record<string, VenueOrderType> = { MKT: 'MARKET', LMT: 'LIMIT', STP: 'STOP', STP_LMT: 'STOP_LIMIT' };
const TO_TIGER_ORDER_TYPE: Record<VenueOrderType, string> = { MARKET: 'MKT', LIMIT: 'LMT', STOP: 'STP', STOP_LIMIT: 'STP_LMT' };

export function fromTigerOrderType(type: unknown): VenueOrderType | undefined {
  return typeof type === 'string' ? ORDER_TYPES[type] : undefined;
}

export function toTigerOrderType(type: VenueOrderType): string {
  return TO_TIGER_ORDER_TYPE[type];
}

export function fromTigerTif(tif: unknown): TimeInForce {
  return tif === 'GTC' ? 'GTC' : 'DAY';
}

/**
 * Tiger's order status (the SDKs' OrderStatus: Initial, PendingNew, PendingSubmit, Submitted,
 * PendingCancel, Cancelled, Filled, Inactive, Invalid; numeric codes in older replies) plus the
 * filled quantity → Deltadeck's status. A working order with fills is partially_filled; a
 * pending cancel is still working until Tiger confirms it.
 */
export function fromTigerStatus(status: unknown, filledQty: number): VenueOrderStatus | undefined {
  const s = typeof status === 'number' ? NUMERIC_STATUS[status] : typeof status === 'string' ? status : undefined;
  switch (s) {
    case 'Initial':
    case 'PendingNew':
    case 'PendingSubmit':
    case 'NEW':
    case 'PENDING_NEW':
      return 'submitted';
    case 'Submitted':
    case 'HELD':
    case 'PendingCancel':
    case 'PENDING_CANCEL':
    case 'PartiallyFilled':
    case 'PARTIALLY_FILLED':
      return filledQty > 0 ? 'partially_filled' : 'accepted';
    case 'Filled':
    case 'FILLED':
      return 'filled';
    case 'Cancelled':
    case 'CANCELLED':
      return 'cancelled';
    case 'Inactive':
    case 'REJECTED':
      return 'rejected';
    case 'Invalid':
    case 'EXPIRED':
      return 'expired';
    default:
      return undefined;
  }
}

const NUMERIC_STATUS: Record<number, string> = { [-2]: 'Invalid', [-1]: 'Initial', 2: 'Submitted', 3: 'PendingCancel', 4: 'Cancelled', 5: 'Submitted', 6: 'Filled', 7: 'Inactive', 8: 'PendingSubmit' };

/** How far along an order is; a status update may never move an order back down this order. */
export function statusRank(status: VenueOrderStatus): number {
  switch (status) {
    case 'submitted':
      return 0;
    case 'accepted':
      return 1;
    case 'partially_filled':
      return 2;
    default:
      return 3;
  }
}

export function isFinal(status: VenueOrderStatus): boolean {
  return statusRank(status) === 3;
}
