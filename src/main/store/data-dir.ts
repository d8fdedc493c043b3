// The data folder is private: it holds the order journal, the broker secrets' key (in headless
// use, the key itself) and the logs. On POSIX the folder is 0700 and every file Deltadeck creates
// in it 0600, so another user of the machine can read none of it. Windows has no mode bits; its
// per-user profile folders already keep other users out.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { StartupError } from './errors.js';

const POSIX = process.platform !== 'win32';
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data folder (and missing parents) readable only by us, or tightens an existing one
 * that we own to 0700. A folder owned by someone else is left as it is (we may not change it).
 */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw new StartupError('DATA_DIR_UNUSABLE', `Cannot create the data directory ${dir}: ${(error as Error).message}`);
  }
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    throw new StartupError('DATA_DIR_UNUSABLE', `Cannot read the data directory ${dir}: ${(error as Error).message}`);
  }
  if (!stats.isDirectory()) throw new StartupError('DATA_DIR_UNUSABLE', `The data directory ${dir} is not a folder.`);
  if (!POSIX || (stats.mode & 0o077) === 0) return;
  if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) return;
  try {
    chmodSync(dir, stats.mode & PRIVATE_DIR_MODE); // only takes group/other access away
  } catch (error) {
    throw new StartupError(
      'DATA_DIR_UNUSABLE',
      `Cannot make the data directory ${dir} private (readable only by you): ${(error as Error).message}. Fix its permissions (chmod 700) or choose another one.`,
    );
  }
}

/**
 * Takes group and other access away from files and folders we created (0644 → 0600, 0755 → 0700),
 * never adding any (a file made read-only stays read-only). One that does not exist is skipped. Best effort.
 */
export function makePrivate(...paths: string[]): void {
  if (!POSIX) return;
  for (const path of paths) {
    try {
      const { mode } = statSync(path);
      if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
    } catch {
      // missing (e.g. no -wal yet), or a read-only folder: the folder's 0700 still protects it
    }
  }
}
