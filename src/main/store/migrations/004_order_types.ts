// 004: stop and stop-limit orders, time in force and outside-regular-hours trading. Orders get
// the columns; rows written before keep their meaning: no stop price, DAY, regular hours only.
// Tickets keep their intent as JSON: an intent stored before this migration has no `tif` or
// `outsideRth` and is read as DAY / false (repository.ts).
export const sql = `
ALTER TABLE orders ADD COLUMN stop_price REAL;
ALTER TABLE orders ADD COLUMN tif TEXT NOT NULL DEFAULT 'DAY' CHECK (tif IN ('DAY','GTC','IOC'));
ALTER TABLE orders ADD COLUMN outside_rth INTEGER NOT NULL DEFAULT 0 CHECK (outside_rth IN (0, 1));
`;
