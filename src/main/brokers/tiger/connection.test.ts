// TigerConnection against the fake Tiger gateway over real loopback sockets: signed REST for
// every method, the TLS protobuf push channel, and the order-id idempotency rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError, type VenueOrderRequest } from '../venue.js';
import { EventLog, settle, startFakeTiger, type FakeTigerHarness } from './fake/testing.js';
import type { TigerConnection, TigerOrderIdRecord } from './connection.js';
import { expiryToTigerMs } from './symbols.js';

let h: FakeTigerHarness;
let tiger: TigerConnection;
let log: EventLog;
let seq = 0;

const order = (over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId: `cid-${++seq}`,
  symbol: 'AAPL',
  side: 'BUY',
  qty: 10,
  orderType: 'LIMIT',
  limitPrice: 200,
  tif: 'DAY',
  outsideRth: false,
  ...over,
});

beforeAll(async () => {
  h = await startFakeTiger({ keyFormat: 'pkcs8' });
  tiger = await h.connect();
  log = new EventLog(tiger);
});

afterAll(async () => {
  await h.close();
});

describe('connection', () => {
  it('logs in to the push server with a signature over the tiger_id and reports connected with heartbeats', async () => {
    expect(tiger.status().state).toBe('connected');
    expect(h.gateway.push.stats.logins).toBeGreaterThanOrEqual(1);
    await settle(250);
    expect(tiger.status().lastHeartbeatTs).not.toBeNull();
    expect(h.gateway.push.stats.heartbeats).toBeGreaterThan(0);
  });
});

