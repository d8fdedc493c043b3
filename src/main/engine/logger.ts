// The engine's log: JSON lines in <dataDir>/logs/engine.log. Never log secrets.
// Synchronous writes: the engine logs little (lifecycle, risk events, faults) and a fault's
// last line must reach the file even if the process dies right after.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

/** Field names that never reach the log, at the top level and one object deep. */
export const LOG_REDACT_PATHS = ['password', 'apiKey', 'secret', 'secrets', 'token', 'privateKey', 'tigerPublicKey', 'tradePassword', 'tradePasswordMd5', 'pwdMD5']
  .flatMap((key) => [key, `*.${key}`]);

export function createLogger(dataDir: string, level = process.env.DELTADECK_LOG_LEVEL ?? 'info'): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const destination = pino.destination({ dest: join(dir, 'engine.log'), sync: true });
  return pino({ level, base: { pid: process.pid }, redact: LOG_REDACT_PATHS }, destination);
}
