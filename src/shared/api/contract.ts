// The one Cockpit API contract: every command with its request and response schema,
// every event stream with its payload. Engine, renderer, CLI and tests import this file.
import { z } from 'zod';
import {
  CockpitState,
  EquityPoint,
  Fill,
  Order,
  OrderEvent,
  OrderIntent,
  RiskEvent,
  Ticket,
  TradingMode,
} from '../domain.js';
import { StatePatch } from './state.js';
import { GateVerdict, RiskLimits, ScenarioGrid, TradingState, VarReport } from '../risk.js';
import {
  BacktestExportKind,
  BacktestJob,
  BacktestRequest,
  BacktestRun,
  BacktestRunSummary,
  BacktestSources,
  StrategyInfo,
  SweepRequest,
} from '../backtest.js';
import { BrokerConnectionView, BrokerSaveRequest, UsedBroker } from '../brokers.js';
import { AutoHedgePolicy, HedgeLogEntry, HedgeRun } from '../hedge.js';

const Empty = z.object({}).strict();

export const commands = {
  ping: {
    request: Empty,
    response: z.object({ ts: z.number(), version: z.string() }),
  },
  'state.get': {
    request: Empty,
    response: CockpitState,
  },
  'mode.set': {
    /** Switching to REAL needs `confirm: "REAL"` as a deliberate act. */
    request: z.object({ mode: TradingMode, confirm: z.string().max(32).optional() }).strict(),
    response: z.object({ mode: TradingMode }),
  },
  'killSwitch.activate': {
    request: Empty,
    response: z.object({
      mode: TradingMode,
      cancelledOrders: z.number(),
      cancelledTickets: z.number(),
    }),
  },
  'ticket.create': {
    request: z
      .object({
        intent: OrderIntent,
        reason: z.string().max(500).optional(),
      })
      .strict(),
    response: Ticket,
  },
  'ticket.approve': {
    request: z.object({ ticketId: z.string().max(64), contentHash: z.string().max(128) }).strict(),
    response: z.object({ ticket: Ticket, order: Order }),
  },
  'ticket.reject': {
    request: z.object({ ticketId: z.string().max(64), reason: z.string().max(500).optional() }).strict(),
    response: Ticket,
  },
  'order.cancel': {
    request: z.object({ orderId: z.string().max(64) }).strict(),
    response: Order,
  },
  /** Changes a working order's quantity, limit or stop; the change re-runs the risk gate (red refuses it). */
  'order.modify': {
    request: z
      .object({
        orderId: z.string().max(64),
        qty: z.number().int().positive().max(1_000_000).optional(),
        limitPrice: z.number().positive().max(1e9).optional(),
        stopPrice: z.number().positive().max(1e9).optional(),
      })
      .strict()
      .refine((r) => r.qty !== undefined || r.limitPrice !== undefined || r.stopPrice !== undefined, {
        message: 'Say what to change: a new quantity, limit price or stop price.',
      }),
    response: Order,
  },
  'order.events': {
    request: z.object({ orderId: z.string().max(64) }).strict(),
    response: z.array(OrderEvent),
  },
  'equity.history': {
    request: z.object({ sinceTs: z.number().optional(), maxPoints: z.number().int().min(10).max(20_000).optional() }).strict(),
    response: z.array(EquityPoint),
  },
  'fills.list': {
    request: z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    response: z.array(Fill),
  },
  'riskEvents.list': {
    request: z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    response: z.array(RiskEvent),
  },
  /** What the risk gate would say about an intent, with its what-if Greeks; creates nothing. */
  'ticket.preview': {
    request: z.object({ intent: OrderIntent }).strict(),
    response: GateVerdict,
  },
  'risk.limits.get': {
    request: Empty,
    response: RiskLimits,
  },
  /** Replaces all limits; validated, stored in SQLite and journaled. */
  'risk.limits.set': {
    request: z.object({ limits: RiskLimits }).strict(),
    response: RiskLimits,
  },
  /** REDUCING or HALTED back to ACTIVE; the loss limits re-arm from the current NAV. */
  'risk.reset': {
    request: Empty,
    response: z.object({ state: TradingState }),
  },
  /** Price × vol grid of P&L and Greeks for the book, or the book plus a proposed order. */
  'risk.scenario': {
    request: z
      .object({
        intent: OrderIntent.optional(),
        spotPcts: z.array(z.number().gt(-1).max(10)).min(1).max(41).optional(),
        volPts: z.array(z.number().min(-100).max(100)).min(1).max(41).optional(),
        days: z.number().min(0).max(365).optional(),
      })
      .strict(),
    response: ScenarioGrid,
  },
  'risk.var': {
    request: Empty,
    response: VarReport,
  },
  /** Bar files (bundled sample and `<data-dir>/data/`) and simulator symbols to backtest on. */
  'backtest.sources': {
    request: Empty,
    response: BacktestSources,
  },
  'backtest.strategies': {
    request: Empty,
    response: z.array(StrategyInfo),
  },
  /** Starts a run on a worker thread; poll `backtest.job` for progress and the stored run's id. */
  'backtest.start': {
    request: BacktestRequest,
    response: BacktestJob,
  },
  /** Every combination of `grid` over the worker threads; rows arrive in the job as they finish. */
  'backtest.sweep': {
    request: SweepRequest,
    response: BacktestJob,
  },
  'backtest.job': {
    request: z.object({ jobId: z.string().max(64) }).strict(),
    response: BacktestJob,
  },
  'backtest.runs': {
    request: z.object({ limit: z.number().int().min(1).max(1_000).optional() }).strict(),
    response: z.array(BacktestRunSummary),
  },
  'backtest.run': {
    request: z.object({ runId: z.string().max(64) }).strict(),
    response: BacktestRun,
  },
  'backtest.delete': {
    request: z.object({ runId: z.string().max(64) }).strict(),
    response: z.object({ deleted: z.boolean() }),
  },
  'backtest.export': {
    request: z.object({ runId: z.string().max(64), kind: BacktestExportKind }).strict(),
    response: z.object({ filename: z.string(), csv: z.string() }),
  },
  /**
   * Broker connections with their live status (state, last heartbeat, error) — polled by the
   * Brokers page rather than pushed on the state stream: the list is small, only that page needs
   * it, and the heartbeat age is computed by the page. Secrets appear only as `{ name, stored }`.
   */
  'brokers.list': {
    request: Empty,
    response: z.array(BrokerConnectionView),
  },
  /** Adds (no id) or updates a connection; a secret left empty keeps the stored one. */
  'brokers.save': {
    request: BrokerSaveRequest,
    response: BrokerConnectionView,
  },
  /** Disconnects first, then removes the connection and its stored secrets. */
  'brokers.remove': {
    request: z.object({ id: z.string().max(64) }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
  'brokers.connect': {
    request: z.object({ id: z.string().max(64) }).strict(),
    response: BrokerConnectionView,
  },
  'brokers.disconnect': {
    request: z.object({ id: z.string().max(64) }).strict(),
    response: BrokerConnectionView,
  },
  /**
   * Uses a connected connection's account for trading (id null: back to the simulated market and
   * the demo account): its positions, cash and quotes replace the simulated ones, REAL orders go to
   * it and DRY_RUN trades a paper copy of it. Remembered across restarts.
   */
  'brokers.use': {
    request: z.object({ id: z.string().max(64).nullable() }).strict(),
    response: UsedBroker.nullable(),
  },
  'brokers.used': {
    request: Empty,
    response: UsedBroker.nullable(),
  },
  // ── hedging ───────────────────────────────────────────────────────────
  /** The latest hedge run (a breach or the schedule re-plans it; null before the first). Polled by the Hedge page. */
  'hedge.current': {
    request: Empty,
    response: HedgeRun.nullable(),
  },
  /** Plans now, on demand (optionally for one underlying); supersedes the previous proposal. */
  'hedge.runOnce': {
    request: z.object({ underlying: z.string().trim().toUpperCase().max(12).optional() }).strict(),
    response: HedgeRun,
  },
  /**
   * Approves one plan of a run as a ticket group: every leg re-checked by the gate on fresh quotes
   * before it is sent, one after another; a plan whose quotes moved beyond the tolerance must be
   * re-planned. REAL needs `confirm` = the broker account number.
   */
  'hedge.execute': {
    request: z.object({ runId: z.string().max(64), planId: z.string().max(128), confirm: z.string().max(64).optional() }).strict(),
    response: HedgeRun,
  },
  'hedge.reject': {
    request: z.object({ runId: z.string().max(64), reason: z.string().max(500).optional() }).strict(),
    response: HedgeRun,
  },
  /** The book's scenario grid before and after a plan's legs. */
  'hedge.scenario': {
    request: z.object({ runId: z.string().max(64), planId: z.string().max(128) }).strict(),
    response: z.object({ before: ScenarioGrid, after: ScenarioGrid }),
  },
  'hedge.policy.get': {
    request: Empty,
    response: AutoHedgePolicy,
  },
  /** Validated, stored and journaled; enabling auto-hedge is an explicit choice (default off). */
  'hedge.policy.set': {
    /** In REAL, enabling auto-hedge takes the broker account's number in `confirm`, as REAL itself does. */
    request: z.object({ policy: AutoHedgePolicy, confirm: z.string().max(64).optional() }).strict(),
    response: AutoHedgePolicy,
  },
  'hedge.log': {
    request: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    response: z.array(HedgeLogEntry),
  },
  /** DRY_RUN's paper copy of the broker account starts again from its positions and cash. */
  'account.resetPaper': {
    request: Empty,
    response: z.object({ accountId: z.string(), positions: z.number().int() }),
  },
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandRequest<K extends CommandName> = z.input<Commands[K]['request']>;
export type CommandResponse<K extends CommandName> = z.output<Commands[K]['response']>;

export const StateStreamMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), state: CockpitState }),
  z.object({ type: z.literal('patch'), patch: StatePatch }),
]);
export type StateStreamMessage = z.infer<typeof StateStreamMessage>;

export const streams = {
  /** A full snapshot on subscribe, then coalesced patches (at most ~20 per second). */
  state: StateStreamMessage,
} as const;

export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamMessage<K extends StreamName> = z.output<Streams[K]>;

export const isCommandName = (name: string): name is CommandName => Object.hasOwn(commands, name);
export const isStreamName = (name: string): name is StreamName => Object.hasOwn(streams, name);
