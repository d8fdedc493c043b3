// Where the project's own files are, whether running from source (tsx) or from the build.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'deltadeck') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Deltadeck project root');
    dir = parent;
  }
}

export const rendererDir = (): string => join(projectRoot(), 'out', 'renderer');

export const defaultDataDir = (): string => process.env.DELTADECK_DATA_DIR ?? join(homedir(), '.deltadeck');
