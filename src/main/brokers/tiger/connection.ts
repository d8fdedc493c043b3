// TigerConnection: the BrokerConnection for Tiger Open API — signed REST for requests and the
// protobuf push socket for quotes, order status and fills.
//
// Orders are idempotent per clientOrderId. placeOrder first reserves Tiger's per-account order
// id with `order_no`, records clientOrderId → that id (in memory, announced to onOrderIdAssigned
// listeners synchronously so the OMS can persist it before anything else happens, and restorable
// through `orderIds` in the config), then sends `place_order` with it. Tiger refuses a second
// order with an id it has already seen, so the gateway can never hold two orders for one
// clientOrderId. A retry of a clientOrderId whose earlier attempt was never confirmed first looks
// the reserved id up with `orders` and returns the order if it exists; only when Tiger has no
// such order is `place_order` sent again, with the same id. place_order itself is never retried
// automatically; a reply that is lost rejects with DISCONNECTED saying the order MAY be placed.
import { EventEmitter } from 'node:events';
import { parseOcc } from '../../../shared/instruments.js';
import {
  BrokerError,
  type BrokerConnection,
  type VenueAccount,
  type VenueBar,
  type VenueEvent,
  type VenueFill,
  type VenueFunds,
  type VenueOptionContract,
  type VenueOrder,
  type VenueOrderRequest,
  type VenuePosition,
  type VenueQuote,
  type VenueStatus,
} from '../venue.js';
import { fromTigerOrderType, fromTigerStatus, fromTigerTif, idString, num, str, tigerSide, toTigerOrderType } from './mapping.js';
import { OrderTracker } from './order-tracker.js';
import { DataType, type OrderStatusMessage, type OrderTransactionMessage, type PushDataMessage, type QuoteDataMessage } from './proto.js';
import { TigerPushClient, TIGER_PRODUCTION_PUSH } from './push-client.js';
import { TigerRestClient, TigerTransportError, TIGER_PRODUCTION_GATEWAY } from './rest-client.js';
import { isDuplicateOrderId } from './errors.js';
import {
  expiryToTigerMs,
  fromTigerContract,
  fromTigerIdentifier,
  tigerExpiryToIso,
  tigerRightToOption,
  toTigerContract,
  toTigerIdentifier,
  TIGER_TIMEZONE,
  type TigerContract,
} from './symbols.js';
import { zonedTime, localParts } from '../../marketdata/calendar.js';

export interface TigerConnectionConfig {
  /** Connection id for the engine; default `tiger`. */
  id?: string;
  /** REST gateway; default Tiger's production gateway. */
  gatewayUrl?: string;
  pushHost?: string;
  pushPort?: number;
  tigerId: string;
  /** The account whose order and fill pushes this connection subscribes to. */
  account: string;
  /** The developer's RSA private key (PEM, PKCS#1 or PKCS#8), read from the secrets vault per use. */
  privateKey: () => string;
  /** Tiger's public key, to verify every reply's signature. */
  tigerPublicKey: string;
  requestTimeoutMs?: number;
  /** TLS: extra CA certificates to trust (the fake's self-signed one) and the server name. */
  tls?: { ca?: string | Buffer | Array<string | Buffer>; servername?: string };
  heartbeatMs?: number;
  deadAfterMs?: number;
  connectTimeoutMs?: number;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Time zone of request timestamps; default the machine's. */
  timeZone?: string;
  /** clientOrderId ↔ Tiger id records persisted by the OMS, restored on start. */
  orderIds?: Iterable<TigerOrderIdRecord>;
  now?: () => number;
}

/** What the OMS persists per order so a retry after a restart reuses Tiger's id. */
export interface TigerOrderIdRecord {
  clientOrderId: string;
  accountId: string;
  /** Tiger's per-account order id, reserved with order_no before place_order. */
  tigerOrderId: number;
  /** Tiger's global order id once Tiger acknowledged (or showed) the order; null before. */
  brokerOrderId: string | null;
}

type AccountKind = 'GLOBAL' | 'PRIME' | 'PAPER';

interface Rec {
  [key: string]: unknown;
}

const US = { market: 'US', currency: 'USD' };

export class TigerConnection implements BrokerConnection {
  readonly id: string;
  readonly venue = 'tiger' as const;
  private readonly rest: TigerRestClient;
  private readonly push: TigerPushClient;
  private readonly events = new EventEmitter<{ event: [VenueEvent] }>();
  private readonly idListeners = new Set<(record: TigerOrderIdRecord) => void>();
  private readonly records = new Map<string, TigerOrderIdRecord>();
  private readonly byBrokerId = new Map<string, TigerOrderIdRecord>();
  private readonly byTigerId = new Map<string, TigerOrderIdRecord>();
  private readonly tifs = new Map<string, VenueOrderRequest['tif']>();
  private readonly placed = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<{ brokerOrderId: string }>>();
  private readonly tracker = new OrderTracker();
  private readonly quotes = new Map<string, VenueQuote>();
  private readonly subscribed = new Set<string>();
  private readonly accountKinds = new Map<string, AccountKind>();
  private readonly now: () => number;

