// The engine trading a real broker account through the fake Futu OpenD on loopback, end to end
// through the Cockpit API: the mirror (positions, cash, broker quotes, Greeks from the broker's
// option prices), DRY_RUN's paper copy, REAL's confirmation naming the account, REAL orders sent
// exactly once and booked from the broker's fills, rate-limit queueing visible on the order,
// position differences raised, and a restart or a disconnect never closing a live order locally.
import { describe, expect, it } from 'vitest';
import type { CommandRequest } from '../../shared/api/contract.js';
import type { Order } from '../../shared/domain.js';
import { occSymbol } from '../../shared/instruments.js';
import { REAL_ACC_ID } from '../brokers/futu/fake/server.js';
import { PROTO } from '../brokers/futu/proto.js';
import { occToFutuOptionCode } from '../brokers/futu/symbols.js';
import { ACCOUNT, PASSWORD, useFutuAccount, wallClock } from './futu-account.testing.js';
import { waitFor } from './testing.js';

const US = 2; // TrdSecMarket.US

let optionSymbol: string;

const futu = useFutuAccount({
  tempPrefix: 'deltadeck-live-',
  prepare(fake) {
    // The real account holds 100 AAPL (from the fake) and is short 5 near-the-money AAPL calls.
    const option = [...fake.market.options.values()].find((o) => o.strike === 230 && o.right === 'C')!;
    optionSymbol = occSymbol('AAPL', option.expiry, 'C', 230);
    fake.account(REAL_ACC_ID).positions.set(occToFutuOptionCode(optionSymbol)!, { qty: -5, cost: 6.1, secMarket: US });
  },
});
const { call, refused: callError, placeOrders } = futu;

/** Saves and connects the fake's REAL account, then uses it for trading. */
async function useFutu(): Promise<string> {
  const { id, used } = await futu.useFutu();
  expect(used).toEqual({ connectionId: id, accountId: ACCOUNT, attached: true, label: 'Futu live' });
  return id;
}

const position = (symbol: string) => futu.mirror.current.positions.find((p) => p.symbol === symbol);

