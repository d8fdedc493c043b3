// Reconciliation: the OMS journal against what the broker holds, after a reconnect or a restart.
// Pure: it compares and returns the actions to take; the OMS applies them (journaled) and raises a
// risk event for every difference. Matching is by client order id — the id Deltadeck put on every
// order — so a retry after a disconnect never places a second order: an order the broker has is
// adopted, an order it never got is closed as rejected (never re-sent automatically).
import type { OrderStatus, Side } from '../../shared/domain.js';
import type { VenueFill, VenueOrder, VenuePosition } from '../brokers/venue.js';

export interface JournalOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  status: OrderStatus;
  filledQty: number;
  /** The broker's id, when its answer was journaled (the order certainly reached it). */
  brokerOrderId?: string | null;
}

export type ReconcileAction =
  | { kind: 'adopt-status'; orderId: string; from: OrderStatus; to: OrderStatus; filledQty: number; avgFillPrice: number; brokerOrderId: string; reason: string }
  | { kind: 'book-fill'; orderId: string; fill: VenueFill; reason: string }
  | { kind: 'close-missing'; orderId: string; from: OrderStatus; to: 'rejected' | 'cancelled'; reason: string }
  | { kind: 'unknown-broker-order'; order: VenueOrder; reason: string }
  | { kind: 'position-mismatch'; symbol: string; journalQty: number; brokerQty: number; reason: string };

const WORKING: ReadonlySet<OrderStatus> = new Set(['approved', 'submitted', 'accepted', 'partially_filled']);
const RANK: Record<OrderStatus, number> = {
  pending_approval: 0,
  approved: 1,
  submitted: 2,
  accepted: 3,
  partially_filled: 4,
  filled: 5,
  cancelled: 5,
  rejected: 5,
  expired: 5,
};

export interface ReconcileInput {
  /** Journal orders sent to this venue and account that are working, or closed recently. */
  journalOrders: readonly JournalOrder[];
  /** Broker fill ids already booked in the journal. */
  bookedFillIds: ReadonlySet<string>;
  /** Journal positions (signed) for this account. */
  journalPositions: ReadonlyMap<string, number>;
  brokerOpenOrders: readonly VenueOrder[];
  /** The broker's final orders of today (filled / cancelled / rejected / expired), when it reports them. */
  brokerClosedOrders: readonly VenueOrder[];
  brokerFills: readonly VenueFill[];
  brokerPositions: readonly VenuePosition[];
}

export function reconcile(input: ReconcileInput): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const byClientId = new Map<string, VenueOrder>();
  for (const o of [...input.brokerClosedOrders, ...input.brokerOpenOrders]) if (o.clientOrderId) byClientId.set(o.clientOrderId, o);
  const fillsByClientId = new Map<string, VenueFill[]>();
  for (const f of input.brokerFills) {
    if (!f.clientOrderId) continue;
    const list = fillsByClientId.get(f.clientOrderId) ?? [];
    list.push(f);
    fillsByClientId.set(f.clientOrderId, list);
  }
  const known = new Set(input.journalOrders.map((o) => o.clientOrderId));

  // Fills first (so positions reconcile), then statuses.
  const positions = new Map(input.journalPositions);
  for (const order of input.journalOrders) {
    for (const fill of fillsByClientId.get(order.clientOrderId) ?? []) {
      if (input.bookedFillIds.has(fill.fillId)) continue;
      actions.push({ kind: 'book-fill', orderId: order.id, fill, reason: `The broker filled ${fill.qty} ${fill.symbol} @ ${fill.price} on order ${order.id} while Deltadeck was not listening; booked now.` });
      positions.set(fill.symbol, (positions.get(fill.symbol) ?? 0) + (fill.side === 'BUY' ? fill.qty : -fill.qty));
    }
  }

  for (const order of input.journalOrders) {
    const broker = byClientId.get(order.clientOrderId);
    if (!broker) {
      const fills = fillsByClientId.get(order.clientOrderId) ?? [];
      if (WORKING.has(order.status) && fills.length === 0) {
        actions.push(
          order.brokerOrderId
            ? {
                kind: 'close-missing',
                orderId: order.id,
                from: order.status,
                to: 'cancelled',
                reason: `The broker took order ${order.clientOrderId} (${order.side} ${order.qty} ${order.symbol}, broker id ${order.brokerOrderId}) but no longer lists it as working or filled: closed as cancelled.`,
              }
            : {
                kind: 'close-missing',
                orderId: order.id,
                from: order.status,
                to: 'rejected',
                reason: `The broker has no order ${order.clientOrderId} (${order.side} ${order.qty} ${order.symbol}): it never arrived. Closed as rejected; nothing was re-sent.`,
              },
        );
      }
      continue;
    }
    const to = broker.status;
    if (to === order.status && broker.filledQty === order.filledQty) continue;
    if (RANK[to] < RANK[order.status]) continue; // never move an order backwards
    actions.push({
      kind: 'adopt-status',
      orderId: order.id,
      from: order.status,
      to,
      filledQty: broker.filledQty,
      avgFillPrice: broker.avgFillPrice,
      brokerOrderId: broker.brokerOrderId,
      reason: `Order ${order.id} is ${to} at the broker (journal had ${order.status}, filled ${broker.filledQty}/${order.qty}).`,
    });
  }

  for (const broker of input.brokerOpenOrders) {
    if (broker.clientOrderId && known.has(broker.clientOrderId)) continue;
    actions.push({
      kind: 'unknown-broker-order',
      order: broker,
      reason: `The broker holds a working order Deltadeck did not place: ${broker.side} ${broker.qty} ${broker.symbol} (${broker.brokerOrderId}). It is left alone; check it at the broker.`,
    });
  }

  const symbols = new Set([...positions.keys(), ...input.brokerPositions.map((p) => p.symbol)]);
  const brokerQty = new Map(input.brokerPositions.map((p) => [p.symbol, p.qty]));
  for (const symbol of [...symbols].sort()) {
    const j = positions.get(symbol) ?? 0;
    const b = brokerQty.get(symbol) ?? 0;
    if (Math.abs(j - b) > 1e-9) {
      actions.push({ kind: 'position-mismatch', symbol, journalQty: j, brokerQty: b, reason: `${symbol}: Deltadeck shows ${j}, the broker holds ${b}. The broker's position is the truth; check what happened.` });
    }
  }
  return actions;
}