describe('account methods', () => {
  it('accounts: lists every account with its environment and a readable label', async () => {
    const accounts = await tiger.accounts();
    expect(accounts).toEqual([
      { id: 'U1234567', env: 'REAL', label: 'Tiger prime account, Reg T margin' },
      { id: 'G7654321', env: 'REAL', label: 'Tiger global account, cash' },
    ]);
  });

  it('funds: prime accounts through prime_assets, global accounts through assets', async () => {
    const prime = await tiger.funds('U1234567');
    expect(prime).toEqual({ currency: 'USD', cash: 100_000, nav: 100_000, marketValue: 0, buyingPower: 200_000 });
    const global = await tiger.funds('G7654321');
    expect(global).toEqual({ currency: 'USD', cash: 25_000, nav: 25_000, marketValue: 0, buyingPower: 25_000 });
    expect(h.gateway.requestCount('prime_assets')).toBeGreaterThanOrEqual(1);
    expect(h.gateway.requestCount('assets')).toBeGreaterThanOrEqual(1);
    await expect(tiger.funds('NOPE')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('positions, fills and filled orders follow a fill of a stock and an option', async () => {
    const stock = await tiger.placeOrder(h.account, order({ symbol: 'NVDA', orderType: 'MARKET', limitPrice: undefined, qty: 20 }));
    const optionSymbol = `AAPL${h.gateway.market.expiries('AAPL')[0]!.slice(2).replaceAll('-', '')}C00230000`;
    const option = await tiger.placeOrder(h.account, order({ symbol: optionSymbol, orderType: 'MARKET', limitPrice: undefined, qty: 2 }));
    const nvda = h.gateway.market.stocks.get('NVDA')!;

    const positions = await tiger.positions(h.account);
    expect(positions).toContainEqual({ symbol: 'NVDA', qty: 20, avgCost: nvda.ask });
    expect(positions.find((p) => p.symbol === optionSymbol)).toMatchObject({ qty: 2 });

    const fills = await tiger.fills(h.account);
    const stockFill = fills.find((f) => f.brokerOrderId === stock.brokerOrderId)!;
    expect(stockFill).toMatchObject({ symbol: 'NVDA', side: 'BUY', qty: 20, price: nvda.ask });
    expect(stockFill.clientOrderId).toMatch(/^cid-/);
    expect(stockFill.commission).toBeGreaterThan(0);
    expect(fills.find((f) => f.brokerOrderId === option.brokerOrderId)).toMatchObject({ symbol: optionSymbol, qty: 2 });
    expect(fills.map((f) => f.ts)).toEqual([...fills.map((f) => f.ts)].sort((a, b) => a - b));

    const filled = await tiger.filledOrders(h.account, Date.now() - 60_000, Date.now() + 1_000);
    expect(filled.map((o) => o.brokerOrderId)).toEqual(expect.arrayContaining([stock.brokerOrderId, option.brokerOrderId]));
    expect(filled.find((o) => o.brokerOrderId === stock.brokerOrderId)).toMatchObject({ status: 'filled', filledQty: 20, orderType: 'MARKET' });

    const prime = await tiger.funds(h.account);
    expect(prime.marketValue).toBeGreaterThan(0);
    expect(prime.cash).toBeLessThan(100_000);
  });
});

describe('orders', () => {
  it('place → open order with the 64-bit Tiger id, client id and fields; modify; cancel', async () => {
    const request = order({ symbol: 'SPY', limitPrice: 500, qty: 3, tif: 'GTC' });
    const { brokerOrderId } = await tiger.placeOrder(h.account, request);
    expect(BigInt(brokerOrderId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER)); // exact, not rounded
    const open = (await tiger.openOrders(h.account)).find((o) => o.brokerOrderId === brokerOrderId)!;
    expect(open).toMatchObject({ clientOrderId: request.clientOrderId, symbol: 'SPY', side: 'BUY', qty: 3, filledQty: 0, orderType: 'LIMIT', limitPrice: 500, stopPrice: null, tif: 'GTC', status: 'accepted' });

    await tiger.modifyOrder(h.account, brokerOrderId, { qty: 4, limitPrice: 501 });
    const gatewayOrder = h.gateway.orders().find((o) => o.id === BigInt(brokerOrderId))!;
    expect(gatewayOrder).toMatchObject({ totalQuantity: 4, limitPrice: 501, timeInForce: 'GTC' });

    await tiger.cancelOrder(h.account, brokerOrderId);
    expect(gatewayOrder.status).toBe('Cancelled');
    expect((await tiger.openOrders(h.account)).some((o) => o.brokerOrderId === brokerOrderId)).toBe(false);
    await expect(tiger.modifyOrder(h.account, brokerOrderId, { qty: 5 })).rejects.toMatchObject({ code: 'ORDER_REJECTED' });
    await expect(tiger.cancelOrder(h.account, brokerOrderId)).rejects.toMatchObject({ code: 'ORDER_REJECTED', message: expect.stringMatching(/no longer working/) });
    await expect(tiger.cancelOrder(h.account, '40000000000999999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sends stop and stop-limit orders with aux_price', async () => {
    const stop = await tiger.placeOrder(h.account, order({ symbol: 'AAPL', side: 'SELL', orderType: 'STOP', limitPrice: undefined, stopPrice: 150, qty: 1 }));
    const stopLimit = await tiger.placeOrder(h.account, order({ symbol: 'AAPL', orderType: 'STOP_LIMIT', limitPrice: 260, stopPrice: 255, qty: 1 }));
    const byId = new Map(h.gateway.orders().map((o) => [String(o.id), o]));
    expect(byId.get(stop.brokerOrderId)).toMatchObject({ orderType: 'STP', auxPrice: 150, status: 'Submitted' });
    expect(byId.get(stopLimit.brokerOrderId)).toMatchObject({ orderType: 'STP_LMT', auxPrice: 255, limitPrice: 260 });
    const open = await tiger.openOrders(h.account);
    expect(open.find((o) => o.brokerOrderId === stop.brokerOrderId)).toMatchObject({ orderType: 'STOP', stopPrice: 150, limitPrice: null });
    await tiger.cancelOrder(h.account, stop.brokerOrderId);
    await tiger.cancelOrder(h.account, stopLimit.brokerOrderId);
  });

  it('refuses bad input before anything is sent', async () => {
    const before = h.gateway.requests.length;
    const bad: Array<[Partial<VenueOrderRequest>, RegExp]> = [
      [{ qty: 0 }, /whole number above zero/],
      [{ qty: 1.5 }, /whole number/],
      [{ limitPrice: undefined }, /needs a limit price/],
      [{ orderType: 'STOP', limitPrice: undefined }, /needs a stop price/],
      [{ tif: 'IOC' }, /IOC/],
      [{ symbol: 'aapl' }, /not a symbol/],
      [{ clientOrderId: '' }, /client order id/],
    ];
    for (const [over, message] of bad) {
      await expect(tiger.placeOrder(h.account, order(over))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) });
    }
    await expect(tiger.modifyOrder(h.account, '1', { qty: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(tiger.cancelOrder(h.account, 'abc')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(h.gateway.requests.length).toBe(before);
  });
});

describe('client order ids', () => {
  it('reserves a Tiger id with order_no, announces the mapping before place_order, and a repeat returns the same order', async () => {
    const seen: Array<TigerOrderIdRecord & { placeOrdersAtThatTime: number }> = [];
    const off = tiger.onOrderIdAssigned((r) => seen.push({ ...r, placeOrdersAtThatTime: h.gateway.requestCount('place_order') }));
    const placesBefore = h.gateway.requestCount('place_order');
    const request = order();
    const first = await tiger.placeOrder(h.account, request);
    const second = await tiger.placeOrder(h.account, request);
    off();
    expect(second).toEqual(first);
    expect(h.gateway.requestCount('place_order')).toBe(placesBefore + 1);
    expect(seen[0]).toMatchObject({ clientOrderId: request.clientOrderId, accountId: h.account, brokerOrderId: null, placeOrdersAtThatTime: placesBefore });
    expect(seen.at(-1)).toMatchObject({ clientOrderId: request.clientOrderId, tigerOrderId: seen[0]!.tigerOrderId, brokerOrderId: first.brokerOrderId });
    expect(tiger.orderIdRecords()).toContainEqual({ clientOrderId: request.clientOrderId, accountId: h.account, tigerOrderId: seen[0]!.tigerOrderId, brokerOrderId: first.brokerOrderId });
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(1);
    await tiger.cancelOrder(h.account, first.brokerOrderId);
  });

  it('a reply lost after Tiger placed the order rejects DISCONNECTED saying it MAY be placed; the retry finds it and places nothing', async () => {
    const request = order({ limitPrice: 199 });
    h.gateway.injectFault('place_order', { kind: 'drop-after' });
    const error = await tiger.placeOrder(h.account, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).code).toBe('DISCONNECTED');
    expect((error as BrokerError).message).toMatch(/MAY have been placed/);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(1);

    const places = h.gateway.requestCount('place_order');
    const retry = await tiger.placeOrder(h.account, request);
    expect(h.gateway.requestCount('place_order')).toBe(places); // looked up, not placed again
    const atGateway = h.gateway.orders().filter((o) => o.userMark === request.clientOrderId);
    expect(atGateway).toHaveLength(1);
    expect(retry.brokerOrderId).toBe(String(atGateway[0]!.id));
    await tiger.cancelOrder(h.account, retry.brokerOrderId);
  });

  it('a request lost before Tiger acted is placed by the retry with the same reserved id', async () => {
    const request = order({ limitPrice: 198 });
    h.gateway.injectFault('place_order', { kind: 'drop-before' });
    await expect(tiger.placeOrder(h.account, request)).rejects.toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/MAY have been placed/) });
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(0);
    const reserved = tiger.orderIdRecords().find((r) => r.clientOrderId === request.clientOrderId)!;
    const orderNos = h.gateway.requestCount('order_no');
    const retry = await tiger.placeOrder(h.account, request);
    expect(h.gateway.requestCount('order_no')).toBe(orderNos); // same Tiger id, not a new one
    const atGateway = h.gateway.orders().filter((o) => o.userMark === request.clientOrderId);
    expect(atGateway).toHaveLength(1);
    expect(atGateway[0]!.orderId).toBe(reserved.tigerOrderId);
    expect(retry.brokerOrderId).toBe(String(atGateway[0]!.id));
    await tiger.cancelOrder(h.account, retry.brokerOrderId);
  });

  it('a fresh connection restored from the persisted ids, after a lost reply, still ends with one order', async () => {
    const request = order({ limitPrice: 197 });
    h.gateway.injectFault('place_order', { kind: 'drop-after' });
    await expect(tiger.placeOrder(h.account, request)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    // "Restart": a new connection knows only what the OMS persisted.
    const restored = h.connection({ orderIds: tiger.orderIdRecords() });
    const retry = await restored.placeOrder(h.account, request);
    const atGateway = h.gateway.orders().filter((o) => o.userMark === request.clientOrderId);
    expect(atGateway).toHaveLength(1);
    expect(retry.brokerOrderId).toBe(String(atGateway[0]!.id));
    await restored.cancelOrder(h.account, retry.brokerOrderId);
  });

  it('even if the lookup were skipped, Tiger refuses a reused order id and the adapter resolves to the existing order', async () => {
    const request = order({ limitPrice: 196 });
    const first = await tiger.placeOrder(h.account, request);
    const record = tiger.orderIdRecords().find((r) => r.clientOrderId === request.clientOrderId)!;
    // A connection that knows the reserved id but not that it was placed (its record was persisted before the reply).
    const stale = h.connection({ orderIds: [{ ...record, brokerOrderId: null }] });
    h.gateway.injectFault('orders', { kind: 'error', code: 1010, message: 'order not found' }); // the lookup misses it
    const again = await stale.placeOrder(h.account, request);
    expect(again.brokerOrderId).toBe(first.brokerOrderId);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(1);
    await tiger.cancelOrder(h.account, first.brokerOrderId);
  });

  it('concurrent calls for one client id share one attempt; a reused id with different content is refused', async () => {
    const request = order({ limitPrice: 195 });
    const [a, b] = await Promise.all([tiger.placeOrder(h.account, request), tiger.placeOrder(h.account, request)]);
    expect(a).toEqual(b);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(1);
    await expect(tiger.placeOrder(h.account, { ...request, qty: 11 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/different order/) });
    await tiger.cancelOrder(h.account, a.brokerOrderId);
  });

  it('never retries place_order on its own: a rate-limited place is reported and nothing was placed', async () => {
    const request = order({ limitPrice: 194 });
    const places = h.gateway.requestCount('place_order');
    h.gateway.injectFault('place_order', { kind: 'rate-limit' });
    await expect(tiger.placeOrder(h.account, request)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(h.gateway.requestCount('place_order')).toBe(places + 1);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(0);
  });
});

describe('market data', () => {
  it('quoteSnapshot: stocks through quote_real_time and options through option_brief', async () => {
    const expiry = h.gateway.market.expiries('AAPL')[1]!;
    const option = `AAPL${expiry.slice(2).replaceAll('-', '')}P00220000`;
    const [aapl, opt] = await tiger.quoteSnapshot(['AAPL', option]);
    const q = h.gateway.market.stocks.get('AAPL')!;
    expect(aapl).toMatchObject({ symbol: 'AAPL', bid: q.bid, ask: q.ask, last: q.last, prevClose: q.prevClose, bidSize: 500, askSize: 500 });
    expect(opt!.symbol).toBe(option);
    expect(opt!.ask).toBeGreaterThan(opt!.bid);
    expect(opt!.bid).toBeGreaterThan(0);
    await expect(tiger.quoteSnapshot(['ZZZZ'])).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/does not know the symbol ZZZZ/) });
  });

  it('bars: daily and minute klines inside the range, oldest first', async () => {
    const to = Date.now();
    const daily = await tiger.bars('AAPL', '1d', to - 14 * 86_400_000, to);
    expect(daily.length).toBeGreaterThanOrEqual(8);
    expect(daily.length).toBeLessThanOrEqual(11);
    for (const bar of daily) {
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
    }
    expect(daily.map((b) => b.ts)).toEqual([...daily.map((b) => b.ts)].sort((a, b) => a - b));
    const minutes = await tiger.bars('AAPL', '1m', to - 30 * 60_000, to);
    expect(minutes.length).toBeGreaterThanOrEqual(29);
    expect(minutes[1]!.ts - minutes[0]!.ts).toBe(60_000);
    await expect(tiger.bars('AAPL', '1d', to, to - 1)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('option expirations and a chain with Greeks', async () => {
    const expiries = await tiger.optionExpirations('AAPL');
    expect(expiries).toEqual(h.gateway.market.expiries('AAPL'));
    const chain = await tiger.optionChain('AAPL', expiries[0]!);
    expect(chain).toHaveLength(22);
    const atm = chain.find((c) => c.strike === 230 && c.right === 'C')!;
    expect(atm.symbol).toBe(`AAPL${expiries[0]!.slice(2).replaceAll('-', '')}C00230000`);
    expect(atm).toMatchObject({ underlying: 'AAPL', expiry: expiries[0], multiplier: 100 });
    expect(atm.greeks!.delta).toBeGreaterThan(0.3);
    expect(atm.greeks!.delta).toBeLessThan(0.7);
    expect(atm.greeks!.gamma).toBeGreaterThan(0);
    expect(atm.greeks!.theta).toBeLessThan(0);
    expect(atm.greeks!.iv).toBeCloseTo(0.28, 1);
    const put = chain.find((c) => c.strike === 230 && c.right === 'P')!;
    expect(put.greeks!.delta).toBeLessThan(0);
    expect(atm.quote!.ask).toBeGreaterThan(atm.quote!.bid);
    const sent = h.gateway.requests.filter((r) => r.method === 'option_chain').at(-1)!.biz;
    expect(sent).toMatchObject({ option_basic: [{ symbol: 'AAPL', expiry: expiryToTigerMs(expiries[0]!) }], return_greek_value: true });
    await expect(tiger.optionChain('AAPL', '2020-01-17')).rejects.toBeInstanceOf(BrokerError);
    await expect(tiger.optionExpirations('ZZZZ')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
