// The risk engine end to end in Chromium against the headless host: the trading state in the
// header, the Greeks tree, limit gauges and the circuit breaker, the ticket's live preview,
// risk settings that survive a restart, and the scenario grid with VaR.
import type { Locator, Page } from '@playwright/test';
import { expect, numberIn, openCockpit, test } from './fixtures.js';

const valueIn = async (locator: Locator): Promise<number> => Number(await locator.getAttribute('data-value'));

async function openRiskPage(page: Page): Promise<void> {
  await page.getByTestId('nav-risk').click();
  await expect(page.getByTestId('risk-page')).toBeVisible();
}

test('the header shows ACTIVE and the Greeks tree opens to expiries and contracts', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const state = page.getByTestId('trading-state');
  await expect(state).toHaveAttribute('data-value', 'ACTIVE');
  await expect(state).toHaveText('ACTIVE');

  // Nothing below the underlyings until one is opened.
  await expect(page.getByTestId('greeks-expiry')).toHaveCount(0);
  const expandQqq = page.locator('[data-testid="greeks-expand"][data-underlying="QQQ"]');
  await expect(expandQqq).toHaveAttribute('aria-expanded', 'false');
  await expandQqq.click();
  await expect(expandQqq).toHaveAttribute('aria-expanded', 'true');

  // The demo's QQQ put expires within the week: its expiry is the short-dated bucket.
  const expiry = page.locator('[data-testid="greeks-expiry"][data-underlying="QQQ"]');
  await expect(expiry).toHaveCount(1);
  await expect(expiry).toHaveAttribute('data-short-dated', 'true');
  await expect(page.locator('[data-testid="greeks-contract"][data-symbol^="QQQ2"]')).toHaveCount(0);
  await page.locator('[data-testid="greeks-expand-expiry"][data-underlying="QQQ"]').click();
  const contract = page.locator('[data-testid="greeks-contract"][data-symbol^="QQQ2"]');
  await expect(contract).toHaveCount(1);
  await expect(contract).toContainText(/QQQ \d+ \w{3} \d{2} \d+ P/);

  // One contract in the expiry: the bucket's Greeks are that contract's; with no QQQ shares, the
  // underlying's short-dated gamma is that bucket's too.
  // Quotes keep ticking between two reads, so the three are read together until one tick agrees.
  const gammaOf = (row: Locator) => valueIn(row.locator('[data-col="gamma"] [data-value]'));
  const qqqRow = page.locator('[data-testid="greeks-row"][data-underlying="QQQ"]');
  await expect(async () => {
    const bucketGamma = await gammaOf(expiry);
    expect(bucketGamma).toBeLessThan(0); // short put: negative gamma
    expect(await gammaOf(contract)).toBeCloseTo(bucketGamma, 6);
    expect(await valueIn(qqqRow.locator('[data-col="short-gammaCash1Pct"] [data-value]'))).toBeCloseTo(bucketGamma, 6);
  }).toPass({ timeout: 10_000 });

  // Stock positions sit directly under their underlying.
  await page.locator('[data-testid="greeks-expand"][data-underlying="AAPL"]').click();
  await expect(page.locator('[data-testid="greeks-contract"][data-symbol="AAPL"]')).toContainText(/AAPL shares/);

  // % of NAV for every Greek on the total row, and the beta-weighted delta in benchmark shares.
  await expect(async () => {
    const nav = await numberIn(page, 'nav');
    const gamma = await numberIn(page, 'greeks-portfolio-gamma');
    expect(await numberIn(page, 'greeks-portfolio-gammaPctNav')).toBeCloseTo(gamma / nav, 3);
  }).toPass({ timeout: 10_000 });
  for (const key of ['deltaPctNav', 'vegaPctNav', 'thetaPctNav']) {
    expect(Number.isFinite(await numberIn(page, `greeks-portfolio-${key}`)), key).toBe(true);
  }
  expect(await numberIn(page, 'greeks-beta-weighted')).toBeGreaterThan(0);
  await expect(page.getByTestId('greeks-beta-weighted').locator('..')).toContainText(/SPY sh/);
});

