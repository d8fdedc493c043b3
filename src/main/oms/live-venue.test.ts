// The OMS on a live venue, end to end through the fake OpenD on loopback: the real FutuConnection,
// the real SQLite journal, the real order manager. Faults come from the fake (dropped connections,
// lost replies, duplicated and reordered pushes, rate-limit replies), never from mocking our code.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Instrument, OrderIntent } from '../../shared/domain.js';
import { FUTU_RATE_LIMITS } from '../brokers/futu/rate-limits.js';
import { OrderStatus } from '../brokers/futu/wire.js';
import { harness, REAL, REAL_ACC_ID, waitFor, type Harness } from '../brokers/futu/testing.js';
import { makeTempDir } from '../engine/testing.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { LiveDesk } from './live-desk.js';

const AAPL: Instrument = { symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 };
const buy = (qty: number, extra: Partial<OrderIntent> = {}): OrderIntent => ({ symbol: 'AAPL', side: 'BUY', qty, orderType: 'MARKET', ...extra });

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let h: Harness;
let desk: LiveDesk;
let risk: { severity: string; code: string; message: string }[];

function openDesk(limits: { place?: { max: number; windowMs: number } } = {}): LiveDesk {
  const d = new LiveDesk({
    db,
    journalAccountId: 'futu-real',
    connection: h.connection,
    brokerAccountId: REAL,
    venueId: 'futu:test',
    name: 'Futu OpenD',
    limits,
    rateLimitedRetryMs: 50,
    riskEvent: (severity, code, message) => risk.push({ severity, code, message }),
  });
  d.ensureInstrument(AAPL);
  return d;
}

const fakeOrders = () => [...h.fake.account(REAL_ACC_ID).orders.values()];
const status = (orderId: string) => desk.repo.getOrder(orderId)!.status;

beforeEach(async () => {
  tmp = makeTempDir();
  db = openDatabase(join(tmp.dir, 'desk.db'));
  h = await harness({}, { enforceRateLimits: false });
  risk = [];
  desk = openDesk();
});

afterEach(async () => {
  desk.close();
  await h.close();
  closeDatabase(db);
  tmp.remove();
});

describe('an order on a live venue', () => {
  it('goes out once with its client order id, records the broker id, and books the fill from the push', async () => {
    const { order } = desk.submit(buy(10));
    await waitFor(() => status(order.id) === 'filled', 'the fill');
    const [placed] = fakeOrders();
    expect(fakeOrders()).toHaveLength(1);
    expect(placed!.remark).toBe(order.clientOrderId);
    expect(desk.venueRepo.brokerOrderIdOf(order.id)).toBe(placed!.orderID.toString());
    const fills = desk.repo.recentFills(10);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ orderId: order.id, qty: 10, id: expect.stringMatching(/^futu:test:/) });
    const events = desk.repo.orderEvents(order.id).map((e) => e.toStatus);
    expect(events).toEqual(['pending_approval', 'approved', 'submitted', 'accepted', 'filled']);
  });

  it('books each fill once when the broker duplicates and reorders its pushes', async () => {
    h.fake.setDuplicatePushes(true);
    h.fake.setReorderPushes(true);
    const ids = [desk.submit(buy(5)).order.id, desk.submit(buy(7)).order.id, desk.submit(buy(3)).order.id];
    await waitFor(() => ids.every((id) => status(id) === 'filled'), 'all filled');
    const fills = desk.repo.recentFills(50);
    expect(fills.map((f) => f.qty).sort()).toEqual([3, 5, 7]);
    expect(risk.filter((r) => r.code === 'FILL_AFTER_CLOSE')).toEqual([]);
  });

  it('a broker refusal rejects the order with the broker’s reason; nothing is left working', async () => {
    h.fake.failNext(2202, 'insufficient buying power', { retType: -1 });
    const { order } = desk.submit(buy(1));
    await waitFor(() => status(order.id) === 'rejected', 'rejected');
    expect(desk.repo.getOrder(order.id)!.statusReason).toMatch(/buying power/i);
    expect(fakeOrders()).toHaveLength(0);
  });
});

describe('modify on a live venue', () => {
  it('changes the working order at the broker by its broker id, journaled request then confirmation', async () => {
    const { order } = desk.submit(buy(3, { orderType: 'LIMIT', limitPrice: 200 }));
    await waitFor(() => status(order.id) === 'accepted', 'accepted');
    desk.oms.modifyOrder(order.id, { limitPrice: 201.5 });
    await waitFor(() => desk.repo.getOrder(order.id)!.limitPrice === 201.5, 'the modify confirmed');
    expect(fakeOrders()[0]!.price).toBe(201.5);
    const notes = desk.repo.orderEvents(order.id).map((e) => e.detail ?? '');
    const requested = notes.findIndex((d) => /modify requested/i.test(d));
    const confirmed = notes.findIndex((d) => /^modified/i.test(d));
    expect(requested).toBeGreaterThan(-1);
    expect(confirmed).toBeGreaterThan(requested);
  });
});

