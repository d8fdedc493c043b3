// Stop-limit orders, time in force and modify through the Cockpit API on the real engine, paper
// ledger and SQLite journal.
import { describe, expect, it } from 'vitest';
import { orderEventLabel } from '../../shared/domain.js';
import { useTestEngine } from './engine.testing.js';
import { StateMirror, waitFor } from './testing.js';

const te = useTestEngine();

const cents = (x: number) => Math.round(x * 100) / 100;

describe('order types and modify over the Cockpit API', () => {
  it('a stop-limit GTC rests with its fields, is modified through the gate, and its history says so', async () => {
    const mirror = new StateMirror(te.client);
    const state = await mirror.ready();
    const ask = state.quotes.SPY!.ask;
    const stopPrice = cents(ask * 1.05);
    const limitPrice = cents(stopPrice * 1.002);
    const t = await te.client.invoke('ticket.create', {
      intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'STOP_LIMIT', stopPrice, limitPrice, tif: 'GTC' },
    });
    expect(t.intent).toMatchObject({ orderType: 'STOP_LIMIT', stopPrice, limitPrice, tif: 'GTC', outsideRth: false });
    expect(t.verdict).not.toBe('red');
    const { order } = await te.client.invoke('ticket.approve', { ticketId: t.id, contentHash: t.contentHash });
    expect(order).toMatchObject({ orderType: 'STOP_LIMIT', stopPrice, limitPrice, tif: 'GTC', outsideRth: false });
    await waitFor(() => mirror.current.orders.find((o) => o.id === order.id && o.status === 'accepted'), 'resting');

    // A limit 50% through its stop is red: the modify is refused with the gate's reason, and nothing changes.
    const red = await te.client.call('order.modify', { orderId: order.id, limitPrice: cents(stopPrice * 1.5) });
    expect(red).toMatchObject({ ok: false, error: { code: 'MODIFY_RED', message: expect.stringContaining('typo') } });
    expect((await te.client.invoke('order.events', { orderId: order.id })).map(orderEventLabel)).not.toContain('modify requested');

    const newLimit = cents(stopPrice * 1.004);
    const modified = await te.client.invoke('order.modify', { orderId: order.id, limitPrice: newLimit });
    expect(modified).toMatchObject({ status: 'accepted', limitPrice: newLimit, stopPrice, tif: 'GTC' });
    await waitFor(() => mirror.current.orders.find((o) => o.id === order.id && o.limitPrice === newLimit), 'the state to show the new limit');

    const events = await te.client.invoke('order.events', { orderId: order.id });
    expect(events.map(orderEventLabel)).toEqual(['pending approval', 'approved', 'submitted', 'accepted', 'modify requested', 'modified']);
    expect(events.at(-1)!.detail).toContain(`limit ${limitPrice} → ${newLimit}`);

    // The gate's verdict at the modify is journaled as a risk event like any approval.
    const riskEvents = await te.client.invoke('riskEvents.list', { limit: 50 });
    expect(riskEvents.filter((e) => e.code.startsWith('GATE_') && e.message.includes(`at approve of ${t.id}`)).length).toBeGreaterThanOrEqual(3);

    const cancelled = await te.client.invoke('order.cancel', { orderId: order.id });
    expect(cancelled.status).toBe('cancelled');
    const again = await te.client.call('order.modify', { orderId: order.id, limitPrice: newLimit + 0.01 });
    expect(again).toMatchObject({ ok: false, error: { code: 'ORDER_NOT_WORKING' } });
    mirror.stop();
  });

  it('refuses malformed intents and modifies at the boundary with the schema\'s message', async () => {
    const bad = await te.client.call('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'STOP', limitPrice: 500 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('A stop order needs a stop price') } });
    const rth = await te.client.call('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'MARKET', outsideRth: true } });
    expect(rth).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('Only limit orders') } });
    const empty = await te.client.call('order.modify', { orderId: 'O1' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('Say what to change') } });
    const unknown = await te.client.call('order.modify', { orderId: 'nope', qty: 2 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
