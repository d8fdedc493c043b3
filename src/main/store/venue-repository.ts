// What the OMS keeps about orders sent to live venues: the broker's order id of each order
// (recorded the moment the venue answers), and the journal views reconciliation needs — the
// venue's working and recent orders by client order id, and the broker fill ids already booked.
import type { OrderStatus, Side } from '../../shared/domain.js';
import type { Db } from './database.js';

export interface VenueJournalOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  status: OrderStatus;
  filledQty: number;
  avgFillPrice: number | null;
  createdAt: number;
  brokerOrderId: string | null;
}

export class VenueRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      record: db.prepare(
        `INSERT INTO venue_order_ids (order_id, venue, broker_order_id, recorded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(order_id) DO NOTHING`,
      ),
      brokerIdOf: db.prepare<[string], { id: string }>('SELECT broker_order_id AS id FROM venue_order_ids WHERE order_id = ?'),
      orderOfBrokerId: db.prepare<[string, string], { id: string }>('SELECT order_id AS id FROM venue_order_ids WHERE venue = ? AND broker_order_id = ?'),
      orderOfClientId: db.prepare<[string, string], { id: string }>('SELECT id FROM orders WHERE venue = ? AND client_order_id = ?'),
      recent: db.prepare<[string, number], VenueJournalOrder>(
        `SELECT o.id, o.client_order_id AS clientOrderId, o.symbol, o.side, o.qty, o.status, o.filled_qty AS filledQty,
                o.avg_fill_price AS avgFillPrice, o.created_at AS createdAt, v.broker_order_id AS brokerOrderId
         FROM orders o LEFT JOIN venue_order_ids v ON v.order_id = o.id
         WHERE o.venue = ? AND (o.status IN ('approved','submitted','accepted','partially_filled') OR o.updated_at >= ?)
         ORDER BY o.created_at, o.rowid`,
      ),
      bookedFillIds: db.prepare<[string], { id: string }>(`SELECT id FROM fills WHERE id LIKE ? ESCAPE '\\'`),
    };
  }

  recordBrokerOrderId(venue: string, orderId: string, brokerOrderId: string, ts: number): void {
    this.stmts.record.run(orderId, venue, brokerOrderId, ts);
  }

  brokerOrderIdOf(orderId: string): string | undefined {
    return this.stmts.brokerIdOf.get(orderId)?.id;
  }

  orderIdOfBrokerId(venue: string, brokerOrderId: string): string | undefined {
    return this.stmts.orderOfBrokerId.get(venue, brokerOrderId)?.id;
  }

  orderIdOfClientId(venue: string, clientOrderId: string): string | undefined {
    return this.stmts.orderOfClientId.get(venue, clientOrderId)?.id;
  }

  /** The venue's working orders and those updated since `sinceTs`, oldest first. */
  recentOrders(venue: string, sinceTs: number): VenueJournalOrder[] {
    return this.stmts.recent.all(venue, sinceTs);
  }

  /** Journal fill ids of a venue (they are `<venue>:<broker fill id>`). */
  bookedFillIds(venue: string): Set<string> {
    const prefix = `${venue.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
    return new Set(this.stmts.bookedFillIds.all(prefix).map((r) => r.id));
  }
}

/** The journal id of a broker fill: unique across venues. */
export function journalFillId(venue: string, brokerFillId: string): string {
  return `${venue}:${brokerFillId}`;
}
