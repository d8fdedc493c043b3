// Protocol tests: FutuConnection against the fake OpenD on loopback, one call or push at a time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError, type VenueOrderRequest } from '../venue.js';
import { FutuConnection } from './connection.js';
import { PROTO } from './proto.js';
import { EventLog, harness, PAPER, REAL, TRADE_PASSWORD_MD5, waitFor, type Harness } from './testing.js';

const limitBuy = (clientOrderId: string, over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId,
  symbol: 'AAPL',
  side: 'BUY',
  qty: 10,
  orderType: 'LIMIT',
  limitPrice: 200, // below the 230.02 ask: rests
  tif: 'DAY',
  outsideRth: false,
  ...over,
});

async function rejection(promise: Promise<unknown>): Promise<BrokerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BrokerError);
  return error as BrokerError;
}

let h: Harness;
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

describe('session setup (REAL)', () => {
  beforeEach(async () => {
    h = await harness({}, { keepAliveIntervalSec: 7 });
  });

  it('runs InitConnect, unlocks with the password MD5, lists accounts and subscribes their trade pushes', () => {
    const init = h.fake.requestsOf(PROTO.InitConnect);
    expect(init).toHaveLength(1);
    expect(init[0]!.c2s).toMatchObject({ clientID: 'deltadeck-test', packetEncAlgo: -1, recvNotify: true, pushProtoFmt: 0 });
    expect(h.fake.requestsOf(PROTO.TrdUnlockTrade)[0]!.c2s).toMatchObject({ unlock: true, pwdMD5: TRADE_PASSWORD_MD5 });
    expect(h.fake.requestsOf(PROTO.TrdGetAccList)).toHaveLength(1);
    const sub = h.fake.requestsOf(PROTO.TrdSubAccPush)[0]!.c2s as { accIDList: { toString(): string }[] };
    expect(sub.accIDList.map(String)).toEqual([REAL]);
    expect(h.connection.status()).toMatchObject({ state: 'connected', error: null });
    expect(h.connection.status().lastHeartbeatTs).toEqual(expect.any(Number));
    expect(h.connection.keepAliveIntervalMs).toBe(7_000);
    expect(h.log.of('status').map((e) => e.status.state)).toEqual(['connecting', 'connected']);
    expect(h.log.of('resynced')).toEqual([]); // only after a reconnect
  });

  it('lists only accounts of its environment, with 64-bit ids intact', async () => {
    expect(await h.connection.accounts()).toEqual([{ id: REAL, env: 'REAL', label: 'Futu US margin …1383' }]);
  });

  it('reads funds and positions', async () => {
    expect(await h.connection.funds(REAL)).toEqual({ currency: 'USD', cash: 250_000, nav: 273_000, marketValue: 23_000, buyingPower: 500_000 });
    expect(await h.connection.positions(REAL)).toEqual([{ symbol: 'AAPL', qty: 100, avgCost: 201.5 }]);
  });

  it('refuses an account of the other environment without asking OpenD', async () => {
    const before = h.fake.requests.length;
    const error = await rejection(h.connection.funds(PAPER));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/not a real US account/);
    expect(h.fake.requests.length).toBe(before);
  });
});

