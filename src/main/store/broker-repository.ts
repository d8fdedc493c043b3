// Reads and writes broker connections and their sealed secrets. Configs are validated with zod on
// the way in and on the way out: a row that no longer validates is reported, not returned half-read.
// This layer never sees a secret in the clear — only the vault's iv/tag/ciphertext.
import type { Db } from './database.js';
import { BrokerConnectionConfig, BrokerSettings } from '../../shared/brokers.js';
import type { SealedSecret } from '../secrets/vault.js';

interface ConnectionRow {
  id: string;
  venue: string;
  label: string;
  host: string;
  port: number;
  env: string;
  accountId: string | null;
  tigerId: string | null;
  settings: string;
  enabled: number;
  createdAt: number;
  updatedAt: number;
}

export class BrokerConfigError extends Error {
  constructor(
    readonly connectionId: string,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}

function fromRow(row: ConnectionRow): BrokerConnectionConfig {
  let settings: unknown;
  try {
    settings = JSON.parse(row.settings);
  } catch {
    throw new BrokerConfigError(row.id, `The stored settings of broker connection ${row.id} are not valid JSON; save the connection again.`);
  }
  const parsed = BrokerConnectionConfig.safeParse({ ...row, enabled: row.enabled === 1, settings });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BrokerConfigError(row.id, `The stored broker connection ${row.id} is invalid (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unknown'}); save it again.`);
  }
  return parsed.data;
}

const SELECT = `SELECT id, venue, label, host, port, env, account_id AS accountId, tiger_id AS tigerId, settings, enabled,
  created_at AS createdAt, updated_at AS updatedAt FROM broker_connections`;

export class BrokerRepository {
  private readonly stmts;

  constructor(readonly db: Db) {
    this.stmts = {
      list: db.prepare<[], ConnectionRow>(`${SELECT} ORDER BY created_at, rowid`),
      get: db.prepare<[string], ConnectionRow>(`${SELECT} WHERE id = ?`),
      upsert: db.prepare(
        `INSERT INTO broker_connections (id, venue, label, host, port, env, account_id, tiger_id, settings, enabled, created_at, updated_at)
         VALUES (@id, @venue, @label, @host, @port, @env, @accountId, @tigerId, @settings, @enabled, @createdAt, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET venue = excluded.venue, label = excluded.label, host = excluded.host, port = excluded.port,
           env = excluded.env, account_id = excluded.account_id, tiger_id = excluded.tiger_id, settings = excluded.settings,
           enabled = excluded.enabled, updated_at = excluded.updated_at`,
      ),
      remove: db.prepare<[string]>('DELETE FROM broker_connections WHERE id = ?'),
      secretNames: db.prepare<[string], { name: string }>('SELECT name FROM broker_secrets WHERE connection_id = ? ORDER BY name'),
      getSecret: db.prepare<[string, string], { iv: Buffer; tag: Buffer; ciphertext: Buffer }>(
        'SELECT iv, tag, ciphertext FROM broker_secrets WHERE connection_id = ? AND name = ?',
      ),
      putSecret: db.prepare(
        `INSERT INTO broker_secrets (connection_id, name, iv, tag, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(connection_id, name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      ),
      deleteSecret: db.prepare<[string, string]>('DELETE FROM broker_secrets WHERE connection_id = ? AND name = ?'),
    };
  }

  /** Every connection; one that no longer validates comes back as an error entry instead. */
  list(): Array<{ ok: true; config: BrokerConnectionConfig } | { ok: false; id: string; error: string }> {
    return this.stmts.list.all().map((row) => {
      try {
        return { ok: true as const, config: fromRow(row) };
      } catch (error) {
        return { ok: false as const, id: row.id, error: (error as Error).message };
      }
    });
  }

  get(id: string): BrokerConnectionConfig | undefined {
    const row = this.stmts.get.get(id);
    return row ? fromRow(row) : undefined;
  }

  save(config: BrokerConnectionConfig): BrokerConnectionConfig {
    const valid = BrokerConnectionConfig.parse(config);
    this.stmts.upsert.run({
      ...valid,
      settings: JSON.stringify(BrokerSettings.parse(valid.settings)),
      enabled: valid.enabled ? 1 : 0,
    });
    return valid;
  }

  /** Removes the connection and (by cascade) its secrets. */
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  secretNames(connectionId: string): string[] {
    return this.stmts.secretNames.all(connectionId).map((r) => r.name);
  }

  getSecret(connectionId: string, name: string): SealedSecret | undefined {
    const row = this.stmts.getSecret.get(connectionId, name);
    return row ? { iv: row.iv, tag: row.tag, ciphertext: row.ciphertext } : undefined;
  }

  putSecret(connectionId: string, name: string, sealed: SealedSecret, ts: number): void {
    this.stmts.putSecret.run(connectionId, name, sealed.iv, sealed.tag, sealed.ciphertext, ts);
  }

  deleteSecret(connectionId: string, name: string): void {
    this.stmts.deleteSecret.run(connectionId, name);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
