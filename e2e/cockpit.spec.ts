// The cockpit end to end in Chromium against the headless host: what a new user sees and does.
import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, numberIn, openCockpit, test } from './fixtures.js';

test('loads on the demo portfolio: NAV, day P&L, cash, broker, positions, Greeks and equity curve', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const nav = await numberIn(page, 'nav');
  const cash = await numberIn(page, 'cash');
  expect(nav).toBeGreaterThan(100_000);
  expect(cash).toBeGreaterThan(0);
  expect(Number.isFinite(await numberIn(page, 'day-pnl'))).toBe(true);
  await expect(page.getByTestId('broker-state')).toContainText(/simulated/i);
  await expect(page.getByTestId('trading-mode')).toHaveText(/DRY_RUN/);
  await expect(page.getByTestId('mode-DRY_RUN')).toHaveAttribute('aria-pressed', 'true');

  await expect(page.getByTestId('position-row')).not.toHaveCount(0);
  const rows = await page.getByTestId('position-row').count();
  expect(rows).toBeGreaterThanOrEqual(6);
  const option = page.locator('[data-testid="position-row"][data-symbol^="QQQ2"]');
  await expect(option.locator('[data-col="delta"]')).toHaveText(/\d/);
  await expect(option.locator('[data-col="symbol"]')).toContainText(/QQQ \d+ \w{3} \d{2} \d+ P/);

  for (const greek of ['delta', 'deltaCash', 'gamma', 'vega', 'theta']) {
    const value = await numberIn(page, `greeks-portfolio-${greek}`);
    expect(Number.isFinite(value), `portfolio ${greek}`).toBe(true);
  }
  // Short options dominate theta: the demo book earns decay, and net delta is long.
  expect(await numberIn(page, 'greeks-portfolio-delta')).toBeGreaterThan(0);
  await expect(page.getByTestId('greeks-row')).not.toHaveCount(0);
  await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
});

test('quotes tick several times a second', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const last = page.getByTestId('quote-SPY-last');
  const seen = new Set<string>();
  const start = Date.now();
  while (Date.now() - start < 3_000) {
    seen.add((await last.textContent()) ?? '');
    await page.waitForTimeout(100);
  }
  // 250 ms steps: about a dozen ticks in 3 s; cent rounding can repeat a price now and then.
  expect(seen.size).toBeGreaterThanOrEqual(4);
});

test('a ticket is bound to the mode it was checked under: switching mode cancels it, with the reason', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-qty').fill('1');
  await page.getByTestId('ticket-submit').click();
  const ticket = page.getByTestId('ticket').first();
  await expect(ticket).toHaveAttribute('data-status', 'pending');
  await expect(ticket.getByTestId('ticket-context')).toHaveText('DRY_RUN');
  await page.getByTestId('mode-OFF').click();
  await expect(ticket).toHaveAttribute('data-status', 'cancelled');
  await expect(ticket.getByTestId('ticket-status-reason')).toContainText('the mode changed from DRY_RUN to OFF');
  await expect(ticket.getByTestId('ticket-approve')).toBeDisabled();
  await page.getByTestId('mode-DRY_RUN').click();
  await expect(ticket).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('order-row')).toHaveCount(0);
});

test('mode toggles; REAL is refused while only the simulated broker is connected', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await page.getByTestId('mode-OFF').click();
  await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);
  await expect(page.getByTestId('mode-OFF')).toHaveAttribute('aria-pressed', 'true');

  await page.getByTestId('mode-REAL').click();
  await expect(page.getByTestId('confirm-real')).toBeVisible();
  await page.getByTestId('confirm-real-input').fill('REAL');
  await page.getByTestId('confirm-real-ok').click();
  await expect(page.getByTestId('toast').filter({ hasText: /only the simulated broker/ })).toBeVisible();
  await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);

  // OFF: no ticket can be sent.
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-qty').fill('1');
  await page.getByTestId('ticket-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: /Trading is OFF/ })).toBeVisible();
  await expect(page.getByTestId('ticket')).toHaveCount(0);

  await page.getByTestId('mode-DRY_RUN').click();
  await expect(page.getByTestId('trading-mode')).toHaveText(/DRY_RUN/);
  await expect(page.getByTestId('risk-event').filter({ hasText: /OFF → DRY_RUN/ })).toBeVisible();
});

