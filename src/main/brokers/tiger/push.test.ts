// The Tiger push channel end to end against the fake's TLS protobuf server: quote, order and
// fill pushes; duplicated and reordered pushes; reconnect with resubscribe and `resynced`;
// heartbeats and dead-server detection (on an injected clock); refused logins.
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualTime } from '../../timers.testing.js';
import type { VenueOrder, VenueOrderRequest } from '../venue.js';
import { statusRank } from './mapping.js';
import { EventLog, settle, startFakeTiger, waitUntil, type FakeTigerHarness } from './fake/testing.js';
import type { TigerConnection } from './connection.js';
import { TigerPushClient, type PushState } from './push-client.js';

let h: FakeTigerHarness;
let tiger: TigerConnection;
let log: EventLog;
let seq = 0;

const limitBuy = (symbol: string, limitPrice: number, qty = 10): VenueOrderRequest => ({
  clientOrderId: `push-${++seq}`,
  symbol,
  side: 'BUY',
  qty,
  orderType: 'LIMIT',
  limitPrice,
  tif: 'DAY',
  outsideRth: false,
});

beforeEach(async () => {
  h = await startFakeTiger({ keyFormat: 'pkcs1' });
  tiger = h.connection();
  log = new EventLog(tiger);
  await tiger.connect();
});

afterEach(async () => {
  await h.close();
});

function ordersFor(brokerOrderId: string): VenueOrder[] {
  return log.of('order').filter((e) => e.order.brokerOrderId === brokerOrderId).map((e) => e.order);
}

function expectNeverBackwards(orders: VenueOrder[]): void {
  for (let i = 1; i < orders.length; i++) {
    const prev = orders[i - 1]!;
    const next = orders[i]!;
    expect(statusRank(next.status)).toBeGreaterThanOrEqual(statusRank(prev.status));
    expect(next.filledQty).toBeGreaterThanOrEqual(prev.filledQty);
    expect(statusRank(prev.status) === 3).toBe(false); // nothing after a final state
  }
}

