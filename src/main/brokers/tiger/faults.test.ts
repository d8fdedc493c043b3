// Failure paths against the fake Tiger gateway: every error a trader can meet arrives as a
// BrokerError with a code the UI can act on and a message in plain words, and money paths fail
// closed (a reply that fails its signature check is never used).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError, type VenueOrderRequest } from '../venue.js';
import { startFakeTiger, type FakeTigerHarness } from './fake/testing.js';
import type { TigerConnection } from './connection.js';

let h: FakeTigerHarness;
let tiger: TigerConnection;
let seq = 0;

const buy = (over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId: `f-${++seq}`,
  symbol: 'AAPL',
  side: 'BUY',
  qty: 1,
  orderType: 'LIMIT',
  limitPrice: 200,
  tif: 'DAY',
  outsideRth: false,
  ...over,
});

async function failure(promise: Promise<unknown>): Promise<BrokerError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BrokerError);
  const error = e as BrokerError;
  expect(error.message).not.toMatch(/^\s*$/);
  expect(error.message).not.toMatch(/retType|undefined|\[object/);
  return error;
}

beforeAll(async () => {
  h = await startFakeTiger({ keyFormat: 'pkcs1' });
  tiger = await h.connect();
});

afterAll(async () => {
  await h.close();
});

