// The hedge flow's guards while a plan is under way, through the real engine, the Cockpit API and
// the real paper broker in DRY_RUN on the demo book: a change of mode stops an executing plan
// before its next leg; a leg only partly filled stops the plan as partial and says what was done;
// auto-hedge does not hedge an underlying again inside its cooldown.
//
// Not here, and why:
// - A hedge leg *rejected by the venue* cannot happen on the paper broker without poking its
//   private state: every leg is a MARKET, DAY, regular-hours order on an instrument the engine lists
//   before the ticket is created, and under US rules the paper broker rejects only unknown symbols,
//   limit/stop orders without a price and non-limit orders outside regular hours. The rejection is
//   tested where a venue really rejects: a Futu REAL account through the fake OpenD
//   (engine/real-approvals.test.ts, "a hedge leg the broker rejects …").
// - "Not purely risk-reducing" (a chosen plan whose breachesAfter holds a breach the book did not
//   start with): the real planner marks such a plan infeasible (CREATES_BREACH) or, when it removes no
//   risk, DOES_NOT_REDUCE, and auto-hedge only ever considers the chosen plan, which is feasible. The
//   service's check is a second line that no real run reaches, through the engine or through
//   HedgeService with the real planner (planHedges is not injectable). What is tested instead is the
//   first line: a plan that would create a breach is refused by the planner, with its reason.
//
// Partial fills are made deterministic without timing: the engine's market does not tick during the
// test (tickIntervalMs far beyond the test's length), so a market order larger than the displayed
// size fills that size on acceptance and nothing more until the trader cancels the rest.
import { afterEach, describe, expect, it } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { CommandRequest, CommandResponse } from '../../shared/api/contract.js';
import { DEFAULT_AUTO_HEDGE_POLICY, type HedgePlan, type HedgeRun } from '../../shared/hedge.js';
import type { Engine, EngineOptions } from '../engine/engine.js';
import { commandsOn } from '../engine/engine.testing.js';
import { connect, makeTempDir, openTestEngine, waitFor } from '../engine/testing.js';

let temp: ReturnType<typeof makeTempDir> | undefined;
let engine: Engine | undefined;
let client: CockpitClient;
const { call } = commandsOn(() => client);

async function start(options: Partial<EngineOptions> = {}): Promise<Engine> {
  temp = makeTempDir('deltadeck-hedge-guards-');
  engine = await openTestEngine(temp.dir, options);
  client = connect(engine);
  return engine;
}

afterEach(async () => {
  await engine?.close();
  temp?.remove();
  engine = undefined;
  temp = undefined;
});

/**
 * Plans on demand and picks a plan. The engine re-plans a breached book by itself every few
 * seconds, and a request made while that run is planning gets that run (one planning run at a
 * time): then plan again, the manual run supersedes it.
 */
async function propose(req: CommandRequest<'hedge.runOnce'>, pick: (plan: HedgePlan) => boolean): Promise<{ run: HedgeRun; plan: HedgePlan }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = await call('hedge.runOnce', req);
    const plan = run.result.plans.find((p) => p.feasible && pick(p));
    if (plan && run.result.trigger === 'manual') return { run, plan };
  }
  throw new Error('no such plan was proposed');
}

const runOf = (id: string) => (engine!.hedge.currentRun()?.id === id ? engine!.hedge.currentRun()! : undefined);
const stoppedRun = (id: string) => waitFor(() => (runOf(id) && runOf(id)!.status !== 'executing' ? runOf(id) : undefined), 'the plan to stop');
const orderOf = (id: string) => engine!.snapshot().orders.find((o) => o.id === id);

async function setLimits(change: (limits: CommandResponse<'risk.limits.get'>) => CommandResponse<'risk.limits.get'>): Promise<void> {
  await call('risk.limits.set', { limits: change(await call('risk.limits.get', {})) });
}

