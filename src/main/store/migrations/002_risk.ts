// 002: the risk gate — limits (one validated JSON document), the account's trading state and its
// loss baselines, each ticket's what-if Greeks, each order's arrival price (for the slippage
// check), and daily closes per underlying (for historical VaR and beta estimates).
export const sql = `
CREATE TABLE risk_limits (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  json        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL
) STRICT;

CREATE TABLE account_risk (
  account_id     TEXT PRIMARY KEY REFERENCES accounts(id),
  state          TEXT NOT NULL CHECK (state IN ('ACTIVE','REDUCING','HALTED')),
  reason         TEXT,
  since          INTEGER,
  peak_nav       REAL NOT NULL,
  loss_base_nav  REAL NOT NULL,
  session_date   TEXT NOT NULL
) STRICT;

ALTER TABLE tickets ADD COLUMN what_if TEXT;
ALTER TABLE orders ADD COLUMN arrival_price REAL;

CREATE TABLE price_history (
  symbol     TEXT NOT NULL,
  date       TEXT NOT NULL,
  close      REAL NOT NULL CHECK (close > 0),
  simulated  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (symbol, date)
) STRICT;
`;
