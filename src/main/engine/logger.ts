// The engine's log: JSON lines in <dataDir>/logs/engine.log. Never log secrets.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export function createLogger(dataDir: string, level = process.env.DELTADECK_LOG_LEVEL ?? 'info'): Logger {
  const destination = pino.destination({ dest: join(dataDir, 'logs', 'engine.log'), mkdir: true, sync: false });
  return pino({ level, base: { pid: process.pid }, redact: ['*.password', '*.apiKey', '*.secret', '*.token'] }, destination);
}
