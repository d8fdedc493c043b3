// Pure helpers for the Hedge page and the header's hedge badge: which limits a hedge can fix, the
// badge text, breach and plan labels, the Greeks before → after and the cost breakdown of a plan,
// who approved what, and when a plan may be approved. No React, no engine calls.
import type { BrokerState, Instrument, TradingMode } from '../../../../shared/domain.js';
import { displayName, formatExpiry, formatStrike, parseOcc } from '../../../../shared/instruments.js';
import type { GreekName, HedgeBreach, HedgeGreeks, HedgeLogEntry, HedgePlan, HedgePlanKind, HedgeRun, HedgeRunStatus } from '../../../../shared/hedge.js';
import type { LimitUsage } from '../../../../shared/risk.js';
import { formatNumber } from '../../lib/format.js';
import { formatLimitValue } from '../../lib/risk-view.js';

/** Limit groups a hedge can bring back inside (loss and account limits are not Greeks). */
export const HEDGEABLE_GROUPS: ReadonlySet<LimitUsage['group']> = new Set(['portfolio', 'short-dated', 'tier']);

/** Red limits the hedge flow can act on. */
export function hedgeableBreaches(limits: readonly LimitUsage[] | undefined): LimitUsage[] {
  return (limits ?? []).filter((l) => l.level === 'red' && HEDGEABLE_GROUPS.has(l.group));
}

/** `1 → "1 breach →"`, `3 → "3 breaches →"`: the badge's value under its "Hedge:" label. */
export function badgeValue(count: number): string {
  return `${count} breach${count === 1 ? '' : 'es'} →`;
}

/** `1 → "Hedge: 1 breach →"`, `3 → "Hedge: 3 breaches →"`. */
export function badgeText(count: number): string {
  return `Hedge: ${badgeValue(count)}`;
}

const GREEK_WORD: Record<GreekName, string> = { delta: 'delta', gamma: 'gamma', vega: 'vega', theta: 'theta' };
const GROUP_WORD: Record<HedgeBreach['group'], string> = { portfolio: 'Portfolio', 'short-dated': 'Short-dated', tier: 'Exposure' };

/** The breach's limit as the Risk page names it (by limit id), else built from its group and Greek. */
export function breachLabel(breach: HedgeBreach, limitLabels: ReadonlyMap<string, string>): string {
  const known = limitLabels.get(breach.id);
  if (known) return known;
  const base = `${GROUP_WORD[breach.group]} ${GREEK_WORD[breach.greek]}`;
  return breach.underlying ? `${base} ${breach.underlying}` : base;
}

/** A breach's value or cap in its unit (same rendering as the limit gauges). */
export function formatBreachValue(value: number, unit: HedgeBreach['unit']): string {
  return formatLimitValue(value, unit);
}

export const PLAN_KIND_LABEL: Record<HedgePlanKind, string> = {
  shares: 'Shares',
  options: 'Options',
  combination: 'Options + shares',
  reduce: 'Reduce positions',
};

export interface GreekRow {
  key: keyof HedgeGreeks;
  label: string;
  title: string;
}

/** The cash Greeks in the Greeks panel's labels and units. */
export const GREEK_ROWS: readonly GreekRow[] = [
  { key: 'delta', label: 'Δ $', title: 'Cash delta: shares × spot' },
  { key: 'gamma', label: 'Γ $/1%', title: 'Change of cash delta for a 1% move' },
  { key: 'vega', label: 'V $/pt', title: 'P&L for a one-vol-point rise in IV' },
  { key: 'theta', label: 'Θ $/d', title: 'P&L per calendar day from time decay' },
];

export interface GreekScope {
  id: 'book' | 'underlying' | 'short';
  label: string;
  before: HedgeGreeks;
  after: HedgeGreeks;
}

/** Book, the plan's underlying and the short-dated bucket, each before and after the plan. */
export function greekScopes(plan: HedgePlan, shortDatedDays: number | null): GreekScope[] {
  return [
    { id: 'book', label: 'Book', before: plan.before, after: plan.after },
    { id: 'underlying', label: plan.underlying, before: plan.beforeUnderlying, after: plan.afterUnderlying },
    { id: 'short', label: shortDatedDays !== null ? `≤ ${shortDatedDays} d` : 'Short-dated', before: plan.beforeShortDated, after: plan.afterShortDated },
  ];
}

export interface CostRow {
  key: 'halfSpread' | 'commission' | 'slippage' | 'thetaCarryPerDay' | 'cashImpact' | 'marginImpact';
  label: string;
  value: number;
  /** Part of `cost` (the others are shown beside it). */
  inCost: boolean;
  title: string;
}

