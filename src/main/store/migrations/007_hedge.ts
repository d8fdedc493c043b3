// 007: an index for the gate's order-rate count, hedge runs (each planning run with its result and what became of it) and the hedge log
// (every manual and automatic decision, with why). Results and executions are JSON validated by
// the zod schemas in src/shared/hedge.ts when read back.
export const sql = `
CREATE TABLE hedge_runs (
  id         TEXT PRIMARY KEY,
  ts         INTEGER NOT NULL,
  trigger    TEXT NOT NULL CHECK (trigger IN ('breach','schedule','manual')),
  status     TEXT NOT NULL CHECK (status IN ('proposed','executing','executed','partial','rejected','superseded','failed')),
  result     TEXT NOT NULL,
  execution  TEXT,
  note       TEXT
) STRICT;
CREATE INDEX hedge_runs_ts ON hedge_runs (ts);

-- The gate counts orders sent in the last minute on every verdict: without this it scans the journal.
CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at);

CREATE TABLE hedge_log (
  id          INTEGER PRIMARY KEY,
  ts          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  run_id      TEXT,
  underlying  TEXT,
  message     TEXT NOT NULL
) STRICT;
`;
