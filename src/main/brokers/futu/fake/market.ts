// The fake OpenD's world: a few US stocks, an AAPL option chain with Greeks, and trading
// accounts (cash, positions, orders, fills) that fill marketable orders against the quotes.
// Everything is in Futu's terms (codes like "AAPL261218C230000", Futu enums and units), so the
// server can serialize it straight into Futu's protobuf messages.
import { blackScholes } from '../../../pricing/black-scholes.js';
import { occSymbol } from '../../../../shared/instruments.js';
import { occToFutuOptionCode } from '../symbols.js';
import { OrderStatus, OrderType, TrdSide } from '../wire.js';

export interface FakeQuote {
  code: string;
  bid: number;
  ask: number;
  last: number;
  prevClose: number;
  volume: number;
  bidSize: number;
  askSize: number;
  /** Epoch ms of the last change. */
  ts: number;
}

export interface FakeOption {
  code: string;
  owner: string;
  right: 'C' | 'P';
  strike: number;
  /** YYYY-MM-DD (New York). */
  expiry: string;
  vol: number;
}

/** Futu's units: IV and premium in percent, vega per 1 vol point, theta per calendar day, rho per 1% of rate. */
export interface FakeGreeks {
  impliedVolatility: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

const RATE = 0.04;
const NY = 'America/New_York';
const DAY_MS = 86_400_000;

const nyParts = new Intl.DateTimeFormat('en-US', {
  timeZone: NY,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Epoch ms → "YYYY-MM-DD HH:MM:SS.mmm" in New York, the format OpenD uses for US times. */
export function nyTime(ms: number): string {
  const p = Object.fromEntries(nyParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${String(ms % 1000).padStart(3, '0')}`;
}

export function nyDate(ms: number): string {
  return nyTime(ms).slice(0, 10);
}

/** The first Friday at least `days` days after `ms`, as YYYY-MM-DD. */
function fridayAfter(ms: number, days: number): string {
  let t = ms + days * DAY_MS;
  while (new Date(t).getUTCDay() !== 5) t += DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

export class FakeMarket {
  readonly stocks = new Map<string, FakeQuote>();
  readonly options = new Map<string, FakeOption>();
  private readonly optionTs = new Map<string, number>();

  constructor(private readonly now: () => number) {
    const t = now();
    const stock = (code: string, last: number, prevClose: number): FakeQuote => ({
      code,
      bid: round2(last - 0.02),
      ask: round2(last + 0.02),
      last,
      prevClose,
      volume: 1_000_000,
      bidSize: 300,
      askSize: 200,
      ts: t,
    });
    for (const q of [stock('AAPL', 230, 228.5), stock('NVDA', 120, 118.4), stock('SPY', 560, 557.2)]) this.stocks.set(q.code, q);
    for (const expiry of [fridayAfter(t, 20), fridayAfter(t, 50)]) {
      for (const strike of [220, 225, 230, 235, 240]) {
        for (const right of ['C', 'P'] as const) {
          const code = occToFutuOptionCode(occSymbol('AAPL', expiry, right, strike))!;
          this.options.set(code, { code, owner: 'AAPL', right, strike, expiry, vol: 0.25 + 0.002 * Math.abs(strike - 230) });
        }
      }
    }
  }

  has(code: string): boolean {
    return this.stocks.has(code) || this.options.has(code);
  }

  /** Current quote; options are priced from their underlying on every call. */
  quote(code: string): FakeQuote | undefined {
    const stock = this.stocks.get(code);
    if (stock) return stock;
    const option = this.options.get(code);
    if (!option) return undefined;
    const under = this.stocks.get(option.owner)!;
    const price = this.price(option, (under.bid + under.ask) / 2);
    const half = Math.max(0.01, round2(price * 0.01));
    return {
      code,
      bid: Math.max(0, round2(price - half)),
      ask: round2(price + half),
      last: round2(price),
      prevClose: round2(price),
      volume: 1_200,
      bidSize: 10,
      askSize: 12,
      ts: Math.max(under.ts, this.optionTs.get(code) ?? 0),
    };
  }

  /** Moves a stock's quote (options follow their underlying). */
  setQuote(code: string, change: Partial<Omit<FakeQuote, 'code'>>): FakeQuote {
    const quote = this.stocks.get(code);
    if (!quote) throw new Error(`fake market: unknown stock ${code}`);
    Object.assign(quote, change, { ts: change.ts ?? this.now() });
    return quote;
  }

  yearsToExpiry(option: FakeOption): number {
    const expiryClose = Date.parse(`${option.expiry}T20:00:00Z`);
    return Math.max(0, expiryClose - this.now()) / (365 * DAY_MS);
  }

  private price(option: FakeOption, spot: number): number {
    return blackScholes({ right: option.right, spot, strike: option.strike, t: this.yearsToExpiry(option), r: RATE, q: 0, vol: option.vol }).price;
  }

  greeks(code: string): FakeGreeks | undefined {
    const option = this.options.get(code);
    if (!option) return undefined;
    const under = this.stocks.get(option.owner)!;
    const bs = blackScholes({ right: option.right, spot: (under.bid + under.ask) / 2, strike: option.strike, t: this.yearsToExpiry(option), r: RATE, q: 0, vol: option.vol });
    return { impliedVolatility: option.vol * 100, delta: bs.delta, gamma: bs.gamma, vega: bs.vega / 100, theta: bs.theta / 365, rho: bs.rho / 100 };
  }

  expirations(owner: string): string[] {
    return [...new Set([...this.options.values()].filter((o) => o.owner === owner).map((o) => o.expiry))].sort();
  }

  chain(owner: string, from: string, to: string): FakeOption[] {
    return [...this.options.values()].filter((o) => o.owner === owner && o.expiry >= from && o.expiry <= to).sort((a, b) => a.expiry.localeCompare(b.expiry) || a.strike - b.strike);
  }

  multiplier(code: string): number {
    return this.options.has(code) ? 100 : 1;
  }
}

export interface FakeOrder {
  orderID: bigint;
  code: string;
  secMarket: number;
  trdSide: number;
  orderType: number;
  qty: number;
  price: number;
  auxPrice?: number;
  status: number;
  fillQty: number;
  fillAvgPrice: number;
  remark: string;
  timeInForce: number;
  fillOutsideRTH: boolean;
  createTs: number;
  updateTs: number;
  lastErrMsg?: string;
}

export interface FakeFill {
  fillID: bigint;
  orderID: bigint;
  code: string;
  secMarket: number;
  trdSide: number;
  qty: number;
  price: number;
  ts: number;
}

export interface FakeAccount {
  accID: bigint;
  trdEnv: 0 | 1;
  trdMarket: number;
  accType: number;
  cardNum: string;
  cash: number;
  positions: Map<string, { qty: number; cost: number; secMarket: number }>;
  orders: Map<bigint, FakeOrder>;
  /** Ids of the orders still working, so a quote change does not scan the whole day. */
  working: Set<bigint>;
  fills: FakeFill[];
}

export function newAccount(accID: bigint, trdEnv: 0 | 1, cash: number): FakeAccount {
  return { accID, trdEnv, trdMarket: 2, accType: 2, cardNum: `10011${accID % 1000n}`, cash, positions: new Map(), orders: new Map(), working: new Set(), fills: [] };
}

export const WORKING_STATUSES: ReadonlySet<number> = new Set([OrderStatus.Submitting, OrderStatus.Submitted, OrderStatus.FilledPart, OrderStatus.WaitingSubmit]);

/** The price a working order fills at now, or undefined when it is not marketable. */
export function marketablePrice(order: FakeOrder, quote: FakeQuote): number | undefined {
  const buy = order.trdSide === TrdSide.Buy || order.trdSide === TrdSide.BuyBack;
  const touch = buy ? quote.ask : quote.bid;
  if (!(touch > 0)) return undefined;
  let type = order.orderType;
  if (type === OrderType.Stop || type === OrderType.StopLimit) {
    const triggered = buy ? quote.last >= (order.auxPrice ?? Infinity) : quote.last <= (order.auxPrice ?? -Infinity);
    if (!triggered) return undefined;
    type = type === OrderType.Stop ? OrderType.Market : OrderType.Normal;
  }
  if (type === OrderType.Market) return touch;
  return buy ? (order.price >= touch ? touch : undefined) : order.price <= touch ? touch : undefined;
}

/** Books a full fill: order, fills, cash and position. */
export function bookFill(account: FakeAccount, order: FakeOrder, price: number, multiplier: number, fillID: bigint, ts: number): FakeFill {
  const qty = order.qty - order.fillQty;
  const signed = order.trdSide === TrdSide.Buy || order.trdSide === TrdSide.BuyBack ? qty : -qty;
  order.fillAvgPrice = order.fillQty === 0 ? price : (order.fillAvgPrice * order.fillQty + price * qty) / order.qty;
  order.fillQty = order.qty;
  order.status = OrderStatus.FilledAll;
  order.updateTs = ts;
  account.working.delete(order.orderID);
  account.cash -= signed * price * multiplier;
  const position = account.positions.get(order.code) ?? { qty: 0, cost: 0, secMarket: order.secMarket };
  const newQty = position.qty + signed;
  if (newQty === 0) position.cost = 0;
  else if (position.qty === 0 || Math.sign(signed) === Math.sign(position.qty)) position.cost = (position.cost * position.qty + price * signed) / newQty;
  else if (Math.sign(newQty) !== Math.sign(position.qty)) position.cost = price; // flipped through zero
  // (a reduction keeps its average cost)
  position.qty = newQty;
  account.positions.set(order.code, position);
  const fill: FakeFill = { fillID, orderID: order.orderID, code: order.code, secMarket: order.secMarket, trdSide: order.trdSide, qty, price, ts };
  account.fills.push(fill);
  return fill;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