describe('trading', () => {
  beforeEach(async () => {
    h = await harness();
  });

  it('places an order with a PacketID (connection id + serial) and the clientOrderId as remark', async () => {
    const { brokerOrderId } = await h.connection.placeOrder(REAL, limitBuy('ord-1'));
    const [place] = h.fake.requestsOf(PROTO.TrdPlaceOrder);
    const c2s = place!.c2s as { packetID: { connID: { toString(): string }; serialNo: number }; remark: string; code: string; qty: number; price: number; orderType: number; trdSide: number; secMarket: number; header: { accID: { toString(): string } } };
    expect(String(c2s.packetID.connID)).toBe(place!.connId);
    expect(c2s.packetID.serialNo).toBe(place!.serialNo);
    expect(c2s).toMatchObject({ remark: 'ord-1', code: 'AAPL', qty: 10, price: 200, orderType: 1, trdSide: 1, secMarket: 2 });
    expect(String(c2s.header.accID)).toBe(REAL);
    expect(brokerOrderId).toMatch(/^\d{19}$/);
    expect(h.fake.account(BigInt(REAL)).orders.get(BigInt(brokerOrderId))!.remark).toBe('ord-1');
  });

  it('reports the order push (2208) with the clientOrderId read back from the remark', async () => {
    const { brokerOrderId } = await h.connection.placeOrder(REAL, limitBuy('ord-2'));
    const order = await waitFor(() => h.log.of('order').find((e) => e.order.brokerOrderId === brokerOrderId), 'order push');
    expect(order).toMatchObject({ accountId: REAL, order: { clientOrderId: 'ord-2', symbol: 'AAPL', side: 'BUY', qty: 10, filledQty: 0, status: 'accepted', orderType: 'LIMIT', limitPrice: 200, tif: 'DAY' } });
  });

  it('reports the fill push (2218) of a marketable order, and lists it in fills (2211)', async () => {
    const { brokerOrderId } = await h.connection.placeOrder(REAL, limitBuy('ord-3', { limitPrice: 231 }));
    const fill = await waitFor(() => h.log.of('fill')[0], 'fill push');
    expect(fill).toMatchObject({ accountId: REAL, fill: { brokerOrderId, clientOrderId: 'ord-3', symbol: 'AAPL', side: 'BUY', qty: 10, price: 230.02, commission: 0 } });
    await waitFor(() => h.log.of('order').find((e) => e.order.status === 'filled'), 'filled order push');
    const fills = await h.connection.fills(REAL);
    expect(fills).toEqual([fill.fill]);
    expect(await h.connection.positions(REAL)).toEqual([{ symbol: 'AAPL', qty: 110, avgCost: expect.closeTo((100 * 201.5 + 10 * 230.02) / 110, 6) }]);
  });

  it('lists working orders (2201) with their clientOrderIds, and not the filled ones', async () => {
    const resting = await h.connection.placeOrder(REAL, limitBuy('ord-4'));
    await h.connection.placeOrder(REAL, limitBuy('ord-5', { limitPrice: 231 }));
    const open = await h.connection.openOrders(REAL);
    expect(open.map((o) => [o.brokerOrderId, o.clientOrderId, o.status])).toEqual([[resting.brokerOrderId, 'ord-4', 'accepted']]);
  });

  it('modifies (2205 normal) and cancels (2205 cancel), each with its own PacketID', async () => {
    const { brokerOrderId } = await h.connection.placeOrder(REAL, limitBuy('ord-6'));
    await h.connection.modifyOrder(REAL, brokerOrderId, { limitPrice: 205 });
    await waitFor(() => h.log.of('order').find((e) => e.order.limitPrice === 205), 'modified order push');
    await h.connection.cancelOrder(REAL, brokerOrderId);
    const cancelled = await waitFor(() => h.log.of('order').find((e) => e.order.status === 'cancelled'), 'cancelled push');
    expect(cancelled.order).toMatchObject({ brokerOrderId, clientOrderId: 'ord-6', qty: 10, limitPrice: 205 });
    const writes = h.fake.requestsOf(PROTO.TrdModifyOrder).map((r) => r.c2s as { modifyOrderOp: number; qty: number; price: number; packetID: { serialNo: number } });
    expect(writes.map((w) => [w.modifyOrderOp, w.qty, w.price])).toEqual([
      [1, 10, 205],
      [2, 0, 0],
    ]);
    expect(new Set(writes.map((w) => w.packetID.serialNo)).size).toBe(2);
    const error = await rejection(h.connection.cancelOrder(REAL, brokerOrderId));
    expect(error.code).toBe('ORDER_REJECTED');
    expect(error.message).toMatch(/already finished/);
  });

  it('places option orders in Futu option codes and reads them back as OCC symbols', async () => {
    const [expiry] = await h.connection.optionExpirations('AAPL');
    const contract = (await h.connection.optionChain('AAPL', expiry!)).find((c) => c.strike === 230 && c.right === 'C')!;
    await h.connection.placeOrder(REAL, limitBuy('opt-1', { symbol: contract.symbol, qty: 2, limitPrice: contract.quote!.ask }));
    const fill = await waitFor(() => h.log.of('fill')[0], 'option fill');
    expect(fill.fill).toMatchObject({ symbol: contract.symbol, qty: 2, price: contract.quote!.ask, clientOrderId: 'opt-1' });
    expect((h.fake.requestsOf(PROTO.TrdPlaceOrder)[0]!.c2s as { code: string }).code).toBe(contract.symbol.replace(/C0*/, 'C'));
  });

  it('treats a clientOrderId it already placed as the same order (idempotent), and refuses a second send while the first is in flight', async () => {
    const first = await h.connection.placeOrder(REAL, limitBuy('dup-1'));
    expect(await h.connection.placeOrder(REAL, limitBuy('dup-1'))).toEqual(first);
    h.fake.delayReplies(100, [PROTO.TrdPlaceOrder]);
    const inFlight = h.connection.placeOrder(REAL, limitBuy('dup-2'));
    const error = await rejection(h.connection.placeOrder(REAL, limitBuy('dup-2')));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/already being placed/);
    await inFlight;
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(2);
  });

  it('refuses bad orders before anything is sent', async () => {
    const before = h.fake.requestsOf(PROTO.TrdPlaceOrder).length;
    const bad: [Partial<VenueOrderRequest>, RegExp][] = [
      [{ qty: 0 }, /quantity must be a positive number/],
      [{ limitPrice: undefined }, /LIMIT order needs a positive limit price/],
      [{ orderType: 'MARKET', outsideRth: true }, /market orders outside regular trading hours/],
      [{ symbol: 'AAPL261218C00230000', qty: 1.5 }, /whole contracts/],
      [{ symbol: 'not a symbol' }, /not a symbol Futu can trade/],
      [{ symbol: '00700.HK' }, /does not trade in the market of Futu account/],
      [{ clientOrderId: 'x'.repeat(65) }, /longer than the 64 bytes/],
      [{ tif: 'FOK' as never }, /time in force FOK/],
    ];
    for (const [over, message] of bad) {
      const error = await rejection(h.connection.placeOrder(REAL, limitBuy('bad', over)));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder).length).toBe(before);
  });

  it('maps a venue rejection and the rate limit to trader-readable errors', async () => {
    h.fake.failNext(PROTO.TrdPlaceOrder, 'Insufficient buying power');
    const rejected = await rejection(h.connection.placeOrder(REAL, limitBuy('rej-1')));
    expect(rejected).toMatchObject({ code: 'ORDER_REJECTED', message: 'Futu rejected the order: Insufficient buying power' });
    // The fake enforces Futu's 15 place-order calls per 30 s per account.
    for (let i = 0; i < 15; i++) await h.connection.placeOrder(REAL, limitBuy(`rl-${i}`));
    const limited = await rejection(h.connection.placeOrder(REAL, limitBuy('rl-15')));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toMatch(/rate-limiting placing orders/);
  });

  it('finds an order it has not seen yet before modifying it (order list), and says NOT_FOUND for unknown ids', async () => {
    const { brokerOrderId } = await h.connection.placeOrder(REAL, limitBuy('mod-1'));
    const other = new FutuConnection({ port: h.fake.port, env: 'REAL', clientId: 'other', tradePasswordMd5: () => TRADE_PASSWORD_MD5 });
    await other.connect();
    try {
      await other.modifyOrder(REAL, brokerOrderId, { qty: 5 });
      expect((h.fake.requestsOf(PROTO.TrdModifyOrder).at(-1)!.c2s as { qty: number; price: number })).toMatchObject({ qty: 5, price: 200 });
      const error = await rejection(other.modifyOrder(REAL, '12345', { qty: 5 }));
      expect(error.code).toBe('NOT_FOUND');
    } finally {
      await other.disconnect();
    }
  });
});