test('a manual ticket shows its checks, is approved and fills on the paper ledger', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const cashBefore = await numberIn(page, 'cash');
  const aaplQty = Number(await page.locator('[data-testid="position-row"][data-symbol="AAPL"] [data-col="qty"]').getAttribute('data-value'));

  await page.getByTestId('ticket-symbol').fill('AAPL');
  await page.getByTestId('ticket-side').selectOption('BUY');
  await page.getByTestId('ticket-qty').fill('25');
  await page.getByTestId('ticket-type').selectOption('MARKET');
  await page.getByTestId('ticket-submit').click();

  const ticket = page.getByTestId('ticket').first();
  await expect(ticket).toHaveAttribute('data-status', 'pending');
  await expect(ticket.getByTestId('ticket-check')).not.toHaveCount(0);
  await expect(ticket).toContainText(/DRY_RUN/);
  await expect(ticket).toContainText(/cash/i);
  await ticket.getByTestId('ticket-approve').click();

  const order = page.getByTestId('order-row').first();
  await expect(order).toHaveAttribute('data-status', 'filled');
  await expect(page.locator('[data-testid="fill-row"][data-symbol="AAPL"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="position-row"][data-symbol="AAPL"] [data-col="qty"]')).toHaveAttribute('data-value', String(aaplQty + 25));
  await expect.poll(() => numberIn(page, 'cash')).toBeLessThan(cashBefore - 25 * 100);

  // The screenshot in the README is this state.
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/cockpit.png' });
  if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync('test-results/cockpit.png', 'resources/screenshot.png');
});

test('a limit far through the market is red and cannot be approved', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const ask = Number((await page.getByTestId('quote-NVDA-last').textContent())!.replaceAll(',', ''));
  await page.getByTestId('ticket-symbol').fill('NVDA');
  await page.getByTestId('ticket-type').selectOption('LIMIT');
  await page.getByTestId('ticket-qty').fill('10');
  await page.getByTestId('ticket-limit').fill((ask * 1.5).toFixed(2));
  await page.getByTestId('ticket-submit').click();
  const ticket = page.getByTestId('ticket').first();
  await expect(ticket).toHaveAttribute('data-verdict', 'red');
  await expect(ticket.locator('[data-testid="ticket-check"][data-level="red"]')).toContainText(/typo/);
  await expect(ticket.getByTestId('ticket-approve')).toBeDisabled();
});

test('kill switch: one click sets OFF and cancels the working order, journaled', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const last = Number((await page.getByTestId('quote-AAPL-last').textContent())!.replaceAll(',', ''));
  await page.getByTestId('ticket-symbol').fill('AAPL');
  await page.getByTestId('ticket-type').selectOption('LIMIT');
  await page.getByTestId('ticket-qty').fill('5');
  await page.getByTestId('ticket-limit').fill((last * 0.9).toFixed(2));
  await page.getByTestId('ticket-submit').click();
  await page.getByTestId('ticket').first().getByTestId('ticket-approve').click();
  await expect(page.getByTestId('order-row').first()).toHaveAttribute('data-status', 'accepted');

  await page.getByTestId('kill-switch').click();
  await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);
  await expect(page.getByTestId('order-row').first()).toHaveAttribute('data-status', 'cancelled');
  await expect(page.locator('[data-testid="risk-event"][data-code="KILL_SWITCH"]')).toContainText(/1 working order/);
});

test('a restart keeps orders, fills, positions, events and the mode', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-qty').fill('2');
  await page.getByTestId('ticket-submit').click();
  await page.getByTestId('ticket').first().getByTestId('ticket-approve').click();
  await expect(page.getByTestId('order-row').first()).toHaveAttribute('data-status', 'filled');
  const orderId = await page.getByTestId('order-row').first().getAttribute('data-order-id');
  const spyQty = await page.locator('[data-testid="position-row"][data-symbol="SPY"] [data-col="qty"]').getAttribute('data-value');
  await page.getByTestId('mode-OFF').click();
  await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);

  await cockpit.restart();
  await openCockpit(page, cockpit.url);
  await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);
  await expect(page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`)).toHaveAttribute('data-status', 'filled');
  await expect(page.locator('[data-testid="fill-row"][data-symbol="SPY"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="position-row"][data-symbol="SPY"] [data-col="qty"]')).toHaveAttribute('data-value', spyQty!);
  await expect(page.locator('[data-testid="risk-event"][data-code="MODE_CHANGED"]')).not.toHaveCount(0);
});

test('a wrong session token is refused with a clear message', async ({ page, cockpit }) => {
  const url = cockpit.url.replace(/token=[^&]+/, 'token=wrong');
  await page.goto(url);
  await expect(page.getByText(/token rejected/i)).toBeVisible();
  await expect(page.getByTestId('cockpit')).not.toHaveAttribute('data-ready', 'true');
});
