// The backtest page end to end in Chromium against the headless host: a run on the bundled
// sample, its chart, metrics and trades (checked against the CLI on the same file), comparing
// runs, CSV export, runs surviving a restart, a sweep on all cores while the cockpit keeps
// ticking, and a malformed file reported with its line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openCockpit, test } from './fixtures.js';

const SAMPLE = 'sample/index-2006-daily.csv';

async function openBacktest(page: Page, url: string): Promise<void> {
  await openCockpit(page, url);
  await page.getByTestId('nav-backtest').click();
  await expect(page.getByTestId('backtest-page')).toBeVisible();
  await expect(page.getByTestId('bt-form')).toBeVisible();
}

async function runSmaCross(page: Page, period: number): Promise<void> {
  await page.getByTestId('bt-data').selectOption(SAMPLE);
  await page.getByTestId('bt-strategy').selectOption('sma-cross');
  await page.getByTestId('bt-param-period').fill(String(period));
  await page.getByTestId('bt-param-size').fill('10');
  await page.getByTestId('bt-cash').fill('100000');
  await page.getByTestId('bt-commission').fill('0.1');
  await page.getByTestId('bt-run').click();
  await expect(page.getByTestId('bt-progress')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('bt-chart')).not.toHaveAttribute('data-points', '0');
}

/** The same run through the CLI, for an independent reading of the numbers. */
function cliFinalValue(period: number): number {
  const r = spawnSync(
    process.execPath,
    ['bin/deltadeck.mjs', 'backtest', '--data', 'resources/sample-data/index-2006-daily.csv', '--strategy', 'sma-cross', '--param', `period=${period}`, '--cash', '100000', '--size', '10', '--commission', '0.001', '--json'],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { final_value: number }).final_value;
}

test('a run on the bundled sample: progress, equity curve with trades, metrics, trade list, compare, CSV export, kept across a restart', async ({ page, cockpit }) => {
  await openBacktest(page, cockpit.url);
  await expect(page.getByTestId('bt-data-folder')).toHaveText(join(cockpit.dataDir, 'data'));

  await runSmaCross(page, 10);
  await expect(page.getByTestId('bt-chart').locator('canvas').first()).toBeVisible();
  expect(Number(await page.getByTestId('bt-chart').getAttribute('data-markers'))).toBeGreaterThan(0);
  const trades = Number(await page.locator('[data-testid="bt-metrics"] [data-metric="trades"] td').first().getAttribute('data-value'));
  expect(trades).toBeGreaterThan(0);
  await expect(page.getByTestId('bt-trade-row').first()).toBeVisible();
  // Buy-and-hold of the same data sits beside the strategy.
  const hold = await page.locator('[data-testid="bt-metrics"] [data-metric="totalReturn"] td[data-benchmark]').getAttribute('data-benchmark');
  const closes = readFileSync('resources/sample-data/index-2006-daily.csv', 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
  expect(Number(hold)).toBeCloseTo(closes.at(-1)! / closes[0]! - 1, 9);
  // The page shows the engine's numbers: the CLI gets the same final value on the same file.
  const finalValue = Number(await page.getByTestId('bt-final-value').getAttribute('data-value'));
  expect(finalValue).toBeCloseTo(cliFinalValue(10), 6);

  // A second run, then both side by side.
  await runSmaCross(page, 30);
  await expect(page.getByTestId('bt-run-row')).toHaveCount(2);
  const toggles = page.getByTestId('bt-compare-toggle');
  await toggles.nth(0).check();
  await toggles.nth(1).check();
  await expect(page.getByTestId('bt-compare')).toHaveAttribute('data-runs', '2');
  const returns = page.locator('[data-testid="bt-compare"] [data-metric="totalReturn"] td[data-value]');
  await expect(returns).toHaveCount(2);
  expect(await returns.nth(0).getAttribute('data-value')).not.toBe(await returns.nth(1).getAttribute('data-value'));
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/backtest.png' });

  // CSV export of the trade list.
  const download = page.waitForEvent('download');
  await page.getByTestId('bt-export-trades').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^backtest-sma-cross-R-.+-trades\.csv$/);
  const csv = readFileSync((await file.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('side,qty,entry_time,entry_price,exit_time,exit_price,pnl,return,bars,status');
  expect(csv.length).toBeGreaterThan(1);

  // Runs live in SQLite: they are there after a restart.
  await cockpit.restart();
  await openBacktest(page, cockpit.url);
  await expect(page.getByTestId('bt-run-row')).toHaveCount(2);
  await page.getByTestId('bt-open-run').first().click();
  await expect(page.getByTestId('bt-chart')).not.toHaveAttribute('data-points', '0');
});

test('a sweep runs on the workers while the cockpit keeps ticking', async ({ page, cockpit }) => {
  await openBacktest(page, cockpit.url);
  await page.getByTestId('bt-data').selectOption('sim');
  await page.getByTestId('bt-sim-symbol').selectOption('QQQ');
  await page.getByTestId('bt-sim-bars').fill('300000');
  await page.getByTestId('bt-strategy').selectOption('sma-cross');
  await page.getByTestId('bt-param-size').fill('1');
  await page.getByTestId('bt-sweep-grid').fill('period=5,10,20,40,80,160');
  await page.getByTestId('bt-sweep').click();
  await expect(page.getByTestId('bt-progress')).toHaveAttribute('data-state', 'running');

  // Meanwhile the cockpit's quotes keep moving.
  await page.getByTestId('nav-cockpit').click();
  const last = page.getByTestId('quote-SPY-last');
  const first = await last.textContent();
  await expect.poll(() => last.textContent(), { timeout: 10_000 }).not.toBe(first);

  await page.getByTestId('nav-backtest').click();
  await expect(page.getByTestId('bt-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('bt-sweep-row')).toHaveCount(6);
});

test('bad input: a malformed file is reported with its line; a bad parameter points at its field', async ({ page, cockpit }) => {
  mkdirSync(join(cockpit.dataDir, 'data'), { recursive: true });
  writeFileSync(join(cockpit.dataDir, 'data', 'broken.csv'), 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,1,2,1,n/a,10\n');
  await openBacktest(page, cockpit.url);

  await page.getByTestId('bt-param-period').fill('0');
  await page.getByTestId('bt-run').click();
  await expect(page.getByTestId('bt-form-error')).toContainText(/period/i);
  await expect(page.getByTestId('bt-param-period')).toHaveAttribute('aria-invalid', 'true');

  await page.getByTestId('bt-param-period').fill('5');
  await page.getByTestId('bt-data').selectOption('data/broken.csv');
  await page.getByTestId('bt-run').click();
  await expect(page.getByTestId('bt-progress')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('bt-progress')).toContainText('broken.csv:3: Close "n/a" is not a number');
  await expect(page.getByTestId('bt-run-row')).toHaveCount(0);
});
