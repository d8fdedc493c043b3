// The bar files a trader can backtest on from the cockpit: a bundled sample and whatever CSV
// files sit in `<data-dir>/data/`. The renderer names a file by its id from this list, never by
// a path, so no request can read outside these two folders.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BacktestDataChoice } from '../../shared/backtest.js';

const BAR_FILE = /\.(csv|txt)$/i;
const ORIGINS = { sample: 'sample', data: 'data-dir' } as const;

export class DataFiles {
  constructor(
    readonly sampleDir: string,
    readonly userDir: string,
  ) {}

  list(): BacktestDataChoice[] {
    return [...this.scan('sample', this.sampleDir), ...this.scan('data', this.userDir)];
  }

  /** The path of a listed file, or undefined for an id that is not one of them. */
  resolve(id: string): { path: string; label: string } | undefined {
    const slash = id.indexOf('/');
    const prefix = id.slice(0, slash);
    const name = id.slice(slash + 1);
    if (slash < 0 || !(prefix === 'sample' || prefix === 'data')) return undefined;
    if (!BAR_FILE.test(name) || name.includes('/') || name.includes('\\') || name.startsWith('.')) return undefined;
    const dir = prefix === 'sample' ? this.sampleDir : this.userDir;
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return { path, label: name };
  }

  private scan(prefix: 'sample' | 'data', dir: string): BacktestDataChoice[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return []; // the folder does not exist (yet)
    }
    const out: BacktestDataChoice[] = [];
    for (const name of names.sort()) {
      if (!BAR_FILE.test(name) || name.startsWith('.')) continue;
      try {
        const stat = statSync(join(dir, name));
        if (stat.isFile()) out.push({ id: `${prefix}/${name}`, label: name, origin: ORIGINS[prefix], bytes: stat.size });
      } catch {
        // vanished between readdir and stat
      }
    }
    return out;
  }
}
