#!/usr/bin/env node
// `npm start`: rebuilds out/ when anything under src/ is newer, then opens the desktop app — or,
// where Electron cannot run (no binary, no display, DELTADECK_HEADLESS=1), the headless cockpit
// in the browser, saying why in one line. Extra arguments after `--` go to the app / `serve`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, buildIsStale } from './build.mjs';
import { displayBlocker, downloadElectronBinary, findElectronBinary, projectRoot } from './electron-binary.mjs';

const ELECTRON_DOWNLOAD_TIMEOUT_MS = 60_000;
/** An Electron that dies with an error this soon after launch never got going: fall back. */
const EARLY_FAILURE_MS = 5_000;

function rebuild() {
  console.log('Building Deltadeck…');
  const result = build();
  if (result.ok) return;
  process.stderr.write(result.output);
  console.error('The build failed (output above).');
  process.exit(result.status || 1);
}

/** Runs a child with our terminal, passes SIGINT/SIGTERM on, and resolves with how it ended. */
function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: projectRoot, stdio: 'inherit', env });
  let interrupted = false;
  const forward = (signal) => {
    interrupted = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: 1, signal: null, error, interrupted });
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, signal, error: null, interrupted });
    });
  });
}

/** Ends this process the way the child ended (a signal death is re-raised, so shells see it). */
function exitLike({ code, signal }) {
  if (signal) {
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(1), 1_000).unref();
    return;
  }
  process.exit(code ?? 1);
}

async function startHeadless(args, why) {
  console.log(why);
  const cli = join(projectRoot, 'bin', 'deltadeck.mjs');
  if (!existsSync(cli)) {
    console.error('bin/deltadeck.mjs is missing, so the headless cockpit cannot start either.');
    process.exit(1);
  }
  exitLike(await run(process.execPath, [cli, 'serve', ...args]));
}

/**
 * Electron's binary path, or why it cannot run here. When the binary is missing it tries one quiet
 * download — unless there is no display to show a window on anyway.
 */
async function locateElectron() {
  const found = findElectronBinary();
  const noDisplay = displayBlocker();
  if (found.ok) return noDisplay ? { ok: false, reason: noDisplay } : found;
  if (noDisplay) return { ok: false, reason: `${found.reason}; ${noDisplay}` };
  return found.missingDownload ? downloadElectronBinary({ timeoutMs: ELECTRON_DOWNLOAD_TIMEOUT_MS }) : found;
}

async function main() {
  const args = process.argv.slice(2);
  if (buildIsStale()) rebuild();

  if (process.env.DELTADECK_HEADLESS === '1') {
    await startHeadless(args, 'Headless mode requested (DELTADECK_HEADLESS=1); starting the headless cockpit.');
    return;
  }
  const electron = await locateElectron();
  if (!electron.ok) {
    await startHeadless(args, `Electron is not available on this machine (${electron.reason}); starting the headless cockpit instead.`);
    return;
  }

  const electronArgs = ['.', ...args];
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    // Chromium refuses to run as root with its sandbox on (see ARCHITECTURE §6).
    console.log('Running as root: starting Electron with --no-sandbox.');
    electronArgs.push('--no-sandbox');
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node
  const launchedAt = Date.now();
  const outcome = await run(electron.path, electronArgs, env);
  const failedEarly =
    outcome.error ||
    (!outcome.interrupted && outcome.signal === null && outcome.code !== 0 && Date.now() - launchedAt < EARLY_FAILURE_MS);
  if (failedEarly) {
    const reason = outcome.error ? outcome.error.message : `it exited with code ${outcome.code} right after launch`;
    await startHeadless(args, `Electron could not start on this machine (${reason}); starting the headless cockpit instead.`);
    return;
  }
  exitLike(outcome);
}

await main();
