// The engine log never carries a secret, whatever object a caller hands it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { makeTempDir } from './testing.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('deltadeck-log-');
});
afterEach(() => temp.remove());

it('redacts secret fields at the top level and one object deep', () => {
  const log = createLogger(temp.dir, 'info');
  log.info({ tradePassword: 'S1', privateKey: 'S2', config: { tradePasswordMd5: 'S3', tigerPublicKey: 'S4', secrets: { a: 'S5' } }, req: { pwdMD5: 'S6', password: 'S7' }, label: 'kept' }, 'saving');
  log.flush();
  const text = readFileSync(join(temp.dir, 'logs', 'engine.log'), 'utf8');
  expect(text).toContain('"label":"kept"');
  for (const secret of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']) expect(text).not.toContain(`"${secret}"`);
  expect(text).toContain('[Redacted]');
});
