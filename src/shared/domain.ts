// Domain types shared by engine, renderer and CLI. Pure: no node:*, no DOM, no electron.
// Schemas are the source of truth; TypeScript types are inferred from them.
import { z } from 'zod';

export const TradingMode = z.enum(['OFF', 'DRY_RUN', 'REAL']);
export type TradingMode = z.infer<typeof TradingMode>;

export const Side = z.enum(['BUY', 'SELL']);
export type Side = z.infer<typeof Side>;

export const OrderType = z.enum(['MARKET', 'LIMIT']);
export type OrderType = z.infer<typeof OrderType>;

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

/** Cash Greeks, in account currency. Conventions live in src/main/pricing/README and the README. */
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

export const PositionView = z.object({
  symbol: z.string(),
  instrument: Instrument,
  qty: z.number(),
  avgPrice: z.number(),
  last: z.number().nullable(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  greeks: CashGreeks,
  /** Per-unit model greeks (options): delta, gamma, vega per 1.00 vol, theta per year. */
  iv: z.number().nullable(),
});
export type PositionView = z.infer<typeof PositionView>;

export const GreeksRow = CashGreeks.extend({
  underlying: z.string(),
  marketValue: z.number(),
  /** Cash delta as a fraction of NAV. */
  deltaPctNav: z.number(),
  /** Greeks of options expiring within the short-dated window. */
  shortDated: CashGreeks,
});
export type GreeksRow = z.infer<typeof GreeksRow>;

export const GreeksSummary = z.object({
  byUnderlying: z.array(GreeksRow),
  portfolio: GreeksRow,
  shortDatedDays: z.number(),
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

export const OrderIntent = z.object({
  symbol: z.string().trim().min(1).max(40),
  side: Side,
  qty: z.number().int().positive().max(1_000_000),
  orderType: OrderType,
  limitPrice: z.number().positive().max(1e9).optional(),
});
export type OrderIntent = z.infer<typeof OrderIntent>;

export const CheckLevel = z.enum(['green', 'amber', 'red']);
export type CheckLevel = z.infer<typeof CheckLevel>;

export const CheckResult = z.object({
  check: z.string(),
  level: CheckLevel,
  code: z.string(),
  message: z.string(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const TicketSource = z.enum(['manual', 'hedge', 'ai', 'strategy']);
export const TicketStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const Ticket = z.object({
  id: z.string(),
  createdAt: z.number(),
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
  status: OrderStatus,
  filledQty: z.number(),
  avgFillPrice: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  statusReason: z.string().nullable(),
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
});
export type CockpitState = z.infer<typeof CockpitState>;