test('limit gauges: the demo book is over the short-dated gamma cap, and that gauge leads', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  // The data first: short-dated gamma per 1% as a share of NAV, against the 5% cap.
  const nav = await numberIn(page, 'nav');
  const shortGamma = Math.abs(await numberIn(page, 'greeks-portfolio-short-gammaCash1Pct'));
  expect(shortGamma / nav).toBeGreaterThan(0.05);
  const shortGammaCell = page.getByTestId('greeks-portfolio').locator('[data-col="short-gammaCash1Pct"]');
  await expect(shortGammaCell).toHaveAttribute('data-level', 'red');
  await expect(page.getByTestId('limits-breached')).toBeVisible();

  await openRiskPage(page);
  const gauges = page.getByTestId('limit-gauges');
  await expect(gauges.getByTestId('limit-gauge')).not.toHaveCount(0);
  const gauge = gauges.locator('[data-testid="limit-gauge"][data-id="short.gamma"]');
  await expect(gauge).toHaveAttribute('data-level', 'red');
  expect(Number(await gauge.getAttribute('data-usage'))).toBeGreaterThan(1);
  await expect(gauge).toContainText(/5\.00%/);
  // Breached gauges are sorted first.
  await expect(gauges.getByTestId('limit-gauge').first()).toHaveAttribute('data-level', 'red');
  await expect(page.getByTestId('circuit-breaker')).toHaveAttribute('data-state', 'ACTIVE');
  await expect(page.getByTestId('risk-reset')).toHaveCount(0);
});

test('kill switch halts the account; a confirmed reset on the Risk page makes it ACTIVE again', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await page.getByTestId('kill-switch').click();
  const state = page.getByTestId('trading-state');
  await expect(state).toHaveAttribute('data-value', 'HALTED');
  await expect(state).toHaveAttribute('title', /kill switch/i);

  // The badge opens the Risk page.
  await state.click();
  await expect(page.getByTestId('risk-page')).toBeVisible();
  const breaker = page.getByTestId('circuit-breaker');
  await expect(breaker).toHaveAttribute('data-state', 'HALTED');
  await expect(page.getByTestId('trading-state-reason')).toContainText(/kill switch/i);

  await page.getByTestId('risk-reset').click();
  await expect(breaker).toContainText(/re-arm/);
  await page.getByTestId('risk-reset-cancel').click();
  await expect(state).toHaveAttribute('data-value', 'HALTED');

  await page.getByTestId('risk-reset').click();
  await page.getByTestId('risk-reset-confirm').click();
  await expect(state).toHaveAttribute('data-value', 'ACTIVE');
  await expect(breaker).toHaveAttribute('data-state', 'ACTIVE');
  await expect(page.getByTestId('risk-reset')).toHaveCount(0);
  await expect(page.locator('[data-testid="toast"][data-kind="success"]').filter({ hasText: /ACTIVE/ })).toBeVisible();
});

test('risk settings: field errors in the trader’s units, and a saved limit survives a restart', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await openRiskPage(page);
  const settings = page.getByTestId('risk-settings');
  await expect(settings).toBeVisible();
  // Percentages are shown as percent.
  await expect(page.getByTestId('limit-loss.dailyLossPct')).toHaveValue('3');
  await expect(page.getByTestId('limit-shortDated.gammaPctNav')).toHaveValue('5');

  const perMinute = page.getByTestId('limit-account.maxOrdersPerMinute');
  await expect(perMinute).toHaveValue('10');
  await perMinute.fill('2.5');
  await expect(page.getByTestId('limit-account.maxOrdersPerMinute-error')).toHaveText(/whole number/);
  await page.getByTestId('limit-loss.dailyLossPct').fill('150');
  await expect(page.getByTestId('limit-loss.dailyLossPct-error')).toHaveText('At most 100%.');
  await page.getByTestId('risk-save').click();
  await expect(page.getByTestId('risk-settings-status')).toHaveText(/2 fields to fix before saving/);

  await page.getByTestId('limit-loss.dailyLossPct').fill('2.5');
  await perMinute.fill('25');
  await expect(page.getByTestId('risk-settings-status')).toHaveText(/Unsaved/);
  await page.getByTestId('risk-save').click();
  await expect(page.getByTestId('risk-settings-status')).toHaveText(/Saved/);
  await expect(settings).toHaveAttribute('data-dirty', 'false');
  // The engine now measures against the new daily-loss limit (2.5% shown back as 2.5).
  await expect(page.getByTestId('cb-daily-loss')).toHaveAttribute('data-limit', '0.025');

  await cockpit.restart();
  await openCockpit(page, cockpit.url);
  await openRiskPage(page);
  await expect(page.getByTestId('limit-account.maxOrdersPerMinute')).toHaveValue('25');
  await expect(page.getByTestId('limit-loss.dailyLossPct')).toHaveValue('2.5');
});

