// The hedge flow through the real engine and the Cockpit API, on the demo portfolio (which starts
// with short-dated gamma over its cap): plan, execute as a ticket group in DRY_RUN, and every
// guard that must stop execution with its reason — OFF, REDUCING, a red gate, stale quotes, moved
// quotes, working hedge orders, the daily notional cap; one live plan per breach; partial
// execution told to the trader; the auto-hedge policy acting only within its limits; the CLI.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { CommandResponse } from '../../shared/api/contract.js';
import { DEFAULT_AUTO_HEDGE_POLICY, HedgeResult } from '../../shared/hedge.js';
import type { Engine } from '../engine/engine.js';
import { commandsOn } from '../engine/engine.testing.js';
import { connect, makeTempDir, openTestEngine, waitFor } from '../engine/testing.js';
import { projectRoot } from '../paths.js';

let temp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: CockpitClient;
const { call, refused } = commandsOn(() => client);

const chosenOf = (run: CommandResponse<'hedge.runOnce'>) => run.result.plans[run.result.chosen!]!;

beforeEach(async () => {
  temp = makeTempDir('deltadeck-hedge-');
  engine = await openTestEngine(temp.dir);
  client = connect(engine);
});

afterEach(async () => {
  await engine.close();
  temp.remove();
});

describe('the hedge flow on the demo portfolio', () => {
  it('plans a fix for the short-dated gamma breach and executes it in DRY_RUN as approved tickets, bringing gamma under its cap', async () => {
    const run = await call('hedge.runOnce', {});
    expect(run.status).toBe('proposed');
    expect(run.result.breaches.map((b) => b.id)).toContain('short.gamma');
    const plan = chosenOf(run);
    expect(plan.feasible).toBe(true);
    expect(plan.targets).toContain('short.gamma');
    expect(Math.abs(plan.afterShortDated.gamma)).toBeLessThan(Math.abs(plan.beforeShortDated.gamma));

    const scenario = await call('hedge.scenario', { runId: run.id, planId: plan.id });
    expect(scenario.after.withOrder).toContain(plan.legs[0]!.symbol);
    expect(scenario.before.cells).not.toEqual(scenario.after.cells);

    await call('hedge.execute', { runId: run.id, planId: plan.id });
    const done = await waitFor(() => {
      const current = engine.hedge.currentRun();
      return current?.status === 'executed' ? current : undefined;
    }, 'every leg filled');
    expect(done.execution!.legs.every((l) => l.status === 'filled' && l.filledQty === l.qty)).toBe(true);
    // Each leg went through the approval flow as a hedge ticket, journaled as approved by the trader.
    for (const leg of done.execution!.legs) {
      const events = await call('order.events', { orderId: leg.orderId! });
      expect(events.find((e) => e.toStatus === 'approved')?.detail).toMatch(/^approved by user/);
      // Reviewed: the gate ran at the ticket's creation and again at its approval.
      expect(engine.riskEvents(500).filter((e) => e.message.includes(` of ${leg.ticketId}:`)).map((e) => e.message.split(' of ')[0])).toEqual(
        expect.arrayContaining([expect.stringMatching(/at create$/), expect.stringMatching(/at approve$/)]),
      );
    }
    const state = await call('state.get', {});
    expect(state.tickets.filter((t) => t.source === 'hedge')).toHaveLength(plan.legs.length);
    const shortGamma = state.risk.limits.find((l) => l.id === 'short.gamma')!;
    expect(shortGamma.level).not.toBe('red');
    // Executed once: the same run cannot be executed again.
    expect((await refused('hedge.execute', { runId: run.id, planId: plan.id })).code).toBe('HEDGE_NOT_PROPOSED');
    const log = await call('hedge.log', { limit: 10 });
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['plan', 'execute', 'executed']));
  });

  it('OFF, REDUCING, stale quotes and moved quotes each stop execution with their reason; nothing is sent', async () => {
    const first = await call('hedge.runOnce', {});
    const orders = async () => (await call('state.get', {})).orders.length;
    const before = await orders();

    // A change of mode cancels the proposal reviewed under the old one; in OFF nothing is executed.
    await call('mode.set', { mode: 'OFF' });
    expect(engine.hedge.currentRun()).toMatchObject({ id: first.id, status: 'superseded', note: expect.stringContaining('the mode changed from DRY_RUN to OFF') });
    expect(await refused('hedge.execute', { runId: first.id, planId: chosenOf(first).id })).toMatchObject({ code: 'HEDGE_NOT_PROPOSED' });
    const inOff = await call('hedge.runOnce', {});
    expect(inOff.result.chosen).toBeNull();
    expect(inOff.result.plans.every((p) => !p.feasible && /OFF/.test(p.reason ?? ''))).toBe(true);
    await call('mode.set', { mode: 'DRY_RUN' });
    const run = await call('hedge.runOnce', {});
    const plan = chosenOf(run);

    // REDUCING, tripped for real: a drawdown limit of 0 trips on the next revaluation.
    const limits = await call('risk.limits.get', {});
    await call('risk.limits.set', { limits: { ...limits, loss: { ...limits.loss, maxDrawdownPct: 0 } } });
    await waitFor(() => engine.snapshot().risk.account.state === 'REDUCING', 'the drawdown breaker to trip');
    expect(await refused('hedge.execute', { runId: run.id, planId: plan.id })).toMatchObject({ code: 'TRADING_STATE', message: expect.stringContaining('REDUCING') });
    await call('risk.limits.set', { limits });
    await call('risk.reset', {});

    // Stale: the quotes must be fresher than the limit allows.
    await call('risk.limits.set', { limits: { ...limits, quotes: { staleAfterSec: 0.001 } } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stale = await refused('hedge.execute', { runId: run.id, planId: plan.id });
    expect(['STALE_QUOTES', 'TICKET_RED']).toContain(stale.code);
    expect(stale.message).toMatch(/s old/);
    await call('risk.limits.set', { limits });

    // Moved: with no tolerance at all, any move since planning means re-plan.
    await call('hedge.policy.set', { policy: { ...DEFAULT_AUTO_HEDGE_POLICY, priceTolerancePct: 1e-9 } });
    const quoteFor = (symbol: string) => (engine as unknown as { quoteFor(s: string): { bid: number; ask: number } | undefined }).quoteFor(symbol);
    await waitFor(() => {
      const q = quoteFor(plan.legs[0]!.symbol);
      return q && (plan.legs[0]!.side === 'BUY' ? q.ask : q.bid) !== plan.legDetails[0]!.price;
    }, 'the market to move', 10_000);
    expect(await refused('hedge.execute', { runId: run.id, planId: plan.id })).toMatchObject({ code: 'QUOTES_MOVED', message: expect.stringContaining('re-plan') });
    expect(await orders()).toBe(before);
  });

  it('a red gate verdict stops the plan before any leg is sent', async () => {
    const run = await call('hedge.runOnce', {});
    const plan = chosenOf(run);
    const limits = await call('risk.limits.get', {});
    // Orders of one contract are now too big for the per-order cap.
    await call('risk.limits.set', { limits: { ...limits, order: { ...limits.order, maxContracts: 1 } } });
    const error = await refused('hedge.execute', { runId: run.id, planId: plan.id });
    expect(error.code).toBe('TICKET_RED');
    expect(error.message).toMatch(/contracts/i);
    expect((await call('state.get', {})).tickets.filter((t) => t.source === 'hedge')).toHaveLength(0);
    expect(engine.hedge.currentRun()?.status).toBe('proposed');
  });

  it('two breach triggers in quick succession yield one live plan; a manual re-plan supersedes it', async () => {
    const first = await engine.hedge.runOnce('breach');
    const second = await engine.hedge.runOnce('breach');
    expect(second.id).toBe(first.id); // refreshed in place, not a second proposal
    expect(second.status).toBe('proposed');
    const manual = await call('hedge.runOnce', {});
    expect(manual.id).not.toBe(first.id);
    expect((await refused('hedge.execute', { runId: first.id, planId: chosenOf(first).id })).code).toBe('HEDGE_NOT_PROPOSED');
    const rejected = await call('hedge.reject', { runId: manual.id, reason: 'not now' });
    expect(rejected).toMatchObject({ status: 'rejected', note: 'Rejected: not now' });
  });

  it('a multi-leg plan whose second leg the gate refuses on fresh quotes stops there: the trader is told what filled and what did not', async () => {
    // A Wednesday session: the demo's QQQ put then expires Friday, and tight tiers make the planner combine options and shares.
    await engine.close();
    temp.remove();
    temp = makeTempDir('deltadeck-hedge-');
    engine = await openTestEngine(temp.dir, { simStart: Date.parse('2026-06-10T14:00:00Z') });
    client = connect(engine);
    // Tight exposure limits on every tier: QQQ then needs options for gamma and shares for delta.
    const limits = await call('risk.limits.get', {});
    const tight = { maxExposureNotional: 1_000 };
    await call('risk.limits.set', { limits: { ...limits, tiers: { T1: { ...limits.tiers.T1, ...tight }, T2: { ...limits.tiers.T2, ...tight }, T3: { ...limits.tiers.T3, ...tight } } } });
    const run = await call('hedge.runOnce', { underlying: 'QQQ' });
    const plan = run.result.plans.find((p) => p.feasible && p.kind === 'combination')!;
    expect(plan.legs).toHaveLength(2);
    // One order a minute: the whole plan passes the guard (none sent yet), the second leg's re-check does not.
    const sent = (await call('state.get', {})).orders.length;
    expect(sent).toBe(0);
    await call('risk.limits.set', { limits: { ...(await call('risk.limits.get', {})), account: { ...limits.account, maxOrdersPerMinute: 1 } } });
    await call('hedge.execute', { runId: run.id, planId: plan.id });
    const stopped = await waitFor(() => {
      const r = engine.hedge.currentRun();
      return r && r.id === run.id && r.status !== 'executing' ? r : undefined;
    }, 'the plan to stop');
    expect(stopped.status).toBe('partial');
    const [first, second] = stopped.execution!.legs;
    expect(first).toMatchObject({ status: 'filled', filledQty: plan.legs[0]!.qty });
    expect(second).toMatchObject({ status: 'failed', orderId: null, ticketId: null });
    expect(second!.note).toMatch(/refused by the gate on fresh quotes: .*orders were sent in the last minute/);
    expect(stopped.execution!.message).toMatch(/^Stopped: leg 2 .*Done: BUY \d+ QQQ.*partly hedged: re-plan\.$/);
    const event = (await call('state.get', {})).riskEvents.find((e) => e.code === 'HEDGE_PARTIAL');
    expect(event?.message).toContain(run.id);
    expect((await call('state.get', {})).orders).toHaveLength(1); // the second leg never became an order
  });

  it('hedges never stack: while a plan executes, no other plan is made or sent', async () => {
    await engine.close();
    engine = await openTestEngine(temp.dir, { paperLatencyMs: 3_000 });
    client = connect(engine);
    const run = await call('hedge.runOnce', {});
    await call('hedge.execute', { runId: run.id, planId: chosenOf(run).id });
    expect(engine.hedge.currentRun()!.status).toBe('executing');
    expect(await refused('hedge.runOnce', {})).toMatchObject({ code: 'HEDGE_ORDERS_WORKING', message: expect.stringContaining('never stack') });
    const done = await waitFor(() => (engine.hedge.currentRun()?.status === 'executed' ? engine.hedge.currentRun()! : undefined), 'the plan to finish', 10_000);
    expect(done.id).toBe(run.id);
    expect((await call('hedge.runOnce', {})).id).not.toBe(run.id);
  });

  it('auto-hedge is off by default; enabled, it executes the chosen plan as approved by the policy, once per cooldown and within the daily notional', async () => {
    expect(await call('hedge.policy.get', {})).toEqual(DEFAULT_AUTO_HEDGE_POLICY);
    await expect(call('hedge.policy.set', { policy: { ...DEFAULT_AUTO_HEDGE_POLICY, cooldownSec: -1 } })).rejects.toThrow(/cooldownSec/);
    // The demo's breach is on the book from the start; the engine re-plans on it but executes nothing.
    await waitFor(() => engine.hedge.currentRun() ?? undefined, 'the breach to be planned', 10_000);
    expect(engine.hedge.currentRun()!.status).toBe('proposed');

    // A daily cap below the plan's notional: the policy skips it and says why.
    await call('hedge.policy.set', { policy: { ...DEFAULT_AUTO_HEDGE_POLICY, enabled: true, maxNotionalPerDay: 1 } });
    const session = engine as unknown as { calendar: { session(ts: number): { state: string } } };
    // The simulated session is pinned to a Monday morning: the market is open.
    expect(session.calendar.session(engine.snapshot().clock.ts).state).toBe('REGULAR');
    const skip = await waitFor(() => (engine.hedge.logEntries(20).find((e) => e.action === 'skip')), 'the policy to skip', 15_000);
    expect(skip.actor).toBe('policy:auto-hedge');
    expect(skip.message).toMatch(/daily cap/);

    await call('hedge.policy.set', { policy: { ...DEFAULT_AUTO_HEDGE_POLICY, enabled: true } });
    const auto = await waitFor(() => {
      const r = engine.hedge.currentRun();
      return r?.execution?.actor === 'policy:auto-hedge' ? r : undefined;
    }, 'an automatic execution', 15_000);
    const orderId = await waitFor(() => engine.hedge.currentRun()?.execution?.legs[0]?.orderId ?? undefined, 'the first leg sent');
    const events = await call('order.events', { orderId: orderId });
    expect(events.find((e) => e.toStatus === 'approved')?.detail).toMatch(/approved by policy auto-hedge/);
    // Nobody reviewed it, so it took the one-commit path: ticket, approval and submission journaled
    // at one instant, the gate run once (at approval, inside that commit); the ticket is a full one.
    expect(events.slice(0, 3).map((e) => e.toStatus)).toEqual(['pending_approval', 'approved', 'submitted']);
    expect(new Set(events.slice(0, 3).map((e) => e.ts)).size).toBe(1);
    const leg = engine.hedge.currentRun()!.execution!.legs[0]!;
    const ticket = (await call('state.get', {})).tickets.find((t) => t.id === leg.ticketId)!;
    expect(ticket).toMatchObject({ source: 'hedge', status: 'approved', orderId, context: { mode: 'DRY_RUN', accountId: expect.any(String) } });
    expect(ticket.checks.length).toBeGreaterThan(0);
    expect(ticket.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.riskEvents(500).filter((e) => e.message.includes(` of ${ticket.id}:`)).map((e) => e.message)).toEqual([expect.stringMatching(/^Risk gate \w+ at approve of /)]);
    expect(auto.execution!.notional).toBeLessThanOrEqual(DEFAULT_AUTO_HEDGE_POLICY.maxNotionalPerDay);
  });
});

