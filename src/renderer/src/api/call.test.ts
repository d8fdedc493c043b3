import { describe, expect, it } from 'vitest';
import { CockpitClient } from '../../../shared/api/client.js';
import { FakeEngineChannel } from '../testing/fake-engine.js';
import { createEngineCaller, DISCONNECTED } from './call.js';

describe('callEngine', () => {
  it('passes the command, its request and the engine answer through unchanged, refusals included', async () => {
    const engine = new FakeEngineChannel((cmd) => {
      if (cmd === 'ticket.preview') return { ok: true, value: { level: 'red', checks: [], whatIf: null, estNotional: 1 } };
      if (cmd === 'risk.scenario') return { ok: false, error: { code: 'SCENARIO_UNAVAILABLE', message: 'No price for SPY.' } };
      return null;
    });
    const call = createEngineCaller(() => new CockpitClient(engine));
    const intent = { symbol: 'SPY', side: 'BUY', qty: 6000, orderType: 'MARKET' } as const;
    expect(await call('ticket.preview', { intent })).toMatchObject({ ok: true, value: { level: 'red' } });
    expect(await call('risk.scenario', { intent, days: 1 })).toEqual({ ok: false, error: { code: 'SCENARIO_UNAVAILABLE', message: 'No price for SPY.' } });
    expect(engine.callsOf('ticket.preview')).toEqual([{ intent }]);
    expect(engine.callsOf('risk.scenario')).toEqual([{ intent, days: 1 }]);
  });

  it('answers the standard DISCONNECTED error, sending nothing, while there is no client', async () => {
    const call = createEngineCaller(() => null);
    expect(await call('risk.var', {})).toEqual({ ok: false, error: DISCONNECTED });
  });

  it('asks for the client at call time, so a reconnect is picked up', async () => {
    let client: CockpitClient | null = null;
    const call = createEngineCaller(() => client);
    expect((await call('risk.limits.get', {})).ok).toBe(false);
    const engine = new FakeEngineChannel(() => ({ ok: true, value: { deleted: true } }));
    client = new CockpitClient(engine);
    expect(await call('backtest.delete', { runId: 'r1' })).toEqual({ ok: true, value: { deleted: true } });
  });

  it('applies the caller\'s time-out', async () => {
    const call = createEngineCaller(() => new CockpitClient(new FakeEngineChannel(() => null)));
    const result = await call('hedge.current', {}, { timeoutMs: 5 });
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });
});