  constructor(private readonly config: TigerConnectionConfig) {
    this.id = config.id ?? 'tiger';
    this.now = config.now ?? Date.now;
    this.rest = new TigerRestClient({
      gatewayUrl: config.gatewayUrl ?? TIGER_PRODUCTION_GATEWAY,
      tigerId: config.tigerId,
      privateKey: config.privateKey,
      tigerPublicKey: config.tigerPublicKey,
      requestTimeoutMs: config.requestTimeoutMs ?? 15_000,
      ca: config.tls?.ca,
      timeZone: config.timeZone,
      now: this.now,
    });
    this.push = new TigerPushClient({
      host: config.pushHost ?? TIGER_PRODUCTION_PUSH.host,
      port: config.pushPort ?? TIGER_PRODUCTION_PUSH.port,
      tigerId: config.tigerId,
      privateKey: config.privateKey,
      ca: config.tls?.ca,
      servername: config.tls?.servername,
      heartbeatMs: config.heartbeatMs,
      deadAfterMs: config.deadAfterMs,
      connectTimeoutMs: config.connectTimeoutMs,
      reconnectDelayMs: config.reconnectDelayMs,
      maxReconnectDelayMs: config.maxReconnectDelayMs,
      now: this.now,
    });
    for (const record of config.orderIds ?? []) this.remember({ ...record });
    this.push.on('state', () => this.emit({ type: 'status', status: this.status() }));
    this.push.on('resynced', (ts) => this.emit({ type: 'resynced', ts }));
    this.push.on('push', (data) => this.onPush(data));
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async connect(): Promise<void> {
    if (this.push.state === 'connected') return;
    try {
      await this.push.start();
    } catch (e) {
      const message = (e as Error).message;
      throw new BrokerError(/refused the login/.test(message) ? 'AUTH_FAILED' : 'DISCONNECTED', `${message}.`, message);
    }
    await Promise.all([
      this.push.subscribeAccount(DataType.OrderStatus, this.config.account),
      this.push.subscribeAccount(DataType.OrderTransaction, this.config.account),
    ]).catch((e: Error) => {
      throw new BrokerError('VENUE_ERROR', `Tiger did not accept the order and fill subscription for account ${this.config.account}: ${e.message}`);
    });
  }

  async disconnect(): Promise<void> {
    this.rest.abortAll();
    await this.push.stop();
  }

  status(): VenueStatus {
    return { state: this.push.state, lastHeartbeatTs: this.push.lastHeartbeatTs, error: this.push.error };
  }

  onEvent(listener: (event: VenueEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  // ---- client order ids --------------------------------------------------------------------

  /** Called synchronously whenever a clientOrderId gets its Tiger id or its global order id; persist it. */
  onOrderIdAssigned(listener: (record: TigerOrderIdRecord) => void): () => void {
    this.idListeners.add(listener);
    return () => this.idListeners.delete(listener);
  }

  /** Every clientOrderId ↔ Tiger id record this connection knows. */
  orderIdRecords(): TigerOrderIdRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  // ---- account ---------------------------------------------------------------------------

  async accounts(): Promise<VenueAccount[]> {
    const data = await this.rest.call('accounts', {});
    const out: VenueAccount[] = [];
    for (const item of items(data)) {
      const id = str(item.account);
      if (!id) continue;
      const kind = accountKind(item.accountType);
      this.accountKinds.set(id, kind);
      const capability = str(item.capability);
      out.push({ id, env: kind === 'PAPER' ? 'SIMULATE' : 'REAL', label: accountLabel(kind, capability, str(item.status)) });
    }
    return out;
  }

  async funds(accountId: string): Promise<VenueFunds> {
    let kind = this.accountKinds.get(accountId);
    if (!kind) {
      await this.accounts();
      kind = this.accountKinds.get(accountId);
      if (!kind) throw new BrokerError('NOT_FOUND', `Tiger does not list account ${accountId} for this Tiger ID.`);
    }
    if (kind === 'GLOBAL') {
      const data = await this.rest.call('assets', { account: accountId }, { accountId });
      const item = items(data).find((i) => i.account === accountId) ?? items(data)[0];
      if (!item) throw new BrokerError('BAD_RESPONSE', `Tiger returned no funds for account ${accountId}.`);
      return {
        currency: str(item.currency) ?? 'USD',
        cash: num(item.cashValue ?? item.cash),
        nav: num(item.netLiquidation),
        marketValue: num(item.grossPositionValue),
        buyingPower: num(item.buyingPower),
      };
    }
    const data = (await this.rest.call('prime_assets', { account: accountId, base_currency: 'USD' }, { accountId })) as Rec | null;
    const segments = Array.isArray(data?.segments) ? (data.segments as Rec[]) : [];
    const securities = segments.find((s) => s.category === 'S') ?? segments[0];
    if (!securities) throw new BrokerError('BAD_RESPONSE', `Tiger returned no securities funds for account ${accountId}.`);
    return {
      currency: str(securities.currency) ?? 'USD',
      cash: num(securities.cashBalance),
      nav: num(securities.netLiquidation),
      marketValue: num(securities.grossPositionValue),
      buyingPower: num(securities.buyingPower),
    };
  }

  async positions(accountId: string): Promise<VenuePosition[]> {
    // Tiger's positions method answers one security type per call; stocks and options are two.
    const [stocks, options] = await Promise.all(
      (['STK', 'OPT'] as const).map((secType) => this.rest.call('positions', { account: accountId, sec_type: secType, ...US }, { accountId })),
    );
    const out: VenuePosition[] = [];
    for (const item of [...items(stocks), ...items(options)]) {
      const symbol = fromTigerContract(item);
      const qty = num(item.position ?? item.quantity);
      if (!symbol || qty === 0) continue;
      out.push({ symbol, qty, avgCost: num(item.averageCost) });
    }
    return out;
  }

  async openOrders(accountId: string): Promise<VenueOrder[]> {
    const data = await this.rest.call('active_orders', { account: accountId, ...US }, { accountId });
    return this.ordersFrom(data, accountId);
  }

  /** Working orders and those filled since the start of today (New York); cancelled ones Tiger lists elsewhere. */
  async todaysOrders(accountId: string): Promise<VenueOrder[]> {
    const today = localParts(this.now(), TIGER_TIMEZONE).date;
    const since = zonedTime(today, '00:00', TIGER_TIMEZONE);
    const [open, filled] = await Promise.all([this.openOrders(accountId), this.filledOrders(accountId, since, this.now())]);
    const seen = new Set(open.map((o) => o.brokerOrderId));
    return [...open, ...filled.filter((o) => !seen.has(o.brokerOrderId))];
  }

  /** Orders that filled between two instants (Tiger's filled_orders), for reconciliation. */
  async filledOrders(accountId: string, fromTs: number, toTs: number): Promise<VenueOrder[]> {
    const data = await this.rest.call('filled_orders', { account: accountId, start_date: fromTs, end_date: toTs, ...US }, { accountId });
    return this.ordersFrom(data, accountId);
  }

  async fills(accountId: string): Promise<VenueFill[]> {
    const today = localParts(this.now(), TIGER_TIMEZONE).date;
    const since = zonedTime(today, '00:00', TIGER_TIMEZONE);
    const data = await this.rest.call('order_transactions', { account: accountId, start_date: since, end_date: this.now(), limit: 1000, ...US }, { accountId });
    const out: VenueFill[] = [];
    for (const item of items(data)) {
      const fill = this.fillFromRest(item);
      if (!fill) continue;
      this.tracker.acceptFill(fill.fillId);
      out.push(fill);
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  // ---- orders ------------------------------------------------------------------------------

  placeOrder(accountId: string, request: VenueOrderRequest): Promise<{ brokerOrderId: string }> {
    const running = this.inFlight.get(request.clientOrderId);
    if (running) {
      if (this.placed.get(request.clientOrderId) !== orderFingerprint(accountId, request)) {
        return Promise.reject(new BrokerError('BAD_REQUEST', `Client order id ${request.clientOrderId} is already being placed for a different order; a new order needs a new id.`));
      }
      return running;
    }
    const attempt = this.placeOnce(accountId, request).finally(() => this.inFlight.delete(request.clientOrderId));
    this.inFlight.set(request.clientOrderId, attempt);
    return attempt;
  }

  private async placeOnce(accountId: string, request: VenueOrderRequest): Promise<{ brokerOrderId: string }> {
    const contract = validateOrder(request);
    const fingerprint = orderFingerprint(accountId, request);
    let record = this.records.get(request.clientOrderId);
    if (record && record.accountId !== accountId) {
      throw new BrokerError('BAD_REQUEST', `Client order id ${request.clientOrderId} was already used for account ${record.accountId}.`);
    }
    const previous = this.placed.get(request.clientOrderId);
    if (previous !== undefined && previous !== fingerprint) {
      throw new BrokerError('BAD_REQUEST', `Client order id ${request.clientOrderId} was already used for a different order; a new order needs a new id.`);
    }
    this.placed.set(request.clientOrderId, fingerprint);
    if (record?.brokerOrderId) return { brokerOrderId: record.brokerOrderId };

    if (record) {
      // An earlier attempt reserved this id; it may have reached Tiger. Look before placing.
      const found = await this.findByTigerOrderId(accountId, record.tigerOrderId);
      if (found) return { brokerOrderId: this.confirm(record, found) };
    } else {
      const data = (await this.rest.call('order_no', { account: accountId }, { accountId })) as Rec | null;
      const tigerOrderId = num(data?.orderId ?? data?.order_id, NaN);
      if (!Number.isSafeInteger(tigerOrderId) || tigerOrderId <= 0) {
        throw new BrokerError('BAD_RESPONSE', 'Tiger did not return an order id to reserve; nothing was placed.', `order_no data ${JSON.stringify(data)}`);
      }
      record = { clientOrderId: request.clientOrderId, accountId, tigerOrderId, brokerOrderId: null };
      this.remember(record);
      this.announce(record);
    }

    const biz: Record<string, unknown> = {
      account: accountId,
      order_id: record.tigerOrderId,
      ...contractBiz(contract),
      action: request.side,
      order_type: toTigerOrderType(request.orderType),
      total_quantity: request.qty,
      time_in_force: request.tif,
      outside_rth: request.outsideRth,
      user_mark: request.clientOrderId,
    };
    if (request.limitPrice !== undefined && (request.orderType === 'LIMIT' || request.orderType === 'STOP_LIMIT')) biz.limit_price = request.limitPrice;
    if (request.stopPrice !== undefined && (request.orderType === 'STOP' || request.orderType === 'STOP_LIMIT')) biz.aux_price = request.stopPrice;

    const maybePlaced = `Order ${request.clientOrderId} (${request.side} ${request.qty} ${request.symbol}) MAY have been placed at Tiger`;
    let data: Rec | null;
    try {
      data = (await this.rest.call('place_order', biz, { accountId, symbols: [request.symbol] })) as Rec | null;
    } catch (e) {
      if (e instanceof TigerTransportError && e.requestSent) {
        throw new BrokerError('DISCONNECTED', `Lost the connection to Tiger before it confirmed the order. ${maybePlaced}: check open orders before doing anything else; retrying with the same client order id is safe and cannot create a second order.`, e.venueDetail);
      }
      if (e instanceof BrokerError && e.code === 'BAD_RESPONSE') {
        throw new BrokerError('BAD_RESPONSE', `${e.message} ${maybePlaced}: check open orders; retrying with the same client order id is safe.`, e.venueDetail);
      }
      if (e instanceof BrokerError && e.venueDetail && isDuplicateOrderId(codeOf(e.venueDetail), e.venueDetail)) {
        const found = await this.findByTigerOrderId(accountId, record.tigerOrderId);
        if (found) return { brokerOrderId: this.confirm(record, found) };
        throw new BrokerError('VENUE_ERROR', `Tiger says order id ${record.tigerOrderId} is already used but shows no such order; check the account at Tiger before retrying.`, e.venueDetail);
      }
      throw e;
    }
    const brokerOrderId = idString(data?.id);
    const echoed = data?.orderId ?? data?.order_id;
    if (!brokerOrderId || (echoed !== undefined && num(echoed, NaN) !== record.tigerOrderId)) {
      throw new BrokerError('BAD_RESPONSE', `Tiger's confirmation does not match the order. ${maybePlaced}: check open orders; retrying with the same client order id is safe.`, `place_order data ${JSON.stringify(data)}`);
    }
    this.tifs.set(brokerOrderId, request.tif);
    return { brokerOrderId: this.confirm(record, { brokerOrderId }) };
  }

  async modifyOrder(accountId: string, brokerOrderId: string, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Promise<void> {
    if (change.qty !== undefined && !(Number.isSafeInteger(change.qty) && change.qty > 0)) throw new BrokerError('BAD_REQUEST', 'The new quantity must be a whole number above zero.');
    for (const [name, value] of [['limit', change.limitPrice], ['stop', change.stopPrice]] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new BrokerError('BAD_REQUEST', `The new ${name} price must be a number above zero.`);
    }
    const current = await this.fetchOrder(accountId, { id: brokerId(brokerOrderId) });
    if (!current) throw new BrokerError('NOT_FOUND', `Tiger has no order ${brokerOrderId} in account ${accountId}.`);
    const order = this.orderFromRest(current, accountId);
    if (!order) throw new BrokerError('BAD_RESPONSE', `Tiger describes order ${brokerOrderId} in a way Deltadeck cannot read; change it at Tiger.`);
    if (order.status === 'filled' || order.status === 'cancelled' || order.status === 'rejected' || order.status === 'expired') {
      throw new BrokerError('ORDER_REJECTED', `Order ${brokerOrderId} is ${order.status} and can no longer be changed.`);
    }
    const biz: Record<string, unknown> = {
      account: accountId,
      id: brokerId(brokerOrderId),
      ...contractBiz(toTigerContract(order.symbol)),
      action: order.side,
      order_type: toTigerOrderType(order.orderType),
      total_quantity: change.qty ?? order.qty,
      time_in_force: order.tif,
    };
    const limit = change.limitPrice ?? order.limitPrice;
    const stop = change.stopPrice ?? order.stopPrice;
    if (limit !== null && limit !== undefined) biz.limit_price = limit;
    if (stop !== null && stop !== undefined) biz.aux_price = stop;
    try {
      await this.rest.call('modify_order', biz, { accountId, symbols: [order.symbol] });
    } catch (e) {
      if (e instanceof TigerTransportError && e.requestSent) {
        throw new BrokerError('DISCONNECTED', `Lost the connection to Tiger before it confirmed the change to order ${brokerOrderId}; the change MAY have been applied. Check the order before changing it again.`, e.venueDetail);
      }
      throw e;
    }
  }

  async cancelOrder(accountId: string, brokerOrderId: string): Promise<void> {
    try {
      await this.rest.call('cancel_order', { account: accountId, id: brokerId(brokerOrderId) }, { accountId });
    } catch (e) {
      if (e instanceof TigerTransportError && e.requestSent) {
        throw new BrokerError('DISCONNECTED', `Lost the connection to Tiger before it confirmed the cancel of order ${brokerOrderId}; it MAY have been cancelled. Check open orders; cancelling again is harmless.`, e.venueDetail);
      }
      throw e;
    }
  }

  // ---- market data -----------------------------------------------------------------------

  async subscribeQuotes(symbols: readonly string[]): Promise<void> {
    const { stocks, options } = splitSymbols(symbols);
    for (const s of symbols) this.subscribed.add(s);
    try {
      await Promise.all([
        stocks.length > 0 ? this.push.subscribe(DataType.Quote, stocks) : undefined,
        options.length > 0 ? this.push.subscribe(DataType.Option, options.map(toTigerIdentifier)) : undefined,
      ]);
    } catch (e) {
      for (const s of symbols) this.subscribed.delete(s);
      throw new BrokerError('NO_QUOTE_RIGHT', `Tiger refused the quote subscription for ${symbols.join(', ')}: ${(e as Error).message}.`, (e as Error).message);
    }
  }

  async unsubscribeQuotes(symbols: readonly string[]): Promise<void> {
    const { stocks, options } = splitSymbols(symbols);
    for (const s of symbols) {
      this.subscribed.delete(s);
      this.quotes.delete(s);
    }
    await Promise.all([this.push.unsubscribe(DataType.Quote, stocks), this.push.unsubscribe(DataType.Option, options.map(toTigerIdentifier))]);
  }

  async quoteSnapshot(symbols: readonly string[]): Promise<VenueQuote[]> {
    const { stocks, options } = splitSymbols(symbols);
    const [stockData, optionData] = await Promise.all([
      stocks.length > 0 ? this.rest.call('quote_real_time', { symbols: stocks }, { symbols: stocks }) : [],
      options.length > 0
        ? this.rest.call('option_brief', { option_basic: options.map((o) => optionBasic(o)), ...US }, { symbols: options })
        : [],
    ]);
    const bySymbol = new Map<string, VenueQuote>();
    for (const item of list(stockData)) {
      const symbol = str(item.symbol);
      if (symbol && stocks.includes(symbol)) bySymbol.set(symbol, quoteFromRest(symbol, item, this.now()));
    }
    for (const item of list(optionData)) {
      const symbol = (str(item.identifier) && fromTigerIdentifier(item.identifier as string)) || fromTigerContract({ ...item, secType: 'OPT' });
      if (symbol && options.includes(symbol)) bySymbol.set(symbol, quoteFromRest(symbol, item, this.now()));
    }
    const missing = symbols.filter((s) => !bySymbol.has(s));
    if (missing.length > 0) throw new BrokerError('NOT_FOUND', `Tiger has no quote for ${missing.join(', ')}.`);
    return symbols.map((s) => bySymbol.get(s)!);
  }

  async bars(symbol: string, period: '1d' | '1m', fromTs: number, toTs: number): Promise<VenueBar[]> {
    const contract = toTigerContract(symbol);
    if (contract.secType !== 'STK') throw new BrokerError('BAD_REQUEST', 'Price history for options is not available through the Tiger connection yet; ask for the underlying.');
    if (!(Number.isFinite(fromTs) && Number.isFinite(toTs) && fromTs <= toTs)) throw new BrokerError('BAD_REQUEST', 'The history range must start before it ends.');
    const data = await this.rest.call(
      'kline',
      { symbols: [symbol], period: period === '1d' ? 'day' : '1min', begin_time: fromTs, end_time: toTs, right: 'br', limit: 1200 },
      { symbols: [symbol] },
    );
    const series = list(data).find((s) => s.symbol === symbol);
    const bars: VenueBar[] = [];
    for (const item of Array.isArray(series?.items) ? (series.items as Rec[]) : []) {
      const ts = num(item.time, NaN);
      if (!Number.isFinite(ts) || ts < fromTs || ts > toTs) continue;
      bars.push({ ts, open: num(item.open), high: num(item.high), low: num(item.low), close: num(item.close), volume: num(item.volume) });
    }
    return bars.sort((a, b) => a.ts - b.ts);
  }

  async optionExpirations(underlying: string): Promise<string[]> {
    if (toTigerContract(underlying).secType !== 'STK') throw new BrokerError('BAD_REQUEST', `${underlying} is an option; expiries are listed for an underlying such as AAPL.`);
    const data = await this.rest.call('option_expiration', { symbols: [underlying], ...US }, { symbols: [underlying] });
    const entry = list(data).find((e) => e.symbol === underlying);
    if (!entry) throw new BrokerError('NOT_FOUND', `Tiger lists no options on ${underlying}.`);
    const dates = Array.isArray(entry.dates) ? entry.dates : Array.isArray(entry.timestamps) ? entry.timestamps : [];
    return [...new Set(dates.map((d) => tigerExpiryToIso(d)).filter((d): d is string => d !== undefined))].sort();
  }

  async optionChain(underlying: string, expiry: string): Promise<VenueOptionContract[]> {
    if (toTigerContract(underlying).secType !== 'STK') throw new BrokerError('BAD_REQUEST', `${underlying} is an option; ask for the chain of its underlying.`);
    const expiryMs = expiryToTigerMs(expiry);
    const data = await this.rest.call(
      'option_chain',
      { option_basic: [{ symbol: underlying, expiry: expiryMs }], return_greek_value: true, ...US },
      { version: '3.0', symbols: [underlying] },
    );
    const out: VenueOptionContract[] = [];
    const now = this.now();
    for (const entry of list(data)) {
      if (entry.symbol !== underlying) continue;
      for (const row of Array.isArray(entry.items) ? (entry.items as Rec[]) : []) {
        for (const leg of [row.call, row.put]) {
          if (!leg || typeof leg !== 'object') continue;
          const contract = optionFromChain(underlying, expiry, leg as Rec, now);
          if (contract) out.push(contract);
        }
      }
    }
    return out.sort((a, b) => a.strike - b.strike || a.right.localeCompare(b.right));
  }

  // ---- pushes ------------------------------------------------------------------------------

  private onPush(data: PushDataMessage): void {
    if (data.quoteData) this.onQuotePush(data.quoteData);
    if (data.orderStatusData) this.onOrderPush(data.orderStatusData);
    if (data.orderTransactionData) this.onFillPush(data.orderTransactionData);
  }

  private onQuotePush(q: QuoteDataMessage): void {
    const symbol = (q.identifier && fromTigerIdentifier(q.identifier)) || fromTigerIdentifier(q.symbol) || q.symbol;
    if (!this.subscribed.has(symbol)) return;
    const prev = this.quotes.get(symbol) ?? { symbol, bid: 0, ask: 0, last: 0, bidSize: 0, askSize: 0, prevClose: 0, volume: 0, ts: 0 };
    const ts = num(q.timestamp, this.now());
    if (ts < prev.ts) return; // an older push than what is shown
    const next: VenueQuote = {
      symbol,
      bid: q.bidPrice ?? prev.bid,
      ask: q.askPrice ?? prev.ask,
      last: q.latestPrice ?? prev.last,
      bidSize: q.bidSize !== undefined ? num(q.bidSize) : prev.bidSize,
      askSize: q.askSize !== undefined ? num(q.askSize) : prev.askSize,
      prevClose: q.preClose ?? prev.prevClose,
      volume: q.volume !== undefined ? num(q.volume) : prev.volume,
      ts,
    };
    this.quotes.set(symbol, next);
    this.emit({ type: 'quote', quote: next });
  }

  private onOrderPush(o: OrderStatusMessage): void {
    // proto3 leaves zero quantities off the wire; the push's stopPrice is the REST replies' auxPrice.
    const order = this.orderFromRecord({
      ...o,
      totalQuantity: o.totalQuantity ?? 0,
      filledQuantity: o.filledQuantity ?? 0,
      auxPrice: o.stopPrice,
      reason: o.errorMsg,
      updateTime: o.timestamp,
    });
    if (!order || !this.tracker.acceptOrder(order)) return;
    this.emit({ type: 'order', accountId: o.account, order });
  }

  private onFillPush(t: OrderTransactionMessage): void {
    const fillId = idString(t.id);
    const brokerOrderId = idString(t.orderId);
    const symbol = fromTigerContract({ symbol: t.symbol, secType: t.secType, identifier: t.identifier });
    const side = tigerSide(t.action);
    const qty = num(t.filledQuantity);
    if (!fillId || !brokerOrderId || !symbol || !side || qty <= 0) return;
    if (!this.tracker.acceptFill(fillId)) return;
    const fill: VenueFill = {
      fillId,
      brokerOrderId,
      clientOrderId: this.byBrokerId.get(brokerOrderId)?.clientOrderId ?? null,
      symbol,
      side,
      qty,
      price: num(t.filledPrice),
      commission: 0,
      ts: num(t.transactTime ?? t.timestamp, this.now()),
    };
    this.emit({ type: 'fill', accountId: t.account, fill });
  }

  // ---- helpers -----------------------------------------------------------------------------

  private emit(event: VenueEvent): void {
    for (const listener of this.events.listeners('event')) {
      try {
        (listener as (e: VenueEvent) => void)(event);
      } catch {
        // a listener's failure must not stop the others or the socket
      }
    }
  }

  private remember(record: TigerOrderIdRecord): void {
    this.records.set(record.clientOrderId, record);
    this.byTigerId.set(`${record.accountId}|${record.tigerOrderId}`, record);
    if (record.brokerOrderId) this.byBrokerId.set(record.brokerOrderId, record);
  }

  private announce(record: TigerOrderIdRecord): void {
    for (const listener of this.idListeners) listener({ ...record });
  }

  private confirm(record: TigerOrderIdRecord, found: { brokerOrderId: string }): string {
    record.brokerOrderId = found.brokerOrderId;
    this.remember(record);
    this.announce(record);
    return found.brokerOrderId;
  }

  private async findByTigerOrderId(accountId: string, tigerOrderId: number): Promise<{ brokerOrderId: string } | undefined> {
    const found = await this.fetchOrder(accountId, { order_id: tigerOrderId });
    const id = found ? idString(found.id) : undefined;
    return id ? { brokerOrderId: id } : undefined;
  }

  /** One order by global id or per-account id; undefined when Tiger has none. */
  private async fetchOrder(accountId: string, key: { id: bigint } | { order_id: number }): Promise<Rec | undefined> {
    let data: unknown;
    try {
      data = await this.rest.call('orders', { account: accountId, ...key }, { accountId });
    } catch (e) {
      if (e instanceof BrokerError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
    if (data && typeof data === 'object' && !Array.isArray(data) && 'symbol' in data) return data as Rec;
    return items(data)[0];
  }

  private ordersFrom(data: unknown, accountId: string): VenueOrder[] {
    const out: VenueOrder[] = [];
    for (const item of items(data)) {
      const order = this.orderFromRest(item, accountId);
      if (!order) continue;
      this.tracker.acceptOrder(order);
      out.push(order);
    }
    return out;
  }

  private orderFromRest(item: Rec, accountId: string): VenueOrder | undefined {
    const record = this.byTigerId.get(`${accountId}|${num(item.orderId, NaN)}`);
    const id = idString(item.id);
    if (record && id && !record.brokerOrderId) this.confirm(record, { brokerOrderId: id });
    return this.orderFromRecord(item);
  }

  private orderFromRecord(item: Rec): VenueOrder | undefined {
    const brokerOrderId = idString(item.id);
    const symbol = fromTigerContract(item);
    const side = tigerSide(item.action);
    const orderType = fromTigerOrderType(item.orderType);
    const filledQty = num(item.filledQuantity);
    const status = fromTigerStatus(item.status, filledQty);
    if (!brokerOrderId || !symbol || !side || !orderType || !status) return undefined;
    const limit = num(item.limitPrice, NaN);
    const stop = num(item.auxPrice ?? item.stopPrice, NaN);
    const reason = str(item.reason) ?? str(item.remark) ?? str(item.errorMsg);
    return {
      brokerOrderId,
      clientOrderId: this.byBrokerId.get(brokerOrderId)?.clientOrderId ?? str(item.userMark) ?? null,
      symbol,
      side,
      qty: num(item.totalQuantity ?? item.quantity),
      filledQty,
      avgFillPrice: num(item.avgFillPrice),
      orderType,
      limitPrice: (orderType === 'LIMIT' || orderType === 'STOP_LIMIT') && limit > 0 ? limit : null,
      stopPrice: (orderType === 'STOP' || orderType === 'STOP_LIMIT') && stop > 0 ? stop : null,
      tif: item.timeInForce !== undefined ? fromTigerTif(item.timeInForce) : (this.tifs.get(brokerOrderId) ?? 'DAY'),
      status,
      ...(reason && (status === 'rejected' || status === 'cancelled' || status === 'expired') ? { reason } : {}),
      updatedTs: num(item.updateTime ?? item.latestTime ?? item.openTime, this.now()),
    };
  }

  private fillFromRest(item: Rec): VenueFill | undefined {
    const fillId = idString(item.id);
    const brokerOrderId = idString(item.orderId);
    const symbol = fromTigerContract(item);
    const side = tigerSide(item.action);
    const qty = num(item.filledQuantity);
    if (!fillId || !brokerOrderId || !symbol || !side || qty <= 0) return undefined;
    return {
      fillId,
      brokerOrderId,
      clientOrderId: this.byBrokerId.get(brokerOrderId)?.clientOrderId ?? null,
      symbol,
      side,
      qty,
      price: num(item.filledPrice),
      commission: num(item.commission),
      ts: num(item.transactionTime ?? item.transactedAt, this.now()),
    };
  }
}

// ---- module helpers ---------------------------------------------------------------------

function items(data: unknown): Rec[] {
  if (Array.isArray(data)) return data.filter(isRec);
  if (isRec(data) && Array.isArray(data.items)) return data.items.filter(isRec);
  return [];
}

function list(data: unknown): Rec[] {
  return Array.isArray(data) ? data.filter(isRec) : items(data);
}

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function accountKind(type: unknown): AccountKind {
  const t = typeof type === 'string' ? type.toUpperCase() : '';
  if (t === 'GLOBAL') return 'GLOBAL';
  if (t === 'PAPER') return 'PAPER';
  return 'PRIME';
}

function accountLabel(kind: AccountKind, capability: string | undefined, status: string | undefined): string {
  const name = kind === 'GLOBAL' ? 'Tiger global account' : kind === 'PAPER' ? 'Tiger paper account' : 'Tiger prime account';
  const cap = capability === 'CASH' ? 'cash' : capability === 'MGRN' ? 'Reg T margin' : capability === 'PMGRN' ? 'portfolio margin' : capability;
  return [name, cap, status && status !== 'Funded' && status !== 'Open' ? status.toLowerCase() : undefined].filter(Boolean).join(', ');
}

function splitSymbols(symbols: readonly string[]): { stocks: string[]; options: string[] } {
  const stocks: string[] = [];
  const options: string[] = [];
  for (const s of symbols) (toTigerContract(s).secType === 'OPT' ? options : stocks).push(s);
  return { stocks, options };
}

function contractBiz(contract: TigerContract): Record<string, unknown> {
  const out: Record<string, unknown> = { symbol: contract.symbol, sec_type: contract.secType, ...US };
  if (contract.secType === 'OPT') {
    out.expiry = contract.expiry;
    out.strike = contract.strike;
    out.right = contract.right;
    out.multiplier = contract.multiplier;
  }
  return out;
}

function optionBasic(occ: string): Record<string, unknown> {
  const o = parseOcc(occ)!;
  return { symbol: o.underlying, expiry: expiryToTigerMs(o.expiry), right: o.right === 'C' ? 'CALL' : 'PUT', strike: String(o.strike) };
}

function brokerId(brokerOrderId: string): bigint {
  if (!/^\d{1,20}$/.test(brokerOrderId)) throw new BrokerError('BAD_REQUEST', `"${brokerOrderId}" is not a Tiger order id.`);
  return BigInt(brokerOrderId);
}

function codeOf(detail: string): number {
  const m = /code (-?\d+)/.exec(detail);
  return m ? Number(m[1]) : NaN;
}

function validateOrder(request: VenueOrderRequest): TigerContract {
  if (typeof request.clientOrderId !== 'string' || request.clientOrderId.trim() === '' || request.clientOrderId.length > 64) {
    throw new BrokerError('BAD_REQUEST', 'Every order needs a client order id (1–64 characters).');
  }
  const contract = toTigerContract(request.symbol);
  if (request.side !== 'BUY' && request.side !== 'SELL') throw new BrokerError('BAD_REQUEST', 'The order side must be BUY or SELL.');
  if (!(Number.isSafeInteger(request.qty) && request.qty > 0)) throw new BrokerError('BAD_REQUEST', `The quantity must be a whole number above zero (got ${request.qty}).`);
  const needsLimit = request.orderType === 'LIMIT' || request.orderType === 'STOP_LIMIT';
  const needsStop = request.orderType === 'STOP' || request.orderType === 'STOP_LIMIT';
  if (needsLimit && !(typeof request.limitPrice === 'number' && Number.isFinite(request.limitPrice) && request.limitPrice > 0)) {
    throw new BrokerError('BAD_REQUEST', `A ${request.orderType.toLowerCase().replace('_', '-')} order needs a limit price above zero.`);
  }
  if (needsStop && !(typeof request.stopPrice === 'number' && Number.isFinite(request.stopPrice) && request.stopPrice > 0)) {
    throw new BrokerError('BAD_REQUEST', `A ${request.orderType.toLowerCase().replace('_', '-')} order needs a stop price above zero.`);
  }
  if (request.tif === 'IOC') throw new BrokerError('BAD_REQUEST', 'Tiger does not accept immediate-or-cancel (IOC) orders for US securities; use DAY or GTC.');
  if (request.tif !== 'DAY' && request.tif !== 'GTC') throw new BrokerError('BAD_REQUEST', 'The time in force must be DAY or GTC.');
  return contract;
}

function orderFingerprint(accountId: string, r: VenueOrderRequest): string {
  return JSON.stringify([accountId, r.symbol, r.side, r.qty, r.orderType, r.limitPrice ?? null, r.stopPrice ?? null, r.tif, r.outsideRth]);
}

function quoteFromRest(symbol: string, item: Rec, now: number): VenueQuote {
  return {
    symbol,
    bid: num(item.bidPrice),
    ask: num(item.askPrice),
    last: num(item.latestPrice),
    bidSize: num(item.bidSize),
    askSize: num(item.askSize),
    prevClose: num(item.preClose),
    volume: num(item.volume),
    ts: num(item.latestTime ?? item.timestamp, now),
  };
}

/**
 * One chain leg. Greeks are passed on as Tiger reports them per share: delta, gamma, theta per
 * calendar day, vega and rho per 1 percentage point (Tiger's app convention; the live API's units
 * are not verified here), implied vol as a fraction.
 */
function optionFromChain(underlying: string, expiry: string, leg: Rec, now: number): VenueOptionContract | undefined {
  const right = tigerRightToOption(leg.right);
  const strike = num(leg.strike, NaN);
  if (!right || !Number.isFinite(strike) || strike <= 0) return undefined;
  const symbol = (str(leg.identifier) && fromTigerIdentifier(leg.identifier as string)) || fromTigerContract({ symbol: underlying, secType: 'OPT', expiry, strike, right });
  if (!symbol) return undefined;
  const hasGreeks = ['delta', 'gamma', 'theta', 'vega'].some((k) => typeof leg[k] === 'number' || typeof leg[k] === 'string');
  return {
    symbol,
    underlying,
    right,
    strike,
    expiry,
    multiplier: num(leg.multiplier, 100),
    quote: quoteFromRest(symbol, leg, now),
    ...(hasGreeks
      ? { greeks: { iv: num(leg.impliedVol), delta: num(leg.delta), gamma: num(leg.gamma), vega: num(leg.vega), theta: num(leg.theta), rho: num(leg.rho) } }
      : {}),
  };
}