describe('deltadeck hedge --once', () => {
  it('prints the plan for the demo portfolio of a fresh data directory as JSON in the documented shape', async () => {
    await engine.close();
    const dir = makeTempDir('deltadeck-hedge-cli-');
    try {
      const r = spawnSync(process.execPath, ['bin/deltadeck.mjs', 'hedge', '--once', '--data-dir', dir.dir, '--json'], { cwd: projectRoot(), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      const result = HedgeResult.parse(out);
      expect(result.breaches.some((b) => b.id === 'short.gamma')).toBe(true);
      expect(result.chosen).not.toBeNull();
      const plan = (out.plans as Record<string, unknown>[])[result.chosen!]!;
      expect(Object.keys(plan)).toEqual(expect.arrayContaining(['legs', 'before', 'after', 'cost', 'score', 'feasible', 'reason']));
      expect(Object.keys(plan.before as object).sort()).toEqual(['delta', 'gamma', 'theta', 'vega']);

      const text = spawnSync(process.execPath, ['bin/deltadeck.mjs', 'hedge', '--once', '--data-dir', dir.dir], { cwd: projectRoot(), encoding: 'utf8' });
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(/Breaches:\n {2}✗ /);
      expect(text.stdout).toMatch(/Proposed: plan \d+\. Nothing was executed/);
    } finally {
      dir.remove();
      engine = await openTestEngine(temp.dir);
      client = connect(engine);
    }
  });
});