describe('rate limits', () => {
  it('queues orders over the limit visibly (journaled), sends them as the window frees, and drops none', async () => {
    desk.close();
    desk = openDesk({ place: { max: 2, windowMs: 400 } });
    const ids = [1, 2, 3, 4, 5].map((q) => desk.submit(buy(q, { orderType: 'LIMIT', limitPrice: 1 })).order.id);
    const queued = desk.venue.queuedOrders();
    expect(queued.map((q) => q.orderId)).toEqual(ids.slice(2));
    expect(desk.repo.orderEvents(ids[2]!).some((e) => /queued: Futu OpenD accepts 2 orders per 0.4 s/.test(e.detail ?? ''))).toBe(true);
    await waitFor(() => fakeOrders().length === 5, 'all five at the broker', 5_000);
    expect(desk.venue.queuedOrders()).toEqual([]);
    expect(new Set(fakeOrders().map((o) => o.remark)).size).toBe(5);
  });

  it('cancelling a queued order removes it before it is sent', async () => {
    desk.close();
    desk = openDesk({ place: { max: 1, windowMs: 300 } });
    desk.submit(buy(1, { orderType: 'LIMIT', limitPrice: 1 }));
    const second = desk.submit(buy(2, { orderType: 'LIMIT', limitPrice: 1 })).order;
    desk.oms.cancelOrder(second.id, 'changed my mind');
    expect(status(second.id)).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect(fakeOrders().map((o) => o.qty)).toEqual([1]);
  });

  it('an order the broker refuses as over its rate limit is sent again later, once', async () => {
    h.fake.rateLimitNext(2202);
    const { order } = desk.submit(buy(4));
    await waitFor(() => status(order.id) === 'filled', 'filled after the retry');
    expect(fakeOrders()).toHaveLength(1);
    expect(desk.repo.orderEvents(order.id).some((e) => /refused it as over its rate limit/.test(e.detail ?? ''))).toBe(true);
  });

  it('the default Futu limit is the published 15 per 30 s per account', () => {
    expect(FUTU_RATE_LIMITS.placeOrder).toMatchObject({ max: 15, windowMs: 30_000 });
  });
});

describe('a reply lost to a disconnect', () => {
  it('placed at the broker: never re-sent; reconciliation after the reconnect adopts it and books its fill', async () => {
    h.fake.dropConnectionOn(2202, { afterHandling: true });
    const { order } = desk.submit(buy(6));
    await waitFor(() => risk.some((r) => r.code === 'ORDER_IN_DOUBT'), 'the in-doubt warning');
    await waitFor(() => status(order.id) === 'filled', 'adopted and filled after the reconnect', 8_000);
    expect(fakeOrders()).toHaveLength(1);
    expect(desk.venueRepo.brokerOrderIdOf(order.id)).toBe(fakeOrders()[0]!.orderID.toString());
    expect(desk.repo.recentFills(10).map((f) => f.qty)).toEqual([6]);
  });

  it('never reached the broker: closed as rejected with the reason, and nothing was sent twice', async () => {
    h.fake.dropConnectionOn(2202, { afterHandling: false });
    const { order } = desk.submit(buy(6));
    await waitFor(() => status(order.id) === 'rejected', 'closed by reconciliation', 8_000);
    expect(desk.repo.getOrder(order.id)!.statusReason).toMatch(/never arrived/);
    expect(fakeOrders()).toHaveLength(0);
    expect(risk.map((r) => r.code)).toContain('RECONCILE_MISSING');
  });
});

describe('a restart', () => {
  it('fills and cancels that happened while the desk was down are reconciled, each raised as a risk event', async () => {
    const resting = desk.submit(buy(2, { orderType: 'LIMIT', limitPrice: 200 })).order;
    const toCancel = desk.submit(buy(3, { orderType: 'LIMIT', limitPrice: 199 })).order;
    await waitFor(() => status(resting.id) === 'accepted' && status(toCancel.id) === 'accepted', 'both accepted');
    desk.close(); // the process is gone: no pushes are heard
    const brokerId = BigInt(desk.venueRepo.brokerOrderIdOf(toCancel.id)!);
    h.fake.account(REAL_ACC_ID).orders.get(brokerId)!.status = OrderStatus.CancelledAll; // cancelled at the broker
    h.fake.account(REAL_ACC_ID).working.delete(brokerId);
    h.log.clear();
    h.fake.setQuote('AAPL', { ask: 199.5, bid: 199.4, last: 199.45 }); // the resting buy at 200 fills
    await waitFor(() => h.log.of('fill').length > 0, 'the fill push, heard by no desk');
    risk = [];
    desk = openDesk();
    const result = await desk.sync.request();
    expect(result.ok).toBe(true);
    expect(status(resting.id)).toBe('filled');
    expect(status(toCancel.id)).toBe('cancelled');
    expect(desk.repo.recentFills(10).map((f) => f.qty)).toEqual([2]);
    expect(risk.map((r) => r.code).sort()).toEqual(expect.arrayContaining(['RECONCILE_FILL', 'RECONCILE_STATUS']));
    // A second pass finds nothing left to do.
    expect((await desk.sync.request()).actions).toEqual([]);
  });

  it('requests during a reconciliation share one more run after it, and then it stops', async () => {
    const lists = () => h.fake.requestsOf(2201).length; // Trd_GetOrderList: one per run
    const before = lists();
    const results = await Promise.all([desk.sync.request(), desk.sync.request(), desk.sync.request()]);
    await desk.sync.idle();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(lists() - before).toBe(2);
  });

  it('an order at the broker that Deltadeck never placed is reported, not touched', async () => {
    const other = await harnessOrderOutsideDeltadeck();
    const result = await desk.sync.request();
    expect(result.actions.map((a) => a.kind)).toContain('unknown-broker-order');
    expect(risk.some((r) => r.code === 'UNKNOWN_BROKER_ORDER' && r.severity === 'critical' && r.message.includes(other))).toBe(true);
  });
});

/** Places a working order straight through the connection, as another app would (no client id known to the journal). */
async function harnessOrderOutsideDeltadeck(): Promise<string> {
  const { brokerOrderId } = await h.connection.placeOrder(REAL, { clientOrderId: 'other-app-1', symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 1, tif: 'DAY', outsideRth: false });
  return brokerOrderId;
}
