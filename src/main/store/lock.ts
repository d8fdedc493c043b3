// One engine per data directory. The lock file records who holds it (and where it serves),
// so a second start can say exactly what is already running instead of corrupting state.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './errors.js';

export interface LockInfo {
  pid: number;
  startedAt: number;
  url?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Locks this process holds, so a second engine in the same process is refused too. */
const heldHere = new Set<string>();

export class DataDirLock {
  private constructor(
    readonly file: string,
    private info: LockInfo,
  ) {}

  static acquire(dataDir: string): DataDirLock {
    const file = join(dataDir, 'deltadeck.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      const info: LockInfo = { pid: process.pid, startedAt: Date.now() };
      try {
        const fd = openSync(file, 'wx', 0o600); // private, like everything in the data folder
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        heldHere.add(file);
        return new DataDirLock(file, info);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StartupError(
            'DATA_DIR_UNUSABLE',
            `Cannot write to the data directory ${dataDir}: ${(error as Error).message}. Deltadeck keeps its database there: ` +
              `make the folder writable for the user running Deltadeck, or choose another data directory (--data-dir).`,
          );
        }
        const holder = readLock(file);
        const held = heldHere.has(file) || (holder !== undefined && holder.pid !== process.pid && isAlive(holder.pid));
        if (held) {
          const where = holder?.url ? ` and serves ${holder.url}` : '';
          throw new StartupError(
            'DATA_DIR_LOCKED',
            `Deltadeck is already running on ${dataDir} (pid ${holder?.pid ?? process.pid}${where}). Use that one, stop it, or choose another data directory (--data-dir).`,
          );
        }
        rmSync(file, { force: true }); // stale: its process is gone
      }
    }
    throw new StartupError('DATA_DIR_LOCKED', `Could not take the lock ${file}.`);
  }

  /** Records where this instance serves, for the message a second start prints. */
  setUrl(url: string): void {
    this.info = { ...this.info, url };
    try {
      writeFileSync(this.file, JSON.stringify(this.info));
    } catch {
      // the lock itself still holds; only the hint is lost
    }
  }

  release(): void {
    if (!heldHere.delete(this.file)) return;
    const holder = readLock(this.file);
    if (holder?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

