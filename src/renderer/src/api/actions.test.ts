import { describe, expect, it } from 'vitest';
import { CockpitClient } from '../../../shared/api/client.js';
import { DEFAULT_RISK_LIMITS } from '../../../shared/risk.js';
import { createCockpitStore } from '../stores/cockpit-store.js';
import { createActions, describeIntent } from './actions.js';
import { createEngineCaller } from './call.js';
import { FakeEngineChannel, type CallHandler } from '../testing/fake-engine.js';
import { order, ticket } from '../testing/fixtures.js';

const noTimers = { setTimeout: () => 0 };

function setup(handler: CallHandler) {
  const store = createCockpitStore();
  const engine = new FakeEngineChannel(handler);
  const client = new CockpitClient(engine);
  const actions = createActions({ store, call: createEngineCaller(() => client), timers: noTimers });
  const toasts = () => store.getState().toasts.map((t) => ({ kind: t.kind, message: t.message, code: t.code }));
  return { store, engine, actions, toasts };
}

describe('actions', () => {
  it('sends mode.set with the typed confirmation and shows the engine refusal verbatim', async () => {
    const refusal = 'REAL needs a connected live broker; only the simulated broker is connected.';
    const { engine, actions, toasts } = setup((cmd) =>
      cmd === 'mode.set' ? { ok: false, error: { code: 'REAL_UNAVAILABLE', message: refusal } } : null,
    );
    const result = await actions.setMode('REAL', 'REAL');
    expect(result.ok).toBe(false);
    expect(engine.callsOf('mode.set')).toEqual([{ mode: 'REAL', confirm: 'REAL' }]);
    expect(toasts()).toEqual([{ kind: 'error', message: refusal, code: 'REAL_UNAVAILABLE' }]);
  });

  it('sends mode.set without confirm for OFF / DRY_RUN and confirms success', async () => {
    const { engine, actions, toasts } = setup((cmd, req) => (cmd === 'mode.set' ? { ok: true, value: { mode: (req as { mode: string }).mode } } : null));
    await actions.setMode('OFF');
    expect(engine.callsOf('mode.set')).toEqual([{ mode: 'OFF' }]);
    expect(toasts()).toEqual([{ kind: 'success', message: 'Trading mode is now OFF', code: undefined }]);
  });

  it('reports the kill switch outcome', async () => {
    const { engine, actions, toasts } = setup((cmd) =>
      cmd === 'killSwitch.activate' ? { ok: true, value: { mode: 'OFF', cancelledOrders: 2, cancelledTickets: 1 } } : null,
    );
    await actions.activateKillSwitch();
    expect(engine.callsOf('killSwitch.activate')).toEqual([{}]);
    expect(toasts()[0]?.message).toBe('Kill switch: mode OFF, 2 orders cancelled, 1 ticket cancelled');
  });

  it('creates, approves (bound to the content hash) and rejects tickets, and cancels orders', async () => {
    const t = ticket('t1', { intent: { symbol: 'AAPL', side: 'SELL', qty: 5, orderType: 'LIMIT', limitPrice: 190.5, tif: 'DAY', outsideRth: false } });
    const { engine, actions, toasts } = setup((cmd) => {
      if (cmd === 'ticket.create') return { ok: true, value: t };
      if (cmd === 'ticket.approve') return { ok: true, value: { ticket: { ...t, status: 'approved' }, order: order('o9', { status: 'submitted' }) } };
      if (cmd === 'ticket.reject') return { ok: true, value: { ...t, status: 'rejected' } };
      if (cmd === 'order.cancel') return { ok: false, error: { code: 'ORDER_NOT_WORKING', message: 'Order o9 is already filled.' } };
      return null;
    });
    await actions.createTicket(t.intent);
    await actions.approveTicket(t);
    await actions.rejectTicket(t);
    await actions.cancelOrder('o9');
    expect(engine.callsOf('ticket.create')).toEqual([{ intent: t.intent }]);
    expect(engine.callsOf('ticket.approve')).toEqual([{ ticketId: 't1', contentHash: 'hash-t1' }]);
    expect(engine.callsOf('ticket.reject')).toEqual([{ ticketId: 't1' }]);
    expect(engine.callsOf('order.cancel')).toEqual([{ orderId: 'o9' }]);
    expect(toasts().map((x) => x.kind)).toEqual(['success', 'success', 'success', 'error']);
    expect(toasts()[1]?.message).toBe('Approved SELL 5 AAPL LMT 190.50 → order o9 submitted');
    expect(toasts()[3]).toEqual({ kind: 'error', message: 'Order o9 is already filled.', code: 'ORDER_NOT_WORKING' });
  });

  it('does not pretend to send anything while disconnected', async () => {
    const store = createCockpitStore();
    const actions = createActions({ store, call: createEngineCaller(() => null), timers: noTimers });
    const result = await actions.activateKillSwitch();
    expect(result).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'error', code: 'DISCONNECTED' });
  });

  it('saving limits and resetting report back', async () => {
    const { engine, actions, toasts } = setup((cmd) => {
      if (cmd === 'risk.limits.set') return { ok: false, error: { code: 'INVALID_LIMITS', message: 'Limits not saved: amber above red.' } };
      if (cmd === 'risk.reset') return { ok: true, value: { state: 'ACTIVE' } };
      return null;
    });
    expect(await actions.setRiskLimits(DEFAULT_RISK_LIMITS)).toMatchObject({ ok: false, error: { code: 'INVALID_LIMITS' } });
    await actions.resetTradingState();
    expect(engine.callsOf('risk.limits.set')).toEqual([{ limits: DEFAULT_RISK_LIMITS }]);
    expect(engine.callsOf('risk.reset')).toEqual([{}]);
    expect(toasts()).toEqual([
      { kind: 'error', message: 'Limits not saved: amber above red.', code: 'INVALID_LIMITS' },
      { kind: 'success', message: 'Account is ACTIVE: loss limits re-armed from the current NAV', code: undefined },
    ]);
  });

  it('sends any command with its time-out: failures toasted in the engine\'s words, success only when described', async () => {
    const { engine, actions, toasts } = setup((cmd) => {
      if (cmd === 'backtest.delete') return { ok: true, value: { deleted: true } };
      if (cmd === 'hedge.runOnce') return { ok: false, error: { code: 'HEDGE_UNAVAILABLE', message: 'No quotes yet.' } };
      return null;
    });
    expect(await actions.send('backtest.delete', { runId: 'r1' })).toMatchObject({ ok: true });
    expect(await actions.send('backtest.delete', { runId: 'r2' }, { success: () => 'Run deleted.' })).toMatchObject({ ok: true });
    expect(await actions.send('hedge.runOnce', {}, { timeoutMs: 30_000 })).toMatchObject({ ok: false, error: { code: 'HEDGE_UNAVAILABLE' } });
    expect(engine.callsOf('backtest.delete')).toEqual([{ runId: 'r1' }, { runId: 'r2' }]);
    expect(toasts()).toEqual([
      { kind: 'success', message: 'Run deleted.', code: undefined },
      { kind: 'error', message: 'No quotes yet.', code: 'HEDGE_UNAVAILABLE' },
    ]);
  });

  it('describes intents readably', () => {
    expect(describeIntent({ symbol: 'SPY', side: 'BUY', qty: 1500, orderType: 'MARKET' })).toBe('BUY 1,500 SPY MKT');
  });
});
