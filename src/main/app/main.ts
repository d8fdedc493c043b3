// Electron main process — the thin shell: one instance, a locked-down session, the engine in a
// utilityProcess, and the cockpit window that talks to the engine over a MessagePort handed over here.
// Everything the trader sees or trades goes through the engine; nothing here holds trading state.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { SecretsVault } from '../secrets/vault.js';
import { EngineHost, type EngineFailure } from './engine-host.js';
import { desktopKeyProtector } from './key-protector.js';
import { REQUEST_ENGINE_PORT_CHANNEL } from './ipc-channels.js';
import { installAppMenu } from './menu.js';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy, type AppPage } from './policy.js';
import { guardWebContents, hardenSession, isTrustedSender } from './security.js';
import { createCockpitWindow, focusWindow } from './window.js';

// Built layout: out/main/index.js (this file), out/main/engine.js, out/preload/index.cjs, out/renderer/.
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENGINE_ENTRY = join(OUT_DIR, 'main', 'engine.js');
const PRELOAD = join(OUT_DIR, 'preload', 'index.cjs');
const RENDERER_INDEX = join(OUT_DIR, 'renderer', 'index.html');
const ENGINE_STOP_TIMEOUT_MS = 5_000;

// Tests point the whole profile (Chromium's and the engine's) at a temp dir; set before the
// single-instance lock, which is scoped to userData, so parallel test apps don't collide.
if (process.env.DELTADECK_DATA_DIR) app.setPath('userData', resolve(process.env.DELTADECK_DATA_DIR));

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const page: AppPage = devServerUrl
  ? { kind: 'dev', url: devServerUrl }
  : { kind: 'file', url: pathToFileURL(RENDERER_INDEX).href };

let cockpitWindow: BrowserWindow | null = null;
let engine: EngineHost | null = null;
let quitState: 'running' | 'stopping-engine' | 'ready-to-quit' = 'running';
let failed = false;

function openCockpitWindow(): void {
  const window = createCockpitWindow(page, PRELOAD);
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[shell] cockpit renderer gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  window.on('closed', () => {
    if (cockpitWindow === window) cockpitWindow = null;
  });
  cockpitWindow = window;
}

/** The engine cannot run: say why in the trader's words (never a stack) and quit. */
function failAndQuit(failure: EngineFailure): void {
  if (failed) return;
  failed = true;
  console.error(`[shell] engine failure ${failure.code}: ${failure.message}`);
  dialog.showErrorBox('Deltadeck cannot continue', `${failure.message}\n\n(${failure.code})`);
  app.quit();
}

/**
 * Unwraps the secrets vault's data key with the OS keychain (safeStorage), creating it on first
 * use, for the engine process, which has no safeStorage. Without OS encryption the engine uses the
 * plain key file itself (and the shell has already warned).
 */
function unlockVaultKey(dataDir: string): { kind: string; key: Buffer } | null {
  const protector = desktopKeyProtector();
  if (protector.kind === 'plain') return null;
  try {
    return { kind: protector.kind, key: new SecretsVault(dataDir, protector).unlockKey() };
  } catch (error) {
    console.error(`[shell] the secrets key could not be unlocked: ${(error as Error).message}`);
    return null;
  }
}

function start(): void {
  hardenSession(session.defaultSession, devServerUrl ? devContentSecurityPolicy(devServerUrl) : CONTENT_SECURITY_POLICY);
  installAppMenu({ isMac: process.platform === 'darwin', withDevTools: !app.isPackaged });

  const dataDir = app.getPath('userData');
  engine = new EngineHost({ modulePath: ENGINE_ENTRY, dataDir, onFailure: failAndQuit, vaultKey: () => unlockVaultKey(dataDir) });
  engine.start();

  ipcMain.on(REQUEST_ENGINE_PORT_CHANNEL, (event) => {
    if (!isTrustedSender(event, cockpitWindow, page)) {
      console.warn(`[shell] ignored an engine-port request from an untrusted frame (${event.senderFrame?.url ?? 'gone'})`);
      return;
    }
    engine?.connect(event.sender);
  });

  openCockpitWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Deltadeck owns this profile; it focuses its window on 'second-instance'.
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('app.deltadeck.cockpit');

  app.on('second-instance', () => {
    if (cockpitWindow && !cockpitWindow.isDestroyed()) focusWindow(cockpitWindow);
  });

  // Every WebContents, including any created later, gets the navigation and window-open guards.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, page));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (app.isReady() && !failed && BrowserWindow.getAllWindows().length === 0) openCockpitWindow();
  });

  // Let the engine close SQLite and drain its journal before the app goes away.
  app.on('before-quit', (event) => {
    if (quitState === 'ready-to-quit' || !engine) return;
    event.preventDefault();
    if (quitState === 'stopping-engine') return;
    quitState = 'stopping-engine';
    void engine.stop(ENGINE_STOP_TIMEOUT_MS).finally(() => {
      quitState = 'ready-to-quit';
      app.quit();
    });
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      failAndQuit({
        code: 'SHELL_START_FAILED',
        message: `Deltadeck could not open its window: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
}
