// The cockpit window: sandboxed, context-isolated, no Node in the page, dark from the first frame.
import { app, BrowserWindow } from 'electron';
import { APP_VERSION_SWITCH } from './ipc-channels.js';
import type { AppPage } from './policy.js';

/** Matches the cockpit's background so no white flash shows before the first paint. */
const WINDOW_BACKGROUND = '#0b0e14';

export function createCockpitWindow(page: AppPage, preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Deltadeck',
    backgroundColor: WINDOW_BACKGROUND,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // The sandboxed preload has no `app`; it reads its version from here.
      additionalArguments: [`${APP_VERSION_SWITCH}${app.getVersion()}`],
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(page.url).catch((error: unknown) => {
    console.error(`[shell] could not load the cockpit page: ${error instanceof Error ? error.message : String(error)}`);
  });
  return window;
}

/** Brings the window to the front (second instance launched, dock icon clicked). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
