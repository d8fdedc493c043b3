// Risk limits, the account's trading state, limit usage, what-if Greeks, scenario grids and VaR:
// the schemas shared by the risk engine, the Cockpit API and the renderer. Pure.
//
// Units: every "PctNav" limit is a fraction of NAV (0.05 = 5 %), compared with the absolute value
// of the portfolio's cash Greek (cash delta; cash gamma per 1 % move; vega per vol point; theta per
// calendar day). Notional limits are in account currency.
import { z } from 'zod';

export const RiskTier = z.enum(['T1', 'T2', 'T3']);
export type RiskTier = z.infer<typeof RiskTier>;

/** Cash Greeks, in account currency. Conventions: src/main/risk/exposure.ts and the README. */
export const CashGreeks = z.object({
  /** Delta in underlying shares. */
  deltaShares: z.number(),
  /** Delta in cash: shares × spot. */
  deltaCash: z.number(),
  /** Change of cash delta for a 1% move in the underlying. */
  gammaCash1Pct: z.number(),
  /** P&L for a one-vol-point (0.01) rise in implied volatility. */
  vegaCashPerPoint: z.number(),
  /** P&L per calendar day from time decay. */
  thetaCashPerDay: z.number(),
});
export type CashGreeks = z.infer<typeof CashGreeks>;

export const CheckLevel = z.enum(['green', 'amber', 'red']);
export type CheckLevel = z.infer<typeof CheckLevel>;

export const CheckResult = z.object({
  check: z.string(),
  level: CheckLevel,
  code: z.string(),
  message: z.string(),
});
export type CheckResult = z.infer<typeof CheckResult>;

const money = z.number().finite().nonnegative().max(1e12);
const fraction = (max = 10) => z.number().finite().nonnegative().max(max);

export const TierLimits = z.object({
  /** Largest single order (notional: qty × price × multiplier). */
  maxOrderNotional: money,
  /** Largest absolute cash delta in one underlying after an order. */
  maxExposureNotional: money,
  /** Largest absolute position market value as a fraction of NAV. */
  maxPositionPctNav: fraction(),
});
export type TierLimits = z.infer<typeof TierLimits>;

export const GreekCaps = z.object({
  deltaPctNav: fraction(),
  gammaPctNav: fraction(),
  vegaPctNav: fraction(),
  thetaPctNav: fraction(),
});
export type GreekCaps = z.infer<typeof GreekCaps>;

const symbolKey = z.string().trim().min(1).max(12).regex(/^[A-Z][A-Z0-9.]*$/, 'an upper-case ticker');

export const RiskLimits = z.object({
  order: z.object({
    maxNotional: money,
    /** Shares (stocks and ETFs). */
    maxQty: z.number().int().positive().max(10_000_000),
    maxContracts: z.number().int().positive().max(1_000_000),
    /** A limit price this far through the touch (fraction of the mark) is amber, then red. */
    fatFingerAmberPct: fraction(1),
    fatFingerRedPct: fraction(1),
  }),
  tiers: z.object({ T1: TierLimits, T2: TierLimits, T3: TierLimits }),
  /** Tier per underlying; others get defaultTier. Options inherit their underlying's tier. */
  symbolTiers: z.record(symbolKey, RiskTier),
  defaultTier: RiskTier,
  portfolio: GreekCaps,
  shortDated: GreekCaps.extend({ days: z.number().int().min(1).max(60) }),
  loss: z.object({
    /** Daily-loss circuit breaker: loss from start-of-day NAV. */
    dailyLossPct: fraction(1),
    /** Drawdown from the NAV high-water mark. */
    maxDrawdownPct: fraction(1),
  }),
  account: z.object({
    cashReservePctNav: fraction(1),
    maxOrdersPerMinute: z.number().int().positive().max(10_000),
  }),
  quotes: z.object({ staleAfterSec: z.number().positive().max(86_400) }),
  execution: z.object({ slippagePct: fraction(1) }),
  beta: z.object({
    benchmark: symbolKey,
    /** Beta per symbol against the benchmark; symbols without one use the estimate from price history, else 1. */
    betas: z.record(symbolKey, z.number().finite().min(-10).max(10)),
  }),
});
export type RiskLimits = z.infer<typeof RiskLimits>;

