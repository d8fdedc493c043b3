// Resilience: reconnect with backoff and full resync, lost and late replies to trade writes,
// malformed data from OpenD, setup failures.
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError, type VenueOrderRequest } from '../venue.js';
import { encodeFrame } from './codec.js';
import { FutuConnection } from './connection.js';
import { FakeOpenD } from './fake/server.js';
import { PROTO } from './proto.js';
import type { FutuLogger } from './session.js';
import { EventLog, harness, REAL, TRADE_PASSWORD_MD5, waitFor, type Harness } from './testing.js';

const order = (clientOrderId: string, limitPrice = 200): VenueOrderRequest => ({ clientOrderId, symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice, tif: 'DAY', outsideRth: false });

async function rejection(promise: Promise<unknown>): Promise<BrokerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BrokerError);
  return error as BrokerError;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('reconnect', () => {
  it('after a dropped connection: reconnects, re-runs InitConnect, re-unlocks, re-subscribes quotes and trade pushes, then pushes flow again', async () => {
    h = await harness();
    await h.connection.subscribeQuotes(['AAPL', 'NVDA']);
    const resting = await h.connection.placeOrder(REAL, order('before-drop'));
    await waitFor(() => h!.log.of('quote').length >= 2, 'quotes before the drop');
    const first = h.fake.lastConnection;
    h.log.clear();

    h.fake.killConnections();
    await waitFor(() => h!.log.of('resynced')[0], 'resynced');
    const second = h.fake.lastConnection;
    expect(second).toBe(first + 1);
    expect(h.log.events.map((e) => (e.type === 'status' ? `${e.type}:${e.status.state}` : e.type)).filter((t) => !t.startsWith('quote'))).toEqual(['status:connecting', 'status:connected', 'resynced']);
    expect(h.log.of('status')[0]!.status.error).toMatch(/Lost the connection to Futu OpenD \(OpenD closed the connection\); reconnecting/);

    // What the new connection sent, in order.
    const sent = h.fake.requests.filter((r) => r.conn === second).map((r) => r.protoId);
    expect(sent.slice(0, 5)).toEqual([PROTO.InitConnect, PROTO.TrdUnlockTrade, PROTO.TrdGetAccList, PROTO.TrdSubAccPush, PROTO.QotSub]);
    expect((h.fake.requestsOf(PROTO.TrdUnlockTrade, second)[0]!.c2s as { pwdMD5: string }).pwdMD5).toBe(TRADE_PASSWORD_MD5);
    expect((h.fake.requestsOf(PROTO.TrdSubAccPush, second)[0]!.c2s as { accIDList: unknown[] }).accIDList.map(String)).toEqual([REAL]);
    const resub = h.fake.requestsOf(PROTO.QotSub, second)[0]!.c2s as { securityList: { code: string }[]; subTypeList: number[] };
    expect(resub.securityList.map((s) => s.code)).toEqual(['AAPL', 'NVDA']);
    expect(resub.subTypeList).toEqual([1, 2]);

    // Quote pushes arrive again.
    h.fake.setQuote('NVDA', { bid: 121, ask: 121.05, last: 121.02 });
    await waitFor(() => h!.log.of('quote').find((e) => e.quote.symbol === 'NVDA' && e.quote.last === 121.02), 'NVDA quote after resync');
    // Order and fill pushes arrive again: the resting order becomes marketable.
    h.fake.setQuote('AAPL', { bid: 199.9, ask: 199.95, last: 199.92 });
    const fill = await waitFor(() => h!.log.of('fill')[0], 'fill after resync');
    expect(fill.fill).toMatchObject({ brokerOrderId: resting.brokerOrderId, clientOrderId: 'before-drop', price: 199.95 });
    await waitFor(() => h!.log.of('order').find((e) => e.order.status === 'filled'), 'filled push after resync');
    // New trade writes work on the new connection (unlocked again, fresh PacketIDs).
    await h.connection.placeOrder(REAL, order('after-drop'));
    expect(h.fake.violations).toEqual([]);
  });

  it('backs off exponentially while OpenD is down, and starts over once it is back', async () => {
    const infos: { attempt?: number; delayMs?: number }[] = [];
    const logger: FutuLogger = { debug() {}, info: (obj) => infos.push(obj as never), warn() {}, error() {} };
    h = await harness({ logger, reconnect: { initialDelayMs: 10, maxDelayMs: 80, factor: 2, jitter: 0 } });
    const port = h.fake.port;
    await h.fake.stop();
    await waitFor(() => infos.filter((i) => i.delayMs !== undefined).length >= 6, 'six reconnect attempts', 10_000);
    expect(infos.filter((i) => i.delayMs !== undefined).slice(0, 6).map((i) => i.delayMs)).toEqual([10, 20, 40, 80, 80, 80]);
    expect(h.connection.status().error).toMatch(/Cannot reach Futu OpenD .*ECONNREFUSED/);

    const revived = new FakeOpenD({ port });
    await revived.start();
    h.fake = revived;
    await waitFor(() => h!.log.of('resynced')[0], 'resync with the revived OpenD', 10_000);
    infos.length = 0;
    revived.killConnections();
    await waitFor(() => infos.find((i) => i.delayMs !== undefined), 'first delay after the next drop');
    expect(infos.find((i) => i.delayMs !== undefined)!.delayMs).toBe(10);
  });

  it('subscribes a symbol asked for while the handshake is running', async () => {
    h = await harness();
    await h.connection.subscribeQuotes(['AAPL']);
    h.fake.delayReplies(50, [PROTO.QotSub]);
    h.fake.killConnections();
    await waitFor(() => h!.fake.requestsOf(PROTO.QotSub, 2).length > 0, 'quote restore under way');
    await h.connection.subscribeQuotes(['NVDA']); // resolves at once: recorded for the handshake
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
    h.fake.delayReplies(0);
    const subscribed = h.fake.requestsOf(PROTO.QotSub, 2).flatMap((r) => (r.c2s as { securityList: { code: string }[] }).securityList.map((s) => s.code));
    expect(subscribed.sort()).toEqual(['AAPL', 'NVDA']);
    h.log.clear();
    h.fake.setQuote('NVDA', { last: 125 });
    await waitFor(() => h!.log.of('quote').find((e) => e.quote.symbol === 'NVDA' && e.quote.last === 125), 'NVDA quote');
  });

  it('retries setup when InitConnect itself fails', async () => {
    const fake = new FakeOpenD();
    const { port } = await fake.start();
    fake.failNext(PROTO.InitConnect, 'OpenD is not logged in');
    const connection = new FutuConnection({ port, env: 'REAL', clientId: 'x', tradePasswordMd5: () => TRADE_PASSWORD_MD5, reconnect: { initialDelayMs: 10, jitter: 0 } });
    h = { fake, connection, log: new EventLog(connection), close: async () => (await connection.disconnect(), await fake.stop()) };
    const error = await rejection(connection.connect());
    expect(error.code).toBe('DISCONNECTED');
    expect(error.message).toMatch(/not connected to Futu's servers/);
    await waitFor(() => connection.status().state === 'connected', 'second attempt');
    expect(fake.requestsOf(PROTO.InitConnect)).toHaveLength(2);
  });
});

describe('a place order whose reply is lost', () => {
  it('rejects with DISCONNECTED saying it MAY have been placed, never retries, and reconciles by clientOrderId', async () => {
    h = await harness();
    h.fake.dropConnectionOn(PROTO.TrdPlaceOrder, { afterHandling: true });
    const error = await rejection(h.connection.placeOrder(REAL, order('lost-1')));
    expect(error.code).toBe('DISCONNECTED');
    expect(error.message).toMatch(/^Order lost-1 \(BUY 10 AAPL\) was sent to Futu but the connection dropped before Futu answered .* It MAY have reached the market: check open orders and fills before retrying\.$/);
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(1); // no retry inside the adapter

    const open = await h.connection.openOrders(REAL);
    expect(open.map((o) => o.clientOrderId)).toEqual(['lost-1']);
    // The OMS may now safely ask again: the same clientOrderId is the same order.
    expect(await h.connection.placeOrder(REAL, order('lost-1'))).toEqual({ brokerOrderId: open[0]!.brokerOrderId });
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(1);
    expect(h.fake.violations).toEqual([]);
  });

  it('when the request itself was lost, reconciliation finds no order', async () => {
    h = await harness();
    h.fake.dropConnectionOn(PROTO.TrdPlaceOrder);
    const error = await rejection(h.connection.placeOrder(REAL, order('lost-2')));
    expect(error.message).toMatch(/MAY have reached the market/);
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
    expect(await h.connection.openOrders(REAL)).toEqual([]);
    expect(await h.connection.fills(REAL)).toEqual([]);
  });

  it('a reply that comes too late is a TIMEOUT with the same warning; the late reply is ignored', async () => {
    h = await harness({ requestTimeoutMs: 100 });
    h.fake.delayReplies(300, [PROTO.TrdPlaceOrder]);
    const error = await rejection(h.connection.placeOrder(REAL, order('late-1', 231)));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/no answer came back in time .* MAY have reached the market/);
    h.fake.delayReplies(0);
    // The order did go through; its pushes (sent after the late reply) carry the clientOrderId.
    const fill = await waitFor(() => h!.log.of('fill')[0], 'fill of the timed-out order');
    expect(fill.fill.clientOrderId).toBe('late-1');
    expect(h.connection.status().state).toBe('connected');
  });

  it('a cancel whose reply is lost says it MAY have reached the market too', async () => {
    h = await harness();
    const { brokerOrderId } = await h.connection.placeOrder(REAL, order('c-1'));
    h.fake.dropConnectionOn(PROTO.TrdModifyOrder, { afterHandling: true });
    const error = await rejection(h.connection.cancelOrder(REAL, brokerOrderId));
    expect(error).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/^The cancel of order \d+ was sent to Futu .* MAY have reached the market/) });
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
    expect(await h.connection.openOrders(REAL)).toEqual([]);
  });
});

