// A broker account used for trading, end to end in the browser: a Futu connection to a FakeOpenD
// started by this spec → "Use for trading" → the header names the account and the positions are
// the broker's → REAL asks for that account number → an approved ticket reaches OpenD as one
// PlaceOrder and fills → "Stop using" brings back the simulated market.
import { createHash } from 'node:crypto';
import { FakeOpenD, REAL_ACC_ID } from '../src/main/brokers/futu/fake/server.js';
import { PROTO } from '../src/main/brokers/futu/proto.js';
import { expect, openCockpit, test, useFutuAccount } from './fixtures.js';

const PASSWORD = 'e2e-live-pw-5521';
const ACCOUNT = REAL_ACC_ID.toString();

test('use a Futu account for trading: its positions, REAL naming the account, one order at OpenD', async ({ page, cockpit }) => {
  const fake = new FakeOpenD({ tradePasswordMd5: createHash('md5').update(PASSWORD).digest('hex'), keepAliveIntervalSec: 1 });
  const { port } = await fake.start();
  try {
    await openCockpit(page, cockpit.url);
    await useFutuAccount(page, { port, account: ACCOUNT, password: PASSWORD });

    // The header names the account; the book is the broker's (a paper copy of it in DRY_RUN).
    await expect(page.getByTestId('broker-account')).toContainText(ACCOUNT);
    await page.getByTestId('nav-cockpit').click();
    await expect(page.getByTestId('position-row')).toHaveCount(1);
    await expect(page.locator('[data-testid="position-row"][data-symbol="AAPL"]')).toBeVisible();

    // REAL: the dialog names the account, and only its number confirms.
    await page.getByTestId('mode-REAL').click();
    await expect(page.getByTestId('confirm-real-account')).toContainText(ACCOUNT);
    await page.getByTestId('confirm-real-input').fill('REAL');
    await expect(page.getByTestId('confirm-real-ok')).toBeDisabled();
    await page.getByTestId('confirm-real-input').fill(ACCOUNT);
    await page.getByTestId('confirm-real-ok').click();
    await expect(page.getByTestId('trading-mode')).toHaveText(/REAL/);

    // A fresh quote (the gate refuses stale ones), then a marketable limit order.
    fake.setQuote('AAPL', { bid: 229.99, ask: 230.01, last: 230 });
    await page.getByTestId('ticket-symbol').fill('AAPL');
    await page.getByTestId('ticket-type').selectOption('LIMIT');
    await page.getByTestId('ticket-qty').fill('2');
    await page.getByTestId('ticket-limit').fill('231');
    await page.getByTestId('ticket-submit').click();
    const ticket = page.getByTestId('ticket').first();
    await expect(ticket).not.toHaveAttribute('data-verdict', 'red');
    await ticket.getByTestId('ticket-approve').click();
    await expect(page.getByTestId('order-row').first()).toHaveAttribute('data-status', 'filled');
    expect(fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(1);
    expect(fake.account(REAL_ACC_ID).positions.get('AAPL')?.qty).toBe(102);

    // Stop using it: the simulated market and the demo account are back, and REAL with them is gone.
    await page.getByTestId('nav-brokers').click();
    await page.getByTestId('broker-row').getByTestId('broker-unuse').click();
    await expect(page.getByTestId('broker-row').getByTestId('broker-used')).toHaveCount(0);
    await expect(page.getByTestId('broker-account')).toHaveCount(0);
    await expect(page.getByTestId('trading-mode')).toHaveText(/OFF/);
  } finally {
    await fake.stop();
  }
});
