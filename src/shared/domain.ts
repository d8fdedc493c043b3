// Domain types shared by engine, renderer and CLI. Pure: no node:*, no DOM, no electron.
// Schemas are the source of truth; TypeScript types are inferred from them.
import { z } from 'zod';
import { CashGreeks, CheckLevel, CheckResult, RiskSummary, WhatIf } from './risk.js';

export { CashGreeks, CheckLevel, CheckResult };

export const TradingMode = z.enum(['OFF', 'DRY_RUN', 'REAL']);
export type TradingMode = z.infer<typeof TradingMode>;

export const Side = z.enum(['BUY', 'SELL']);
export type Side = z.infer<typeof Side>;

export const OrderType = z.enum(['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT']);
export type OrderType = z.infer<typeof OrderType>;

/** DAY: expires at the session's end; GTC: stays until filled or cancelled; IOC: fills what it can at once, the rest is cancelled. */
export const TimeInForce = z.enum(['DAY', 'GTC', 'IOC']);
export type TimeInForce = z.infer<typeof TimeInForce>;

export const InstrumentKind = z.enum(['STOCK', 'ETF', 'OPTION']);
export type InstrumentKind = z.infer<typeof InstrumentKind>;

export const OptionRight = z.enum(['C', 'P']);
export type OptionRight = z.infer<typeof OptionRight>;

export const Instrument = z.object({
  symbol: z.string(),
  kind: InstrumentKind,
  underlying: z.string(),
  multiplier: z.number().int().positive(),
  /** Options only. */
  right: OptionRight.optional(),
  strike: z.number().optional(),
  /** Options only: exchange-local expiry date, YYYY-MM-DD. */
  expiry: z.string().optional(),
  style: z.enum(['american', 'european']).optional(),
});
export type Instrument = z.infer<typeof Instrument>;

export const SessionState = z.enum(['PRE', 'REGULAR', 'POST', 'CLOSED']);
export type SessionState = z.infer<typeof SessionState>;

export const Quote = z.object({
  symbol: z.string(),
  bid: z.number(),
  ask: z.number(),
  last: z.number(),
  bidSize: z.number(),
  askSize: z.number(),
  /** Previous session's close, for change %. */
  prevClose: z.number(),
  /** Implied volatility used for the quote (options only). */
  iv: z.number().optional(),
  ts: z.number(),
});
export type Quote = z.infer<typeof Quote>;


export const PositionView = z.object({
  symbol: z.string(),
  instrument: Instrument,
  qty: z.number(),
  avgPrice: z.number(),
  last: z.number().nullable(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  greeks: CashGreeks,
  /** Implied volatility the option is valued at (options only). */
  iv: z.number().nullable(),
  /** Days to expiry (options only), from the exchange's expiry time. */
  dte: z.number().nullable(),
  /** Why the position could not be valued (its Greeks are then unknown, not zero). */
  pricingError: z.string().nullable(),
});
export type PositionView = z.infer<typeof PositionView>;

const PctNav = {
  /** Cash delta as a fraction of NAV. */
  deltaPctNav: z.number(),
  /** Cash gamma (per 1% move) as a fraction of NAV. */
  gammaPctNav: z.number(),
  /** Vega per vol point as a fraction of NAV. */
  vegaPctNav: z.number(),
  /** Theta per day as a fraction of NAV. */
  thetaPctNav: z.number(),
};

/** Options of one underlying expiring on one date. */
export const ExpiryBucket = CashGreeks.extend({
  expiry: z.string(),
  dte: z.number(),
  marketValue: z.number(),
  shortDated: z.boolean(),
  ...PctNav,
});
export type ExpiryBucket = z.infer<typeof ExpiryBucket>;

export const GreeksRow = CashGreeks.extend({
  underlying: z.string(),
  marketValue: z.number(),
  ...PctNav,
  /** Beta against the benchmark used for beta-weighted delta. */
  beta: z.number(),
  /** Cash delta × beta: the benchmark exposure this row is worth. */
  betaDeltaCash: z.number(),
  /** Greeks of options expiring within the short-dated window. */
  shortDated: CashGreeks,
  expiries: z.array(ExpiryBucket),
  /** Positions in this row that could not be valued. */
  unpriced: z.number(),
});
export type GreeksRow = z.infer<typeof GreeksRow>;

export const GreeksSummary = z.object({
  byUnderlying: z.array(GreeksRow),
  portfolio: GreeksRow,
  shortDatedDays: z.number(),
  /** Beta-weighted delta in benchmark shares. */
  benchmark: z.string(),
  betaWeightedShares: z.number(),
});
export type GreeksSummary = z.infer<typeof GreeksSummary>;

export const Account = z.object({
  id: z.string(),
  currency: z.string(),
  nav: z.number(),
  cash: z.number(),
  marketValue: z.number(),
  startOfDayNav: z.number(),
  dayPnl: z.number(),
  unrealizedPnl: z.number(),
  realizedPnl: z.number(),
});
export type Account = z.infer<typeof Account>;

export const BrokerState = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['simulated', 'live']),
  connection: z.enum(['connected', 'connecting', 'disconnected']),
  realtimeQuotes: z.boolean(),
  /** The broker account in use (live brokers only): REAL's confirmation names it. */
  accountId: z.string().optional(),
  label: z.string().optional(),
  /** Why the broker refuses trades although connected (its trade unlock failed): REAL is refused while set. */
  tradeLocked: z.string().optional(),
});
export type BrokerState = z.infer<typeof BrokerState>;