describe('trading locked', () => {
  it('keeps quotes working but refuses trade writes, without sending them, when OpenD refuses the password', async () => {
    h = await harness({ tradePasswordMd5: () => 'bad'.padEnd(32, '0') });
    expect(h.connection.status()).toMatchObject({ state: 'connected', error: expect.stringMatching(/refused to unlock trading/) });
    const error = await rejection(h.connection.placeOrder(REAL, limitBuy('locked-1')));
    expect(error.code).toBe('UNLOCK_FAILED');
    expect(error.message).toMatch(/Nothing was sent/);
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(0);
    expect((await h.connection.quoteSnapshot(['AAPL']))[0]!.last).toBe(230);
  });

  it('never sends a stored "MD5" that is not one (it may be the password itself)', async () => {
    h = await harness({ tradePasswordMd5: () => 'MyTradePassword' });
    expect(h.fake.requestsOf(PROTO.TrdUnlockTrade)).toHaveLength(0);
    expect(h.connection.status().error).toMatch(/not a lowercase hex MD5, so it was not sent/);
    expect((await rejection(h.connection.placeOrder(REAL, limitBuy('locked-3')))).code).toBe('UNLOCK_FAILED');
  });

  it('is caught by OpenD when no password was given for REAL', async () => {
    h = await harness({ tradePasswordMd5: undefined });
    expect(h.fake.requestsOf(PROTO.TrdUnlockTrade)).toHaveLength(0);
    const error = await rejection(h.connection.placeOrder(REAL, limitBuy('locked-2')));
    expect(error.code).toBe('UNLOCK_FAILED');
    h.fake.violations.length = 0; // the fake records the locked write as a violation; that is the point here
  });
});

