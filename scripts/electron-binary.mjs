// Finds the Electron binary without requiring the `electron` package, whose index.js tries to
// download the binary on first use — impossible on machines that cannot reach its download host.
// Used by scripts/start.mjs and e2e/electron.spec.ts so both decide the same way.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where electron's own install.js puts the executable inside dist/, per platform. */
function platformExecutable(platform) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      return null;
  }
}

/**
 * @param {{ root?: string, env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform }} [options]
 * @returns {{ ok: true, path: string } | { ok: false, reason: string, missingDownload: boolean }}
 */
export function findElectronBinary({ root = projectRoot, env = process.env, platform = process.platform } = {}) {
  const electronDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(electronDir, 'package.json'))) {
    return { ok: false, reason: 'the electron package is not installed', missingDownload: false };
  }
  const pathFile = join(electronDir, 'path.txt');
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    // Same rule as electron/index.js.
    const binary = join(override, recorded || 'electron');
    return existsSync(binary)
      ? { ok: true, path: binary }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${recorded || 'electron'}`, missingDownload: false };
  }
  const relative = recorded || platformExecutable(platform);
  if (!relative) return { ok: false, reason: `Electron has no build for ${platform}`, missingDownload: false };
  const binary = join(electronDir, 'dist', relative);
  return existsSync(binary)
    ? { ok: true, path: binary }
    : { ok: false, reason: 'binary not downloaded', missingDownload: true };
}

/**
 * Electron needs a display on Linux; without one it cannot open a window.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform }} [options]
 * @returns {string | null} why Electron cannot show a window here, or null
 */
export function displayBlocker({ env = process.env, platform = process.platform } = {}) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
  return null;
}

/** "TypeError: fetch failed\n    at …" → "fetch failed". */
function firstErrorLine(output) {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text.length > 0 && !text.startsWith('at '));
  if (!line) return 'no output';
  const message = line.replace(/^[A-Za-z]*Error:\s*/, '');
  return message.length > 120 ? `${message.slice(0, 117)}…` : message;
}

/**
 * Runs electron's own install.js once, quietly, with a time limit.
 * @param {{ root?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ ok: true, path: string } | { ok: false, reason: string }>}
 */
export function downloadElectronBinary({ root = projectRoot, timeoutMs = 60_000 } = {}) {
  const electronDir = join(root, 'node_modules', 'electron');
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 16_384) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, timeoutMs);
    const finish = (failure) => {
      clearTimeout(timer);
      if (failure) {
        resolvePromise({ ok: false, reason: failure });
        return;
      }
      const found = findElectronBinary({ root });
      resolvePromise(found.ok ? found : { ok: false, reason: `download finished but ${found.reason}` });
    };
    child.on('error', (error) => finish(`binary not downloaded; its installer could not run: ${error.message}`));
    child.on('close', (code) => {
      if (timedOut) finish(`binary not downloaded; download timed out after ${Math.round(timeoutMs / 1000)} s`);
      else if (code !== 0) finish(`binary not downloaded; download failed: ${firstErrorLine(stderr)}`);
      else finish(null);
    });
  });
}
