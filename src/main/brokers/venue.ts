// The connection interface every real broker implements (Futu OpenD, Tiger Open API), and
// the paper ledger where it can. It is deliberately venue-neutral: symbols are Deltadeck
// symbols (`AAPL`, OCC options `AAPL261218C00230000`); each adapter maps to and from its
// venue's codes. Every call that can fail rejects with a BrokerError whose `message` is
// written for a trader ("Futu OpenD refused the trade password", not "retType -1").
import type { OptionRight, Side } from '../../shared/domain.js';

export type VenueOrderType = 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';
export type TimeInForce = 'DAY' | 'GTC' | 'IOC';
export type TradingEnv = 'SIMULATE' | 'REAL';

export type VenueOrderStatus = 'submitted' | 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';

export interface VenueOrderRequest {
  /** Deltadeck's id for the order; sent to the venue where it has a field for it (Futu `remark`, Tiger pre-allocated id mapping). */
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  orderType: VenueOrderType;
  limitPrice?: number;
  stopPrice?: number;
  tif: TimeInForce;
  /** US pre/post-market participation. */
  outsideRth: boolean;
}

export interface VenueOrder {
  brokerOrderId: string;
  /** Null when the order was placed outside Deltadeck and carries no client id. */
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  qty: number;
  filledQty: number;
  avgFillPrice: number;
  orderType: VenueOrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  tif: TimeInForce;
  status: VenueOrderStatus;
  reason?: string;
  updatedTs: number;
}

export interface VenueFill {
  fillId: string;
  brokerOrderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  qty: number;
  price: number;
  commission: number;
  ts: number;
}

export interface VenuePosition {
  symbol: string;
  /** Signed: negative is short. */
  qty: number;
  avgCost: number;
}

export interface VenueFunds {
  currency: string;
  cash: number;
  nav: number;
  marketValue: number;
  buyingPower: number;
}

export interface VenueAccount {
  id: string;
  env: TradingEnv;
  /** Free text from the venue, e.g. "US margin". */
  label: string;
}

export interface VenueQuote {
  symbol: string;
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  prevClose: number;
  volume: number;
  ts: number;
}

export interface VenueBar {
  /** Bar open time, epoch ms. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface VenueOptionGreeks {
  iv: number;
  delta: number;
  gamma: number;
  /** As the venue reports it; adapters document their venue's unit next to the mapping. */
  vega: number;
  theta: number;
  rho: number;
}

export interface VenueOptionContract {
  symbol: string;
  underlying: string;
  right: OptionRight;
  strike: number;
  /** YYYY-MM-DD, exchange-local. */
  expiry: string;
  multiplier: number;
  quote?: VenueQuote;
  greeks?: VenueOptionGreeks;
}

export type ConnectionState = 'connected' | 'connecting' | 'disconnected';

export interface VenueStatus {
  state: ConnectionState;
  /** Epoch ms of the last heartbeat answered by the venue; null before the first. */
  lastHeartbeatTs: number | null;
  /** Why the connection is down, for the brokers page. */
  error: string | null;
  /** Why trade writes are locked although connected (e.g. Futu's REAL trade unlock failed); absent or null when they are not. */
  tradeLocked?: string | null;
}

export type VenueEvent =
  | { type: 'status'; status: VenueStatus }
  | { type: 'quote'; quote: VenueQuote }
  | { type: 'order'; accountId: string; order: VenueOrder }
  | { type: 'fill'; accountId: string; fill: VenueFill }
  /** Emitted after a reconnect once unlock and every subscription have been restored. */
  | { type: 'resynced'; ts: number };

export type BrokerErrorCode =
  | 'DISCONNECTED'
  | 'TIMEOUT'
  | 'RATE_LIMITED'
  | 'NO_QUOTE_RIGHT'
  | 'UNLOCK_FAILED'
  | 'AUTH_FAILED'
  | 'ORDER_REJECTED'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'BAD_RESPONSE'
  | 'VENUE_ERROR';

export class BrokerError extends Error {
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    /** The venue's own code and text, for logs and the doctor command. */
    readonly venueDetail?: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }
}

export interface BrokerConnection {
  readonly id: string;
  readonly venue: 'futu' | 'tiger' | 'sim';
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  status(): VenueStatus;
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: VenueEvent) => void): () => void;

  accounts(): Promise<VenueAccount[]>;
  funds(accountId: string): Promise<VenueFunds>;
  positions(accountId: string): Promise<VenuePosition[]>;
  /** Working (not final) orders. */
  openOrders(accountId: string): Promise<VenueOrder[]>;
  /**
   * Today's orders, working and final, as far as the venue lists them (reconciliation matches them
   * by client order id). Futu lists every order of the day; Tiger lists working and filled ones.
   */
  todaysOrders(accountId: string): Promise<VenueOrder[]>;
  /** Today's fills, oldest first. */
  fills(accountId: string): Promise<VenueFill[]>;

  /** Places an order; resolves with the venue's id once the venue acknowledged it. Idempotent per clientOrderId where the venue allows. */
  placeOrder(accountId: string, request: VenueOrderRequest): Promise<{ brokerOrderId: string }>;
  modifyOrder(accountId: string, brokerOrderId: string, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Promise<void>;
  cancelOrder(accountId: string, brokerOrderId: string): Promise<void>;

  /** Quotes then arrive as `quote` events; subscriptions survive reconnects. */
  subscribeQuotes(symbols: readonly string[]): Promise<void>;
  unsubscribeQuotes(symbols: readonly string[]): Promise<void>;
  quoteSnapshot(symbols: readonly string[]): Promise<VenueQuote[]>;
  bars(symbol: string, period: '1d' | '1m', fromTs: number, toTs: number): Promise<VenueBar[]>;
  optionExpirations(underlying: string): Promise<string[]>;
  optionChain(underlying: string, expiry: string): Promise<VenueOptionContract[]>;
}
