// The engine's log: JSON lines in <dataDir>/logs/engine.log. Never log secrets.
// Synchronous writes: the engine logs little (lifecycle, risk events, faults) and a fault's
// last line must reach the file even if the process dies right after.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { makePrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/data-dir.js';

/** Field names that never reach the log, at the top level and one object deep. */
export const LOG_REDACT_PATHS = ['password', 'apiKey', 'secret', 'secrets', 'token', 'privateKey', 'tigerPublicKey', 'tradePassword', 'tradePasswordMd5', 'pwdMD5']
  .flatMap((key) => [key, `*.${key}`]);

export function createLogger(dataDir: string, level = process.env.DELTADECK_LOG_LEVEL ?? 'info'): Logger {
  const dir = join(dataDir, 'logs');
  // Private like the rest of the data folder: the log names accounts, symbols and orders.
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = join(dir, 'engine.log');
  const destination = pino.destination({ dest: file, sync: true, mode: PRIVATE_FILE_MODE });
  makePrivate(dir, file); // a folder or log from an earlier version may be wider
  return pino({ level, base: { pid: process.pid }, redact: LOG_REDACT_PATHS }, destination);
}