describe('malformed data from OpenD', () => {
  it('drops the connection on garbage, says why, and reconnects (no crash)', async () => {
    h = await harness();
    h.log.clear();
    h.fake.injectRaw(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const status = await waitFor(() => h!.log.of('status').find((e) => e.status.state === 'connecting'), 'connecting status');
    expect(status.status.error).toMatch(/malformed data from OpenD: Not a Futu OpenD frame/);
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
    expect((await h.connection.quoteSnapshot(['AAPL'])).length).toBe(1);
  });

  it('drops the connection on a header announcing an oversized body, without waiting for it', async () => {
    h = await harness({ maxBodyBytes: 1024 * 1024 });
    h.log.clear();
    const frame = encodeFrame(PROTO.QotUpdateBasicQot, 1, Buffer.alloc(0));
    frame.writeUInt32LE(500 * 1024 * 1024, 12);
    h.fake.injectRaw(frame);
    const status = await waitFor(() => h!.log.of('status').find((e) => e.status.state === 'connecting'), 'connecting status');
    expect(status.status.error).toMatch(/exceeds the 1048576-byte limit/);
    await waitFor(() => h!.log.of('resynced')[0], 'resync');
  });

  it('ignores an unreadable push without dropping the connection', async () => {
    h = await harness();
    await h.connection.subscribeQuotes(['AAPL']);
    h.log.clear();
    h.fake.injectRaw(encodeFrame(PROTO.QotUpdateBasicQot, 99, Buffer.from([0xff, 0xff, 0xff])));
    h.fake.setQuote('AAPL', { last: 233 });
    await waitFor(() => h!.log.of('quote').find((e) => e.quote.last === 233), 'quote after the bad push');
    expect(h.log.of('status').filter((e) => e.status.state !== 'connected')).toEqual([]);
  });
});
