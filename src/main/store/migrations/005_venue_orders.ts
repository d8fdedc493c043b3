// 005: the broker's own id for each order sent to a live venue (Futu order id, Tiger's
// pre-allocated order_no), recorded as soon as the venue answers, so a restart can cancel, modify
// and reconcile orders by the broker's id as well as by Deltadeck's client order id.
export const sql = `
CREATE TABLE venue_order_ids (
  order_id         TEXT PRIMARY KEY REFERENCES orders(id),
  venue            TEXT NOT NULL,
  broker_order_id  TEXT NOT NULL,
  recorded_at      INTEGER NOT NULL,
  UNIQUE (venue, broker_order_id)
) STRICT;
CREATE INDEX orders_venue_updated ON orders(venue, updated_at);
`;
