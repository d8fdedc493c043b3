import { describe, expect, it } from 'vitest';
import { HedgeRun, type HedgeBreach, type HedgeGreeks, type HedgePlan } from '../../../../shared/hedge.js';
import type { LimitUsage } from '../../../../shared/risk.js';
import {
  approvalConfirmation,
  approvedBy,
  actorLabel,
  badgeText,
  badgeValue,
  breachLabel,
  canApprove,
  canReject,
  costRows,
  describeLeg,
  formatBreachValue,
  formatScore,
  greekScopes,
  hedgeableBreaches,
  instrumentName,
  logMessage,
  selectedPlan,
} from './hedge-view.js';

const g = (delta: number, gamma: number, vega: number, theta: number): HedgeGreeks => ({ delta, gamma, vega, theta });

function plan(id: string, over: Partial<HedgePlan> = {}): HedgePlan {
  return {
    legs: [{ symbol: 'QQQ', side: 'SELL', qty: 100 }],
    before: g(1000, -9000, 50, 20),
    after: g(900, -4000, 40, 10),
    cost: 12.5,
    score: 3.25,
    feasible: true,
    reason: null,
    id,
    underlying: 'QQQ',
    kind: 'reduce',
    description: 'buy back 3 short puts',
    reasonCode: null,
    targets: ['short.gamma'],
    breachesAfter: [],
    riskRemoved: 1.2,
    costBreakdown: { halfSpread: 4, commission: 2, slippage: 0.5, thetaCarryPerDay: 6, cashImpact: -800, marginImpact: 0 },
    beforeUnderlying: g(500, -8000, 30, 15),
    afterUnderlying: g(400, -3000, 20, 5),
    beforeShortDated: g(300, -9000, 10, 25),
    afterShortDated: g(200, -4000, 5, 8),
    legDetails: [],
    ...over,
  };
}

function run(over: Partial<HedgeRun> = {}, plans: HedgePlan[] = [plan('p1'), plan('p2'), plan('p3', { feasible: false, reason: 'stale quote', reasonCode: 'STALE_QUOTE' })], chosen: number | null = 0): HedgeRun {
  // Parsed by the contract's schema: the fixtures are what the engine may send.
  return HedgeRun.parse({
    id: 'run-1',
    ts: 1,
    status: 'proposed',
    result: { breaches: [], plans, chosen, trigger: 'breach', asOf: 1, nav: 1_000_000, considered: 12 },
    execution: null,
    note: null,
    ...over,
  });
}

const limit = (id: string, group: LimitUsage['group'], level: LimitUsage['level']): LimitUsage => ({
  id,
  label: id,
  group,
  value: 1,
  limit: 1,
  unit: 'pctNav',
  usage: 1,
  level,
});

describe('hedgeableBreaches and the badge', () => {
  it('counts only red Greek limits (portfolio, short-dated, tier), not loss or account ones', () => {
    const limits = [
      limit('short.gamma', 'short-dated', 'red'),
      limit('tier.NVDA', 'tier', 'red'),
      limit('portfolio.delta', 'portfolio', 'amber'),
      limit('loss.daily', 'loss', 'red'),
      limit('account.cash', 'account', 'red'),
    ];
    expect(hedgeableBreaches(limits).map((l) => l.id)).toEqual(['short.gamma', 'tier.NVDA']);
    expect(hedgeableBreaches(undefined)).toEqual([]);
  });

  it('says breach or breaches', () => {
    expect(badgeText(1)).toBe('Hedge: 1 breach →');
    expect(badgeText(3)).toBe('Hedge: 3 breaches →');
    expect(badgeValue(2)).toBe('2 breaches →');
  });
});

describe('breaches', () => {
  const breach: HedgeBreach = {
    id: 'short.gamma',
    group: 'short-dated',
    greek: 'gamma',
    underlying: null,
    value: -0.0953,
    limit: 0.05,
    unit: 'pctNav',
    usage: 1.906,
    message: 'short-dated gamma over its cap',
  };

  it('takes the Risk page label when the limit is known, else names group, Greek and underlying', () => {
    expect(breachLabel(breach, new Map([['short.gamma', 'Short-dated |Γ $ per 1%|']]))).toBe('Short-dated |Γ $ per 1%|');
    expect(breachLabel(breach, new Map())).toBe('Short-dated gamma');
    expect(breachLabel({ ...breach, id: 'tier.NVDA', group: 'tier', greek: 'delta', underlying: 'NVDA' }, new Map())).toBe('Exposure delta NVDA');
  });

  it('formats values in their unit like the gauges', () => {
    expect(formatBreachValue(-0.0953, 'pctNav')).toBe('-9.53%');
    expect(formatBreachValue(0.05, 'pctNav')).toBe('5.00%');
    expect(formatBreachValue(1_234_567.8, 'currency')).toBe('1,234,568');
  });
});

