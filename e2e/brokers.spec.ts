// The Brokers page end to end: a Futu connection to a FakeOpenD started by this spec — add,
// connect (connected, with a heartbeat), edit without retyping the trade password (REAL still
// unlocks), the password never in the page's HTML nor in any API message, disconnect, remove.
import { createHash } from 'node:crypto';
import { FakeOpenD } from '../src/main/brokers/futu/fake/server.js';
import { expect, openCockpit, test } from './fixtures.js';

const PASSWORD = 'e2e-trade-pw-8812';
const PASSWORD_MD5 = createHash('md5').update(PASSWORD).digest('hex');

test('add, connect, edit without retyping the password, disconnect and remove a Futu connection', async ({ page, cockpit }) => {
  const fake = new FakeOpenD({ tradePasswordMd5: PASSWORD_MD5, keepAliveIntervalSec: 1, recordRequests: false });
  const { port } = await fake.start();
  try {
    // Every message the engine sends to the page.
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => frames.push(String(frame.payload))));

    await openCockpit(page, cockpit.url);
    await page.getByTestId('nav-brokers').click();
    await expect(page.getByTestId('brokers-page')).toBeVisible();
    await expect(page.getByTestId('broker-row')).toHaveCount(0);

    // Add.
    await page.getByTestId('broker-add').click();
    await page.getByTestId('broker-label-input').fill('Futu e2e');
    await page.getByTestId('broker-host').fill('127.0.0.1');
    await page.getByTestId('broker-port').fill(String(port));
    await page.getByTestId('broker-env').selectOption('REAL');
    await expect(page.getByTestId('broker-secret-tradePassword')).toHaveAttribute('placeholder', 'not stored');
    await page.getByTestId('broker-secret-tradePassword').fill(PASSWORD);
    await page.getByTestId('broker-save').click();
    await expect(page.getByTestId('broker-form')).toHaveCount(0);
    const row = page.getByTestId('broker-row');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('broker-label')).toHaveText('Futu e2e');
    await expect(row.getByTestId('broker-state')).toHaveAttribute('data-state', 'disconnected');

    // Connect: connected, unlocked (no error), with a heartbeat whose age is shown.
    await row.getByTestId('broker-connect').click();
    await expect(row.getByTestId('broker-state')).toHaveAttribute('data-state', 'connected');
    await expect(row.getByTestId('broker-heartbeat')).toHaveAttribute('data-ts', /^\d+$/);
    await expect(row.getByTestId('broker-heartbeat')).toHaveText(/^\d+s ago$/);
    await expect(row.getByTestId('broker-error')).toHaveCount(0);
    expect(fake.connectionCount).toBe(1);

    // Edit without retyping the password: the field is empty and says the stored one is kept.
    await row.getByTestId('broker-edit').click();
    const secret = page.getByTestId('broker-secret-tradePassword');
    await expect(secret).toHaveValue('');
    await expect(secret).toHaveAttribute('placeholder', 'stored — leave empty to keep');
    await expect(page.getByTestId('broker-env')).toHaveValue('REAL');
    await page.getByTestId('broker-label-input').fill('Futu main');
    await page.getByTestId('broker-save').click();
    await expect(row.getByTestId('broker-label')).toHaveText('Futu main');
    // The edit rebuilt the connection with the kept password: connected and unlocked again.
    await expect(row.getByTestId('broker-state')).toHaveAttribute('data-state', 'connected');
    await expect(row.getByTestId('broker-error')).toHaveCount(0);

    // The password (or its MD5) is nowhere in the page or in anything the engine sent.
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(PASSWORD_MD5);
    expect(frames.some((f) => f.includes('brokers') || f.includes('Futu main'))).toBe(true);
    for (const frame of frames) {
      expect(frame).not.toContain(PASSWORD);
      expect(frame).not.toContain(PASSWORD_MD5);
    }

    // Disconnect.
    await row.getByTestId('broker-disconnect').click();
    await expect(row.getByTestId('broker-state')).toHaveAttribute('data-state', 'disconnected');
    await expect.poll(() => fake.connectionCount).toBe(0);

    // Remove, with a confirm step.
    await row.getByTestId('broker-remove').click();
    await expect(row.getByTestId('broker-remove-confirm')).toBeVisible();
    await row.getByTestId('broker-remove-confirm').click();
    await expect(page.getByTestId('broker-row')).toHaveCount(0);
  } finally {
    await fake.stop();
  }
});
