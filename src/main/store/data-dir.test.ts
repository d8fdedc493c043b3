// The private data folder on real files: prepareDataDir creates it 0700 or tightens it to 0700, and
// refuses a path it cannot use; an engine on it creates its database (and WAL side files), lock,
// secrets key and log 0600, and tightens ones an earlier version left wider. The umask is set to
// the common 022 so that anything not made private on purpose would come out group/world-readable.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, openTestEngine } from '../engine/testing.js';
import { prepareDataDir } from './data-dir.js';
import { StartupError } from './errors.js';

const mode = (path: string) => statSync(path).mode & 0o777;

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('deltadeck-datadir-');
});
afterEach(() => temp.remove());

function startupError(fn: () => unknown): StartupError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return error as StartupError;
  }
  throw new Error('expected a StartupError');
}

describe('prepareDataDir', () => {
  it('refuses a path that is a file, or lies under one, with DATA_DIR_UNUSABLE', () => {
    const file = join(temp.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const isFile = startupError(() => prepareDataDir(file));
    expect(isFile.code).toBe('DATA_DIR_UNUSABLE');
    expect(isFile.message).toContain(file);
    expect(startupError(() => prepareDataDir(join(file, 'data'))).code).toBe('DATA_DIR_UNUSABLE');
  });
});

// Windows has no POSIX mode bits (its per-user profile folders keep other users out), so there is nothing to check there.
describe.skipIf(process.platform === 'win32')('the data folder is private (POSIX modes)', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('creates the folder and missing parents 0700, and tightens an existing folder of ours to 0700', () => {
    const dir = join(temp.dir, 'home', '.deltadeck');
    prepareDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(temp.dir, 'home'))).toBe(0o700);
    prepareDataDir(dir); // again: nothing to do
    expect(mode(dir)).toBe(0o700);

    const wide = join(temp.dir, 'wide');
    mkdirSync(wide, { mode: 0o755 });
    chmodSync(wide, 0o775);
    expect(mode(wide)).toBe(0o775);
    prepareDataDir(wide);
    expect(mode(wide)).toBe(0o700);
  });

  it('an engine creates its database, WAL files, lock, secrets key and log 0600 (logs folder 0700), and tightens wider ones it finds', async () => {
    const dir = join(temp.dir, 'data');
    prepareDataDir(dir);
    const files = ['deltadeck.db', 'deltadeck.db-wal', 'deltadeck.db-shm', 'deltadeck.lock', 'secrets.key', join('logs', 'engine.log')].map((f) => join(dir, f));

    let engine = await openTestEngine(dir);
    try {
      // A stored secret creates the key file.
      await engine.brokers.save({ venue: 'futu', label: 'Futu', host: '127.0.0.1', port: 11111, env: 'REAL', secrets: { tradePassword: 'pw-1234' } });
      for (const file of files) expect([file, mode(file)]).toEqual([file, 0o600]);
      expect(mode(join(dir, 'logs'))).toBe(0o700);
    } finally {
      await engine.close();
    }

    // Files an earlier version left group/world-readable are tightened on the next start.
    chmodSync(join(dir, 'logs'), 0o755);
    for (const file of files) {
      try {
        chmodSync(file, 0o644);
      } catch {
        // the lock and the WAL side files are gone after a clean close
      }
    }
    chmodSync(dir, 0o755);
    prepareDataDir(dir);
    engine = await openTestEngine(dir);
    try {
      expect(engine.brokers.list()).toHaveLength(1); // reads (and opens) the stored secret: the key file is loaded
      for (const file of files) expect([file, mode(file)]).toEqual([file, 0o600]);
      expect(mode(join(dir, 'logs'))).toBe(0o700);
      expect(mode(dir)).toBe(0o700);
    } finally {
      await engine.close();
    }
  });
});
