// Desktop smoke and security spec: launches the built Electron app (out/, `npx electron-vite build`)
// on a throwaway profile and checks the cockpit comes up over the engine MessagePort, that the page
// has no Node, and that it cannot navigate away. Skipped where the Electron binary cannot run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { displayBlocker, findElectronBinary, projectRoot } from '../scripts/electron-binary.mjs';

const binary = findElectronBinary();
const unavailable = binary.ok ? displayBlocker() : binary.reason;

test.describe('Deltadeck desktop', () => {
  test.skip(unavailable !== null, `Electron binary not available on this machine: ${unavailable}`);
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    if (!binary.ok) return;
    dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-e2e-'));
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
    delete env.ELECTRON_RUN_AS_NODE;
    env.DELTADECK_DATA_DIR = dataDir; // userData: Chromium profile and engine data, per run
    env.DELTADECK_SEED = '42';
    app = await electron.launch({
      executablePath: binary.path,
      args: [join(projectRoot, 'out', 'main', 'index.js')],
      cwd: projectRoot,
      env,
      timeout: 60_000,
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens the cockpit connected to the engine, showing the NAV', async () => {
    await expect(page.locator('[data-testid="cockpit"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
    const nav = page.getByTestId('nav');
    await expect(nav).toHaveAttribute('data-value', /^-?\d+(\.\d+)?$/);
    await expect(nav).toHaveText(/\d/);
  });

  test('exposes only window.deltadeck to the page — no Node', async () => {
    const exposed = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = w.deltadeck as Record<string, unknown> | undefined;
      return {
        bridgeKeys: bridge ? Object.keys(bridge).sort() : null,
        platform: bridge?.platform,
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        buffer: typeof w.Buffer,
      };
    });
    expect(exposed).toEqual({
      bridgeKeys: ['appVersion', 'platform', 'requestEnginePort'],
      platform: 'desktop',
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      buffer: 'undefined',
    });
  });

  test('keeps the profile and the engine data in the per-run data directory', async () => {
    const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(userData).toBe(dataDir);
    expect(existsSync(join(dataDir, 'deltadeck.db'))).toBe(true);
  });

  test('blocks navigation away from the cockpit and opens no new windows', async () => {
    const before = page.url();
    expect(before).toMatch(/^file:.*\/out\/renderer\/index\.html/);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(1_000);
    expect(page.url()).toBe(before);

    const opened = await page.evaluate(() => window.open('file:///etc/hosts') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
    await expect(page.locator('[data-testid="cockpit"][data-ready="true"]')).toBeVisible();
  });
});