describe('quote pushes', () => {
  it('streams subscribed stock and option quotes, merged into full quotes, and stops after unsubscribe', async () => {
    const expiry = h.gateway.market.expiries('AAPL')[0]!;
    const option = `AAPL${expiry.slice(2).replaceAll('-', '')}C00235000`;
    await tiger.subscribeQuotes(['AAPL', option]);
    h.gateway.market.setQuote('AAPL', { last: 231, bid: 230.95, ask: 231.05, askSize: 700 });
    const stock = await log.waitFor('quote', (e) => e.quote.symbol === 'AAPL' && e.quote.last === 231);
    expect(stock.quote).toMatchObject({ bid: 230.95, ask: 231.05, askSize: 700, bidSize: 500 });
    const opt = await log.waitFor('quote', (e) => e.quote.symbol === option);
    expect(opt.quote.ask).toBeGreaterThan(opt.quote.bid);

    await tiger.unsubscribeQuotes(['AAPL', option]);
    await settle(100);
    const count = log.of('quote').length;
    h.gateway.market.setQuote('AAPL', { last: 232, bid: 231.95, ask: 232.05 });
    await settle(200);
    expect(log.of('quote').length).toBe(count);
  });

  it("reports a refused subscription (Tiger's symbol quota) as NO_QUOTE_RIGHT, and a later subscribe can succeed", async () => {
    h.gateway.push.faults.refuseQuoteSubscriptions = true;
    await expect(tiger.subscribeQuotes(['NVDA'])).rejects.toMatchObject({ code: 'NO_QUOTE_RIGHT', message: expect.stringMatching(/only subscribe to 0 symbols/) });
    h.gateway.push.faults.refuseQuoteSubscriptions = false;
    await tiger.subscribeQuotes(['NVDA']);
    h.gateway.market.setQuote('NVDA', { last: 141 });
    await log.waitFor('quote', (e) => e.quote.symbol === 'NVDA' && e.quote.last === 141);
  });

  it('refuses to subscribe to a malformed symbol before sending anything', async () => {
    await expect(tiger.subscribeQuotes(['AAPL', 'not a symbol'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('order and fill pushes', () => {
  it('reports accepted, partially filled and filled as the quote moves, with one fill event per execution', async () => {
    h.gateway.market.setQuote('SPY', { bid: 599.9, ask: 600.1, last: 600, askSize: 4 });
    const { brokerOrderId } = await tiger.placeOrder(h.account, limitBuy('SPY', 590, 10));
    await log.waitFor('order', (e) => e.order.brokerOrderId === brokerOrderId && e.order.status === 'accepted');
    h.gateway.market.setQuote('SPY', { bid: 589.8, ask: 589.9, last: 589.9, askSize: 4 }); // 4 of 10 at 589.9
    await log.waitFor('order', (e) => e.order.brokerOrderId === brokerOrderId && e.order.status === 'partially_filled');
    h.gateway.market.setQuote('SPY', { bid: 589.7, ask: 589.8, last: 589.8, askSize: 100 }); // the other 6
    const filled = await log.waitFor('order', (e) => e.order.brokerOrderId === brokerOrderId && e.order.status === 'filled');
    expect(filled.order).toMatchObject({ filledQty: 10, clientOrderId: `push-${seq}` });
    expect(filled.order.avgFillPrice).toBeCloseTo((4 * 589.9 + 6 * 589.8) / 10, 6);
    expect(filled.accountId).toBe(h.account);
    await waitUntil(() => log.of('fill').filter((e) => e.fill.brokerOrderId === brokerOrderId).length === 2, 'two fills');
    const fills = log.of('fill').filter((e) => e.fill.brokerOrderId === brokerOrderId).map((e) => e.fill);
    expect(fills.map((f) => [f.qty, f.price])).toEqual([
      [4, 589.9],
      [6, 589.8],
    ]);
    expect(fills.every((f) => f.clientOrderId === `push-${seq}` && f.symbol === 'SPY' && f.side === 'BUY')).toBe(true);
    expectNeverBackwards(ordersFor(brokerOrderId));
  });

  it('duplicated pushes produce no duplicate fill or order events', async () => {
    h.gateway.push.faults.duplicate = true;
    h.gateway.market.setQuote('NVDA', { bid: 139.9, ask: 140.1, last: 140, askSize: 3 });
    const { brokerOrderId } = await tiger.placeOrder(h.account, limitBuy('NVDA', 141, 9)); // fills 3, then 3, then 3
    h.gateway.market.setQuote('NVDA', { last: 140.05 });
    h.gateway.market.setQuote('NVDA', { last: 140.06 });
    await log.waitFor('order', (e) => e.order.brokerOrderId === brokerOrderId && e.order.status === 'filled');
    await settle(200);
    expect(h.gateway.orders().find((o) => String(o.id) === brokerOrderId)!.filledQuantity).toBe(9);
    const fills = log.of('fill').filter((e) => e.fill.brokerOrderId === brokerOrderId);
    expect(fills).toHaveLength(3);
    expect(new Set(fills.map((e) => e.fill.fillId)).size).toBe(3);
    const orders = ordersFor(brokerOrderId);
    expect(orders.map((o) => `${o.status}:${o.filledQty}`)).toEqual(['accepted:0', 'partially_filled:3', 'partially_filled:6', 'filled:9']);
  });

  it('reordered pushes never move an order backwards and still deliver every fill once', async () => {
    h.gateway.push.faults.reorder = true;
    h.gateway.push.faults.reorderWindowMs = 40;
    h.gateway.market.setQuote('AAPL', { bid: 229.9, ask: 230.1, last: 230, askSize: 5 });
    const { brokerOrderId } = await tiger.placeOrder(h.account, limitBuy('AAPL', 231, 10)); // Submitted, fill 5, partial — in one burst
    h.gateway.market.setQuote('AAPL', { last: 230.02 }); // fill 5 more, Filled
    await waitUntil(() => log.of('fill').filter((e) => e.fill.brokerOrderId === brokerOrderId).length === 2, 'both fills');
    await settle(150);
    const orders = ordersFor(brokerOrderId);
    expectNeverBackwards(orders);
    expect(orders.at(-1)).toMatchObject({ status: 'filled', filledQty: 10 });
    expect(orders.some((o) => o.status === 'accepted')).toBe(false); // the late "Submitted" was stale and dropped
    expect(log.of('fill').filter((e) => e.fill.brokerOrderId === brokerOrderId)).toHaveLength(2);
  });
});

describe('reconnect', () => {
  it('reconnects after the push socket is killed, re-subscribes, emits resynced, and pushes arrive again', async () => {
    await tiger.subscribeQuotes(['AAPL']);
    const subscribesBefore = h.gateway.push.stats.subscribes;
    const since = log.events.length;
    h.gateway.push.killConnections();
    await log.waitFor('status', (e) => e.status.state === 'disconnected', 2_000, since);
    const resynced = await log.waitFor('resynced', () => true, 5_000, since);
    expect(resynced.ts).toBeGreaterThan(0);
    expect(tiger.status().state).toBe('connected');
    expect(h.gateway.push.stats.logins).toBe(2);
    expect(h.gateway.push.stats.subscribes - subscribesBefore).toBe(3); // AAPL quotes, order status, transactions

    const afterResync = log.events.length;
    h.gateway.market.setQuote('AAPL', { last: 240, bid: 239.95, ask: 240.05 });
    await log.waitFor('quote', (e) => e.quote.last === 240, 2_000, afterResync);
    const { brokerOrderId } = await tiger.placeOrder(h.account, limitBuy('AAPL', 241, 1));
    await log.waitFor('order', (e) => e.order.brokerOrderId === brokerOrderId && e.order.status === 'filled', 2_000, afterResync);
    await log.waitFor('fill', (e) => e.fill.brokerOrderId === brokerOrderId, 2_000, afterResync);
  });

  it('keeps retrying while the server refuses logins, then recovers', async () => {
    h.gateway.push.faults.rejectLogin = true;
    const since = log.events.length;
    h.gateway.push.killConnections();
    await log.waitFor('status', (e) => e.status.state === 'disconnected' && /refused the login/.test(e.status.error ?? ''), 3_000, since);
    h.gateway.push.faults.rejectLogin = false;
    await log.waitFor('resynced', () => true, 5_000, since);
    expect(tiger.status()).toMatchObject({ state: 'connected', error: null });
  });
});

describe('heartbeats', () => {
  // The push client on its own, on an injected clock and scheduler: its heartbeat timer and its
  // watchdog run only when the test advances the clock, so every age is exact, not measured.
  const HEARTBEAT_MS = 100;
  const DEAD_AFTER_MS = 600;
  const T0 = Date.parse('2026-06-08T14:00:00Z');
  let time: ManualTime;
  let client: TigerPushClient;

  beforeEach(async () => {
    await tiger.disconnect(); // only this test's client talks to the push server
    time = new ManualTime(T0);
    client = new TigerPushClient({
      host: '127.0.0.1',
      port: h.gateway.pushPort,
      tigerId: h.gateway.tigerId,
      privateKey: () => h.privateKeyPem,
      ca: h.gateway.caCert,
      heartbeatMs: HEARTBEAT_MS,
      deadAfterMs: DEAD_AFTER_MS,
      connectTimeoutMs: 2_000,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 100,
      now: time.now,
      timers: time,
    });
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
  });

  function nextState(state: PushState): Promise<string | null> {
    return new Promise((resolve) => {
      const onState = (s: PushState, error: string | null) => {
        if (s !== state) return;
        client.off('state', onState);
        resolve(error);
      };
      client.on('state', onState);
    });
  }

  it('sends a heartbeat every interval while alive and stamps each answer with the clock', async () => {
    expect(time.intervals).toEqual([HEARTBEAT_MS]);
    expect(client.lastHeartbeatTs).toBeNull();
    const answered = h.gateway.push.stats.heartbeats;
    for (let i = 1; i <= 3; i++) {
      const answer = once(client, 'heartbeat');
      time.advance(HEARTBEAT_MS);
      expect(await answer).toEqual([T0 + i * HEARTBEAT_MS]);
      expect(client.lastHeartbeatTs).toBe(T0 + i * HEARTBEAT_MS);
      expect(h.gateway.push.stats.heartbeats - answered).toBe(i);
    }
    expect(client.state).toBe('connected');
  });

  it('declares a frozen server dead at the first check after deadAfterMs of silence, not before, and reconnects when it answers again', async () => {
    const answer = once(client, 'heartbeat');
    time.advance(HEARTBEAT_MS);
    await answer; // the last thing the server said, at T0 + 100
    h.gateway.push.faults.frozen = true; // TCP stays up; nothing is answered
    time.advance(DEAD_AFTER_MS); // silent for exactly deadAfterMs: still trusted
    expect(client.error).toBeNull();
    expect(client.state).toBe('connected');

    h.gateway.push.faults.frozen = false; // it would answer again, but this connection is judged dead at the next check
    const down = nextState('disconnected');
    time.advance(HEARTBEAT_MS); // 700 ms of silence
    expect(client.error).toMatch(/stopped answering \(nothing for 600 ms\)/);
    expect(await down).toMatch(/stopped answering \(nothing for 600 ms\)/);

    const [resyncedAt] = await once(client, 'resynced');
    expect(resyncedAt).toBe(T0 + 8 * HEARTBEAT_MS);
    expect(client.state).toBe('connected');
    expect(time.intervals).toEqual([HEARTBEAT_MS]); // the dead connection's timer is gone; one for the new one
    // The new connection counts its silence from its login: the next beat is answered, nothing is declared dead.
    const again = once(client, 'heartbeat');
    time.advance(HEARTBEAT_MS);
    expect(await again).toEqual([T0 + 9 * HEARTBEAT_MS]);
    expect(client.state).toBe('connected');
  });
});

describe('login', () => {
  it('refuses to connect with a key that does not match the developer key, with a trader-readable error', async () => {
    const other = await startFakeTiger();
    try {
      const wrong = other.connection({ privateKey: () => h.privateKeyPem }); // h's key against other's gateway
      await expect(wrong.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/refused the login/) });
      expect(wrong.status().state).toBe('disconnected');
      await expect(wrong.accounts()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/private key in the settings does not match/) });
    } finally {
      await other.close();
    }
  });

  it('disconnect stops the socket for good: no reconnect follows', async () => {
    await tiger.disconnect();
    expect(tiger.status().state).toBe('disconnected');
    const logins = h.gateway.push.stats.logins;
    await settle(300);
    expect(h.gateway.push.stats.logins).toBe(logins);
    expect(h.gateway.push.connectionCount).toBe(0);
  });
});
