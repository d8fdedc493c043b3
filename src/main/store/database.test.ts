import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.js';
import { makeTempDir, openTestEngine } from '../engine/testing.js';
import { openDatabase } from './database.js';
import { StartupError } from './errors.js';
import { migrations } from './migrations/index.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.remove());

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function startupError(promise: Promise<unknown>): Promise<StartupError> {
  try {
    const engine = await promise;
    await (engine as Engine).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return error as StartupError;
  }
  throw new Error('expected the engine to refuse to start');
}

describe('store', () => {
  it('creates the schema with WAL, foreign keys, full sync and the version in user_version', () => {
    const db = openDatabase(join(tmp.dir, 'x.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['orders', 'order_events', 'fills', 'positions', 'equity_points', 'tickets', 'risk_events', 'settings']));
    // Foreign keys are enforced: an event for an order that does not exist is refused.
    expect(() => db.prepare("INSERT INTO order_events (order_id, ts, to_status) VALUES ('nope', 1, 'filled')").run()).toThrow(/FOREIGN KEY/);
    db.close();
    // Re-opening is idempotent.
    const again = openDatabase(join(tmp.dir, 'x.db'));
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    again.close();
  });

  it('refuses a corrupt database file with a clear error and leaves it untouched', async () => {
    const file = join(tmp.dir, 'deltadeck.db');
    writeFileSync(file, Buffer.concat([Buffer.from('this is not sqlite at all '), Buffer.alloc(8192, 7)]));
    const before = sha(file);
    const error = await startupError(openTestEngine(tmp.dir));
    expect(error.code).toBe('DB_CORRUPT');
    expect(error.message).toMatch(/left untouched/);
    expect(sha(file)).toBe(before);
    // The data directory lock was released: fixing the file lets the engine start.
    writeFileSync(file, '');
    const engine = await openTestEngine(tmp.dir);
    await engine.close();
  });

  it('refuses a database locked by another program with a clear error', async () => {
    const first = await openTestEngine(tmp.dir);
    await first.close();
    const other = new Database(join(tmp.dir, 'deltadeck.db'));
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = await startupError(openTestEngine(tmp.dir));
      expect(error.code).toBe('DB_LOCKED');
      expect(error.message).toMatch(/locked by another program/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('refuses a database from a newer Deltadeck', async () => {
    const db = new Database(join(tmp.dir, 'deltadeck.db'));
    db.pragma('user_version = 999');
    db.close();
    const error = await startupError(openTestEngine(tmp.dir));
    expect(error.code).toBe('DB_TOO_NEW');
  });

  it('one engine per data directory: a second start names the running one', async () => {
    const first = await openTestEngine(tmp.dir);
    first.setLockUrl('http://127.0.0.1:7717/');
    try {
      const error = await startupError(openTestEngine(tmp.dir));
      expect(error.code).toBe('DATA_DIR_LOCKED');
      expect(error.message).toContain(`pid ${process.pid}`);
      expect(error.message).toContain('http://127.0.0.1:7717/');
    } finally {
      await first.close();
    }
    // A stale lock from a dead process is taken over.
    writeFileSync(join(tmp.dir, 'deltadeck.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 0 }));
    const second = await openTestEngine(tmp.dir);
    await second.close();
  });
});

describe('equity history', () => {
  it('thins a long history evenly inside SQLite, keeping the newest point', async () => {
    const { Repository } = await import('./repository.js');
    const db = openDatabase(join(tmp.dir, 'eq.db'));
    const repo = new Repository(db);
    repo.transaction(() => {
      for (let i = 0; i < 10_000; i++) repo.insertEquityPoint({ ts: 1_000 + i, nav: 100 + i, cash: 50 });
    });
    const thinned = repo.equityHistory(0, 1_000);
    expect(thinned.length).toBeLessThanOrEqual(1_000);
    expect(thinned.length).toBeGreaterThan(900);
    expect(thinned.at(-1)).toEqual({ ts: 10_999, nav: 10_099, cash: 50 });
    const gaps = new Set(thinned.slice(1).map((p, i) => p.ts - thinned[i]!.ts));
    expect([...gaps]).toEqual([10]); // evenly spaced
    expect(repo.equityHistory(0, 20_000)).toHaveLength(10_000);
    expect(repo.equityHistory(10_990, 100).map((p) => p.ts)).toEqual(Array.from({ length: 10 }, (_, i) => 10_990 + i));
    db.close();
  });
});
