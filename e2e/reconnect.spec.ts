// The cockpit when its engine goes away: the header says so at once, every control that could
// send an order or change the mode is off (the kill switch stays in view and says it cannot reach
// the engine), and it reconnects by itself — or, when the engine came back with a new session
// token, says the engine restarted and takes the new URL.
import { expect, openCockpit, test } from './fixtures.js';
import type { Page } from '@playwright/test';

/** A server restart takes a few seconds (the CLI, then the engine), plus up to one backoff step. */
const BACK = { timeout: 30_000 };

async function createPendingTicket(page: Page): Promise<void> {
  await page.getByTestId('ticket-symbol').fill('SPY');
  await page.getByTestId('ticket-qty').fill('1');
  await page.getByTestId('ticket-submit').click();
  const ticket = page.getByTestId('ticket').first();
  await expect(ticket).toHaveAttribute('data-status', 'pending');
  await expect(ticket.getByTestId('ticket-approve')).toBeEnabled();
}

async function expectMoneyControlsOff(page: Page): Promise<void> {
  for (const mode of ['OFF', 'DRY_RUN', 'REAL']) await expect(page.getByTestId(`mode-${mode}`)).toBeDisabled();
  const kill = page.getByTestId('kill-switch');
  await expect(kill).toBeVisible();
  await expect(kill).toBeDisabled();
  await expect(kill).toContainText('engine unreachable');
  await expect(kill).toHaveAttribute('title', /Cannot reach the engine/);
  const ticket = page.getByTestId('ticket').first();
  await expect(ticket.getByTestId('ticket-approve')).toBeDisabled();
  await expect(ticket.getByTestId('ticket-approve')).toHaveAttribute('title', /Cannot reach the engine/);
  await expect(page.getByTestId('ticket-submit')).toBeDisabled();
}

test('engine stopped: disconnected at once, money controls off; back with a new token, the cockpit says the engine restarted and takes the new URL', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await createPendingTicket(page);
  await expect(page.getByTestId('engine-link')).toHaveText('Live');
  await expect(page.getByTestId('kill-switch')).toBeEnabled();

  await cockpit.stop();
  await expect(page.getByTestId('engine-link')).toHaveText('Disconnected — reconnecting…');
  // The last figures stay on screen (marked stale) while it is down: read once the link is down (quotes ticked until then).
  const navAtDisconnect = await page.getByTestId('nav').first().getAttribute('data-value');
  expect(Number(navAtDisconnect)).toBeGreaterThan(0);
  await expect(page.getByTestId('engine-link')).toHaveAttribute('data-phase', 'reconnecting');
  await expect(page.getByTestId('connection-banner')).toContainText(/reconnecting/);
  await expectMoneyControlsOff(page);
  await expect(page.getByTestId('nav').first()).toHaveAttribute('data-value', navAtDisconnect!);

  await cockpit.start(); // `deltadeck serve` again: same port, a new session token
  const restarted = page.getByTestId('connection-banner');
  await expect(restarted).toHaveAttribute('data-phase', 'engine-restarted', BACK);
  await expect(restarted).toContainText('The engine restarted');
  await expect(restarted).toContainText('deltadeck serve');
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-ready', 'false');

  // Something else pasted opens nothing; the printed URL reopens the cockpit.
  await page.getByTestId('reopen-input').fill('http://attacker.example/?token=x');
  await page.getByTestId('reopen-submit').click();
  await expect(page.getByTestId('reopen-error')).toBeVisible();
  await page.getByTestId('reopen-input').fill(cockpit.url);
  await page.getByTestId('reopen-submit').click();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-ready', 'true', BACK);
  await expect(page.getByTestId('engine-link')).toHaveText('Live');
  await expect(page.getByTestId('kill-switch')).toBeEnabled();
  await expect(page.getByTestId('mode-OFF')).toBeEnabled();
});

test('engine back with the same token: the cockpit reconnects by itself, without a reload', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await createPendingTicket(page);
  await page.evaluate(() => ((window as Window & { sameDocument?: boolean }).sameDocument = true));

  await cockpit.stop();
  await expect(page.getByTestId('engine-link')).toHaveText('Disconnected — reconnecting…');
  await expectMoneyControlsOff(page);

  await cockpit.start({ sameToken: true });
  await expect(page.getByTestId('engine-link')).toHaveText('Live', BACK);
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await expect(page.getByTestId('kill-switch')).toBeEnabled();
  await expect(page.getByTestId('mode-OFF')).toBeEnabled();
  await expect(page.getByTestId('ticket-submit')).toBeEnabled();
  expect(await page.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(true);
});
