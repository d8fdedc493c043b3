// Duplicated and reordered trade pushes: one fill event per fill id, and an order's status
// never moves backwards. Plus OpenD's own notifications.
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueOrder, VenueOrderRequest } from '../venue.js';
import { statusRank } from './mapping.js';
import { harness, REAL, waitFor, type Harness } from './testing.js';

const order = (clientOrderId: string, limitPrice: number): VenueOrderRequest => ({ clientOrderId, symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice, tif: 'DAY', outsideRth: false });

let h: Harness;
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

function statusesOf(brokerOrderId: string): VenueOrder['status'][] {
  return h.log.of('order').filter((e) => e.order.brokerOrderId === brokerOrderId).map((e) => e.order.status);
}

function expectNeverBackwards(statuses: VenueOrder['status'][]): void {
  const ranks = statuses.map(statusRank);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
}

/** A request/reply round trip: every push the fake wrote before that reply has been handled. */
const settle = () => h.connection.quoteSnapshot(['AAPL']);

describe('duplicated and reordered pushes', () => {
  it('duplicated pushes give one fill event per fill and one event per order state', async () => {
    h = await harness();
    h.fake.setDuplicatePushes();
    const resting = await h.connection.placeOrder(REAL, order('dup-a', 200));
    await waitFor(() => statusesOf(resting.brokerOrderId).length > 0, 'accepted push');
    h.fake.setQuote('AAPL', { bid: 199.9, ask: 199.95, last: 199.92 });
    await waitFor(() => h.log.of('fill')[0], 'fill');
    await settle();
    expect(h.log.of('fill')).toHaveLength(1);
    expect(statusesOf(resting.brokerOrderId)).toEqual(['accepted', 'filled']);
  });

  it('reordered pushes (fill and "filled" before "accepted") never move the order back', async () => {
    h = await harness();
    h.fake.setReorderPushes();
    const { brokerOrderId } = await h.connection.placeOrder(REAL, order('re-a', 231));
    await waitFor(() => h.log.of('fill')[0], 'fill');
    await settle();
    expect(h.log.of('fill').map((e) => e.fill.clientOrderId)).toEqual(['re-a']);
    expect(statusesOf(brokerOrderId)).toEqual(['filled']); // the late "accepted" was dropped
  });

  it('a fill pushed before the place-order reply (and before its order push) still carries the clientOrderId', async () => {
    h = await harness();
    h.fake.setPushesBeforeReply();
    h.fake.setReorderPushes(); // fill, then "filled", then "accepted" — all before the reply
    const seenAtResolve: number[] = [];
    const placed = h.connection.placeOrder(REAL, order('early-a', 231)).then((r) => (seenAtResolve.push(h.log.of('fill').length), r));
    const { brokerOrderId } = await placed;
    await waitFor(() => h.log.of('fill')[0], 'fill');
    await settle();
    expect(h.log.of('fill').map((e) => [e.fill.brokerOrderId, e.fill.clientOrderId])).toEqual([[brokerOrderId, 'early-a']]);
    expect(statusesOf(brokerOrderId)).toEqual(['filled']);
    expect(seenAtResolve).toEqual([1]); // the held fill was released as soon as the reply was read
  });

  it('duplicated and reordered at once, over a resting order that is modified, filled and then "cancelled" late', async () => {
    h = await harness();
    h.fake.setDuplicatePushes();
    h.fake.setReorderPushes();
    const { brokerOrderId } = await h.connection.placeOrder(REAL, order('both-a', 200));
    await waitFor(() => statusesOf(brokerOrderId).length > 0, 'accepted');
    await h.connection.modifyOrder(REAL, brokerOrderId, { limitPrice: 201 });
    await waitFor(() => h.log.of('order').find((e) => e.order.limitPrice === 201), 'modified');
    h.fake.setQuote('AAPL', { bid: 200.9, ask: 200.95, last: 200.92 });
    await waitFor(() => h.log.of('fill')[0], 'fill');
    await settle();
    const statuses = statusesOf(brokerOrderId);
    expectNeverBackwards(statuses);
    expect(statuses.at(-1)).toBe('filled');
    expect(h.log.of('fill')).toHaveLength(1);
    expect(h.log.of('fill')[0]!.fill).toMatchObject({ clientOrderId: 'both-a', price: 200.95, qty: 10 });
  });

  it('many orders through duplicated, reordered pushes: every order ends filled, one fill each, never backwards', async () => {
    h = await harness();
    h.fake.setDuplicatePushes();
    h.fake.setReorderPushes();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await h.connection.placeOrder(REAL, order(`many-${i}`, i % 2 ? 231 : 200))).brokerOrderId);
    h.fake.setQuote('AAPL', { bid: 199, ask: 199.05, last: 199.02 });
    await waitFor(() => h.log.of('fill').length >= 8, 'eight fills');
    await settle();
    expect(new Set(h.log.of('fill').map((e) => e.fill.fillId)).size).toBe(8);
    expect(h.log.of('fill')).toHaveLength(8);
    for (const id of ids) {
      expectNeverBackwards(statusesOf(id));
      expect(statusesOf(id).at(-1)).toBe('filled');
    }
  });
});

describe('immediate-or-cancel', () => {
  it('reports an IOC order that cannot fill as cancelled', async () => {
    h = await harness();
    const { brokerOrderId } = await h.connection.placeOrder(REAL, { ...order('ioc-1', 100), tif: 'IOC' });
    await waitFor(() => statusesOf(brokerOrderId).includes('cancelled'), 'IOC cancel');
    expect(statusesOf(brokerOrderId)).toEqual(['accepted', 'cancelled']);
    expect(h.log.of('fill')).toEqual([]);
  });
});

describe('OpenD notifications (1003)', () => {
  it('shows an OpenD event on the connection status', async () => {
    h = await harness();
    h.fake.notify(14, 'The trade password was changed');
    const status = await waitFor(() => h.log.of('status').find((e) => e.status.error), 'status with the event');
    expect(status.status).toMatchObject({ state: 'connected', error: 'Futu OpenD: The trade password was changed' });
  });
});