test('an oversized ticket previews red with MAX_QTY, shows its what-if, and cannot be approved', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const spy = Number((await page.getByTestId('quote-SPY-last').textContent())!.replaceAll(',', ''));
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-side').selectOption('BUY');
  await page.getByTestId('ticket-qty').fill('6000');

  const preview = page.getByTestId('ticket-preview');
  await expect(preview).toHaveAttribute('data-verdict', 'red');
  await expect(preview.locator('[data-testid="preview-check"][data-code="MAX_QTY"]')).toContainText(/5000/);
  await expect(preview.locator('[data-testid="preview-check"][data-level="green"]')).toHaveCount(0);
  const before = await numberIn(page, 'whatif-before-deltaCash');
  const after = await numberIn(page, 'whatif-after-deltaCash');
  // 6000 shares of SPY add about 6000 × spot of cash delta.
  expect((after - before) / (6000 * spy)).toBeCloseTo(1, 1);
  expect(await numberIn(page, 'whatif-afterPctNav-deltaCash')).toBeCloseTo(after / (await numberIn(page, 'nav')), 2);

  // Nothing was created by the preview.
  await expect(page.getByTestId('ticket')).toHaveCount(0);
  await page.getByTestId('ticket-submit').click();
  const ticket = page.getByTestId('ticket').first();
  await expect(ticket).toHaveAttribute('data-verdict', 'red');
  await expect(ticket.locator('[data-testid="ticket-check"][data-code="MAX_QTY"]')).toBeVisible();
  await expect(ticket.getByTestId('ticket-check').first()).toHaveAttribute('data-level', 'red');
  await expect(ticket.getByTestId('ticket-whatif-table')).toBeVisible();
  await expect(ticket.getByTestId('ticket-approve')).toBeDisabled();

  // A small order previews without the size failures.
  await page.getByTestId('ticket-qty').fill('2');
  await expect(preview).not.toHaveAttribute('data-verdict', 'red');
  await expect(preview).not.toHaveAttribute('data-verdict', 'checking');
  await expect(preview.locator('[data-testid="preview-check"][data-code="MAX_QTY"]')).toHaveCount(0);
});

test('scenario grid: 9 spot × 5 vol cells with a flat centre, horizon and ticket; VaR by method', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  // A valid draft in the ticket form, for the "with ticket" grid.
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-qty').fill('10');
  await openRiskPage(page);

  const grid = page.getByTestId('scenario-grid');
  const cells = grid.getByTestId('scenario-cell');
  await expect(cells).toHaveCount(45);
  const centre = grid.locator('[data-testid="scenario-cell"][data-spot="0"][data-vol="0"]');
  expect(Number(await centre.getAttribute('data-pnl'))).toBe(0);
  // The demo book is long delta: a 10% fall loses money, a 10% rise makes money.
  expect(Number(await grid.locator('[data-testid="scenario-cell"][data-spot="-0.1"][data-vol="0"]').getAttribute('data-pnl'))).toBeLessThan(0);
  expect(Number(await grid.locator('[data-testid="scenario-cell"][data-spot="0.1"][data-vol="0"]').getAttribute('data-pnl'))).toBeGreaterThan(0);

  await page.getByTestId('scenario-days').selectOption('1');
  await expect(grid).toHaveAttribute('data-days', '1');
  await page.getByTestId('scenario-with-ticket').check();
  await expect(grid).toHaveAttribute('data-with-order', 'BUY 10 SPY');
  await expect(cells).toHaveCount(45);

  const varTable = page.getByTestId('var-table');
  await expect(varTable).toBeVisible();
  const prices = varTable.locator('[data-testid="var-method"][data-method="historical-prices"]');
  await expect(prices).toHaveAttribute('data-available', 'true');
  const var95 = Number(await prices.locator('[data-confidence="0.95"][data-kind="var"] [data-value]').getAttribute('data-value'));
  const cvar95 = Number(await prices.locator('[data-confidence="0.95"][data-kind="cvar"] [data-value]').getAttribute('data-value'));
  expect(var95).toBeGreaterThan(0);
  expect(cvar95).toBeGreaterThanOrEqual(var95);
  // A fresh account has no NAV history: that method says why instead of showing a number.
  const equity = varTable.locator('[data-testid="var-method"][data-method="historical-equity"]');
  await expect(equity).toHaveAttribute('data-available', 'false');
  await expect(equity.getByTestId('var-note')).toContainText(/NAV/);
});