describe('plans', () => {
  it('shows book, underlying and the short-dated bucket before and after', () => {
    const scopes = greekScopes(plan('p1'), 7);
    expect(scopes.map((s) => s.label)).toEqual(['Book', 'QQQ', '≤ 7 d']);
    expect(scopes[2]!.before.gamma).toBe(-9000);
    expect(scopes[2]!.after.gamma).toBe(-4000);
    expect(greekScopes(plan('p1'), null)[2]!.label).toBe('Short-dated');
  });

  it('breaks the cost down: spread, commission, slippage and a theta cost count; theta earned and cash/margin do not', () => {
    const rows = costRows(plan('p1'));
    expect(rows.map((r) => r.key)).toEqual(['halfSpread', 'commission', 'slippage', 'thetaCarryPerDay', 'cashImpact', 'marginImpact']);
    const inCost = rows.filter((r) => r.inCost).reduce((s, r) => s + r.value, 0);
    expect(inCost).toBe(12.5); // = plan.cost: 4 + 2 + 0.5 + 6
    const earning = costRows(plan('p1', { costBreakdown: { ...plan('p1').costBreakdown, thetaCarryPerDay: -3 } }));
    expect(earning.find((r) => r.key === 'thetaCarryPerDay')!.inCost).toBe(false);
  });

  it('formats the score, and says so when a plan removes no risk', () => {
    expect(formatScore(3.256)).toBe('3.26');
    expect(formatScore(1234.4)).toBe('1,234');
    expect(formatScore(null)).toBe('removes no risk');
  });

  it('names a leg’s instrument like the cockpit, also for a contract not held yet', () => {
    expect(instrumentName('QQQ261127P00600000', undefined)).toBe('QQQ 27 Nov 26 600 P');
    expect(instrumentName('SPY', undefined)).toBe('SPY');
    const held = { symbol: 'AAPL261218C00232500', kind: 'OPTION' as const, underlying: 'AAPL', multiplier: 100, right: 'C' as const, strike: 232.5, expiry: '2026-12-18' };
    expect(instrumentName(held.symbol, held)).toBe('AAPL 18 Dec 26 232.5 C');
  });

  it('describes a leg as the ticket will hold it', () => {
    expect(describeLeg({ side: 'BUY', qty: 1200, symbol: 'SPY' })).toBe('BUY 1,200 SPY');
  });
});

describe('selection and approval', () => {
  it('selects the trader’s pick while it is in the run, else the proposal, else the first plan', () => {
    const r = run();
    expect(selectedPlan(r, null)!.id).toBe('p1');
    expect(selectedPlan(r, { runId: 'run-1', planId: 'p2' })!.id).toBe('p2');
    expect(selectedPlan(r, { runId: 'run-0', planId: 'p2' })!.id).toBe('p1'); // a pick from an older run
    expect(selectedPlan(r, { runId: 'run-1', planId: 'gone' })!.id).toBe('p1');
    expect(selectedPlan(run({}, [plan('x', { feasible: false, reason: 'no liquidity' })], null), null)!.id).toBe('x');
    expect(selectedPlan(null, null)).toBeNull();
  });

  it('approves only a feasible plan of a proposed run; rejects only a proposed run', () => {
    const r = run();
    const [p1, , p3] = r.result.plans;
    expect(canApprove(r, p1!)).toBe(true);
    expect(canApprove(r, p3!)).toBe(false); // infeasible
    for (const status of ['executing', 'executed', 'partial', 'rejected', 'superseded', 'failed'] as const) {
      expect(canApprove(run({ status }), p1!)).toBe(false);
      expect(canReject(run({ status }))).toBe(false);
    }
    expect(canReject(r)).toBe(true);
  });

  it('asks for the broker account number only in REAL', () => {
    const live = { id: 'futu-1', name: 'Futu', kind: 'live' as const, connection: 'connected' as const, realtimeQuotes: true, accountId: '281756', label: 'My Futu' };
    expect(approvalConfirmation('DRY_RUN', live)).toBeNull();
    expect(approvalConfirmation('OFF', live)).toBeNull();
    expect(approvalConfirmation('REAL', live)).toEqual({ word: '281756', account: { accountId: '281756', label: 'My Futu' } });
    const sim = { id: 'sim', name: 'Simulator', kind: 'simulated' as const, connection: 'connected' as const, realtimeQuotes: true };
    expect(approvalConfirmation('REAL', sim)).toEqual({ word: 'REAL', account: null });
  });
});

describe('actors and the log', () => {
  it('names the trader and the policy', () => {
    expect(actorLabel('user')).toBe('you');
    expect(actorLabel('policy:auto-hedge')).toBe('policy auto-hedge');
    expect(actorLabel('engine')).toBe('engine');
    expect(approvedBy('policy:auto-hedge')).toBe('approved by policy auto-hedge');
    expect(approvedBy('user')).toBe('approved by you');
  });

  it('an automatic execution always says it was approved by the policy, once', () => {
    const entry = { ts: 1, actor: 'policy:auto-hedge', action: 'execute', runId: 'r', underlying: 'QQQ', message: 'buy back 3 QQQ puts' };
    expect(logMessage(entry)).toBe('buy back 3 QQQ puts — approved by policy auto-hedge');
    const already = { ...entry, message: 'buy back 3 QQQ puts, approved by policy auto-hedge' };
    expect(logMessage(already)).toBe(already.message);
    expect(logMessage({ ...entry, action: 'skip', message: 'cooldown' })).toBe('cooldown');
    expect(logMessage({ ...entry, actor: 'user' })).toBe('buy back 3 QQQ puts');
  });
});
