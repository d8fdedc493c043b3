// Opens an engine on a data directory (or only a database file) in a process of its own and prints
// one JSON line with the outcome, for database.test.ts. A test running as root starts it as an
// unprivileged user, so file permissions apply to it (root passes every permission check).
//   node --import tsx src/main/store/open-engine-process.ts --data-dir DIR
//   node --import tsx src/main/store/open-engine-process.ts --db FILE
import { parseArgs } from 'node:util';
import { openTestEngine } from '../engine/testing.js';
import { closeDatabase, openDatabase } from './database.js';
import { StartupError } from './errors.js';

export interface OpenOutcome {
  ok: boolean;
  code?: string;
  message?: string;
}

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, db: { type: 'string' } } });

async function main(): Promise<OpenOutcome> {
  try {
    if (values.db) {
      closeDatabase(openDatabase(values.db));
    } else {
      const engine = await openTestEngine(values['data-dir']!);
      await engine.close();
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof StartupError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'UNEXPECTED', message: (error as Error).stack ?? String(error) };
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