describe('a plan under way', () => {
  it('a mode change while a plan executes stops it before its next leg: leg 2 is never sent, and the trader is told leg 1 stays working', async () => {
    // Legs wait 3 s for the paper broker: the switch lands while leg 1 is in flight.
    await start({ paperLatencyMs: 3_000 });
    const { run, plan } = await propose({}, (p) => p.legs.length === 2);
    const [leg1, leg2] = plan.legs;
    const executing = await call('hedge.execute', { runId: run.id, planId: plan.id });
    expect(executing.status).toBe('executing');
    expect(executing.execution!.legs.map((l) => l.status)).toEqual(['sent', 'waiting']);

    await call('mode.set', { mode: 'OFF' });
    const stopped = runOf(run.id)!;
    expect(stopped.status).not.toBe('executing');
    expect(stopped.status).toBe('failed'); // nothing had filled yet
    const [first, second] = stopped.execution!.legs;
    expect(first).toMatchObject({ status: 'sent', symbol: leg1!.symbol });
    expect(second).toMatchObject({ status: 'skipped', orderId: null, ticketId: null, note: 'not sent: the mode changed from DRY_RUN to OFF' });
    expect(stopped.execution!.message).toBe(
      `Stopped: the mode changed from DRY_RUN to OFF; no further leg is sent. Nothing was filled. Still working at the venue and may fill: ${leg1!.side} ${leg1!.qty} ${leg1!.symbol}. The book is unchanged so far: re-plan.`,
    );
    const state = await call('state.get', {});
    expect(state.riskEvents.find((e) => e.code === 'APPROVALS_CANCELLED')?.message).toMatch(/^the hedge being executed stopped \(no further legs\): the mode changed from DRY_RUN to OFF\./);
    expect(state.riskEvents.find((e) => e.code === 'HEDGE_FAILED')?.message).toContain(run.id);
    expect(state.orders.map((o) => o.symbol)).toEqual([leg1!.symbol]);

    // Leg 1 reaches its end at the paper venue; even then leg 2 is not sent.
    const final = await waitFor(() => {
      const o = orderOf(first!.orderId!);
      return o && ['filled', 'cancelled', 'rejected', 'expired'].includes(o.status) ? o : undefined;
    }, 'leg 1 to finish at the paper venue', 10_000);
    expect(final.symbol).toBe(leg1!.symbol);
    // The stopped plan follows the leg it had sent: once it fills, the plan says the book is partly hedged.
    expect(final.status).toBe('filled'); // OFF stops new orders; one already at the paper venue still fills
    {
      // (A breach re-plan may have made a newer run current meanwhile: the hedge log and the risk events tell.)
      const entry = await waitFor(
        () => engine!.hedge.logEntries(50).find((e) => e.runId === run.id && e.action === 'partial' && e.message.includes('filled after the plan stopped')),
        'the stopped plan to record the late fill',
      );
      expect(entry.message).toBe(`Leg 1 (${leg1!.side} ${leg1!.qty} ${leg1!.symbol}) filled after the plan stopped.`);
      expect((await call('state.get', {})).riskEvents.some((e) => e.code === 'HEDGE_PARTIAL' && e.message.includes(run.id) && e.message.includes('partly hedged'))).toBe(true);
    }
    const after = await call('state.get', {});
    expect(after.orders).toHaveLength(1);
    expect(after.orders.some((o) => o.symbol === leg2!.symbol && o.qty === leg2!.qty && o.side === leg2!.side)).toBe(false);
  });

  it('a leg only partly filled, the rest cancelled: the plan stops as partial and says what filled', async () => {
    // No market ticks during the test: the quotes the engine opened with are the only ones.
    await start({ tickIntervalMs: 3_600_000 });
    // Limits loose enough to buy a large TQQQ position first.
    const loose = { maxOrderNotional: 1_000_000, maxExposureNotional: 1_000_000, maxPositionPctNav: 1 };
    await setLimits((l) => ({ ...l, quotes: { staleAfterSec: 3_600 }, order: { ...l.order, maxNotional: 1_000_000 }, tiers: { ...l.tiers, T3: { ...l.tiers.T3, ...loose } } }));
    // A long TQQQ position, bought within the displayed size so that it fills at once.
    const opening = (await call('state.get', {})).quotes.TQQQ!;
    const bought = await call('ticket.create', { intent: { symbol: 'TQQQ', side: 'BUY', qty: opening.askSize, orderType: 'MARKET' } });
    const { order: buy } = await call('ticket.approve', { ticketId: bought.id, contentHash: bought.contentHash });
    await waitFor(() => orderOf(buy.id)?.status === 'filled' || undefined, 'the TQQQ buy to fill');
    // Tight exposure limits: the hedge sells TQQQ shares, more than the bid displays. (The short-dated
    // gamma cap is lifted so that selling shares alone is a feasible plan.)
    const tight = { maxExposureNotional: 1_000 };
    await setLimits((l) => ({
      ...l,
      shortDated: { ...l.shortDated, gammaPctNav: 1 },
      tiers: { T1: { ...l.tiers.T1, ...tight }, T2: { ...l.tiers.T2, ...tight }, T3: { ...l.tiers.T3, ...tight } },
    }));
    const { bidSize } = (await call('state.get', {})).quotes.TQQQ!;
    const { run, plan } = await propose({ underlying: 'TQQQ' }, (p) => p.legs.length === 1 && p.legs[0]!.symbol === 'TQQQ' && p.legs[0]!.side === 'SELL');
    const leg = plan.legs[0]!;
    expect(leg.qty).toBeGreaterThan(bidSize);

    await call('hedge.execute', { runId: run.id, planId: plan.id });
    const partly = await waitFor(() => {
      const l = runOf(run.id)?.execution?.legs[0];
      return l && l.filledQty > 0 ? l : undefined;
    }, 'the first partial fill');
    expect(partly).toMatchObject({ status: 'sent', filledQty: bidSize });
    expect(runOf(run.id)!.status).toBe('executing');

    await call('order.cancel', { orderId: partly.orderId! });
    const stopped = await stoppedRun(run.id);
    expect(stopped.status).toBe('partial');
    expect(stopped.execution!.legs[0]).toMatchObject({ status: 'failed', filledQty: bidSize });
    expect(stopped.execution!.legs[0]!.note).toMatch(new RegExp(`^cancelled.* after ${bidSize} of ${leg.qty} filled$`));
    expect(stopped.execution!.message).toMatch(
      new RegExp(`^Stopped: leg 1 \\(SELL ${leg.qty} TQQQ\\) cancelled.* after ${bidSize} of ${leg.qty} filled\\. Done: SELL ${bidSize} TQQQ\\. The book is partly hedged: re-plan\\.$`),
    );
    const state = await call('state.get', {});
    expect(state.riskEvents.find((e) => e.code === 'HEDGE_PARTIAL')?.message).toContain(run.id);
    expect(state.positions.find((p) => p.symbol === 'TQQQ')?.qty).toBe(opening.askSize - bidSize);
    const log = await call('hedge.log', { limit: 10 });
    expect(log[0]).toMatchObject({ action: 'partial', runId: run.id, underlying: 'TQQQ' });
  });

  it('a plan that would create a breach the book did not start with is refused by the planner, with its reason', async () => {
    // The demo book's TQQQ calls are short; hedging their gamma with TQQQ options goes over TQQQ's tier.
    await start();
    const run = await call('hedge.runOnce', {});
    const before = new Set(run.result.breaches.map((b) => b.id));
    const creating = run.result.plans.filter((p) => p.breachesAfter.some((id) => !before.has(id)));
    expect(creating.length).toBeGreaterThan(0);
    for (const plan of creating) expect(plan).toMatchObject({ feasible: false, reason: expect.any(String) });
    const tqqq = creating.find((p) => p.underlying === 'TQQQ' && p.breachesAfter.includes('tier.TQQQ'));
    expect(tqqq?.reason).toMatch(/^TQQQ cash delta .* would go over its tier T3 exposure limit/);
    expect(run.result.plans[run.result.chosen!]!.breachesAfter.every((id) => before.has(id))).toBe(true);
  });
});

