// Opens the engine's SQLite database: WAL, full durability (the order journal must survive
// a power cut), foreign keys on, numbered migrations with the version in PRAGMA user_version.
// Only a path where nothing exists yet becomes a fresh book. An empty file, a file that is not a
// database, another program's database, one from a newer Deltadeck, or one this user cannot write
// is refused — never wiped, never opened read-only.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivate } from './data-dir.js';
import { StartupError } from './errors.js';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

const BUSY_TIMEOUT_MS = 2_000;

function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function translateOpenError(file: string, error: unknown): never {
  const code = sqliteCode(error) ?? '';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    throw new StartupError(
      'DB_CORRUPT',
      `The database file ${file} is damaged or is not a Deltadeck database. It has been left untouched; ` +
        `move it aside (or restore a backup) and start again.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    throw new StartupError(
      'DB_LOCKED',
      `The database file ${file} is locked by another program. Close the other program (or other Deltadeck) and start again.`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) refuseReadOnly(file, [], code);
  if (code.startsWith('SQLITE_FULL')) {
    throw new StartupError('DATA_DIR_UNUSABLE', `The disk holding ${file} is full. Free some space and start again; nothing was changed.`);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR')) {
    throw new StartupError('DATA_DIR_UNUSABLE', `Cannot open ${file} for writing (${code}). Check the folder's permissions and that its disk is attached.`);
  }
  throw error;
}

/** Files SQLite keeps next to the database in WAL mode. */
const WAL_SIDE_FILES = ['-wal', '-shm'] as const;

function isOnDisk(file: string): boolean {
  return file !== '' && file !== ':memory:' && !file.startsWith('file:');
}

/** The size of what is at `file`, or null when nothing is there yet (then, and only then, a fresh book may be created). */
function existingSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StartupError('DATA_DIR_UNUSABLE', `Cannot read ${file}: ${(error as Error).message}. Check the folder's permissions.`);
  }
}

/**
 * The database's parts this user cannot write: the file, its WAL side files when present, its folder.
 * Checked before SQLite touches anything: SQLite silently falls back to read-only, and then leaves
 * read-only side files behind that keep the database read-only even after the file itself is fixed.
 */
function readOnlyParts(file: string): string[] {
  return [file, ...WAL_SIDE_FILES.map((suffix) => file + suffix), dirname(file)].filter((path) => {
    try {
      accessSync(path, constants.W_OK);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  });
}

function refuseReadOnly(file: string, parts: string[], sqliteError?: string): never {
  const what = parts.length > 0 ? `read-only for this user: ${parts.join(', ')}` : `SQLite reports it read-only, ${sqliteError}`;
  throw new StartupError(
    'DB_READ_ONLY',
    `Deltadeck cannot write its database ${file} (${what}). Every order is journaled there before it is sent, so Deltadeck ` +
      `does not run read-only. Make ${parts.length > 1 ? 'these' : 'it'} writable for the user running Deltadeck (chmod u+w, or fix the owner), ` +
      `or choose another data directory (--data-dir). Nothing was changed.`,
  );
}

function refuseEmpty(file: string, what: string): never {
  throw new StartupError(
    'DB_EMPTY',
    `The database file ${file} ${what}. Deltadeck did not create it just now, so it will not start a fresh book over it: it may be ` +
      `left over from a first start that was interrupted, or a file that lost its contents. Restore a backup if you have one; ` +
      `otherwise delete ${file} and start again, and Deltadeck creates a new demo book.`,
  );
}

/** An existing SQLite file without a Deltadeck schema: an interrupted first start, or another program's database. */
function refuseForeign(db: Db, file: string): never {
  const objects = db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() as number;
  if (objects === 0) refuseEmpty(file, 'is an empty SQLite database with no Deltadeck data');
  throw new StartupError(
    'DB_NOT_DELTADECK',
    `The file ${file} is another program's SQLite database, not a Deltadeck database. It has been left untouched: ` +
      `Deltadeck will not add its tables to it. Move it out of the data directory, or choose another one (--data-dir).`,
  );
}

function refuseTooNew(current: number, file: string): void {
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StartupError(
      'DB_TOO_NEW',
      `${file} was written by a newer Deltadeck (schema ${current}; this version knows up to ${latest}). ` +
        `Update Deltadeck; the file has been left untouched.`,
    );
  }
}

/**
 * SQLite opens a file it may not write read-only without a word (and BEGIN IMMEDIATE still succeeds);
 * only a real write finds out. The probe is rolled back, so it leaves nothing behind.
 */
function requireWritable(db: Db, file: string): void {
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec('CREATE TABLE main.deltadeck_write_probe (x)');
    } finally {
      // A failed statement may already have rolled the transaction back; a second ROLLBACK would hide why.
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  } catch (error) {
    const code = sqliteCode(error);
    if (code?.startsWith('SQLITE_READONLY')) refuseReadOnly(file, [], code);
    throw error;
  }
}

export function openDatabase(file: string): Db {
  const onDisk = isOnDisk(file);
  const size = onDisk ? existingSize(file) : null;
  const existed = size !== null;
  if (size === 0) refuseEmpty(file, 'is empty (0 bytes)');
  if (onDisk) {
    const readOnly = readOnlyParts(file);
    if (readOnly.length > 0) refuseReadOnly(file, readOnly);
  }
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: existed });
    // 0600 before the WAL side files exist: SQLite creates them with the database file's mode.
    makePrivate(file, `${file}-wal`, `${file}-shm`);
    // The first statement touching the file is what detects a non-database. Nothing is written
    // until the file is known to be a Deltadeck database this version can use.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (existed && version === 0) refuseForeign(db, file);
    refuseTooNew(version, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    requireWritable(db, file);
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
  refuseTooNew(current, file);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } catch (error) {
      const code = sqliteCode(error);
      if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) throw error;
      throw new StartupError(
        'DB_MIGRATION_FAILED',
        `Upgrading ${file} to schema ${migration.version} (${migration.name}) failed: ${(error as Error).message}. Nothing was changed.`,
      );
    }
  }
}

/**
 * Closes with PRAGMA optimize, as long-lived SQLite applications should. The optimize is best-effort
 * cleanup: when it fails (another program holds the write lock, the disk turned read-only) the file is
 * closed all the same and nothing is thrown, so it never hides an error the caller is handling.
 * Returns that failure for the caller to log.
 */
export function closeDatabase(db: Db): Error | undefined {
  if (!db.open) return undefined;
  let optimizeFailure: Error | undefined;
  try {
    db.pragma('optimize');
  } catch (error) {
    optimizeFailure = error instanceof Error ? error : new Error(String(error));
  }
  db.close();
  return optimizeFailure;
}