describe('reply signatures', () => {
  it('refuses a reply signed with the wrong key, with a clear message, and uses nothing from it', async () => {
    h.gateway.injectFault('accounts', { kind: 'bad-signature' });
    const e = await failure(tiger.accounts());
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/failed its signature check/);
    expect(e.message).toMatch(/Tiger's public key/);
    expect(await tiger.accounts()).toHaveLength(2); // the next, properly signed reply is fine
  });

  it('a place whose confirmation fails the signature check says the order MAY have been placed', async () => {
    const request = buy();
    h.gateway.injectFault('place_order', { kind: 'bad-signature' });
    const e = await failure(tiger.placeOrder(h.account, request));
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/MAY have been placed/);
    // and the retry resolves to the one order that exists
    const retry = await tiger.placeOrder(h.account, request);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId).map((o) => String(o.id))).toEqual([retry.brokerOrderId]);
    await tiger.cancelOrder(h.account, retry.brokerOrderId);
  });

  it('refuses a reply whose signature is made for another request (replayed timestamp)', async () => {
    // Tiger signs the request timestamp; a reply signed over a different string must not pass.
    const connection = h.connection({ timeZone: 'UTC', now: () => Date.UTC(2030, 0, 1, 12, 0, 0) });
    await expect(connection.accounts()).resolves.toHaveLength(2);
    h.gateway.injectFault('accounts', { kind: 'bad-signature' });
    await expect(connection.accounts()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('trader-readable errors', () => {
  it('insufficient buying power → ORDER_REJECTED naming the account, nothing placed', async () => {
    const e = await failure(tiger.placeOrder(h.account, buy({ symbol: 'SPY', qty: 1000, limitPrice: 600 })));
    expect(e.code).toBe('ORDER_REJECTED');
    expect(e.message).toBe(`Tiger rejected the order: not enough buying power in account ${h.account}.`);
    expect(e.venueDetail).toMatch(/code 1200/);
  });

  it('market closed → ORDER_REJECTED saying so', async () => {
    h.gateway.market.marketOpen = false;
    try {
      const e = await failure(tiger.placeOrder(h.account, buy()));
      expect(e.code).toBe('ORDER_REJECTED');
      expect(e.message).toMatch(/market is closed/);
    } finally {
      h.gateway.market.marketOpen = true;
    }
  });

  it('unknown symbol → NOT_FOUND naming it (place and quotes)', async () => {
    const e = await failure(tiger.placeOrder(h.account, buy({ symbol: 'ZZZZ' })));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('Tiger does not know the symbol ZZZZ.');
    const q = await failure(tiger.quoteSnapshot(['ZZZZ']));
    expect(q.code).toBe('NOT_FOUND');
  });

  it('rate limited → RATE_LIMITED with the per-minute limit', async () => {
    h.gateway.injectFault('positions', { kind: 'rate-limit' });
    const e = await failure(tiger.positions(h.account));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toMatch(/60 a minute for fetching the positions/);
  });

  it('bad signature on the request → AUTH_FAILED (wrong key) and unknown Tiger ID → AUTH_FAILED', async () => {
    const other = await startFakeTiger();
    try {
      const wrongKey = h.connection({ privateKey: () => other.privateKeyPem });
      const e = await failure(wrongKey.accounts());
      expect(e.code).toBe('AUTH_FAILED');
      expect(e.message).toMatch(/private key in the settings does not match the Tiger ID/);
      const wrongId = h.connection({ tigerId: '99999999' });
      const f = await failure(wrongId.accounts());
      expect(f.code).toBe('AUTH_FAILED');
      expect(f.message).toMatch(/does not recognise the Tiger ID/);
      expect(h.gateway.refused.length).toBeGreaterThanOrEqual(2);
    } finally {
      await other.close();
    }
  });

  it('an unreadable private key → AUTH_FAILED before anything is sent', async () => {
    const before = h.gateway.requests.length + h.gateway.refused.length;
    const broken = h.connection({ privateKey: () => 'not a key' });
    const e = await failure(broken.accounts());
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toMatch(/private key could not be read/);
    expect(h.gateway.requests.length + h.gateway.refused.length).toBe(before);
  });

  it('Tiger server error and gateway timeout codes', async () => {
    h.gateway.injectFault('active_orders', { kind: 'error', code: 1, message: 'server error' });
    expect((await failure(tiger.openOrders(h.account))).code).toBe('VENUE_ERROR');
    h.gateway.injectFault('active_orders', { kind: 'error', code: 2, message: 'network read time out' });
    expect((await failure(tiger.openOrders(h.account))).code).toBe('TIMEOUT');
    h.gateway.injectFault('quote_real_time', { kind: 'error', code: 4000, message: 'permission denied' });
    expect((await failure(tiger.quoteSnapshot(['AAPL']))).code).toBe('NO_QUOTE_RIGHT');
  });
});

describe('network failures', () => {
  it('a read that times out → TIMEOUT; a slow reply inside the timeout is fine', async () => {
    const quick = h.connection({ requestTimeoutMs: 300 });
    h.gateway.injectFault('accounts', { kind: 'delay', ms: 100 });
    await expect(quick.accounts()).resolves.toHaveLength(2);
    h.gateway.injectFault('accounts', { kind: 'delay', ms: 800 });
    const e = await failure(quick.accounts());
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/did not answer within 300 ms while listing the accounts/);
  });

  it('a place that times out rejects DISCONNECTED: the order MAY have been placed', async () => {
    const quick = h.connection({ requestTimeoutMs: 300 });
    const request = buy({ limitPrice: 201 });
    h.gateway.injectFault('place_order', { kind: 'delay', ms: 800 });
    const e = await failure(quick.placeOrder(h.account, request));
    expect(e.code).toBe('DISCONNECTED');
    expect(e.message).toMatch(/MAY have been placed/);
    expect(e.message).toMatch(/retrying with the same client order id is safe/);
    await new Promise((resolve) => setTimeout(resolve, 700)); // the gateway finishes the slow place
    const retry = await quick.placeOrder(h.account, request);
    expect(h.gateway.orders().filter((o) => o.userMark === request.clientOrderId)).toHaveLength(1);
    await quick.cancelOrder(h.account, retry.brokerOrderId);
  });

  it('a lost cancel or modify reply says it MAY have taken effect', async () => {
    const { brokerOrderId } = await tiger.placeOrder(h.account, buy({ limitPrice: 150 }));
    h.gateway.injectFault('modify_order', { kind: 'drop-after' });
    const m = await failure(tiger.modifyOrder(h.account, brokerOrderId, { limitPrice: 151 }));
    expect(m.code).toBe('DISCONNECTED');
    expect(m.message).toMatch(/MAY have been applied/);
    h.gateway.injectFault('cancel_order', { kind: 'drop-after' });
    const c = await failure(tiger.cancelOrder(h.account, brokerOrderId));
    expect(c.code).toBe('DISCONNECTED');
    expect(c.message).toMatch(/MAY have been cancelled/);
    expect(h.gateway.orders().find((o) => String(o.id) === brokerOrderId)!.status).toBe('Cancelled');
  });

  it('an unreachable gateway → DISCONNECTED saying nothing was sent', async () => {
    const nowhere = h.connection({ gatewayUrl: 'http://127.0.0.1:9/gateway' });
    const e = await failure(nowhere.placeOrder(h.account, buy()));
    expect(e.code).toBe('DISCONNECTED');
    expect(e.message).toMatch(/Could not reach Tiger .* Nothing was sent/);
  });

  it('a proxy page instead of JSON, or a reply without a result code → BAD_RESPONSE, never success', async () => {
    h.gateway.injectFault('accounts', { kind: 'garbage', httpStatus: 502 });
    const e = await failure(tiger.accounts());
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/cannot read .*HTTP 502/);
    h.gateway.injectFault('accounts', { kind: 'garbage', httpStatus: 429 });
    expect((await failure(tiger.accounts())).code).toBe('RATE_LIMITED');
    h.gateway.injectFault('accounts', { kind: 'error', code: Number.NaN, message: '' }); // {"code":null,…}, properly signed
    const f = await failure(tiger.accounts());
    expect(f.code).toBe('BAD_RESPONSE');
    expect(f.message).toMatch(/without a result code/);
  });
});

describe('TLS to the REST gateway', () => {
  it('talks https with the CA it is given, and refuses an untrusted certificate without sending', async () => {
    const secure = await startFakeTiger({ gateway: { restTls: true } });
    try {
      expect(secure.gateway.url).toMatch(/^https:/);
      await expect(secure.connection().accounts()).resolves.toHaveLength(2);
      const untrusting = secure.connection({ tls: {} });
      const e = await failure(untrusting.accounts());
      expect(e.code).toBe('DISCONNECTED');
      expect(e.message).toMatch(/Nothing was sent/);
      expect(secure.gateway.requests).toHaveLength(1);
    } finally {
      await secure.close();
    }
  });
});