export const ClockState = z.object({
  ts: z.number(),
  /** Exchange-local date of the current session, YYYY-MM-DD. */
  sessionDate: z.string(),
  session: SessionState,
  timezone: z.string(),
  simulated: z.boolean(),
});
export type ClockState = z.infer<typeof ClockState>;

const Price = z.number().positive().max(1e9);

/**
 * Which prices each order type takes, and when outside-RTH and IOC apply — the rules US brokers
 * enforce, checked here so the ticket form and the engine refuse the same things:
 * - MARKET: no limit price, no stop price;
 * - LIMIT: a limit price, no stop price;
 * - STOP: a stop price (it becomes a market order when reached), no limit price;
 * - STOP_LIMIT: both (it becomes a limit order at the limit when the stop is reached);
 * - outsideRth (US pre- and post-market trading): LIMIT orders only;
 * - IOC: not for STOP / STOP_LIMIT (a stop waits for its trigger; IOC would cancel it at once).
 */
function checkOrderShape(
  intent: { orderType: OrderType; limitPrice?: number | undefined; stopPrice?: number | undefined; tif?: TimeInForce | undefined; outsideRth?: boolean | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  const { orderType, limitPrice, stopPrice } = intent;
  const needsLimit = orderType === 'LIMIT' || orderType === 'STOP_LIMIT';
  const needsStop = orderType === 'STOP' || orderType === 'STOP_LIMIT';
  const name = orderType === 'STOP_LIMIT' ? 'A stop-limit order' : orderType === 'STOP' ? 'A stop order' : orderType === 'LIMIT' ? 'A limit order' : 'A market order';
  if (needsLimit && limitPrice === undefined) ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: `${name} needs a limit price.` });
  if (!needsLimit && limitPrice !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: `${name} takes no limit price${orderType === 'STOP' ? ' (use STOP_LIMIT for a stop with a limit)' : ''}.` });
  }
  if (needsStop && stopPrice === undefined) ctx.addIssue({ code: 'custom', path: ['stopPrice'], message: `${name} needs a stop price.` });
  if (!needsStop && stopPrice !== undefined) ctx.addIssue({ code: 'custom', path: ['stopPrice'], message: `${name} takes no stop price.` });
  if (intent.outsideRth && orderType !== 'LIMIT') {
    ctx.addIssue({ code: 'custom', path: ['outsideRth'], message: 'Only limit orders can trade outside regular hours.' });
  }
  if (intent.tif === 'IOC' && needsStop) {
    ctx.addIssue({ code: 'custom', path: ['tif'], message: 'IOC does not apply to stop orders: a stop waits for its trigger. Use DAY or GTC.' });
  }
}

export const OrderIntent = z
  .object({
    symbol: z.string().trim().min(1).max(40),
    side: Side,
    qty: z.number().int().positive().max(1_000_000),
    orderType: OrderType,
    limitPrice: Price.optional(),
    stopPrice: Price.optional(),
    tif: TimeInForce.default('DAY'),
    outsideRth: z.boolean().default(false),
  })
  .superRefine(checkOrderShape);
/**
 * An order intent as code builds it: `tif` and `outsideRth` may be left out and mean DAY and
 * false (what the schema fills in). Intents parsed at the API boundary always carry both.
 */
export type OrderIntent = z.input<typeof OrderIntent>;

/** The intent with its defaults made explicit (DAY, not outside regular hours). */
export function withIntentDefaults<T extends OrderIntent>(intent: T): T & { tif: TimeInForce; outsideRth: boolean } {
  return { ...intent, tif: intent.tif ?? 'DAY', outsideRth: intent.outsideRth ?? false };
}


export const TicketSource = z.enum(['manual', 'hedge', 'ai', 'strategy']);
export const TicketStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);
export type TicketStatus = z.infer<typeof TicketStatus>;

/**
 * What a ticket was checked under: the mode, the venue its order would go to and the account it
 * would book to. Approval is bound to it (it is part of the content hash): a ticket reviewed in
 * DRY_RUN can never send an order in REAL, nor one reviewed for one account to another.
 */
