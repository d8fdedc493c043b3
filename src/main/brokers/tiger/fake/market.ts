// The fake Tiger gateway's world: a small US market (stock quotes, option chains priced with
// Black-Scholes and carrying Greeks, deterministic klines) and brokerage accounts (cash,
// positions, orders that fill against the quotes — partially when the displayed size is short —
// and fills). Everything Tiger would push (quotes, order status, transactions) is announced to a
// listener so the push server can send it. Records are kept in Tiger's shapes (camelCase fields,
// `YYYYMMDD` expiries, 64-bit global order ids as bigint).
import { blackScholes } from '../../../pricing/black-scholes.js';
import { addDays, dayOfWeek, localParts, zonedTime } from '../../../marketdata/calendar.js';
import { occSymbol, parseOcc } from '../../../../shared/instruments.js';
import { expiryToTigerMs, formatTigerStrike, TIGER_TIMEZONE, toTigerIdentifier } from '../symbols.js';

export class FakeTigerError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
  }
}

export interface FakeStockQuote {
  bid: number;
  ask: number;
  last: number;
  prevClose: number;
  bidSize: number;
  askSize: number;
  volume: number;
  /** Volatility the option chain is priced at. */
  vol: number;
  ts: number;
}

export type FakeAccountType = 'STANDARD' | 'GLOBAL' | 'PAPER';

export interface FakeOrder {
  id: bigint;
  orderId: number;
  account: string;
  symbol: string;
  secType: 'STK' | 'OPT';
  expiry?: string;
  strike?: string;
  right?: 'CALL' | 'PUT';
  identifier?: string;
  multiplier: number;
  action: 'BUY' | 'SELL';
  orderType: 'MKT' | 'LMT' | 'STP' | 'STP_LMT';
  totalQuantity: number;
  filledQuantity: number;
  avgFillPrice: number;
  limitPrice?: number;
  auxPrice?: number;
  timeInForce: string;
  outsideRth: boolean;
  status: 'Initial' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive' | 'Invalid';
  reason?: string;
  userMark?: string;
  commission: number;
  openTime: number;
  updateTime: number;
  /** The Deltadeck symbol, for matching against quotes. */
  key: string;
}

export interface FakeTransaction {
  id: bigint;
  orderId: bigint;
  accountId: string;
  symbol: string;
  secType: 'STK' | 'OPT';
  expiry?: string;
  strike?: string;
  right?: 'CALL' | 'PUT';
  identifier?: string;
  multiplier: number;
  action: 'BUY' | 'SELL';
  filledQuantity: number;
  filledPrice: number;
  filledAmount: number;
  commission: number;
  transactionTime: number;
}

export interface FakePosition {
  qty: number;
  avgCost: number;
}

export interface FakeAccount {
  account: string;
  accountType: FakeAccountType;
  capability: 'CASH' | 'MGRN';
  cash: number;
  positions: Map<string, FakePosition>;
  orders: Map<bigint, FakeOrder>;
  transactions: FakeTransaction[];
  nextOrderNo: number;
  reserved: Set<number>;
}

export type MarketEvent =
  | { kind: 'quote'; symbol: string; identifier?: string; quote: FakeStockQuote }
  | { kind: 'order'; order: FakeOrder }
  | { kind: 'transaction'; transaction: FakeTransaction };

export interface FakeMarketOptions {
  now?: () => number;
  /** Accounts: the first is the one a test usually trades in. */
  accounts?: Array<{ account: string; accountType: FakeAccountType; cash: number }>;
}

const DEFAULT_STOCKS: Record<string, { last: number; vol: number }> = {
  AAPL: { last: 230, vol: 0.28 },
  SPY: { last: 600, vol: 0.16 },
  NVDA: { last: 140, vol: 0.5 },
};

const RATE = 0.04;
const STOCK_COMMISSION = (qty: number, value: number) => Math.min(Math.max(1, qty * 0.005), value * 0.01);
const OPTION_COMMISSION = (qty: number) => Math.max(1, qty * 0.65);

export class FakeTigerMarket {
  readonly stocks = new Map<string, FakeStockQuote>();
  readonly accounts = new Map<string, FakeAccount>();
  marketOpen = true;
  private nextGlobalId = 40_000_000_000_000_001n;
  private nextTransactionId = 50_000_000_000_000_001n;
  private readonly listeners = new Set<(event: MarketEvent) => void>();
  private readonly now: () => number;