async function approve(intent: CommandRequest<'ticket.create'>['intent']) {
  const ticket = await call('ticket.create', { intent });
  return call('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
}

describe('trading a broker account', () => {
  it('mirrors the account with broker quotes; DRY_RUN trades a paper copy; REAL names the account and sends each order once', async () => {
    await useFutu();
    // DRY_RUN (the default) shows the paper copy, seeded from the broker's positions and cash.
    await waitFor(() => futu.mirror.current.account.id.startsWith('paper:') && position(optionSymbol), 'the paper copy on screen');
    const state = futu.mirror.current;
    expect(state.broker).toMatchObject({ kind: 'live', connection: 'connected', accountId: ACCOUNT, label: 'Futu live' });
    expect(state.clock.simulated).toBe(false);
    expect(state.account.cash).toBe(250_000);
    expect(position('AAPL')).toMatchObject({ qty: 100, avgPrice: 201.5 });
    expect(position(optionSymbol)).toMatchObject({ qty: -5, avgPrice: 6.1 });
    // Quotes are the broker's, and the option is valued from an implied volatility solved from its price.
    expect(state.quotes.AAPL).toMatchObject({ bid: 229.98, ask: 230.02, last: 230 });
    const option = await waitFor(() => {
      const p = position(optionSymbol);
      return p && p.pricingError === null ? p : undefined;
    }, 'the option valued');
    expect(option.iv).toBeGreaterThan(0.1);
    expect(option.iv).toBeLessThan(0.5);
    expect(option.greeks.deltaShares).toBeLessThan(0); // short calls
    // No simulated instrument leaked into the book.
    expect(state.positions.map((p) => p.instrument.underlying).every((u) => u === 'AAPL')).toBe(true);

    // A DRY_RUN order fills on the paper copy at the broker's price; nothing reaches OpenD.
    const paper = await approve({ symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'MARKET' });
    expect(paper.order.venue).toBe('sim');
    await waitFor(() => position('AAPL')?.qty === 110 || undefined, 'the paper fill');
    expect(futu.mirror.current.fills[0]).toMatchObject({ symbol: 'AAPL', qty: 10, price: 230.02 });
    expect(placeOrders()).toHaveLength(0);
    expect(futu.fake.account(REAL_ACC_ID).positions.get('AAPL')?.qty).toBe(100);

    // REAL takes the account number, not just the word.
    const refused = await callError('mode.set', { mode: 'REAL', confirm: 'REAL' });
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    expect(refused.message).toContain(ACCOUNT);
    expect(await call('mode.set', { mode: 'REAL', confirm: ACCOUNT })).toEqual({ mode: 'REAL' });
    // REAL shows the broker's own account: 100 AAPL, not the paper copy's 110.
    await waitFor(() => futu.mirror.current.account.id.startsWith('live:') || undefined, 'the mirror on screen');
    expect(position('AAPL')?.qty).toBe(100);

    const real = await approve({ symbol: 'AAPL', side: 'BUY', qty: 5, orderType: 'LIMIT', limitPrice: 231 });
    expect(real.order.venue).toBe(`${(await call('brokers.used', {}))!.connectionId}:${ACCOUNT}`);
    await waitFor(() => futu.mirror.current.orders.find((o) => o.id === real.order.id && o.status === 'filled'), 'the broker fill');
    await waitFor(() => position('AAPL')?.qty === 105 || undefined, 'the mirror to book the fill');
    expect(placeOrders()).toHaveLength(1);
    expect(placeOrders()[0]!.c2s).toMatchObject({ remark: real.order.clientOrderId, qty: 5, price: 231 });
    expect(futu.fake.account(REAL_ACC_ID).positions.get('AAPL')?.qty).toBe(105);
    const events = await call('order.events', { orderId: real.order.id });
    expect(events.map((e) => e.toStatus)).toEqual(expect.arrayContaining(['submitted', 'filled']));
    // The mirror re-reads the broker after the fill and agrees with what was booked: no difference raised.
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few refreshes (every 100 ms here)
    expect(futu.mirror.current.riskEvents.filter((e) => e.code === 'POSITION_MISMATCH')).toEqual([]);
    expect(placeOrders()).toHaveLength(1);
  });

  it('a position changed at the broker outside Deltadeck is raised, and the mirror follows the broker', async () => {
    await useFutu();
    await call('mode.set', { mode: 'OFF' });
    await waitFor(() => futu.mirror.current.account.id.startsWith('live:') && position('AAPL'), 'the mirror');
    futu.fake.account(REAL_ACC_ID).positions.set('AAPL', { qty: 60, cost: 201.5, secMarket: US });
    const event = await waitFor(() => futu.mirror.current.riskEvents.find((e) => e.code === 'POSITION_MISMATCH'), 'the difference raised');
    expect(event).toMatchObject({ severity: 'warning', symbol: 'AAPL' });
    expect(event.message).toMatch(/holds 60 AAPL; Deltadeck expected 100/);
    await waitFor(() => position('AAPL')?.qty === 60 || undefined, 'the mirror to follow');
  });

  it('the 16th order in 30 s waits for Futu’s rate limit, visibly, and can be cancelled before it is sent', async () => {
    await useFutu();
    // The gate's own order-rate limit (10 a minute by default) is raised so that Futu's (15 per 30 s) is the one that binds.
    const limits = await call('risk.limits.get', {});
    await call('risk.limits.set', { limits: { ...limits, account: { ...limits.account, maxOrdersPerMinute: 100 } } });
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const orders = [];
    for (let i = 0; i < 16; i++) orders.push((await approve({ symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 100 })).order);
    const last = orders[15]!;
    const queued = await waitFor(() => futu.mirror.current.orders.find((o) => o.id === last.id && o.queuedUntil !== undefined), 'the queued order on the blotter');
    expect(queued.status).toBe('submitted');
    expect(queued.queuedUntil!).toBeGreaterThan(wallClock());
    await waitFor(() => placeOrders().length === 15 || undefined, '15 orders at OpenD');
    const journal = await call('order.events', { orderId: last.id });
    expect(journal.some((e) => /^queued: Futu live accepts 15 orders per 30 s/.test(e.detail ?? ''))).toBe(true);

    const cancelled = await call('order.cancel', { orderId: last.id });
    expect(cancelled.status).toBe('cancelled');
    await waitFor(() => futu.mirror.current.orders.find((o) => o.id === last.id && o.status === 'cancelled' && o.queuedUntil === undefined), 'the cancel on the blotter');
    expect(placeOrders().filter((r) => (r.c2s as { remark?: string }).remark === last.clientOrderId)).toEqual([]);
  });

  it('a disconnect in REAL goes OFF and never closes a live order locally; a restart re-attaches and reconciles instead of expiring it', async () => {
    const id = await useFutu();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const { order } = await approve({ symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 100 });
    await waitFor(() => futu.mirror.current.orders.find((o) => o.id === order.id && o.status === 'accepted'), 'the broker to accept it');

    await call('brokers.disconnect', { id });
    await waitFor(() => futu.mirror.current.mode === 'OFF' || undefined, 'REAL to fall back to OFF');
    expect(futu.mirror.current.riskEvents.find((e) => e.code === 'MODE_CHANGED' && e.severity === 'critical')?.message).toMatch(/REAL → OFF/);
    expect(futu.mirror.current.broker.kind).toBe('simulated');
    const refused = await callError('order.cancel', { orderId: order.id });
    expect(refused.code).toBe('VENUE_UNAVAILABLE');
    expect((await call('order.events', { orderId: order.id })).at(-1)?.toStatus).toBe('accepted');

    // Restart with the connection enabled again: the account is used again once it connects, and the order is still working.
    await call('brokers.connect', { id });
    await futu.reopen();
    await waitFor(() => futu.mirror.current.broker.kind === 'live' || undefined, 'the account used again after the restart', 10_000);
    expect(futu.mirror.current.mode).toBe('OFF'); // the disconnect's fail-closed OFF outlives the restart
    const afterRestart = futu.mirror.current.orders.find((o) => o.id === order.id)!;
    expect(afterRestart.status).toBe('accepted');
    expect(futu.mirror.current.riskEvents.some((e) => e.code === 'ORDER_EXPIRED_ON_RESTART')).toBe(false);
    // Cancel goes to the broker now.
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    await call('order.cancel', { orderId: order.id });
    await waitFor(() => futu.mirror.current.orders.find((o) => o.id === order.id && o.status === 'cancelled'), 'the broker cancel');
    expect(futu.fake.requestsOf(PROTO.TrdModifyOrder)).toHaveLength(1);
  });

  it('re-plans hedges on the broker account by itself when it breaches, from the broker’s chain; the demo account’s proposal is void', async () => {
    const demo = await call('hedge.runOnce', {});
    await useFutu();
    expect(futu.engine.hedge.currentRun()).toMatchObject({ id: demo.id, status: 'superseded' });
    const limits = await call('risk.limits.get', {});
    const tight = { maxExposureNotional: 1_000 };
    await call('risk.limits.set', { limits: { ...limits, tiers: { T1: { ...limits.tiers.T1, ...tight }, T2: { ...limits.tiers.T2, ...tight }, T3: { ...limits.tiers.T3, ...tight } } } });
    const run = await waitFor(() => {
      const r = futu.engine.hedge.currentRun();
      return r && r.id !== demo.id && r.result.breaches.some((b) => b.id === 'tier.AAPL') ? r : undefined;
    }, 'a breach-triggered plan on the broker account', 10_000);
    expect(run.result.trigger).toBe('breach');
    expect(run.result.nav).toBeCloseTo(futu.mirror.current.account.nav, -2);
    expect(run.result.plans.length).toBeGreaterThan(0);
    // Option candidates come from the broker's own AAPL chain.
    expect(futu.fake.requestsOf(PROTO.QotGetOptionChain).length).toBeGreaterThan(0);
  });

  it('refuses a connection that is not connected or an account it does not have; stopping brings back the demo account', async () => {
    const saved = await call('brokers.save', { venue: 'futu', label: 'Futu live', host: '127.0.0.1', port: futu.port, env: 'REAL', accountId: '12345', secrets: { tradePassword: PASSWORD } });
    expect((await callError('brokers.use', { id: saved.id })).code).toBe('BROKER_NOT_CONNECTED');
    await call('brokers.connect', { id: saved.id });
    const wrong = await callError('brokers.use', { id: saved.id });
    expect(wrong.code).toBe('ACCOUNT_NOT_FOUND');
    expect(wrong.message).toContain(ACCOUNT);
    expect(futu.mirror.current.broker.kind).toBe('simulated');
    expect((await callError('mode.set', { mode: 'REAL', confirm: ACCOUNT })).code).toBe('REAL_UNAVAILABLE');

    await call('brokers.save', { id: saved.id, venue: 'futu', label: 'Futu live', host: '127.0.0.1', port: futu.port, env: 'REAL', accountId: ACCOUNT, secrets: { tradePassword: '' } });
    await waitFor(() => futu.engine.brokers.connection(saved.id), 'the reconnect after the edit');
    await call('brokers.use', { id: saved.id });
    await waitFor(() => futu.mirror.current.broker.kind === 'live' || undefined, 'the account in use');
    expect(await call('brokers.use', { id: null })).toBeNull();
    await waitFor(() => futu.mirror.current.broker.kind === 'simulated' || undefined, 'the simulated broker back');
    expect(futu.mirror.current.account.id).not.toMatch(/^(paper|live):/);
    expect(futu.mirror.current.clock.simulated).toBe(true);
    expect(await call('brokers.used', {})).toBeNull();
  });
});

describe('kill switch in REAL', () => {
  const status = (orderId: string) => futu.mirror.current.orders.find((o) => o.id === orderId)?.status;
  const fakeOrder = (clientOrderId: string) => [...futu.fake.account(REAL_ACC_ID).orders.values()].find((o) => o.remark === clientOrderId)!;

  /** REAL on the Futu account with three buy limits far below the market (~230), working at the broker. */
  async function workingRealOrders() {
    await useFutu();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const orders: Order[] = [];
    for (let i = 0; i < 3; i++) orders.push((await approve({ symbol: 'AAPL', side: 'BUY', qty: 1 + i, orderType: 'LIMIT', limitPrice: 100 + i })).order);
    await waitFor(() => orders.every((o) => status(o.id) === 'accepted') || undefined, 'the orders working at the broker');
    const brokerId = new Map(orders.map((o) => [o.id, fakeOrder(o.clientOrderId).orderID.toString()]));
    expect(futu.fake.account(REAL_ACC_ID).working.size).toBe(3);
    expect(futu.fake.cancelRequests()).toEqual([]);
    return { orders, brokerId };
  }

  async function expectCancelledByKillSwitch(orderId: string): Promise<void> {
    const journal = await call('order.events', { orderId });
    expect(journal.some((e) => e.detail === 'cancel requested: kill switch')).toBe(true);
    expect(journal.at(-1)?.toStatus).toBe('cancelled');
  }

  it('goes OFF, sends a cancel to the broker for every working order, and the journal closes each as cancelled', async () => {
    const { orders, brokerId } = await workingRealOrders();
    expect(await call('killSwitch.activate', {})).toEqual({ mode: 'OFF', cancelledOrders: 3, cancelledTickets: 0 });
    expect((await call('state.get', {})).mode).toBe('OFF');

    await waitFor(() => futu.fake.cancelRequests().length === 3 || undefined, 'three cancels at OpenD');
    expect(futu.fake.cancelRequests().map((c) => c.orderId).sort()).toEqual([...brokerId.values()].sort());
    await waitFor(() => orders.every((o) => status(o.id) === 'cancelled') || undefined, 'the broker cancels booked');
    for (const o of orders) await expectCancelledByKillSwitch(o.id);
    expect(futu.fake.account(REAL_ACC_ID).working.size).toBe(0);
    expect(placeOrders()).toHaveLength(3); // nothing was sent again
    expect(futu.mirror.current.mode).toBe('OFF');
    expect(futu.mirror.current.riskEvents.find((e) => e.code === 'KILL_SWITCH')).toMatchObject({ severity: 'critical', message: expect.stringMatching(/REAL → OFF; cancel sent for 3 working order/) });
    expect(futu.mirror.current.riskEvents.filter((e) => e.code === 'CANCEL_FAILED')).toEqual([]);
    // Fail closed: nothing new can be sent.
    expect((await callError('ticket.create', { intent: { symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 100 } })).code).toBe('MODE_OFF');
  });

  it('an order whose cancel the broker refuses stays working, raised as critical by name; the others are still cancelled', async () => {
    const { orders, brokerId } = await workingRealOrders();
    const stuck = orders[1]!;
    futu.fake.refuseCancel(brokerId.get(stuck.id)!);
    await call('killSwitch.activate', {});

    await waitFor(() => futu.fake.cancelRequests().length === 3 || undefined, 'three cancels at OpenD');
    expect(futu.fake.cancelRequests().map((c) => c.orderId).sort()).toEqual([...brokerId.values()].sort());
    const others = orders.filter((o) => o !== stuck);
    await waitFor(() => others.every((o) => status(o.id) === 'cancelled') || undefined, 'the other cancels booked');
    for (const o of others) await expectCancelledByKillSwitch(o.id);

    const raised = await waitFor(() => futu.mirror.current.riskEvents.find((e) => e.severity === 'critical' && e.message.includes(stuck.id)), 'the unreachable order raised');
    expect(raised.code).toBe('CANCEL_FAILED');
    expect(raised.message).toMatch(/cannot be cancelled at the moment/);
    // The journal does not pretend: the order is still working at the broker, and shown so.
    expect(status(stuck.id)).toBe('accepted');
    expect(futu.fake.account(REAL_ACC_ID).working).toEqual(new Set([BigInt(brokerId.get(stuck.id)!)]));
    expect((await call('order.events', { orderId: stuck.id })).at(-1)?.toStatus).toBe('accepted');
    expect(futu.mirror.current.mode).toBe('OFF');
  });
});
