// Opens the engine's SQLite database: WAL, full durability (the order journal must survive
// a power cut), foreign keys on, numbered migrations with the version in PRAGMA user_version.
// A file that is not a database, or is from a newer Deltadeck, is refused — never wiped.
import Database from 'better-sqlite3';
import { StartupError } from './errors.js';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

const BUSY_TIMEOUT_MS = 2_000;

function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function translateOpenError(file: string, error: unknown): never {
  const code = sqliteCode(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    throw new StartupError(
      'DB_CORRUPT',
      `The database file ${file} is damaged or is not a Deltadeck database. It has been left untouched; ` +
        `move it aside (or restore a backup) and start again.`,
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    throw new StartupError(
      'DB_LOCKED',
      `The database file ${file} is locked by another program. Close the other program (or other Deltadeck) and start again.`,
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    throw new StartupError('DATA_DIR_UNUSABLE', `Cannot open ${file} for writing (${code}). Check the folder's permissions.`);
  }
  throw error;
}

export function openDatabase(file: string): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // The first statement touching the file is what detects a non-database.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    }
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StartupError) throw error;
    translateOpenError(file, error);
  }
}

export function migrate(db: Db, file = 'the database'): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StartupError(
      'DB_TOO_NEW',
      `${file} was written by a newer Deltadeck (schema ${current}; this version knows up to ${latest}). ` +
        `Update Deltadeck; the file has been left untouched.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } catch (error) {
      const code = sqliteCode(error);
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw error;
      throw new StartupError(
        'DB_MIGRATION_FAILED',
        `Upgrading ${file} to schema ${migration.version} (${migration.name}) failed: ${(error as Error).message}. Nothing was changed.`,
      );
    }
  }
}

/** Closes with PRAGMA optimize, as long-lived SQLite applications should. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  try {
    db.pragma('optimize');
  } finally {
    db.close();
  }
}
