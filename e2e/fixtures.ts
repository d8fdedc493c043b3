// A headless cockpit per test: its own data directory, started through the real CLI, stopped
// with SIGTERM like a user's Ctrl+C, and restartable on the same data (and port, as a trader's
// `deltadeck serve` restarts on 7717) to test persistence and the cockpit reconnecting.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export interface Cockpit {
  url: string;
  dataDir: string;
  /** Stops the server (SIGTERM) and starts it again on the same data directory and port, with a new token. */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM); `start()` brings it back. */
  stop(): Promise<void>;
  /** Starts the stopped server on the same data directory and port; `sameToken` pins the previous token (DELTADECK_TOKEN). */
  start(options?: { sameToken?: boolean }): Promise<void>;
}

interface Running {
  child: ChildProcess;
  url: string;
}

/**
 * Every cockpit's simulated market starts on a Monday morning session (10:00 New York), so no spec
 * depends on the day or hour it runs.
 */
export const E2E_SIM_START = '2026-06-08T10:00:00-04:00';

function startServer(dataDir: string, options: { port?: number; token?: string } = {}): Promise<Running> {
  const port = String(options.port ?? 0);
  const args = ['bin/deltadeck.mjs', 'serve', '--port', port, '--no-build', '--json', '--data-dir', dataDir, '--sim-start', E2E_SIM_START];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DELTADECK_LOG_LEVEL: 'warn', ...(options.token ? { DELTADECK_TOKEN: options.token } : {}) },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in time: ${err}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

function stopServer(running: Running): Promise<void> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve();
    running.child.once('exit', () => resolve());
    running.child.kill('SIGTERM');
  });
}

export const test = base.extend<{ cockpit: Cockpit }>({
  cockpit: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-e2e-'));
    let running = await startServer(dataDir);
    const again = (sameToken: boolean) => {
      const previous = new URL(running.url);
      return startServer(dataDir, { port: Number(previous.port), ...(sameToken ? { token: previous.searchParams.get('token')! } : {}) });
    };
    const cockpit: Cockpit = {
      get url() {
        return running.url;
      },
      dataDir,
      async restart() {
        await stopServer(running);
        running = await again(false);
      },
      stop: () => stopServer(running),
      async start(options = {}) {
        running = await again(options.sameToken ?? false);
      },
    };
    await use(cockpit);
    await stopServer(running);
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };

/** Opens the cockpit and waits for the first snapshot to render. */
export async function openCockpit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-ready', 'true');
}

export async function numberIn(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).first().getAttribute('data-value');
  return Number(raw);
}

/** On the Brokers page: adds a Futu REAL connection to a fake OpenD, connects it and uses its account for trading. */
export async function useFutuAccount(page: Page, opts: { port: number; account: string; password: string; label?: string }): Promise<void> {
  await page.getByTestId('nav-brokers').click();
  await page.getByTestId('broker-add').click();
  await page.getByTestId('broker-label-input').fill(opts.label ?? 'Futu live');
  await page.getByTestId('broker-host').fill('127.0.0.1');
  await page.getByTestId('broker-port').fill(String(opts.port));
  await page.getByTestId('broker-env').selectOption('REAL');
  await page.getByTestId('broker-account').fill(opts.account);
  await page.getByTestId('broker-secret-tradePassword').fill(opts.password);
  await page.getByTestId('broker-save').click();
  const row = page.getByTestId('broker-row');
  await expect(row.getByTestId('broker-use')).toHaveCount(0); // not connected yet
  await row.getByTestId('broker-connect').click();
  await expect(row.getByTestId('broker-state')).toHaveAttribute('data-state', 'connected');
  await row.getByTestId('broker-use').click();
  await expect(row.getByTestId('broker-used')).toHaveAttribute('data-attached', 'true');
  await expect(row.getByTestId('broker-used')).toContainText(opts.account);
}