export const DEFAULT_RISK_LIMITS: RiskLimits = {
  order: { maxNotional: 200_000, maxQty: 5_000, maxContracts: 100, fatFingerAmberPct: 0.03, fatFingerRedPct: 0.1 },
  tiers: {
    T1: { maxOrderNotional: 250_000, maxExposureNotional: 500_000, maxPositionPctNav: 0.5 },
    T2: { maxOrderNotional: 100_000, maxExposureNotional: 250_000, maxPositionPctNav: 0.25 },
    T3: { maxOrderNotional: 25_000, maxExposureNotional: 100_000, maxPositionPctNav: 0.1 },
  },
  symbolTiers: { SPY: 'T1', QQQ: 'T1', AAPL: 'T2', NVDA: 'T2', TQQQ: 'T3' },
  defaultTier: 'T2',
  portfolio: { deltaPctNav: 1, gammaPctNav: 0.1, vegaPctNav: 0.01, thetaPctNav: 0.005 },
  shortDated: { days: 7, deltaPctNav: 0.5, gammaPctNav: 0.05, vegaPctNav: 0.005, thetaPctNav: 0.0025 },
  loss: { dailyLossPct: 0.03, maxDrawdownPct: 0.15 },
  account: { cashReservePctNav: 0.05, maxOrdersPerMinute: 10 },
  quotes: { staleAfterSec: 10 },
  execution: { slippagePct: 0.002 },
  beta: { benchmark: 'SPY', betas: {} },
};

/** ACTIVE: normal. REDUCING: a loss limit tripped, only risk-reducing orders pass. HALTED: nothing passes (kill switch). */
export const TradingState = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);
export type TradingState = z.infer<typeof TradingState>;

export const AccountRiskState = z.object({
  state: TradingState,
  /** Why the account is not ACTIVE, and how to get back. */
  reason: z.string().nullable(),
  since: z.number().nullable(),
  /** NAV high-water mark for the drawdown limit. */
  peakNav: z.number(),
  /** NAV the daily-loss breaker measures from (start of day, or the NAV at the last reset). */
  lossBaseNav: z.number(),
  dailyLossPct: z.number(),
  drawdownPct: z.number(),
});
export type AccountRiskState = z.infer<typeof AccountRiskState>;

export const LimitUsage = z.object({
  id: z.string(),
  label: z.string(),
  group: z.enum(['portfolio', 'short-dated', 'loss', 'account', 'tier']),
  /** Current absolute value in the limit's unit. */
  value: z.number(),
  limit: z.number(),
  unit: z.enum(['pctNav', 'currency', 'count']),
  /** value / limit (0 when the limit is 0 and the value is 0). */
  usage: z.number(),
  level: CheckLevel,
});
export type LimitUsage = z.infer<typeof LimitUsage>;

export const PortfolioGreeks = z.object({
  deltaCash: z.number(),
  gammaCash1Pct: z.number(),
  vegaCashPerPoint: z.number(),
  thetaCashPerDay: z.number(),
});
export type PortfolioGreeks = z.infer<typeof PortfolioGreeks>;

export const WhatIf = z.object({
  before: PortfolioGreeks,
  after: PortfolioGreeks,
  /** The order's own cash Greeks, signed. */
  order: CashGreeks,
  nav: z.number(),
  /** Whether the order lowers risk (see risk/gate.ts isRiskReducing). */
  riskReducing: z.boolean(),
});
export type WhatIf = z.infer<typeof WhatIf>;

export const GateVerdict = z.object({
  level: CheckLevel,
  checks: z.array(CheckResult),
  whatIf: WhatIf.nullable(),
  estNotional: z.number(),
});
export type GateVerdict = z.infer<typeof GateVerdict>;

export const ScenarioCell = z.object({
  spotPct: z.number(),
  volPts: z.number(),
  pnl: z.number(),
  deltaCash: z.number(),
  gammaCash1Pct: z.number(),
  vegaCashPerPoint: z.number(),
  thetaCashPerDay: z.number(),
});
export type ScenarioCell = z.infer<typeof ScenarioCell>;

export const ScenarioGrid = z.object({
  spotPcts: z.array(z.number()),
  volPts: z.array(z.number()),
  days: z.number(),
  /** cells[i][j]: spot move spotPcts[i], vol move volPts[j]. */
  cells: z.array(z.array(ScenarioCell)),
  nav: z.number(),
  /** Set when the grid includes a proposed order. */
  withOrder: z.string().nullable(),
});
export type ScenarioGrid = z.infer<typeof ScenarioGrid>;

export const VarFigure = z.object({
  confidence: z.number(),
  var: z.number(),
  cvar: z.number(),
});
export const VarMethod = z.object({
  method: z.enum(['historical-prices', 'historical-equity', 'delta-gamma']),
  available: z.boolean(),
  /** Why a method has no figures (e.g. too little history). */
  note: z.string().nullable(),
  observations: z.number(),
  figures: z.array(VarFigure),
});
export type VarMethod = z.infer<typeof VarMethod>;
export const VarReport = z.object({
  horizonDays: z.literal(1),
  nav: z.number(),
  methods: z.array(VarMethod),
});
export type VarReport = z.infer<typeof VarReport>;

export const RiskSummary = z.object({
  account: AccountRiskState,
  limits: z.array(LimitUsage),
  /** Beta-weighted delta in benchmark shares and cash. */
  betaWeighted: z.object({ benchmark: z.string(), shares: z.number(), cash: z.number() }),
});
export type RiskSummary = z.infer<typeof RiskSummary>;
