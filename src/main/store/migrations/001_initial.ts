// 001: the cockpit's first schema — settings, account, instruments, positions, tickets,
// orders and their event journal, fills, risk and audit events, equity points.
export const sql = `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  id                  TEXT PRIMARY KEY,
  currency            TEXT NOT NULL,
  cash                REAL NOT NULL,
  realized_pnl        REAL NOT NULL DEFAULT 0,
  session_date        TEXT NOT NULL,
  start_of_day_nav    REAL NOT NULL,
  created_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE instruments (
  symbol      TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('STOCK','ETF','OPTION')),
  underlying  TEXT NOT NULL,
  multiplier  INTEGER NOT NULL,
  right       TEXT CHECK (right IN ('C','P')),
  strike      REAL,
  expiry      TEXT,
  style       TEXT CHECK (style IN ('american','european'))
) STRICT;

CREATE TABLE positions (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  symbol      TEXT NOT NULL REFERENCES instruments(symbol),
  qty         REAL NOT NULL,
  avg_price   REAL NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, symbol)
) STRICT;

CREATE TABLE tickets (
  id            TEXT PRIMARY KEY,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  source        TEXT NOT NULL,
  reason        TEXT NOT NULL,
  intent        TEXT NOT NULL,
  checks        TEXT NOT NULL,
  verdict       TEXT NOT NULL CHECK (verdict IN ('green','amber','red')),
  content_hash  TEXT NOT NULL,
  status        TEXT NOT NULL,
  order_id      TEXT,
  est_notional  REAL NOT NULL
) STRICT;
CREATE INDEX tickets_created ON tickets(created_at);

CREATE TABLE orders (
  id               TEXT PRIMARY KEY,
  client_order_id  TEXT NOT NULL UNIQUE,
  ticket_id        TEXT REFERENCES tickets(id),
  account_id       TEXT NOT NULL REFERENCES accounts(id),
  mode             TEXT NOT NULL,
  venue            TEXT NOT NULL,
  symbol           TEXT NOT NULL REFERENCES instruments(symbol),
  side             TEXT NOT NULL CHECK (side IN ('BUY','SELL')),
  qty              REAL NOT NULL,
  order_type       TEXT NOT NULL,
  limit_price      REAL,
  status           TEXT NOT NULL,
  filled_qty       REAL NOT NULL DEFAULT 0,
  avg_fill_price   REAL,
  status_reason    TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_status ON orders(status);

CREATE TABLE order_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id     TEXT NOT NULL REFERENCES orders(id),
  ts           INTEGER NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  detail       TEXT
) STRICT;
CREATE INDEX order_events_order ON order_events(order_id, seq);

CREATE TABLE fills (
  id          TEXT PRIMARY KEY,
  order_id    TEXT NOT NULL REFERENCES orders(id),
  symbol      TEXT NOT NULL,
  side        TEXT NOT NULL,
  qty         REAL NOT NULL,
  price       REAL NOT NULL,
  commission  REAL NOT NULL,
  ts          INTEGER NOT NULL
) STRICT;
CREATE INDEX fills_ts ON fills(ts);

CREATE TABLE risk_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  ts        INTEGER NOT NULL,
  severity  TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),
  code      TEXT NOT NULL,
  message   TEXT NOT NULL,
  symbol    TEXT,
  details   TEXT
) STRICT;

CREATE TABLE audit_events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  ts       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  details  TEXT
) STRICT;

CREATE TABLE equity_points (
  ts     INTEGER PRIMARY KEY,
  nav    REAL NOT NULL,
  cash   REAL NOT NULL
) STRICT;
`;
