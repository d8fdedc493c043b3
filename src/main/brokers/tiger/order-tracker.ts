// Keeps what Deltadeck emits about Tiger orders monotonic and fills unique. Tiger's push may
// repeat a message, deliver two out of order, or race a REST read; an order's status therefore
// only ever moves forward (submitted → accepted → partially_filled with growing filled quantity →
// one final state), and a fill is emitted once per Tiger transaction id.
import type { VenueOrder } from '../venue.js';
import { isFinal, statusRank } from './mapping.js';

interface Seen {
  rank: number;
  filledQty: number;
  final: boolean;
}

export class OrderTracker {
  private readonly orders = new Map<string, Seen>();
  private readonly fills = new Set<string>();

  /** Records an order update; returns false when it is stale or a repeat and must not be emitted. */
  acceptOrder(order: VenueOrder): boolean {
    const next: Seen = { rank: statusRank(order.status), filledQty: order.filledQty, final: isFinal(order.status) };
    const prev = this.orders.get(order.brokerOrderId);
    if (prev) {
      if (prev.final) return false;
      if (next.rank < prev.rank) return false;
      if (next.filledQty < prev.filledQty) return false;
      if (next.rank === prev.rank && next.filledQty === prev.filledQty) return false;
    }
    this.orders.set(order.brokerOrderId, next);
    return true;
  }

  /** Records a fill; returns false when this transaction was already seen. */
  acceptFill(fillId: string): boolean {
    if (this.fills.has(fillId)) return false;
    this.fills.add(fillId);
    return true;
  }
}
