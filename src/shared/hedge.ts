// Hedge plans: the schemas of what the hedge planner (src/main/hedge) proposes, shared by the
// engine, the Cockpit API, the CLI (`deltadeck hedge --once --json`) and the renderer. Pure.
//
// Greeks are cash Greeks exactly as the Greeks panel shows them (src/main/risk/exposure.ts):
// delta = cash delta, gamma = change of cash delta for a 1% move, vega = P&L per vol point,
// theta = P&L per calendar day — for the whole book (`before`/`after`), the plan's underlying
// (`beforeUnderlying`/`afterUnderlying`) and the short-dated bucket.
import { z } from 'zod';
import { Side } from './domain.js';

export const HedgeTrigger = z.enum(['breach', 'schedule', 'manual']);
export type HedgeTrigger = z.infer<typeof HedgeTrigger>;

/** Cash Greeks in the CLI's short names. */
export const HedgeGreeks = z.object({
  delta: z.number(),
  gamma: z.number(),
  vega: z.number(),
  theta: z.number(),
});
export type HedgeGreeks = z.infer<typeof HedgeGreeks>;

export const GreekName = z.enum(['delta', 'gamma', 'vega', 'theta']);
export type GreekName = z.infer<typeof GreekName>;

/** A limit outside its cap. Ids are the risk manager's limit-usage ids (portfolio.gamma, short.gamma, tier.NVDA). */
export const HedgeBreach = z.object({
  id: z.string(),
  group: z.enum(['portfolio', 'short-dated', 'tier']),
  greek: GreekName,
  /** The underlying of a tier (exposure) limit; null for book-wide limits. */
  underlying: z.string().nullable(),
  /** Signed value: fraction of NAV (pctNav) or cash delta (currency). */
  value: z.number(),
  /** The cap, in the same unit (always positive). */
  limit: z.number(),
  unit: z.enum(['pctNav', 'currency']),
  /** |value| / limit. */
  usage: z.number(),
  message: z.string(),
});
export type HedgeBreach = z.infer<typeof HedgeBreach>;

/** One order of a plan: what the ticket group will hold. */
export const HedgeLeg = z.object({
  symbol: z.string(),
  side: Side,
  qty: z.number().int().positive(),
});
export type HedgeLeg = z.infer<typeof HedgeLeg>;

/** How a leg was priced and costed (parallel to `legs`). */
export const HedgeLegDetail = z.object({
  symbol: z.string(),
  kind: z.enum(['STOCK', 'ETF', 'OPTION']),
  /** The touch the leg is expected to trade at (buy: ask, sell: bid). */
  price: z.number(),
  bid: z.number(),
  ask: z.number(),
  /** Displayed size on the side the leg takes (shares or contracts). */
  displayedSize: z.number(),
  quoteTs: z.number(),
  halfSpread: z.number(),
  commission: z.number(),
  slippage: z.number(),
  /** The leg's own signed cash Greeks. */
  greeks: HedgeGreeks,
});
export type HedgeLegDetail = z.infer<typeof HedgeLegDetail>;

export const HedgeCost = z.object({
  /** Half the quoted spread on every unit traded. */
  halfSpread: z.number(),
  commission: z.number(),
  /** Extra cost of taking more than the displayed size (grows with the multiple taken). */
  slippage: z.number(),
  /** Extra time decay per day the plan adds to the book (negative: it earns theta). */
  thetaCarryPerDay: z.number(),
  /** Signed cash the plan moves at the touch: negative pays, positive receives. */
  cashImpact: z.number(),
  /** Rough initial margin of the shorts the plan opens (Reg-T 50% for stock, the usual naked-option rule). */
  marginImpact: z.number(),
});
export type HedgeCost = z.infer<typeof HedgeCost>;

export const HedgePlanKind = z.enum(['shares', 'options', 'combination', 'reduce']);
export type HedgePlanKind = z.infer<typeof HedgePlanKind>;

