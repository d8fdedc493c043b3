// Headless cold start: from spawning `deltadeck serve` on a fresh data directory to the first
// rendered cockpit (first snapshot on screen) in Chromium. Median of RUNS runs; the browser is
// launched once beforehand, so its own start-up is reported separately.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { fmt, median } from './stats.js';

const RUNS = 5;
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/deltadeck.mjs', 'serve', '--port', '0', '--no-build', '--json', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        resolve({
          url: (JSON.parse(line) as { url: string }).url,
          stop: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

const t0 = performance.now();
const browser = await chromium.launch({ executablePath: process.env.DELTADECK_CHROMIUM ?? '/usr/bin/chromium', args });
const browserLaunchMs = performance.now() - t0;

const serverMs: number[] = [];
const renderMs: number[] = [];
const totalMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-cold-'));
  const start = performance.now();
  const server = await startServer(dataDir);
  const listening = performance.now();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="cockpit"][data-ready="true"]');
  await page.getByTestId('nav').waitFor();
  const ready = performance.now();
  serverMs.push(listening - start);
  renderMs.push(ready - listening);
  totalMs.push(ready - start);
  await page.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
await browser.close();

const result = { runs: RUNS, browserLaunchMs, serverMedianMs: median(serverMs), renderMedianMs: median(renderMs), totalMedianMs: median(totalMs) };
console.log(`\nHeadless cold start, median of ${RUNS} runs (fresh data directory each run)`);
console.log(`serve → listening          ${fmt(result.serverMedianMs, 0).padStart(6)} ms`);
console.log(`page load → first cockpit  ${fmt(result.renderMedianMs, 0).padStart(6)} ms`);
console.log(`total                      ${fmt(result.totalMedianMs, 0).padStart(6)} ms   (Chromium launch, once: ${fmt(browserLaunchMs, 0)} ms)`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/coldstart.json', JSON.stringify(result, null, 2));
