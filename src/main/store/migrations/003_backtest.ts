// 003: backtest runs (configuration, metrics, thinned equity curve, trades and fills) and
// parameter sweeps (one row of metrics per combination), so runs can be compared and exported.
export const sql = `
CREATE TABLE backtest_runs (
  id           TEXT PRIMARY KEY,
  created_at   INTEGER NOT NULL,
  label        TEXT NOT NULL,
  data         TEXT NOT NULL,
  data_label   TEXT NOT NULL,
  strategy     TEXT NOT NULL,
  params       TEXT NOT NULL,
  config       TEXT NOT NULL,
  bars         INTEGER NOT NULL,
  first_time   INTEGER,
  last_time    INTEGER,
  intraday     INTEGER NOT NULL CHECK (intraday IN (0, 1)),
  final_value  REAL NOT NULL,
  final_cash   REAL NOT NULL,
  metrics      TEXT NOT NULL,
  benchmark    TEXT NOT NULL,
  equity       TEXT NOT NULL,
  trades       TEXT NOT NULL,
  fills        TEXT NOT NULL,
  notes        TEXT NOT NULL
) STRICT;
CREATE INDEX backtest_runs_created ON backtest_runs(created_at);

CREATE TABLE backtest_sweeps (
  id           TEXT PRIMARY KEY,
  created_at   INTEGER NOT NULL,
  data         TEXT NOT NULL,
  data_label   TEXT NOT NULL,
  strategy     TEXT NOT NULL,
  params       TEXT NOT NULL,
  grid         TEXT NOT NULL,
  config       TEXT NOT NULL,
  rows         TEXT NOT NULL
) STRICT;
`;