export const HedgeReasonCode = z.enum([
  'GATE_RED',
  'NO_LIQUIDITY',
  'STALE_QUOTE',
  'NOT_SHORTABLE',
  'DOES_NOT_FIX',
  'CREATES_BREACH',
  'DOES_NOT_REDUCE',
  'RISK_UNKNOWN',
  'INSUFFICIENT_CASH',
  'NO_CANDIDATE',
]);
export type HedgeReasonCode = z.infer<typeof HedgeReasonCode>;

export const HedgePlan = z.object({
  legs: z.array(HedgeLeg),
  before: HedgeGreeks,
  after: HedgeGreeks,
  /** cost = halfSpread + commission + slippage + max(0, thetaCarryPerDay), in account currency. */
  cost: z.number(),
  /** Cost per unit of weighted risk removed (lower is better); null when it removes none. */
  score: z.number().nullable(),
  feasible: z.boolean(),
  /** Why the plan cannot be used (null when feasible). */
  reason: z.string().nullable(),
  // ── beyond the CLI's minimum ──
  /** Stable across runs for the same legs: duplicate-plan suppression keys on it. */
  id: z.string(),
  underlying: z.string(),
  kind: HedgePlanKind,
  description: z.string(),
  reasonCode: HedgeReasonCode.nullable(),
  /** The breaches (ids) this plan is meant to bring inside. */
  targets: z.array(z.string()),
  /** Breaches (ids) still outside, or newly outside, after the plan. */
  breachesAfter: z.array(z.string()),
  /** Weighted limit usage removed (1 = one whole limit's worth). */
  riskRemoved: z.number(),
  costBreakdown: HedgeCost,
  beforeUnderlying: HedgeGreeks,
  afterUnderlying: HedgeGreeks,
  beforeShortDated: HedgeGreeks,
  afterShortDated: HedgeGreeks,
  legDetails: z.array(HedgeLegDetail),
});
export type HedgePlan = z.infer<typeof HedgePlan>;

export const HedgeResult = z.object({
  breaches: z.array(HedgeBreach),
  /** Feasible plans first, best score first; then infeasible ones with their reason. */
  plans: z.array(HedgePlan),
  /** Index of the proposed plan in `plans`; null when no plan is feasible (or nothing is in breach). */
  chosen: z.number().int().nonnegative().nullable(),
  trigger: HedgeTrigger,
  /** Valuation time of the run (ms since the epoch). */
  asOf: z.number(),
  nav: z.number(),
  /** Candidate plans considered before trimming to the best alternatives. */
  considered: z.number().int().nonnegative(),
});
export type HedgeResult = z.infer<typeof HedgeResult>;

/** Weight per Greek of "risk removed" in the score. */
export const HedgeWeights = z.object({
  delta: z.number().finite().nonnegative().max(100),
  gamma: z.number().finite().nonnegative().max(100),
  vega: z.number().finite().nonnegative().max(100),
  theta: z.number().finite().nonnegative().max(100),
});
export type HedgeWeights = z.infer<typeof HedgeWeights>;

export const DEFAULT_HEDGE_WEIGHTS: HedgeWeights = { delta: 1, gamma: 1, vega: 1, theta: 1 };

/**
 * The delta band of one underlying (or of the book: key PORTFOLIO), as fractions of its delta cap.
 * Hedging starts only when |delta| is outside the cap, and aims at `target` × cap on the same side;
 * a result within ±`width` × cap of the target is inside the band. The band lies inside the cap, so
 * a hedge never leaves the book at the edge where the next tick would trigger another.
 */
export const DeltaBand = z
  .object({
    target: z.number().finite().min(0).max(1),
    width: z.number().finite().min(0).max(1),
  })
  .refine((b) => b.target + b.width < 1, { message: 'the band must lie inside the cap (target + width < 1), or a hedge would trigger the next one' })
  .refine((b) => b.target - b.width >= 0, { message: 'the band must not cross zero (target − width ≥ 0)' });