  constructor(options: FakeMarketOptions = {}) {
    this.now = options.now ?? Date.now;
    for (const [symbol, { last, vol }] of Object.entries(DEFAULT_STOCKS)) {
      this.stocks.set(symbol, { bid: round2(last - 0.05), ask: round2(last + 0.05), last, prevClose: round2(last * 0.99), bidSize: 500, askSize: 500, volume: 1_000_000, vol, ts: this.now() });
    }
    const accounts = options.accounts ?? [
      { account: 'U1234567', accountType: 'STANDARD', cash: 100_000 },
      { account: 'G7654321', accountType: 'GLOBAL', cash: 25_000 },
    ];
    for (const a of accounts) {
      this.accounts.set(a.account, {
        account: a.account,
        accountType: a.accountType,
        capability: a.accountType === 'GLOBAL' ? 'CASH' : 'MGRN',
        cash: a.cash,
        positions: new Map(),
        orders: new Map(),
        transactions: [],
        nextOrderNo: 1,
        reserved: new Set(),
      });
    }
  }

  onEvent(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  account(id: unknown): FakeAccount {
    const account = typeof id === 'string' ? this.accounts.get(id) : undefined;
    if (!account) throw new FakeTigerError(1010, `account ${String(id)} not found`);
    return account;
  }

  // ---- quotes ------------------------------------------------------------------------

  /** Moves a stock's quote; pushes it (and its options' quotes to their subscribers) and re-matches working orders. */
  setQuote(symbol: string, change: Partial<Omit<FakeStockQuote, 'ts'>>): void {
    const q = this.stocks.get(symbol);
    if (!q) throw new Error(`the fake market has no stock ${symbol}`);
    Object.assign(q, change, { ts: Math.max(this.now(), q.ts + 1) });
    this.emit({ kind: 'quote', symbol, quote: { ...q } });
    for (const account of this.accounts.values()) this.matchAll(account);
  }

  /** A quote for a Deltadeck symbol (stock or OCC option); undefined for unknown symbols. */
  quote(symbol: string): FakeStockQuote | undefined {
    const stock = this.stocks.get(symbol);
    if (stock) return stock;
    const o = parseOcc(symbol);
    if (!o) return undefined;
    const u = this.stocks.get(o.underlying);
    if (!u || !this.expiries(o.underlying).includes(o.expiry)) return undefined;
    const priced = this.priceOption(o.underlying, o.expiry, o.right, o.strike);
    if (!priced) return undefined;
    return { ...priced.quote };
  }

  /** Upcoming expiries: the next four Fridays (New York dates). */
  expiries(underlying: string): string[] {
    if (!this.stocks.has(underlying)) return [];
    let date = localParts(this.now(), TIGER_TIMEZONE).date;
    const out: string[] = [];
    while (out.length < 4) {
      date = addDays(date, 1);
      if (dayOfWeek(date) === 5) out.push(date);
    }
    return out;
  }

  strikes(underlying: string): number[] {
    const spot = this.stocks.get(underlying)?.last;
    if (!spot) return [];
    const step = spot >= 300 ? 10 : 5;
    const atm = Math.round(spot / step) * step;
    return Array.from({ length: 11 }, (_, i) => atm + (i - 5) * step).filter((k) => k > 0);
  }

  /** Black-Scholes price, a quote around it and Tiger-style Greeks (theta per day, vega and rho per 1%). */
  priceOption(underlying: string, expiry: string, right: 'C' | 'P', strike: number) {
    const u = this.stocks.get(underlying);
    if (!u || !this.strikes(underlying).includes(strike)) return undefined;
    const expiresAt = zonedTime(expiry, '16:00', TIGER_TIMEZONE);
    const t = Math.max((expiresAt - this.now()) / (365 * 86_400_000), 1 / (365 * 24));
    const vol = u.vol * (1 + 0.3 * Math.abs(Math.log(strike / u.last)));
    const bs = blackScholes({ right, spot: u.last, strike, t, r: RATE, q: 0, vol });
    const mid = Math.max(bs.price, 0.01);
    const half = Math.max(0.01, round2(mid * 0.01));
    const quote: FakeStockQuote = {
      bid: round2(Math.max(0.01, mid - half)),
      ask: round2(mid + half),
      last: round2(mid),
      prevClose: round2(mid * 1.01),
      bidSize: 50,
      askSize: 50,
      volume: 1200,
      vol,
      ts: u.ts,
    };
    return { quote, greeks: { impliedVol: vol, delta: bs.delta, gamma: bs.gamma, theta: bs.theta / 365, vega: bs.vega / 100, rho: bs.rho / 100 } };
  }

  /** Deterministic bars: daily bars at New York midnight on weekdays, or 1-minute bars. */
  klines(symbol: string, period: 'day' | '1min', begin: number, end: number, limit: number) {
    const u = this.stocks.get(symbol);
    if (!u) throw new FakeTigerError(1000, `invalid symbols: ${symbol}`);
    const bars: Array<{ time: number; open: number; high: number; low: number; close: number; volume: number; amount: number }> = [];
    const stepMs = period === 'day' ? 86_400_000 : 60_000;
    let t = period === 'day' ? zonedTime(localParts(begin, TIGER_TIMEZONE).date, '00:00', TIGER_TIMEZONE) : Math.ceil(begin / stepMs) * stepMs;
    while (t <= end && bars.length < limit) {
      const date = localParts(t, TIGER_TIMEZONE).date;
      if (period === '1min' || (dayOfWeek(date) !== 0 && dayOfWeek(date) !== 6)) {
        if (t >= begin) {
          const n = Math.floor(t / stepMs);
          const close = round2(u.last * (1 + 0.05 * Math.sin(n / 7) + 0.01 * Math.sin(n * 1.3)));
          const open = round2(u.last * (1 + 0.05 * Math.sin((n - 1) / 7) + 0.01 * Math.sin((n - 1) * 1.3)));
          bars.push({ time: t, open, high: round2(Math.max(open, close) * 1.004), low: round2(Math.min(open, close) * 0.996), close, volume: 100_000 + (n % 997) * 100, amount: 0 });
        }
      }
      t = period === 'day' ? zonedTime(addDays(localParts(t, TIGER_TIMEZONE).date, 1), '00:00', TIGER_TIMEZONE) : t + stepMs;
    }
    return bars;
  }

  // ---- orders ------------------------------------------------------------------------

  reserveOrderNo(accountId: unknown): number {
    const account = this.account(accountId);
    const id = account.nextOrderNo++;
    account.reserved.add(id);
    return id;
  }

  /** place_order: validates like Tiger, rejects a reused order id, then matches against the quote. */
  placeOrder(biz: Record<string, unknown>): FakeOrder {
    const account = this.account(biz.account);
    const orderId = Number(biz.order_id);
    if (!Number.isSafeInteger(orderId) || !account.reserved.has(orderId)) throw new FakeTigerError(1010, `order_id ${String(biz.order_id)} was not reserved with order_no`);
    if ([...account.orders.values()].some((o) => o.orderId === orderId)) throw new FakeTigerError(1200, 'standard account response error(TRADE DUPLICATE ORDER ID)');
    const contract = this.contractOf(biz);
    const action = biz.action === 'BUY' || biz.action === 'SELL' ? biz.action : undefined;
    const orderType = ['MKT', 'LMT', 'STP', 'STP_LMT'].includes(biz.order_type as string) ? (biz.order_type as FakeOrder['orderType']) : undefined;
    const qty = Number(biz.total_quantity);
    if (!action || !orderType || !Number.isSafeInteger(qty) || qty <= 0) throw new FakeTigerError(1010, 'biz param error: action, order_type and total_quantity are required');
    const limitPrice = biz.limit_price === undefined ? undefined : Number(biz.limit_price);
    const auxPrice = biz.aux_price === undefined ? undefined : Number(biz.aux_price);
    if ((orderType === 'LMT' || orderType === 'STP_LMT') && !(limitPrice! > 0)) throw new FakeTigerError(1010, 'biz param error: limit_price is required');
    if ((orderType === 'STP' || orderType === 'STP_LMT') && !(auxPrice! > 0)) throw new FakeTigerError(1010, 'biz param error: aux_price is required');
    if (!this.marketOpen) throw new FakeTigerError(1200, 'standard account response error(bad_request:Orders cannot be place at this moment, market is closed)');
    const quote = this.quote(contract.key)!;
    const price = orderType === 'LMT' || orderType === 'STP_LMT' ? limitPrice! : action === 'BUY' ? quote.ask : quote.bid;
    if (action === 'BUY' && qty * price * contract.multiplier > this.buyingPower(account)) {
      throw new FakeTigerError(1200, `standard account response error(bad_request:Insufficient buying power, order value ${round2(qty * price * contract.multiplier)} exceeds buying power ${round2(this.buyingPower(account))})`);
    }
    const now = this.now();
    const order: FakeOrder = {
      id: this.nextGlobalId++,
      orderId,
      account: account.account,
      ...contract.fields,
      multiplier: contract.multiplier,
      action,
      orderType,
      totalQuantity: qty,
      filledQuantity: 0,
      avgFillPrice: 0,
      ...(limitPrice !== undefined ? { limitPrice } : {}),
      ...(auxPrice !== undefined ? { auxPrice } : {}),
      timeInForce: typeof biz.time_in_force === 'string' ? biz.time_in_force : 'DAY',
      outsideRth: biz.outside_rth === true,
      status: 'Submitted',
      ...(typeof biz.user_mark === 'string' ? { userMark: biz.user_mark } : {}),
      commission: 0,
      openTime: now,
      updateTime: now,
      key: contract.key,
    };
    account.orders.set(order.id, order);
    this.emit({ kind: 'order', order: { ...order } });
    this.match(account, order);
    return order;
  }

  findOrder(accountId: unknown, key: { id?: unknown; order_id?: unknown }): FakeOrder | undefined {
    const account = this.account(accountId);
    if (key.id !== undefined) return account.orders.get(BigInt(String(key.id)));
    const orderId = Number(key.order_id);
    return [...account.orders.values()].find((o) => o.orderId === orderId);
  }

  modifyOrder(biz: Record<string, unknown>): FakeOrder {
    const order = this.findOrder(biz.account, { id: biz.id });
    if (!order) throw new FakeTigerError(1200, 'standard account response error(order not found)');
    if (!isWorking(order)) throw new FakeTigerError(1200, `standard account response error(order is ${order.status}, cannot be modified)`);
    const qty = biz.total_quantity === undefined ? order.totalQuantity : Number(biz.total_quantity);
    if (!Number.isSafeInteger(qty) || qty < order.filledQuantity || qty <= 0) throw new FakeTigerError(1010, 'biz param error: total_quantity');
    order.totalQuantity = qty;
    if (biz.limit_price !== undefined) order.limitPrice = Number(biz.limit_price);
    if (biz.aux_price !== undefined) order.auxPrice = Number(biz.aux_price);
    order.updateTime = Math.max(this.now(), order.updateTime + 1);
    this.emit({ kind: 'order', order: { ...order } });
    this.match(this.account(biz.account), order);
    return order;
  }

  cancelOrder(biz: Record<string, unknown>): FakeOrder {
    const order = this.findOrder(biz.account, { id: biz.id, order_id: biz.order_id });
    if (!order) throw new FakeTigerError(1200, 'standard account response error(order not found)');
    if (!isWorking(order)) throw new FakeTigerError(1200, `standard account response error(order already ${order.status.toLowerCase()}, cannot be cancelled)`);
    order.status = 'Cancelled';
    order.reason = 'Cancelled by user';
    order.updateTime = Math.max(this.now(), order.updateTime + 1);
    this.emit({ kind: 'order', order: { ...order } });
    return order;
  }

  buyingPower(account: FakeAccount): number {
    return account.capability === 'MGRN' ? account.cash * 2 : account.cash;
  }

  marketValue(account: FakeAccount): number {
    let value = 0;
    for (const [symbol, p] of account.positions) value += p.qty * (this.quote(symbol)?.last ?? p.avgCost) * (parseOcc(symbol) ? 100 : 1);
    return value;
  }

  // ---- internals ---------------------------------------------------------------------

  private contractOf(biz: Record<string, unknown>): { key: string; multiplier: number; fields: Pick<FakeOrder, 'symbol' | 'secType' | 'expiry' | 'strike' | 'right' | 'identifier'> } {
    const symbol = typeof biz.symbol === 'string' ? biz.symbol : '';
    if (biz.sec_type === 'OPT') {
      const expiry = typeof biz.expiry === 'string' && /^\d{8}$/.test(biz.expiry) ? `${biz.expiry.slice(0, 4)}-${biz.expiry.slice(4, 6)}-${biz.expiry.slice(6)}` : '';
      const right = biz.right === 'CALL' || biz.right === 'PUT' ? biz.right : undefined;
      const strike = Number(biz.strike);
      if (!expiry || !right || !(strike > 0)) throw new FakeTigerError(1010, 'biz param error: expiry, strike and right are required for options');
      const key = occSymbol(symbol, expiry, right === 'CALL' ? 'C' : 'P', strike);
      if (!this.quote(key)) throw new FakeTigerError(1000, `invalid symbols: ${toTigerIdentifier(key)}`);
      return { key, multiplier: 100, fields: { symbol, secType: 'OPT', expiry: expiry.replaceAll('-', ''), strike: formatTigerStrike(strike), right, identifier: toTigerIdentifier(key) } };
    }
    if (!this.stocks.has(symbol)) throw new FakeTigerError(1000, `invalid symbols: ${symbol || '(empty)'}`);
    return { key: symbol, multiplier: 1, fields: { symbol, secType: 'STK' } };
  }

  private matchAll(account: FakeAccount): void {
    for (const order of account.orders.values()) if (isWorking(order)) this.match(account, order);
  }

  /** Fills what the touch allows: market orders at the touch, limits when the touch crosses, up to displayed size. */
  private match(account: FakeAccount, order: FakeOrder): void {
    if (!isWorking(order) || !this.marketOpen) return;
    const q = this.quote(order.key);
    if (!q) return;
    const touch = order.action === 'BUY' ? q.ask : q.bid;
    const size = order.action === 'BUY' ? q.askSize : q.bidSize;
    if (order.orderType === 'STP' || order.orderType === 'STP_LMT') {
      const triggered = order.action === 'BUY' ? q.last >= order.auxPrice! : q.last <= order.auxPrice!;
      if (!triggered) return;
    }
    if (order.orderType === 'LMT' || order.orderType === 'STP_LMT') {
      const crosses = order.action === 'BUY' ? touch <= order.limitPrice! : touch >= order.limitPrice!;
      if (!crosses) return;
    }
    const qty = Math.min(order.totalQuantity - order.filledQuantity, size);
    if (qty <= 0) return;
    const now = Math.max(this.now(), order.updateTime + 1);
    const value = qty * touch * order.multiplier;
    const commission = round2(order.secType === 'OPT' ? OPTION_COMMISSION(qty) : STOCK_COMMISSION(qty, value));
    order.avgFillPrice = (order.avgFillPrice * order.filledQuantity + touch * qty) / (order.filledQuantity + qty);
    order.filledQuantity += qty;
    order.commission = round2(order.commission + commission);
    order.updateTime = now;
    if (order.filledQuantity === order.totalQuantity) order.status = 'Filled';
    const signed = order.action === 'BUY' ? qty : -qty;
    account.cash -= signed * touch * order.multiplier + commission;
    const pos = account.positions.get(order.key) ?? { qty: 0, avgCost: 0 };
    const newQty = pos.qty + signed;
    if (pos.qty === 0 || Math.sign(pos.qty) === Math.sign(signed)) pos.avgCost = (pos.avgCost * Math.abs(pos.qty) + touch * qty) / Math.abs(newQty);
    else if (Math.sign(newQty) !== Math.sign(pos.qty) && newQty !== 0) pos.avgCost = touch; // flipped through flat
    pos.qty = newQty;
    if (newQty === 0) account.positions.delete(order.key);
    else account.positions.set(order.key, pos);
    const transaction: FakeTransaction = {
      id: this.nextTransactionId++,
      orderId: order.id,
      accountId: account.account,
      symbol: order.symbol,
      secType: order.secType,
      ...(order.expiry ? { expiry: order.expiry, strike: order.strike, right: order.right, identifier: order.identifier } : {}),
      multiplier: order.multiplier,
      action: order.action,
      filledQuantity: qty,
      filledPrice: touch,
      filledAmount: round2(value),
      commission,
      transactionTime: now,
    };
    account.transactions.push(transaction);
    this.emit({ kind: 'transaction', transaction: { ...transaction } });
    this.emit({ kind: 'order', order: { ...order } });
  }

  private emit(event: MarketEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function isWorking(order: FakeOrder): boolean {
  return order.status === 'Initial' || order.status === 'Submitted' || order.status === 'PendingCancel';
}

/** The option chain rows Tiger's option_chain returns for one expiry: [{ call, put }] by strike. */
export function chainRows(market: FakeTigerMarket, underlying: string, expiry: string) {
  return market.strikes(underlying).map((strike) => {
    const leg = (right: 'C' | 'P') => {
      const priced = market.priceOption(underlying, expiry, right, strike)!;
      const occ = occSymbol(underlying, expiry, right, strike);
      return {
        identifier: toTigerIdentifier(occ),
        strike: formatTigerStrike(strike),
        right: right === 'C' ? 'call' : 'put',
        multiplier: 100,
        expiry: expiryToTigerMs(expiry),
        bidPrice: priced.quote.bid,
        bidSize: priced.quote.bidSize,
        askPrice: priced.quote.ask,
        askSize: priced.quote.askSize,
        latestPrice: priced.quote.last,
        preClose: priced.quote.prevClose,
        volume: priced.quote.volume,
        openInterest: 5000,
        lastTimestamp: priced.quote.ts,
        ...priced.greeks,
      };
    };
    return { call: leg('C'), put: leg('P') };
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
