// Backtest types shared by the engine, the CLI and the renderer: run configuration (costs and
// market rules), data choices, strategies and their parameters, results, jobs and sweeps.
// Pure: zod schemas are the source of truth; no node:*, no DOM.
import { z } from 'zod';

const money = z.number().finite().nonnegative();

/** Commission charged on each fill; `minimum` is the least charged per fill. */
export const CommissionModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** A fraction of traded value (qty × price × multiplier): 0.001 = 0.1%. */
  z.object({ kind: z.literal('percent'), rate: z.number().min(0).max(0.1), minimum: money.optional() }).strict(),
  z.object({ kind: z.literal('perShare'), perShare: z.number().min(0).max(100), minimum: money.optional() }).strict(),
  /** Futures and options: a fee per contract; value and P&L use the instrument's multiplier. */
  z.object({ kind: z.literal('perContract'), perContract: z.number().min(0).max(10_000), minimum: money.optional() }).strict(),
]);
export type CommissionModel = z.infer<typeof CommissionModel>;

/** Market and stop orders fill this much worse than the rule price (never outside the bar's range). */
export const SlippageModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), rate: z.number().min(0).max(0.1) }).strict(),
  z.object({ kind: z.literal('fixed'), amount: z.number().min(0).max(1e6) }).strict(),
]);
export type SlippageModel = z.infer<typeof SlippageModel>;

/** China A-share rules: T+1, board lots, daily price-limit bands, stamp duty on sells, no shorting. */
export const AShareRules = z
  .object({
    lotSize: z.number().int().positive().max(10_000).default(100),
    /** Daily price limit as a fraction of the previous close (0.1 main board, 0.2 ChiNext/STAR, 0.05 ST). */
    priceLimit: z.number().positive().max(1).default(0.1),
    /** Charged on sells as a fraction of value, on top of the commission. */
    stampDuty: z.number().min(0).max(0.01).default(0),
  })
  .strict();
export type AShareRules = z.infer<typeof AShareRules>;

export const BacktestConfig = z
  .object({
    cash: z.number().finite().positive().max(1e12),
    commission: CommissionModel.default({ kind: 'none' }),
    slippage: SlippageModel.optional(),
    /** Contract multiplier of the instrument (1 for stocks). */
    multiplier: z.number().positive().max(1e6).default(1),
    /** Present when the instrument is an A-share. */
    aShare: AShareRules.optional(),
  })
  .strict();
export type BacktestConfig = z.infer<typeof BacktestConfig>;
export type BacktestConfigInput = z.input<typeof BacktestConfig>;

/** Where the bars come from: a listed data file (by id, never a free path) or the simulator. */
export const BacktestData = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), id: z.string().min(1).max(200) }).strict(),
  z
    .object({
      kind: z.literal('sim'),
      symbol: z.string().min(1).max(12),
      bars: z.number().int().min(10).max(2_000_000),
      seed: z.number().int().min(0).max(0xffff_ffff),
    })
    .strict(),
]);
export type BacktestData = z.infer<typeof BacktestData>;

export const StrategyParams = z.record(z.string().max(40), z.number().finite());
export type StrategyParams = z.infer<typeof StrategyParams>;

export const StrategyParamInfo = z.object({
  key: z.string(),
  label: z.string(),
  default: z.number(),
  min: z.number(),
  max: z.number(),
  integer: z.boolean(),
});
export type StrategyParamInfo = z.infer<typeof StrategyParamInfo>;

export const StrategyInfo = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  params: z.array(StrategyParamInfo),
});
export type StrategyInfo = z.infer<typeof StrategyInfo>;

export const BacktestRequest = z
  .object({
    data: BacktestData,
    strategy: z.string().min(1).max(40),
    params: StrategyParams.default({}),
    config: BacktestConfig,
    label: z.string().max(120).optional(),
  })
  .strict();
export type BacktestRequest = z.infer<typeof BacktestRequest>;

/** Sweep: every combination of the listed parameter values, the other parameters as given. */
export const SweepRequest = BacktestRequest.extend({
  grid: z.record(z.string().max(40), z.array(z.number().finite()).min(1).max(200)),
}).strict();
export type SweepRequest = z.infer<typeof SweepRequest>;