export type DeltaBand = z.infer<typeof DeltaBand>;

export const DEFAULT_DELTA_BAND: DeltaBand = { target: 0.5, width: 0.25 };

// ── the hedge flow in the cockpit: runs, execution, the auto-hedge policy ─────────────────────

export const HedgeRunStatus = z.enum(['proposed', 'executing', 'executed', 'partial', 'rejected', 'superseded', 'failed']);
export type HedgeRunStatus = z.infer<typeof HedgeRunStatus>;

export const HedgeLegStatus = z.enum(['waiting', 'sent', 'filled', 'failed', 'skipped']);
export type HedgeLegStatus = z.infer<typeof HedgeLegStatus>;

/** One leg of a plan being executed: legs go one after another, each re-checked by the gate on fresh quotes. */
export const HedgeExecutionLeg = z.object({
  symbol: z.string(),
  side: Side,
  qty: z.number().int().positive(),
  ticketId: z.string().nullable(),
  orderId: z.string().nullable(),
  status: HedgeLegStatus,
  filledQty: z.number(),
  note: z.string().nullable(),
});
export type HedgeExecutionLeg = z.infer<typeof HedgeExecutionLeg>;

export const HedgeExecution = z.object({
  planId: z.string(),
  /** Who approved it: `user`, or `policy:auto-hedge`. */
  actor: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  notional: z.number(),
  /** The mode it was approved in: no leg is ever sent in another (absent on runs from before). */
  mode: z.enum(['OFF', 'DRY_RUN', 'REAL']).optional(),
  legs: z.array(HedgeExecutionLeg),
  /** What happened, for the trader (e.g. "leg 2 refused by the gate: …; leg 1 filled"). */
  message: z.string(),
});
export type HedgeExecution = z.infer<typeof HedgeExecution>;

/** One planning run and what became of it. */
export const HedgeRun = z.object({
  id: z.string(),
  ts: z.number(),
  status: HedgeRunStatus,
  result: HedgeResult,
  execution: HedgeExecution.nullable(),
  /** Why it was rejected, superseded or failed. */
  note: z.string().nullable(),
});
export type HedgeRun = z.infer<typeof HedgeRun>;

/** Auto-hedge: opt-in, only risk-reducing plans, capped, cooled down, only while the market is open. */
export const AutoHedgePolicy = z.object({
  enabled: z.boolean(),
  /** Total notional the policy may trade per session. */
  maxNotionalPerDay: z.number().finite().nonnegative().max(1e10),
  /** Minimum time between two automatic hedges of one underlying. */
  cooldownSec: z.number().int().min(0).max(86_400),
  /** Re-plan every N seconds while the market is open (0: only on a breach or on demand). */
  scheduleSec: z.number().int().min(0).max(86_400),
  /** A plan whose legs' quotes moved more than this (fraction of price) since planning is re-planned, not sent. */
  priceTolerancePct: z.number().finite().positive().max(0.2),
  weights: HedgeWeights,
});
export type AutoHedgePolicy = z.infer<typeof AutoHedgePolicy>;

export const DEFAULT_AUTO_HEDGE_POLICY: AutoHedgePolicy = {
  enabled: false,
  maxNotionalPerDay: 250_000,
  cooldownSec: 300,
  scheduleSec: 0,
  priceTolerancePct: 0.01,
  weights: DEFAULT_HEDGE_WEIGHTS,
};

/** What the hedge flow did and why (manual and automatic), newest first in the panel. */
export const HedgeLogEntry = z.object({
  ts: z.number(),
  actor: z.string(),
  action: z.string(),
  runId: z.string().nullable(),
  underlying: z.string().nullable(),
  message: z.string(),
});
export type HedgeLogEntry = z.infer<typeof HedgeLogEntry>;