/** The cost breakdown in display order: what makes up the cost, then the cash and margin it moves. */
export function costRows(plan: HedgePlan): CostRow[] {
  const c = plan.costBreakdown;
  return [
    { key: 'halfSpread', label: 'Half spread', value: c.halfSpread, inCost: true, title: 'Half the quoted spread on every unit traded' },
    { key: 'commission', label: 'Commission', value: c.commission, inCost: true, title: 'Broker commission on every leg' },
    { key: 'slippage', label: 'Slippage', value: c.slippage, inCost: true, title: 'Extra cost of taking more than the displayed size' },
    {
      key: 'thetaCarryPerDay',
      label: 'Theta carry / day',
      value: c.thetaCarryPerDay,
      inCost: c.thetaCarryPerDay > 0,
      title: 'Extra time decay per day the plan adds (negative: it earns theta; only a cost counts)',
    },
    { key: 'cashImpact', label: 'Cash impact', value: c.cashImpact, inCost: false, title: 'Cash the plan moves at the touch: negative pays, positive receives' },
    { key: 'marginImpact', label: 'Margin impact', value: c.marginImpact, inCost: false, title: 'Rough initial margin of the shorts the plan opens' },
  ];
}

/** Cost per unit of weighted risk removed; null: the plan removes none. */
export function formatScore(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return 'removes no risk';
  return formatNumber(score, Math.abs(score) < 10 ? 2 : 0);
}

/** The run's plan the page shows in the scenario grid: the trader's pick if it is still in the run, else the proposal, else the first. */
export function selectedPlan(run: HedgeRun | null, picked: { runId: string; planId: string } | null): HedgePlan | null {
  if (!run) return null;
  const plans = run.result.plans;
  if (picked && picked.runId === run.id) {
    const plan = plans.find((p) => p.id === picked.planId);
    if (plan) return plan;
  }
  return chosenPlan(run) ?? plans[0] ?? null;
}

export function chosenPlan(run: HedgeRun | null): HedgePlan | null {
  if (!run || run.result.chosen === null) return null;
  return run.result.plans[run.result.chosen] ?? null;
}

/** Approve is offered only on a feasible plan of a run still waiting for a decision. */
export function canApprove(run: HedgeRun, plan: HedgePlan): boolean {
  return run.status === 'proposed' && plan.feasible;
}

export function canReject(run: HedgeRun): boolean {
  return run.status === 'proposed';
}

export const RUN_STATUS_LABEL: Record<HedgeRunStatus, string> = {
  proposed: 'Proposed — waiting for your decision',
  executing: 'Executing',
  executed: 'Executed',
  partial: 'Partly executed',
  rejected: 'Rejected',
  superseded: 'Superseded by a newer plan',
  failed: 'Failed',
};

/** `user` → "you", `policy:auto-hedge` → "policy auto-hedge", anything else as the engine says it. */
export function actorLabel(actor: string): string {
  if (actor === 'user') return 'you';
  if (actor.startsWith('policy:')) return `policy ${actor.slice('policy:'.length)}`;
  return actor;
}

export const isPolicyActor = (actor: string): boolean => actor.startsWith('policy:');

/** "approved by you" / "approved by policy auto-hedge" — the words the journal uses for automatic execution. */
export function approvedBy(actor: string): string {
  return `approved by ${actorLabel(actor)}`;
}

/**
 * A log entry's message as the trader reads it: an execution the policy approved says so, even if
 * the engine's message does not repeat it.
 */
export function logMessage(entry: HedgeLogEntry): string {
  if (!isPolicyActor(entry.actor) || !/^(approve|execut)/i.test(entry.action)) return entry.message;
  const words = approvedBy(entry.actor);
  return entry.message.toLowerCase().includes(words) ? entry.message : `${entry.message ? `${entry.message} — ` : ''}${words}`;
}

/**
 * What the trader must type to approve a plan: the broker account number in REAL (like switching
 * to REAL; `REAL` when no broker account is in use — the engine then refuses and says why), nothing
 * in OFF and DRY_RUN (OFF is refused by the engine with its own message).
 */
export function approvalConfirmation(mode: TradingMode | undefined, broker: BrokerState | undefined): { word: string; account: { accountId: string; label: string } | null } | null {
  if (mode !== 'REAL') return null;
  const account = broker?.accountId ? { accountId: broker.accountId, label: broker.label ?? broker.name } : null;
  return { word: account?.accountId ?? 'REAL', account };
}

/**
 * How a trader reads a leg's instrument: the cockpit's name when the instrument is known, else
 * read from its OCC symbol (a hedge often trades a contract the book does not hold yet).
 */
export function instrumentName(symbol: string, instrument: Instrument | undefined): string {
  if (instrument) return displayName(instrument);
  const occ = parseOcc(symbol);
  return occ ? `${occ.underlying} ${formatExpiry(occ.expiry)} ${formatStrike(occ.strike)} ${occ.right}` : symbol;
}

/** `BUY 3 QQQ250117P00480000` — one leg as the ticket will hold it. */
export function describeLeg(leg: { side: string; qty: number; symbol: string }): string {
  return `${leg.side} ${formatNumber(leg.qty, 0)} ${leg.symbol}`;
}
