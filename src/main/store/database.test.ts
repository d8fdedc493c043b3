import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.js';
import { makeTempDir, openTestEngine } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { closeDatabase, openDatabase } from './database.js';
import { StartupError } from './errors.js';
import { migrations } from './migrations/index.js';
import type { OpenOutcome } from './open-engine-process.js';

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
    expect(existsSync(join(tmp.dir, 'deltadeck.lock'))).toBe(false);
    // The data directory lock was released: moving the file aside lets the engine start.
    rmSync(file);
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
    const before = sha(join(tmp.dir, 'deltadeck.db'));
    const error = await startupError(openTestEngine(tmp.dir));
    expect(error.code).toBe('DB_TOO_NEW');
    expect(sha(join(tmp.dir, 'deltadeck.db'))).toBe(before);
    expect(existsSync(join(tmp.dir, 'deltadeck.lock'))).toBe(false);
  });

  it('refuses a zero-byte database file instead of starting a fresh demo book over it, and says it may be deleted', async () => {
    const file = join(tmp.dir, 'deltadeck.db');
    writeFileSync(file, ''); // what a crash during the very first start can leave
    const error = await startupError(openTestEngine(tmp.dir));
    expect(error.code).toBe('DB_EMPTY');
    expect(error.message).toContain(`${file} is empty (0 bytes)`);
    expect(error.message).toContain(`delete ${file} and start again`);
    expect(statSync(file).size).toBe(0);
    expect(readdirSync(tmp.dir).sort()).toEqual(['deltadeck.db']); // no lock left, no WAL files, no logs
    // Deleting it, as the message says, starts a fresh book.
    rmSync(file);
    const engine = await openTestEngine(tmp.dir);
    await engine.close();
  });

  it('refuses an empty SQLite database (a first start stopped before its schema) the same way', () => {
    const file = join(tmp.dir, 'x.db');
    const bare = new Database(file);
    bare.pragma('journal_mode = WAL'); // writes the header page, as openDatabase does before migrating
    bare.close();
    const before = sha(file);
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'DB_EMPTY', message: expect.stringContaining(`delete ${file}`) }));
    expect(sha(file)).toBe(before);
  });

  it("refuses another program's SQLite database without adding its tables to it", async () => {
    const file = join(tmp.dir, 'deltadeck.db');
    const other = new Database(file);
    other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');");
    other.close();
    const before = sha(file);
    const error = await startupError(openTestEngine(tmp.dir));
    expect(error.code).toBe('DB_NOT_DELTADECK');
    expect(error.message).toContain(file);
    expect(sha(file)).toBe(before);
    expect(existsSync(join(tmp.dir, 'deltadeck.lock'))).toBe(false);
  });

  it('when the engine fails after the database opened, that error surfaces and the data directory is unlocked', async () => {
    const first = await openTestEngine(tmp.dir);
    await first.close();
    // A database that refuses the engine's first write at start-up: a real failure inside Engine.open.
    const raw = new Database(join(tmp.dir, 'deltadeck.db'));
    raw.exec("CREATE TRIGGER refuse_settings BEFORE UPDATE ON settings BEGIN SELECT RAISE(ABORT, 'settings are frozen'); END;");
    raw.close();
    await expect(openTestEngine(tmp.dir)).rejects.toThrow(/settings are frozen/);
    expect(existsSync(join(tmp.dir, 'deltadeck.lock'))).toBe(false);
    const fixed = new Database(join(tmp.dir, 'deltadeck.db'));
    fixed.exec('DROP TRIGGER refuse_settings');
    fixed.close();
    const engine = await openTestEngine(tmp.dir);
    await engine.close();
  });

  it('closing never throws when PRAGMA optimize fails: the file is closed and the failure returned', () => {
    const file = join(tmp.dir, 'x.db');
    const db = openDatabase(file);
    db.exec('CREATE TABLE marks (symbol TEXT, px REAL); CREATE INDEX marks_symbol ON marks (symbol);');
    const insert = db.prepare('INSERT INTO marks VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 5_000; i++) insert.run(`S${i % 50}`, i);
    })();
    db.prepare("SELECT COUNT(*) FROM marks WHERE symbol = 'S3'").get(); // optimize now wants to ANALYZE marks
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE'); // another program holds the write lock
    try {
      const failure = closeDatabase(db);
      expect(failure).toMatchObject({ code: 'SQLITE_BUSY' });
      expect(db.open).toBe(false);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
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

// Root passes every permission check, so the read-only cases run the engine in a process of its own
// as an unprivileged user (nobody) when the tests run as root; otherwise as the current user.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

function chownTree(path: string, id: number): void {
  chownSync(path, id, id);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), id);
}

function openElsewhere(args: string[]): OpenOutcome {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/store/open-engine-process.ts', ...args], {
    cwd: projectRoot(),
    encoding: 'utf8',
    timeout: 60_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`open-engine-process printed nothing (status ${run.status}): ${run.stderr}`);
  return JSON.parse(line) as OpenOutcome;
}

describe('a database this user cannot write', () => {
  let dataDir: string;
  let file: string;

  beforeEach(async () => {
    dataDir = join(tmp.dir, 'data');
    file = join(dataDir, 'deltadeck.db');
    const engine = await openTestEngine(dataDir);
    await engine.close();
    if (asRoot) {
      chmodSync(tmp.dir, 0o755);
      chownTree(dataDir, NOBODY);
    }
    expect(openElsewhere(['--data-dir', dataDir])).toEqual({ ok: true }); // the control: it opens as that user
  });

  afterEach(() => {
    chmodSync(dataDir, 0o700);
    chmodSync(file, 0o600);
  });

  it('a read-only database file is refused with what to fix, untouched, and the data directory unlocked', () => {
    const before = sha(file);
    chmodSync(file, 0o400); // owner read-only; nothing for others, so no tightening to 0600 makes it writable
    const outcome = openElsewhere(['--data-dir', dataDir]);
    expect(outcome).toMatchObject({ ok: false, code: 'DB_READ_ONLY' });
    expect(outcome.message).toContain(`cannot write its database ${file} (read-only for this user: ${file})`);
    expect(outcome.message).toMatch(/chmod u\+w/);
    expect(sha(file)).toBe(before);
    // Unlocked, and no read-only side files left behind: making the file writable is all it takes.
    expect(readdirSync(dataDir).sort()).toEqual(['deltadeck.db', 'logs']);
    chmodSync(file, 0o600);
    expect(openElsewhere(['--data-dir', dataDir])).toEqual({ ok: true });
  });

  it('a read-only data directory is refused with its path, and so is a database inside it', () => {
    chmodSync(dataDir, 0o500); // owner read-only; nothing for others, so no tightening to 0700 makes it writable
    const engine = openElsewhere(['--data-dir', dataDir]);
    expect(engine).toMatchObject({ ok: false, code: 'DATA_DIR_UNUSABLE' });
    expect(engine.message).toContain(`Cannot write to the data directory ${dataDir}`);
    const db = openElsewhere(['--db', file]);
    expect(db).toMatchObject({ ok: false, code: 'DB_READ_ONLY' });
    expect(db.message).toContain(`read-only for this user: ${dataDir})`);
    expect(readdirSync(dataDir).sort()).toEqual(['deltadeck.db', 'logs']);
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
