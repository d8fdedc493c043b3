// 006: broker connections (Futu OpenD, Tiger Open API) and their secrets. Secrets are stored only
// sealed by the vault (AES-256-GCM: iv, tag, ciphertext); removing a connection removes them.
export const sql = `
CREATE TABLE broker_connections (
  id          TEXT PRIMARY KEY,
  venue       TEXT NOT NULL CHECK (venue IN ('futu','tiger')),
  label       TEXT NOT NULL,
  host        TEXT NOT NULL,
  port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  env         TEXT NOT NULL CHECK (env IN ('SIMULATE','REAL')),
  account_id  TEXT,
  tiger_id    TEXT,
  settings    TEXT NOT NULL DEFAULT '{}',
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE broker_secrets (
  connection_id  TEXT NOT NULL REFERENCES broker_connections(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  iv             BLOB NOT NULL,
  tag            BLOB NOT NULL,
  ciphertext     BLOB NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (connection_id, name)
) STRICT;
`;