describe('SIMULATE environment', () => {
  it('trades the paper account without unlocking', async () => {
    h = await harness({ env: 'SIMULATE', tradePasswordMd5: () => TRADE_PASSWORD_MD5 });
    expect(h.fake.requestsOf(PROTO.TrdUnlockTrade)).toHaveLength(0);
    expect(await h.connection.accounts()).toEqual([{ id: PAPER, env: 'SIMULATE', label: expect.stringMatching(/^Futu paper US/) }]);
    await h.connection.placeOrder(PAPER, limitBuy('paper-1', { orderType: 'MARKET', limitPrice: undefined }));
    const fill = await waitFor(() => h.log.of('fill')[0], 'paper fill');
    expect(fill).toMatchObject({ accountId: PAPER, fill: { clientOrderId: 'paper-1', price: 230.02 } });
    expect((h.fake.requestsOf(PROTO.TrdPlaceOrder)[0]!.c2s as { header: { trdEnv: number } }).header.trdEnv).toBe(0);
  });
});

describe('quotes', () => {
  beforeEach(async () => {
    h = await harness();
  });

  it('subscribes Basic + OrderBook (3001) and turns 3005 and 3013 pushes into quotes', async () => {
    await h.connection.subscribeQuotes(['AAPL', 'NVDA']);
    const sub = h.fake.requestsOf(PROTO.QotSub)[0]!.c2s as { securityList: { market: number; code: string }[]; subTypeList: number[]; isSubOrUnSub: boolean; isRegOrUnRegPush: boolean };
    expect(sub).toMatchObject({ subTypeList: [1, 2], isSubOrUnSub: true, isRegOrUnRegPush: true });
    expect(sub.securityList.map((s) => [s.market, s.code])).toEqual([
      [11, 'AAPL'],
      [11, 'NVDA'],
    ]);
    await waitFor(() => h.log.of('quote').find((e) => e.quote.symbol === 'NVDA' && e.quote.bid > 0), 'first NVDA quote');
    h.fake.setQuote('AAPL', { bid: 231.1, ask: 231.2, last: 231.15, volume: 1_000_500 });
    const quote = await waitFor(() => h.log.of('quote').find((e) => e.quote.symbol === 'AAPL' && e.quote.last === 231.15 && e.quote.bid === 231.1), 'moved AAPL quote');
    expect(quote.quote).toMatchObject({ ask: 231.2, bidSize: 300, askSize: 200, prevClose: 228.5, volume: 1_000_500, ts: expect.any(Number) });
  });

  it('unsubscribes locally even when OpenD keeps the subscription (it refuses within a minute of subscribing)', async () => {
    await h.connection.subscribeQuotes(['AAPL']);
    h.fake.failNext(PROTO.QotSub, 'Unsubscribe is only allowed 1 minute after subscribing');
    await h.connection.unsubscribeQuotes(['AAPL']);
    h.log.clear();
    h.fake.setQuote('AAPL', { last: 241 });
    await h.connection.quoteSnapshot(['AAPL']);
    expect(h.log.of('quote')).toEqual([]);
  });

  it('stops reporting a symbol once unsubscribed', async () => {
    await h.connection.subscribeQuotes(['AAPL']);
    await waitFor(() => h.log.of('quote')[0], 'first quote');
    await h.connection.unsubscribeQuotes(['AAPL']);
    expect((h.fake.requestsOf(PROTO.QotSub).at(-1)!.c2s as { isSubOrUnSub: boolean }).isSubOrUnSub).toBe(false);
    h.log.clear();
    h.fake.setQuote('AAPL', { last: 240 });
    await h.connection.quoteSnapshot(['AAPL']); // a round trip: any push sent before its reply has been read
    expect(h.log.of('quote')).toEqual([]);
  });

  it('refuses a symbol without quote right with NO_QUOTE_RIGHT and does not keep it', async () => {
    h.fake.denyQuoteRight('NVDA');
    const error = await rejection(h.connection.subscribeQuotes(['NVDA']));
    expect(error.code).toBe('NO_QUOTE_RIGHT');
    h.fake.killConnections();
    await waitFor(() => h.log.of('resynced')[0], 'resync');
    expect(h.fake.requestsOf(PROTO.QotSub, h.fake.lastConnection)).toHaveLength(0);
  });

  it('takes snapshots (3203) with bid/ask', async () => {
    const [aapl, nvda] = await h.connection.quoteSnapshot(['AAPL', 'NVDA']);
    expect(aapl).toMatchObject({ symbol: 'AAPL', bid: 229.98, ask: 230.02, last: 230, prevClose: 228.5, bidSize: 300, askSize: 200, volume: 1_000_000 });
    expect(nvda!.symbol).toBe('NVDA');
  });

  it('reads daily and minute bars (3006) after subscribing the K-line type', async () => {
    const now = Date.now();
    const daily = await h.connection.bars('AAPL', '1d', now - 20 * 86_400_000, now);
    expect(daily.length).toBeGreaterThanOrEqual(12);
    expect(daily.length).toBeLessThanOrEqual(16);
    for (const bar of daily) {
      expect(bar.ts).toBeGreaterThanOrEqual(now - 20 * 86_400_000);
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
    }
    expect(daily.map((b) => b.ts)).toEqual([...daily.map((b) => b.ts)].sort((a, b) => a - b));
    const minutes = await h.connection.bars('AAPL', '1m', now - 30 * 60_000, now);
    expect(minutes.length).toBeGreaterThanOrEqual(29);
    expect(minutes.length).toBeLessThanOrEqual(31);
    const subs = h.fake.requestsOf(PROTO.QotSub).map((r) => (r.c2s as { subTypeList: number[] }).subTypeList);
    expect(subs).toEqual([[6], [11]]);
    await h.connection.bars('AAPL', '1d', now - 86_400_000, now);
    expect(h.fake.requestsOf(PROTO.QotSub)).toHaveLength(2); // subscribed once per session
  });

  it('lists option expirations (3224) and the chain (3209) with quotes and Greeks from snapshots (3203)', async () => {
    const expirations = await h.connection.optionExpirations('AAPL');
    expect(expirations).toHaveLength(2);
    expect(expirations).toEqual([...expirations].sort());
    const chain = await h.connection.optionChain('AAPL', expirations[0]!);
    expect(chain).toHaveLength(10);
    const call = chain.find((c) => c.strike === 230 && c.right === 'C')!;
    const put = chain.find((c) => c.strike === 230 && c.right === 'P')!;
    expect(call.symbol).toBe(`AAPL${expirations[0]!.slice(2).replaceAll('-', '')}C00230000`);
    expect(call).toMatchObject({ underlying: 'AAPL', expiry: expirations[0], multiplier: 100 });
    expect(call.quote!.ask).toBeGreaterThan(call.quote!.bid);
    expect(call.greeks!.iv).toBeCloseTo(0.25, 10); // Futu sends 25 (percent)
    expect(call.greeks!.delta).toBeGreaterThan(0.4);
    expect(call.greeks!.delta).toBeLessThan(0.65);
    expect(put.greeks!.delta).toBeCloseTo(call.greeks!.delta - 1, 2);
    expect(call.greeks!.gamma).toBeCloseTo(put.greeks!.gamma, 10);
    expect(chain.map((c) => c.strike)).toEqual([...chain.map((c) => c.strike)].sort((a, b) => a - b));
    expect(await h.connection.optionChain('AAPL', '2020-01-17')).toEqual([]);
  });

  it('answers calls while disconnected with DISCONNECTED and sends nothing', async () => {
    await h.connection.disconnect();
    const error = await rejection(h.connection.quoteSnapshot(['AAPL']));
    expect(error).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/Not connected to Futu OpenD/) });
    const order = await rejection(h.connection.placeOrder(REAL, limitBuy('off-1')));
    expect(order.code).toBe('DISCONNECTED');
    expect(h.fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(0);
  });
});

describe('connect()', () => {
  it('rejects with a clear DISCONNECTED when nothing listens, then connects by itself once OpenD is up', async () => {
    const { FakeOpenD } = await import('./fake/server.js');
    const probe = new FakeOpenD();
    const { port } = await probe.start();
    await probe.stop(); // a port that was just free
    const connection = new FutuConnection({ port, env: 'REAL', clientId: 'late', tradePasswordMd5: () => TRADE_PASSWORD_MD5, reconnect: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 } });
    const log = new EventLog(connection);
    const error = await rejection(connection.connect());
    expect(error.code).toBe('DISCONNECTED');
    expect(error.message).toMatch(new RegExp(`Cannot reach Futu OpenD at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Is OpenD running`));
    expect(connection.status()).toMatchObject({ state: 'connecting', error: error.message });
    const fake = new FakeOpenD({ port });
    await fake.start();
    h = { fake, connection, log, close: async () => (await connection.disconnect(), await fake.stop()) };
    await waitFor(() => connection.status().state === 'connected', 'late connection');
    expect(await connection.connect()).toBeUndefined();
  });
});
