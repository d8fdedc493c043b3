// The risk gate inside the running engine, through the Cockpit API: every verdict journaled, red
// tickets never sent, limits persisted, HALTED / reset, order rate, scenario grid and VaR.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import { CockpitState } from '../../shared/domain.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../../shared/risk.js';
import type { Engine } from './engine.js';
import { connect, makeTempDir, openTestEngine } from './testing.js';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: CockpitClient;

beforeEach(async () => {
  tmp = makeTempDir();
  engine = await openTestEngine(tmp.dir);
  client = connect(engine);
});

afterEach(async () => {
  client.close();
  await engine.close();
  tmp.remove();
});

async function reopen(): Promise<void> {
  client.close();
  await engine.close();
  engine = await openTestEngine(tmp.dir);
  client = connect(engine);
}

const limitsWith = (patch: (l: RiskLimits) => void): RiskLimits => {
  const copy = structuredClone(DEFAULT_RISK_LIMITS);
  patch(copy);
  return copy;
};

describe('risk gate in the engine', () => {
  it('starts ACTIVE with the demo book over the short-dated gamma cap, reported as a limit breach', async () => {
    const state = await client.invoke('state.get', {});
    expect(() => CockpitState.parse(state)).not.toThrow();
    expect(state.risk.account.state).toBe('ACTIVE');
    const shortGamma = state.risk.limits.find((l) => l.id === 'short.gamma')!;
    expect(shortGamma.value).toBeCloseTo(Math.abs(state.greeks.portfolio.shortDated.gammaCash1Pct) / state.account.nav, 9);
    expect(shortGamma.level).toBe('red');
    const events = await client.invoke('riskEvents.list', {});
    expect(events.some((e) => e.code === 'LIMIT_BREACH' && e.message.includes('Short-dated'))).toBe(true);
    // Beta-weighted delta: SPY-equivalent shares × SPY price equals the beta-weighted cash delta.
    const spy = state.quotes.SPY!;
    expect(state.risk.betaWeighted.shares * ((spy.bid + spy.ask) / 2)).toBeCloseTo(state.risk.betaWeighted.cash, 3);
  });

  it('journals every verdict and stores the what-if Greeks on the ticket', async () => {
    const before = await client.invoke('state.get', {});
    const ticket = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 10, orderType: 'MARKET' } });
    expect(ticket.whatIf).not.toBeNull();
    const w = ticket.whatIf!;
    expect(w.order.deltaShares).toBe(10);
    expect(w.after.deltaCash - w.before.deltaCash).toBeCloseTo(w.order.deltaCash, 6);
    expect(w.before.deltaCash).toBeCloseTo(before.greeks.portfolio.deltaCash, -3); // same book, quotes a few ticks apart
    const events = await client.invoke('riskEvents.list', {});
    const verdict = events.find((e) => e.code.startsWith('GATE_') && e.message.includes(ticket.id));
    expect(verdict).toBeDefined();
    expect(verdict!.code).toBe(`GATE_${ticket.verdict.toUpperCase()}`);
    expect(verdict!.message).toContain('at create');
  });

  it('a red ticket (over the per-order share cap) is refused at approval and nothing is sent', async () => {
    const ticket = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'BUY', qty: 6_000, orderType: 'MARKET' } });
    expect(ticket.verdict).toBe('red');
    expect(ticket.checks.map((c) => c.code)).toEqual(expect.arrayContaining(['MAX_QTY', 'MAX_NOTIONAL']));
    const approve = await client.call('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
    expect(approve.ok).toBe(false);
    if (!approve.ok) expect(approve.error.code).toBe('TICKET_RED');
    const state = await client.invoke('state.get', {});
    expect(state.orders).toHaveLength(0);
  });

  it('preview says what the gate would say without creating a ticket', async () => {
    const verdict = await client.invoke('ticket.preview', { intent: { symbol: 'TQQQ', side: 'BUY', qty: 2_000, orderType: 'MARKET' } });
    expect(verdict.level).toBe('red');
    expect(verdict.checks.map((c) => c.code)).toContain('TIER_ORDER'); // TQQQ is tier T3: 25k per order
    const state = await client.invoke('state.get', {});
    expect(state.tickets).toHaveLength(0);
  });

  it('saves limits in SQLite across a restart, and refuses invalid ones without changing anything', async () => {
    const changed = limitsWith((l) => {
      l.account.maxOrdersPerMinute = 3;
      l.symbolTiers.NVDA = 'T3';
    });
    await client.invoke('risk.limits.set', { limits: changed });
    const bad = await client.call('risk.limits.set', { limits: limitsWith((l) => (l.order.fatFingerAmberPct = 0.5)) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('INVALID_LIMITS');
    const malformed = await client.call('risk.limits.set', { limits: { ...changed, loss: { dailyLossPct: -1, maxDrawdownPct: 0.1 } } });
    expect(malformed.ok).toBe(false);
    await reopen();
    const limits = await client.invoke('risk.limits.get', {});
    expect(limits.account.maxOrdersPerMinute).toBe(3);
    expect(limits.symbolTiers.NVDA).toBe('T3');
    expect(limits.order.fatFingerAmberPct).toBe(DEFAULT_RISK_LIMITS.order.fatFingerAmberPct);
  });

  it('kill switch HALTS the account: every order is red until the user resets it', async () => {
    await client.invoke('killSwitch.activate', {});
    let state = await client.invoke('state.get', {});
    expect(state.risk.account.state).toBe('HALTED');
    await client.invoke('mode.set', { mode: 'DRY_RUN' });
    const halted = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'MARKET' } });
    expect(halted.verdict).toBe('red');
    expect(halted.checks.find((c) => c.code === 'HALTED')?.message).toMatch(/reset/i);
    // HALTED survives a restart.
    await reopen();
    state = await client.invoke('state.get', {});
    expect(state.risk.account.state).toBe('HALTED');
    expect((await client.invoke('risk.reset', {})).state).toBe('ACTIVE');
    const ok = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'MARKET' } });
    expect(ok.checks.some((c) => c.code === 'HALTED')).toBe(false);
    const events = await client.invoke('riskEvents.list', {});
    expect(events.some((e) => e.code === 'TRADING_STATE' && e.message.includes('HALTED → ACTIVE'))).toBe(true);
  });

  it('blocks orders over the per-minute rate', async () => {
    await client.invoke('risk.limits.set', { limits: limitsWith((l) => (l.account.maxOrdersPerMinute = 1)) });
    const first = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'MARKET' } });
    await client.invoke('ticket.approve', { ticketId: first.id, contentHash: first.contentHash });
    const second = await client.invoke('ticket.create', { intent: { symbol: 'SPY', side: 'SELL', qty: 1, orderType: 'MARKET' } });
    expect(second.checks.find((c) => c.code === 'ORDER_RATE')?.level).toBe('red');
  });

  it('scenario grid: zero P&L at the centre, and adding an order shifts the grid by that order', async () => {
    const book = await client.invoke('risk.scenario', {});
    expect(book.cells).toHaveLength(book.spotPcts.length);
    const i0 = book.spotPcts.indexOf(0);
    const j0 = book.volPts.indexOf(0);
    expect(book.cells[i0]![j0]!.pnl).toBeCloseTo(0, 9);
    // Down 10% loses money for this net-long book.
    expect(book.cells[0]![j0]!.pnl).toBeLessThan(0);
    const withOrder = await client.invoke('risk.scenario', { intent: { symbol: 'SPY', side: 'SELL', qty: 100, orderType: 'MARKET' } });
    expect(withOrder.withOrder).toBe('SELL 100 SPY');
    // A short 100 SPY makes the −10% cell about 100 × 10% × SPY better (quotes may tick in between).
    const spy = (await client.invoke('state.get', {})).quotes.SPY!;
    const expected = 100 * 0.1 * ((spy.bid + spy.ask) / 2);
    expect(withOrder.cells[0]![j0]!.pnl - book.cells[0]![j0]!.pnl).toBeCloseTo(expected, -2);
    const bad = await client.call('risk.scenario', { spotPcts: [-1.5] });
    expect(bad.ok).toBe(false);
  });

  it('VaR: historical and delta-gamma from the backfilled price history; equity VaR says it needs more days', async () => {
    const report = await client.invoke('risk.var', {});
    const byMethod = new Map(report.methods.map((m) => [m.method, m]));
    const hist = byMethod.get('historical-prices')!;
    expect(hist.available).toBe(true);
    expect(hist.observations).toBeGreaterThanOrEqual(200);
    const [v95, v99] = hist.figures;
    expect(v95!.var).toBeGreaterThan(0);
    expect(v99!.var).toBeGreaterThanOrEqual(v95!.var);
    expect(v95!.cvar).toBeGreaterThanOrEqual(v95!.var);
    const dg = byMethod.get('delta-gamma')!;
    expect(dg.available).toBe(true);
    // Both methods see the same book and the same history: same order of magnitude.
    expect(dg.figures[0]!.var / v95!.var).toBeGreaterThan(0.4);
    expect(dg.figures[0]!.var / v95!.var).toBeLessThan(2.5);
    const eq = byMethod.get('historical-equity')!;
    expect(eq.available).toBe(false);
    expect(eq.note).toMatch(/daily NAV changes/);
  });
});
