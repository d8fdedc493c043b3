import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CockpitState } from '../../shared/domain.js';
import { useTestEngine } from './engine.testing.js';
import { StateMirror, waitFor } from './testing.js';

const te = useTestEngine();

async function reopen(between?: () => void): Promise<StateMirror> {
  await te.reopen(between);
  const mirror = new StateMirror(te.client);
  await mirror.ready();
  return mirror;
}

describe('engine end to end over the Cockpit API', () => {
  it('starts on the demo options portfolio with a valid snapshot, NAV and Greeks', async () => {
    const state = await te.client.invoke('state.get', {});
    expect(() => CockpitState.parse(state)).not.toThrow();
    expect(state.mode).toBe('DRY_RUN');
    expect(state.broker).toMatchObject({ kind: 'simulated', connection: 'connected' });
    const options = state.positions.filter((p) => p.instrument.kind === 'OPTION');
    const stocks = state.positions.filter((p) => p.instrument.kind !== 'OPTION');
    expect(options.length).toBeGreaterThanOrEqual(4);
    expect(stocks.length).toBeGreaterThanOrEqual(2);
    // NAV is cash plus the marked value of every position.
    const sumMv = state.positions.reduce((s, p) => s + p.marketValue, 0);
    expect(state.account.nav).toBeCloseTo(state.account.cash + sumMv, 6);
    expect(state.account.nav).toBeGreaterThan(0);
    // Day P&L starts from the book marked to market, so on first start it is only the moves since.
    expect(Math.abs(state.account.dayPnl)).toBeLessThan(state.account.nav * 0.01);
    // Short options have negative gamma; the short-dated QQQ put is in the short-dated bucket.
    const shortPut = options.find((p) => p.instrument.underlying === 'QQQ')!;
    expect(shortPut.qty).toBeLessThan(0);
    expect(shortPut.greeks.gammaCash1Pct).toBeLessThan(0);
    const qqq = state.greeks.byUnderlying.find((r) => r.underlying === 'QQQ')!;
    expect(qqq.shortDated.gammaCash1Pct).toBeCloseTo(shortPut.greeks.gammaCash1Pct, 6);
    // Portfolio row is the sum of the underlying rows.
    const sumDelta = state.greeks.byUnderlying.reduce((s, r) => s + r.deltaCash, 0);
    expect(state.greeks.portfolio.deltaCash).toBeCloseTo(sumDelta, 6);
  });

  it('streams coalesced patches in which quotes move: every change between two flushes arrives as one patch', async () => {
    const mirror = new StateMirror(te.client);
    const first = await mirror.ready();
    await waitFor(() => mirror.current.quotes.SPY!.ts > first.quotes.SPY!.ts && mirror.patches >= 2, 'streamed quotes');
    // From here the test flushes by hand (the interval logic itself: publisher.test.ts).
    te.engine.publisher.stop();
    te.engine.publisher.flush();
    await te.client.invoke('state.get', {}); // the channel is ordered: that patch is in before this reply
    const patches = mirror.patches;
    // The market ticks on while nothing is flushed: wait for SPY to change three times.
    const seen = new Set<number>();
    for (const deadline = Date.now() + 5_000; seen.size < 4; ) {
      if (Date.now() > deadline) throw new Error('SPY did not move');
      seen.add((await te.client.invoke('state.get', {})).quotes.SPY!.ts);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(mirror.patches).toBe(patches);
    te.engine.publisher.flush();
    // Nothing runs between the flush and this request's snapshot (no timer turn): they show the same market.
    const now = await te.client.invoke('state.get', {});
    expect(mirror.patches).toBe(patches + 1);
    expect(mirror.current.quotes.SPY).toEqual(now.quotes.SPY);
    expect(mirror.current.quotes.SPY!.ts).toBeGreaterThanOrEqual(Math.max(...seen));
    expect(mirror.current.account.nav).toBe(now.account.nav);
    mirror.stop();
  });

  it('a manual ticket is checked, approved, filled on the paper ledger, and journaled', async () => {
    const mirror = new StateMirror(te.client);
    const before = await mirror.ready();
    const cashBefore = before.account.cash;
    const aaplBefore = before.positions.find((p) => p.symbol === 'AAPL')!.qty;

    const ticket = await te.client.invoke('ticket.create', { intent: { symbol: 'aapl', side: 'BUY', qty: 10, orderType: 'MARKET' } });
    expect(ticket.status).toBe('pending');
    expect(ticket.intent.symbol).toBe('AAPL');
    expect(ticket.verdict).not.toBe('red');
    expect(ticket.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['mode', 'quote', 'price', 'cash']));

    const { order } = await te.client.invoke('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    expect(order.status).toBe('submitted');

    const filled = await waitFor(() => mirror.current.orders.find((o) => o.id === order.id && o.status === 'filled'), 'the fill');
    expect(filled.filledQty).toBe(10);
    const fill = await waitFor(() => mirror.current.fills.find((f) => f.orderId === order.id), 'the fill row');
    await waitFor(() => mirror.current.positions.find((p) => p.symbol === 'AAPL')?.qty === aaplBefore + 10, 'the position');
    const cashAfter = mirror.current.account.cash;
    expect(cashAfter).toBeCloseTo(cashBefore - fill.qty * fill.price - fill.commission, 6);

    const events = await te.client.invoke('order.events', { orderId: order.id });
    expect(events.map((e) => e.toStatus)).toEqual(['pending_approval', 'approved', 'submitted', 'accepted', 'filled']);
    expect(mirror.current.tickets.find((t) => t.id === ticket.id)?.status).toBe('approved');
    mirror.stop();
  });

  it('approval is single-use and bound to the ticket content', async () => {
    const ticket = await te.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'MARKET' } });
    const wrong = await te.client.call('ticket.approve', { ticketId: ticket.id, contentHash: 'x'.repeat(64) });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'TICKET_CHANGED' } });
    await te.client.invoke('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    const again = await te.client.call('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    expect(again).toMatchObject({ ok: false, error: { code: 'TICKET_NOT_PENDING' } });
  });

  it('a red ticket cannot be approved', async () => {
    const state = await te.client.invoke('state.get', {});
    const ask = state.quotes.NVDA!.ask;
    const ticket = await te.client.invoke('ticket.create', {
      intent: { symbol: 'NVDA', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice: Math.round(ask * 150) / 100 },
    });
    expect(ticket.verdict).toBe('red');
    expect(ticket.checks.find((c) => c.level === 'red')?.code).toBe('PRICE_FAR_FROM_MARKET');
    const res = await te.client.call('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    expect(res).toMatchObject({ ok: false, error: { code: 'TICKET_RED' } });
    const orders = (await te.client.invoke('state.get', {})).orders;
    expect(orders.some((o) => o.ticketId === ticket.id)).toBe(false);
  });

  it('buying more than the cash allows is red', async () => {
    const ticket = await te.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 100_000, orderType: 'MARKET' } });
    expect(ticket.checks).toContainEqual(expect.objectContaining({ check: 'cash', level: 'red', code: 'INSUFFICIENT_CASH' }));
  });

  it('in OFF no ticket can be created or sent; REAL is refused with the simulated broker', async () => {
    const pending = await te.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'MARKET' } });
    await te.client.invoke('mode.set', { mode: 'OFF' });
    const create = await te.client.call('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'MARKET' } });
    expect(create).toMatchObject({ ok: false, error: { code: 'MODE_OFF' } });
    // The mode change cancelled the ticket reviewed in DRY_RUN, with the reason; it can never be approved.
    const cancelled = (await te.client.invoke('state.get', {})).tickets.find((t) => t.id === pending.id)!;
    expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: 'the mode changed from DRY_RUN to OFF' });
    await te.client.invoke('mode.set', { mode: 'DRY_RUN' });
    const approve = await te.client.call('ticket.approve', { ticketId: pending.id, contentHash: pending.contentHash });
    expect(approve).toMatchObject({ ok: false, error: { code: 'TICKET_NOT_PENDING' } });
    expect((await te.client.invoke('riskEvents.list', {})).some((e) => e.code === 'APPROVALS_CANCELLED' && e.message.includes('1 pending ticket'))).toBe(true);
    await te.client.invoke('mode.set', { mode: 'OFF' });

    const real = await te.client.call('mode.set', { mode: 'REAL', confirm: 'REAL' });
    expect(real).toMatchObject({ ok: false, error: { code: 'REAL_UNAVAILABLE' } });
    if (!real.ok) expect(real.error.message).toMatch(/only the simulated broker/);
    expect((await te.client.invoke('state.get', {})).mode).toBe('OFF');
    const events = await te.client.invoke('riskEvents.list', {});
    expect(events.filter((e) => e.code === 'MODE_CHANGED').at(-1)?.message).toMatch(/DRY_RUN → OFF/);
  });

  it('kill switch: mode OFF, working orders and pending tickets cancelled, all journaled', async () => {
    const mirror = new StateMirror(te.client);
    const state = await mirror.ready();
    const bid = state.quotes.AAPL!.bid;
    // A resting buy limit well below the market stays working.
    const resting = await te.client.invoke('ticket.create', {
      intent: { symbol: 'AAPL', side: 'BUY', qty: 5, orderType: 'LIMIT', limitPrice: Math.round(bid * 80) / 100 },
    });
    const { order } = await te.client.invoke('ticket.approve', { ticketId: resting.id, contentHash: resting.contentHash });
    await waitFor(() => mirror.current.orders.find((o) => o.id === order.id && o.status === 'accepted'), 'the order to rest');
    const pending = await te.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'MARKET' } });

    const result = await te.client.invoke('killSwitch.activate', {});
    expect(result).toEqual({ mode: 'OFF', cancelledOrders: 1, cancelledTickets: 1 });
    await waitFor(() => mirror.current.mode === 'OFF' && mirror.current.orders.find((o) => o.id === order.id)?.status === 'cancelled', 'the cancel');
    expect(mirror.current.tickets.find((t) => t.id === pending.id)?.status).toBe('cancelled');
    const events = await te.client.invoke('order.events', { orderId: order.id });
    expect(events.at(-2)?.detail).toMatch(/cancel requested: kill switch/);
    expect(events.at(-1)?.toStatus).toBe('cancelled');
    await waitFor(() => mirror.current.riskEvents.find((e) => e.code === 'KILL_SWITCH' && e.severity === 'critical'), 'the kill-switch event');
    mirror.stop();
  });

  it('a restart keeps orders, fills, positions, tickets, events and equity; OFF stays OFF', async () => {
    const ticket = await te.client.invoke('ticket.create', { intent: { symbol: 'QQQ', side: 'BUY', qty: 3, orderType: 'MARKET' } });
    const { order } = await te.client.invoke('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    const mirror0 = new StateMirror(te.client);
    await mirror0.ready();
    await waitFor(() => mirror0.current.orders.find((o) => o.id === order.id && o.status === 'filled'), 'the fill');
    await waitFor(() => mirror0.current.equity.length >= 2, 'equity points');
    await te.client.invoke('mode.set', { mode: 'OFF' });
    const before = await te.client.invoke('state.get', {});

    const mirror = await reopen();
    const after = mirror.current;
    expect(after.mode).toBe('OFF');
    expect(after.orders.find((o) => o.id === order.id)?.status).toBe('filled');
    expect(after.fills.map((f) => f.id)).toEqual(before.fills.map((f) => f.id));
    expect(after.positions.map((p) => [p.symbol, p.qty])).toEqual(before.positions.map((p) => [p.symbol, p.qty]));
    expect(after.account.cash).toBeCloseTo(before.account.cash, 6);
    expect(after.tickets.find((t) => t.id === ticket.id)?.status).toBe('approved');
    expect(after.riskEvents.length).toBeGreaterThanOrEqual(before.riskEvents.length);
    expect(after.equity.length).toBeGreaterThanOrEqual(before.equity.length);
    // The simulated market continues from where it stopped instead of restarting its path.
    expect(after.quotes.SPY!.last).toBeCloseTo(before.quotes.SPY!.last, -1);
    mirror.stop();
  });

  it('REAL always comes back as DRY_RUN after a restart', async () => {
    await te.reopen(() => {
      const db = new Database(join(te.dir, 'deltadeck.db'));
      db.prepare("UPDATE settings SET value = 'REAL' WHERE key = 'mode'").run();
      db.close();
    });
    expect((await te.client.invoke('state.get', {})).mode).toBe('DRY_RUN');
  });

  /** Two resting buys far below the market, one GTC and one DAY, accepted on the paper ledger. */
  async function restingGtcAndDay(): Promise<{ gtc: string; day: string }> {
    const mirror = new StateMirror(te.client);
    const state = await mirror.ready();
    const limitPrice = Math.round(state.quotes.SPY!.bid * 90) / 100;
    const place = async (tif: 'GTC' | 'DAY') => {
      const t = await te.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice, tif } });
      return (await te.client.invoke('ticket.approve', { ticketId: t.id, contentHash: t.contentHash })).order.id;
    };
    const ids = { gtc: await place('GTC'), day: await place('DAY') };
    await waitFor(() => mirror.current.orders.filter((o) => Object.values(ids).includes(o.id) && o.status === 'accepted').length === 2, 'both orders resting');
    mirror.stop();
    return ids;
  }

  it('working paper orders survive a restart, as at a broker: still working, cancellable and fillable there', async () => {
    const { gtc, day } = await restingGtcAndDay();
    const mirror = await reopen();
    const status = (id: string) => mirror.current.orders.find((o) => o.id === id)?.status;
    // Same session: both are still working, and the trader is told.
    expect(status(gtc)).toBe('accepted');
    expect(status(day)).toBe('accepted');
    expect(mirror.current.riskEvents.some((e) => e.code === 'ORDERS_RESTORED' && e.message.includes('GTC'))).toBe(true);
    expect(mirror.current.riskEvents.some((e) => e.code === 'ORDER_EXPIRED_ON_RESTART')).toBe(false);
    // The paper broker holds them again: a limit moved through the market fills, a cancel is confirmed by the venue.
    const ask = mirror.current.quotes.SPY!.ask;
    await te.client.invoke('order.modify', { orderId: gtc, limitPrice: Math.round(ask * 102) / 100 });
    await waitFor(() => status(gtc) === 'filled', 'the restored GTC order to fill');
    await te.client.invoke('order.cancel', { orderId: day });
    await waitFor(() => status(day) === 'cancelled', 'the DAY order cancelled');
    const events = await te.client.invoke('order.events', { orderId: day });
    expect(events.map((e) => e.detail ?? '').join(' ')).not.toMatch(/did not hold/);
    expect(mirror.current.riskEvents.some((e) => e.code === 'CANCEL_NOT_CONFIRMED')).toBe(false);
    mirror.stop();
  });

  it('a restart in a later session keeps the GTC order working and expires the DAY order at its session end', async () => {
    const { gtc, day } = await restingGtcAndDay();
    const mirror = await reopen(() => {
      // The engine stopped in the previous session: it rolls to the current one at start.
      const db = new Database(join(te.dir, 'deltadeck.db'));
      db.prepare("UPDATE accounts SET session_date = '2026-06-05'").run();
      db.close();
    });
    const order = (id: string) => mirror.current.orders.find((o) => o.id === id);
    expect(order(gtc)?.status).toBe('accepted');
    expect(order(day)?.status).toBe('cancelled');
    expect(order(day)?.statusReason).toMatch(/DAY order expired at the end of the session/);
    mirror.stop();
  });

  it('cancels a resting order on request and refuses to cancel a filled one', async () => {
    const mirror = new StateMirror(te.client);
    const state = await mirror.ready();
    const t = await te.client.invoke('ticket.create', {
      intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'LIMIT', limitPrice: Math.round(state.quotes.SPY!.ask * 110) / 100 },
    });
    const { order } = await te.client.invoke('ticket.approve', { ticketId: t.id, contentHash: t.contentHash });
    await waitFor(() => mirror.current.orders.find((o) => o.id === order.id && o.status === 'accepted'), 'resting');
    const cancelled = await te.client.invoke('order.cancel', { orderId: order.id });
    expect(cancelled.status).toBe('cancelled');
    const again = await te.client.call('order.cancel', { orderId: order.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'ORDER_NOT_WORKING' } });
    mirror.stop();
  });

  it('accepts an OCC option symbol on a quoted underlying and prices it', async () => {
    const state = await te.client.invoke('state.get', {});
    const option = state.positions.find((p) => p.instrument.kind === 'OPTION' && p.instrument.underlying === 'SPY')!;
    const strike = option.instrument.strike! + 5;
    const symbol = `SPY${option.instrument.expiry!.slice(2).replaceAll('-', '')}C${String(strike * 1000).padStart(8, '0')}`;
    const ticket = await te.client.invoke('ticket.create', { intent: { symbol, side: 'BUY', qty: 1, orderType: 'MARKET' } });
    expect(ticket.estNotional).toBeGreaterThan(0);
    const unknown = await te.client.call('ticket.create', { intent: { symbol: 'ZZZZ', side: 'BUY', qty: 1, orderType: 'MARKET' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_SYMBOL' } });
  });
});

describe('tickets expire on the wall clock', () => {
  let wall = Date.parse('2026-12-08T15:00:00Z');
  const clocked = useTestEngine({ wallClock: () => wall });

  it('five minutes of wall-clock time, whatever the simulated clock says', async () => {
    const ticket = await clocked.client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'MARKET' } });
    // The simulated session is pinned to another day; the expiry is the trader's own five minutes.
    expect(Math.abs(ticket.createdAt - wall)).toBeGreaterThan(86_400_000);
    expect(ticket.expiresAt).toBe(wall + 5 * 60_000);
    wall += 5 * 60_000;
    const late = await clocked.client.call('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    expect(late).toMatchObject({ ok: false, error: { code: 'TICKET_EXPIRED' } });
    expect((await clocked.client.invoke('state.get', {})).orders).toHaveLength(0);
  });
});