describe('auto-hedge', () => {
  it('after an automatic hedge of an underlying, another plan for it inside the cooldown is not executed: the hedge log says it is cooling down', async () => {
    await start();
    await call('hedge.policy.set', { policy: { ...DEFAULT_AUTO_HEDGE_POLICY, enabled: true, cooldownSec: 3_600 } });
    const first = await waitFor(() => {
      const r = engine!.hedge.currentRun();
      return r?.execution?.actor === 'policy:auto-hedge' && r.status === 'executed' ? r : undefined;
    }, 'an automatic hedge, filled', 15_000);
    const underlying = first.result.plans.find((p) => p.id === first.execution!.planId)!.underlying;

    // The short-dated gamma cap is tightened below what the hedged book carries: a new breach, a new plan for the same underlying.
    await setLimits((l) => ({ ...l, shortDated: { ...l.shortDated, gammaPctNav: l.shortDated.gammaPctNav / 10 } }));
    const skip = await waitFor(
      () => engine!.hedge.logEntries(20).find((e) => e.action === 'skip' && e.runId !== first.id),
      'the next automatic decision',
      15_000,
    );
    const second = engine!.hedge.currentRun()!;
    expect(second.id).toBe(skip.runId);
    expect(second.result.plans[second.result.chosen!]!.underlying).toBe(underlying);
    expect(skip).toMatchObject({ actor: 'policy:auto-hedge', underlying });
    expect(skip.message).toMatch(new RegExp(`^Not executed automatically: cooling down \\(\\d+ s left for ${underlying}\\)\\.$`));
    expect(second.status).toBe('proposed');
    expect(engine!.hedge.logEntries(50).filter((e) => e.action === 'execute')).toHaveLength(1);
    expect((await call('state.get', {})).tickets.filter((t) => t.source === 'hedge')).toHaveLength(first.execution!.legs.length);
  });
});
