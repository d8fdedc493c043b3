// The one place that knows whether out/ is older than the sources and how to rebuild it.
// Used by `npm start`, the end-to-end global setup and `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './electron-binary.mjs';

const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/engine.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const BUILD_INPUTS = ['src', 'electron.vite.config.ts', 'package.json'];
/** Tests don't change what gets built. */
const NOT_BUILT = /\.(test|testing)\.tsx?$/;

function newestInputMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return NOT_BUILT.test(path) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestInputMtime(join(path, entry)));
  return newest;
}

/** True when an output is missing or any build input is newer than the oldest output. */
export function buildIsStale() {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const path = join(projectRoot, output);
    if (!existsSync(path)) return true;
    oldestOutput = Math.min(oldestOutput, statSync(path).mtimeMs);
  }
  return BUILD_INPUTS.some((input) => newestInputMtime(join(projectRoot, input)) > oldestOutput);
}

/** Runs `electron-vite build` quietly; the output comes back only for the caller to show on failure. */
export function build() {
  const result = spawnSync(process.execPath, [join(projectRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: result.status === 0,
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `${result.error.message}\n` : ''}`,
  };
}