export const TicketContext = z.object({
  mode: TradingMode,
  /** The venue id (the paper ledger, or a broker account's venue); null when none was connected. */
  venue: z.string().nullable(),
  accountId: z.string(),
});
export type TicketContext = z.infer<typeof TicketContext>;

export const Ticket = z.object({
  id: z.string(),
  /** When it was created, on the trading clock (the order journal's clock). */
  createdAt: z.number(),
  /** When it expires, on the wall clock: a ticket lasts its minutes in real time, whatever the trading clock does. */
  expiresAt: z.number(),
  source: TicketSource,
  reason: z.string(),
  intent: OrderIntent,
  checks: z.array(CheckResult),
  verdict: CheckLevel,
  /** Approval is bound to this hash of the ticket's exact content. */
  contentHash: z.string(),
  status: TicketStatus,
  orderId: z.string().nullable(),
  /** Estimated notional at creation (qty × price × multiplier). */
  estNotional: z.number(),
  /** Portfolio Greeks before and after the order, from the risk gate. */
  whatIf: WhatIf.nullable(),
  /** The mode, venue and account it was checked under (null: created before tickets carried one; never approvable). */
  context: TicketContext.nullable(),
  /** Why it was cancelled, rejected or expired, when it was. */
  statusReason: z.string().nullable(),
});
export type Ticket = z.infer<typeof Ticket>;

export const OrderStatus = z.enum([
  'pending_approval',
  'approved',
  'submitted',
  'accepted',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['filled', 'cancelled', 'rejected', 'expired'];

export const Order = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  ticketId: z.string().nullable(),
  mode: TradingMode,
  venue: z.string(),
  symbol: z.string(),
  side: Side,
  qty: z.number(),
  orderType: OrderType,
  limitPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  tif: TimeInForce,
  outsideRth: z.boolean(),
  status: OrderStatus,
  filledQty: z.number(),
  avgFillPrice: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  statusReason: z.string().nullable(),
  /** Waiting for the broker's rate limit: the earliest time it can be sent (epoch ms). */
  queuedUntil: z.number().optional(),
});
export type Order = z.infer<typeof Order>;

export const OrderEvent = z.object({
  seq: z.number(),
  orderId: z.string(),
  ts: z.number(),
  fromStatus: OrderStatus.nullable(),
  toStatus: OrderStatus,
  detail: z.string().nullable(),
});
export type OrderEvent = z.infer<typeof OrderEvent>;

/**
 * Journal entries that record a request or a venue's answer rather than a status change (their
 * from- and to-status are the same) start their detail with one of these.
 */
export const ORDER_EVENT_NOTE = {
  cancelRequested: 'cancel requested',
  modifyRequested: 'modify requested',
  modified: 'modified',
  modifyRejected: 'modify rejected',
} as const;

/** What an order event was, in a trader's words: the new status, or the request / answer it records. */
export function orderEventLabel(event: Pick<OrderEvent, 'fromStatus' | 'toStatus' | 'detail'>): string {
  if (event.fromStatus !== event.toStatus) return event.toStatus.replace(/_/g, ' ');
  const detail = event.detail ?? '';
  for (const note of Object.values(ORDER_EVENT_NOTE)) if (detail === note || detail.startsWith(`${note}:`)) return note;
  return event.toStatus.replace(/_/g, ' ');
}

export const Fill = z.object({
  id: z.string(),
  orderId: z.string(),
  symbol: z.string(),
  side: Side,
  qty: z.number(),
  price: z.number(),
  commission: z.number(),
  ts: z.number(),
});
export type Fill = z.infer<typeof Fill>;

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const RiskEvent = z.object({
  id: z.number(),
  ts: z.number(),
  severity: Severity,
  code: z.string(),
  message: z.string(),
  symbol: z.string().nullable(),
});
export type RiskEvent = z.infer<typeof RiskEvent>;

export const EquityPoint = z.object({
  ts: z.number(),
  nav: z.number(),
  cash: z.number(),
});
export type EquityPoint = z.infer<typeof EquityPoint>;

/** Everything the cockpit shows, as one snapshot. Patches update it (see api/state.ts). */
export const CockpitState = z.object({
  seq: z.number(),
  mode: TradingMode,
  broker: BrokerState,
  clock: ClockState,
  account: Account,
  quotes: z.record(z.string(), Quote),
  instruments: z.record(z.string(), Instrument),
  positions: z.array(PositionView),
  greeks: GreeksSummary,
  tickets: z.array(Ticket),
  orders: z.array(Order),
  fills: z.array(Fill),
  riskEvents: z.array(RiskEvent),
  equity: z.array(EquityPoint),
  risk: RiskSummary,
});
export type CockpitState = z.infer<typeof CockpitState>;