export const BacktestMetrics = z.object({
  startValue: z.number(),
  endValue: z.number(),
  totalReturn: z.number(),
  /** Compound annual growth over the calendar time covered; null under one day. */
  annualizedReturn: z.number().nullable(),
  /** Daily returns, risk-free rate 0, √252 annualisation; null when undefined (no variation). */
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  /** Fraction of the peak, ≥ 0. */
  maxDrawdown: z.number(),
  maxDrawdownPeak: z.number().nullable(),
  maxDrawdownTrough: z.number().nullable(),
  /** When equity first got back to the peak; null if it has not. */
  maxDrawdownRecovery: z.number().nullable(),
  /** Calendar days from the peak to the recovery (or to the last bar when not recovered). */
  maxDrawdownDays: z.number().nullable(),
  /** Longest stretch under a previous peak, calendar days. */
  longestDrawdownDays: z.number(),
  calmar: z.number().nullable(),
  trades: z.number(),
  winRate: z.number().nullable(),
  profitFactor: z.number().nullable(),
  /** Mean net P&L per closed trade. */
  expectancy: z.number().nullable(),
  /** Fraction of bars that ended holding a position. */
  exposure: z.number(),
  bars: z.number(),
  commissions: z.number(),
});
export type BacktestMetrics = z.infer<typeof BacktestMetrics>;

export const BacktestFill = z.object({
  time: z.number(),
  side: z.enum(['BUY', 'SELL']),
  qty: z.number(),
  price: z.number(),
  commission: z.number(),
});
export type BacktestFill = z.infer<typeof BacktestFill>;

export const BacktestTrade = z.object({
  side: z.enum(['LONG', 'SHORT']),
  qty: z.number(),
  entryTime: z.number(),
  entryPrice: z.number(),
  exitTime: z.number().nullable(),
  exitPrice: z.number().nullable(),
  /** Net of commissions; for an open trade, marked at the last close. */
  pnl: z.number(),
  returnPct: z.number(),
  bars: z.number(),
  open: z.boolean(),
});
export type BacktestTrade = z.infer<typeof BacktestTrade>;

/** [time, strategy equity, buy-and-hold equity], thinned to at most a few thousand points. */
export const EquitySample = z.tuple([z.number(), z.number(), z.number()]);
export type EquitySample = z.infer<typeof EquitySample>;

export const BacktestRunSummary = z.object({
  id: z.string(),
  createdAt: z.number(),
  label: z.string(),
  dataLabel: z.string(),
  strategy: z.string(),
  params: StrategyParams,
  config: BacktestConfig,
  bars: z.number(),
  firstTime: z.number().nullable(),
  lastTime: z.number().nullable(),
  intraday: z.boolean(),
  finalValue: z.number(),
  finalCash: z.number(),
  metrics: BacktestMetrics,
  benchmark: BacktestMetrics,
});
export type BacktestRunSummary = z.infer<typeof BacktestRunSummary>;

export const BacktestRun = BacktestRunSummary.extend({
  equity: z.array(EquitySample),
  trades: z.array(BacktestTrade),
  fills: z.array(BacktestFill),
  /** Orders the run refused or cancelled (rules, cash), with the reason. */
  notes: z.array(z.string()),
});
export type BacktestRun = z.infer<typeof BacktestRun>;

export const SweepRow = z.object({ params: StrategyParams, metrics: BacktestMetrics, finalValue: z.number() });
export type SweepRow = z.infer<typeof SweepRow>;

export const BacktestJob = z.object({
  id: z.string(),
  kind: z.enum(['run', 'sweep']),
  state: z.enum(['running', 'done', 'failed']),
  /** 0 … 1. */
  progress: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  runId: z.string().nullable(),
  sweepId: z.string().nullable(),
  /** Sweep jobs: the rows done so far, best final value first. */
  rows: z.array(SweepRow),
  total: z.number(),
});
export type BacktestJob = z.infer<typeof BacktestJob>;

export const BacktestDataChoice = z.object({
  id: z.string(),
  label: z.string(),
  origin: z.enum(['sample', 'data-dir']),
  bytes: z.number(),
});
export type BacktestDataChoice = z.infer<typeof BacktestDataChoice>;

export const BacktestSources = z.object({
  files: z.array(BacktestDataChoice),
  /** Where a trader drops CSV files to see them here. */
  dataFolder: z.string(),
  simSymbols: z.array(z.string()),
});
export type BacktestSources = z.infer<typeof BacktestSources>;

export const BacktestExportKind = z.enum(['trades', 'fills', 'equity', 'metrics']);
export type BacktestExportKind = z.infer<typeof BacktestExportKind>;

/** Bar times are exchange-local wall time stored as if UTC; these format them without a zone. */
export function formatBarDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function formatBarTime(time: number, intraday: boolean): string {
  const iso = new Date(time).toISOString();
  return intraday ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(0, 10);
}
