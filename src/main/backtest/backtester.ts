// The event-driven backtester: walks bars in time order, plays the simulated venue for one
// symbol and hands the strategy the same StrategyContext the live runner does.
//
// Per bar t: (1) orders sent before bar t are matched against bar t — market orders at its open,
// limit and stop orders when its range crosses their price (at the open when it gaps through);
// (2) the strategy sees bar t (and any fills first, through onFill); orders it sends now are first
// eligible on bar t+1, so it can never act on a bar it has not seen; (3) the account is marked at
// the close. The hot loop reads typed arrays and refills one bar object: no allocation per bar.
import type { BacktestConfig, BacktestMetrics, EquitySample } from '../../shared/backtest.js';
import { formatBarTime } from '../../shared/backtest.js';
import type { Side } from '../../shared/domain.js';
import { DAY_MS, type BarSource } from './bars.js';
import { commission, priceLimits, slipped } from './costs.js';
import { FillLog, TradeLog } from './logs.js';
import { EquityStats, tradeStats } from './metrics.js';
import type { OrderClosed, OrderRequest, Strategy, StrategyBar, StrategyContext, StrategyFill, StrategyOrderType } from './strategy.js';

export interface BacktestOptions {
  /** Called after each block of bars with the number of bars done. */
  onProgress?: (barsDone: number) => void;
  /** The equity curve is thinned to at most this many points (constant memory). */
  maxEquityPoints?: number;
  /** At most this many notes (refused or cancelled orders) are kept; the rest are counted. */
  maxNotes?: number;
}

export interface BacktestOutcome {
  symbol: string;
  intraday: boolean;
  bars: number;
  firstTime: number | null;
  lastTime: number | null;
  finalValue: number;
  finalCash: number;
  /** Signed position at the end. */
  position: number;
  metrics: BacktestMetrics;
  benchmark: BacktestMetrics;
  equity: EquitySample[];
  fills: FillLog;
  trades: TradeLog;
  notes: string[];
}

export class BacktestError extends Error {
  override name = 'BacktestError';
}

interface SimOrder {
  id: string;
  side: Side;
  buy: boolean;
  qty: number;
  type: StrategyOrderType;
  price: number;
  /** Bar index at which it was sent; it is first eligible on the next bar. */
  sentAt: number;
  done: boolean;
}

/** Keeps every k-th point, doubling k when full: a bounded, evenly thinned equity curve. */
class EquityCurve {
  private readonly t: Float64Array;
  private readonly e: Float64Array;
  private readonly b: Float64Array;
  private n = 0;
  private stride = 1;
  /** Points to skip before the next one is kept. */
  private skip = 0;
  private lastT = Number.NaN;
  private lastE = Number.NaN;
  private lastB = Number.NaN;
  private readonly cap: number;

  constructor(capacity: number) {
    const cap = Math.max(2, capacity - (capacity % 2));
    this.cap = cap;
    this.t = new Float64Array(cap);
    this.e = new Float64Array(cap);
    this.b = new Float64Array(cap);
  }

  push(time: number, equity: number, bench: number): void {
    this.lastT = time;
    this.lastE = equity;
    this.lastB = bench;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    // Kept points sit at every `stride`-th bar. When full, keep every other one and double the
    // stride: with an even capacity the current bar is on the new grid too.
    if (this.n === this.cap) {
      let w = 0;
      for (let r = 0; r < this.n; r += 2, w++) {
        this.t[w] = this.t[r]!;
        this.e[w] = this.e[r]!;
        this.b[w] = this.b[r]!;
      }
      this.n = w;
      this.stride *= 2;
    }
    this.skip = this.stride - 1;
    this.t[this.n] = time;
    this.e[this.n] = equity;
    this.b[this.n++] = bench;
  }

  samples(): EquitySample[] {
    const out: EquitySample[] = [];
    for (let i = 0; i < this.n; i++) out.push([this.t[i]!, this.e[i]!, this.b[i]!]);
    if (this.lastT === this.lastT && out.at(-1)?.[0] !== this.lastT) out.push([this.lastT, this.lastE, this.lastB]);
    return out;
  }
}

class Simulator implements StrategyContext {
  cashBalance: number;
  qty = 0;
  avgPrice = 0;
  barIndex = -1;
  time = Number.NaN;
  openCount = 0;
  readonly working: SimOrder[] = [];
  private readonly spare: SimOrder[] = [];
  readonly fills = new FillLog();
  readonly trades = new TradeLog();
  readonly notes: string[] = [];
  commissions = 0;
  private droppedNotes = 0;
  private nextId = 1;
  private readonly multiplier: number;
  private readonly maxNotes: number;
  // open trade
  private tradeLong = true;
  private tradeQty = 0;
  private tradeEntryValue = 0;
  private tradeEntryTime = 0;
  private tradeEntryBar = 0;
  private tradeExitValue = 0;
  private tradeExitQty = 0;
  private tradeRealized = 0;
  private tradeFees = 0;
  // A-share state
  private day = Number.NaN;
  private lastClose = Number.NaN;
  prevDayClose = Number.NaN;
  private boughtToday = 0;
  private readonly fillEvent: StrategyFill;

  constructor(
    readonly symbol: string,
    readonly config: BacktestConfig,
    readonly strategy: Strategy,
    private readonly intraday: boolean,
    maxNotes: number,
  ) {
    this.cashBalance = config.cash;
    this.multiplier = config.multiplier;
    this.maxNotes = maxNotes;
    this.fillEvent = { orderId: '', symbol, side: 'BUY', qty: 0, price: 0, commission: 0, time: 0 };
  }

  // ── StrategyContext ────────────────────────────────────────────────────────

  position(symbol: string): number {
    return symbol === this.symbol ? this.qty : 0;
  }

  openOrders(symbol: string): number {
    return symbol === this.symbol ? this.openCount : 0;
  }

  cash(): number {
    return this.cashBalance;
  }

  submit(order: OrderRequest): string | null {
    if (order.symbol !== this.symbol) return this.refuse(order, `this backtest has data for ${this.symbol} only`);
    if (!(order.qty > 0) || !Number.isFinite(order.qty)) return this.refuse(order, `quantity must be positive (got ${order.qty})`);
    const priced = order.type !== 'MARKET';
    if (priced && !(order.price !== undefined && order.price > 0 && Number.isFinite(order.price))) {
      return this.refuse(order, `a ${order.type} order needs a positive price`);
    }
    const a = this.config.aShare;
    if (a) {
      if (order.side === 'BUY' && order.qty % a.lotSize !== 0) return this.refuse(order, `A-shares are bought in lots of ${a.lotSize}`);
      if (order.side === 'SELL' && order.qty % a.lotSize !== 0 && order.qty !== this.qty) {
        return this.refuse(order, `A-shares are sold in lots of ${a.lotSize}, or the whole odd remainder`);
      }
    }
    const id = `B${this.nextId++}`;
    // Order objects are recycled once done: no allocation per order in a long run.
    const sim = this.spare.pop() ?? { id, side: order.side, buy: false, qty: 0, type: order.type, price: 0, sentAt: 0, done: false };
    sim.id = id;
    sim.side = order.side;
    sim.buy = order.side === 'BUY';
    sim.qty = order.qty;
    sim.type = order.type;
    sim.price = priced ? order.price! : Number.NaN;
    sim.sentAt = this.barIndex;
    sim.done = false;
    this.working.push(sim);
    this.openCount++;
    return id;
  }

  private refuse(order: OrderRequest, reason: string): null {
    this.note(`${this.when()} ${order.side} ${order.qty} ${order.symbol} refused: ${reason}`);
    this.strategy.onOrderClosed?.({ orderId: null, symbol: order.symbol, status: 'rejected', reason }, this);
    return null;
  }

  cancel(orderId: string): void {
    const order = this.working.find((o) => o.id === orderId && !o.done);
    if (order) this.close(order, 'cancelled', 'cancelled by the strategy');
  }

  // ── the venue ──────────────────────────────────────────────────────────────

  /** Day bookkeeping for A-share rules: T+1 and the previous close for the price bands. */
  newBar(time: number): void {
    const day = Math.floor(time / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.prevDayClose = this.lastClose;
      this.boughtToday = 0;
    }
  }

  barClosed(close: number): void {
    this.lastClose = close;
  }

  match(open: number, high: number, low: number): void {
    const list = this.working;
    const n = list.length;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const order = list[k]!;
      if (!order.done && (order.sentAt >= this.barIndex || !this.tryFill(order, open, high, low))) list[w++] = order;
      else this.spare.push(order);
    }
    // Orders sent from onFill during this loop.
    for (let k = n; k < list.length; k++) {
      const order = list[k]!;
      if (!order.done) list[w++] = order;
      else this.spare.push(order);
    }
    list.length = w;
  }

  /** Fills, refuses or leaves the order; returns true when it is no longer working. */
  private tryFill(order: SimOrder, open: number, high: number, low: number): boolean {
    const p = order.price;
    let price: number;
    if (order.type === 'MARKET') price = open;
    else if (order.type === 'LIMIT') {
      if (order.buy) price = open <= p ? open : low <= p ? p : Number.NaN;
      else price = open >= p ? open : high >= p ? p : Number.NaN;
    } else {
      if (order.buy) price = open >= p ? open : high >= p ? p : Number.NaN;
      else price = open <= p ? open : low <= p ? p : Number.NaN;
    }
    if (price !== price) return false;
    if (order.type !== 'LIMIT') price = slipped(this.config.slippage, order.buy, price, low, high);

    const a = this.config.aShare;
    if (a && this.prevDayClose === this.prevDayClose) {
      const band = priceLimits(this.prevDayClose, a.priceLimit);
      // A bar locked at the limit has no sellers (limit-up) or no buyers (limit-down).
      if (order.buy && low >= band.up) return this.close(order, 'cancelled', `locked limit-up at ${band.up}: no sellers`);
      if (!order.buy && high <= band.down) return this.close(order, 'cancelled', `locked limit-down at ${band.down}: no buyers`);
      price = Math.min(band.up, Math.max(band.down, price));
    }
    const qty = order.qty;
    const m = this.multiplier;
    let fee = commission(this.config.commission, qty, price, m);
    if (a && !order.buy) fee += qty * price * m * a.stampDuty;

    if (a && !order.buy) {
      const sellable = Math.max(0, this.qty - this.boughtToday);
      if (qty > sellable) {
        const reason =
          qty > this.qty
            ? `A-shares cannot be sold short (holding ${this.qty})`
            : `T+1: ${this.boughtToday} of the ${this.qty} shares were bought today and cannot be sold before tomorrow`;
        return this.close(order, 'rejected', reason);
      }
    }
    const signed = order.buy ? qty : -qty;
    const cashAfter = this.cashBalance - signed * price * m - fee;
    if (order.buy && cashAfter < 0) {
      return this.close(order, 'rejected', `not enough cash: needs ${(qty * price * m + fee).toFixed(2)}, has ${this.cashBalance.toFixed(2)}`);
    }
    this.book(order.buy, qty, price, fee);
    order.done = true;
    this.openCount--;
    if (a && order.buy) this.boughtToday += qty;
    if (this.strategy.onFill) {
      const f = this.fillEvent;
      f.orderId = order.id;
      f.side = order.side;
      f.qty = qty;
      f.price = price;
      f.commission = fee;
      f.time = this.time;
      this.strategy.onFill(f, this);
    }
    return true;
  }

  private close(order: SimOrder, status: OrderClosed['status'], reason: string): true {
    order.done = true;
    this.openCount--;
    this.note(`${this.when()} ${order.side} ${order.qty} ${order.type}${order.type === 'MARKET' ? '' : ` ${order.price}`} ${status}: ${reason}`);
    this.strategy.onOrderClosed?.({ orderId: order.id, symbol: this.symbol, status, reason }, this);
    return true;
  }

  /** Cash, position, average price, and the round-trip trade the fill belongs to. */
  private book(buy: boolean, qty: number, price: number, fee: number): void {
    const m = this.multiplier;
    const signed = buy ? qty : -qty;
    this.fills.push(this.time, buy, qty, price, fee);
    this.cashBalance -= signed * price * m + fee;
    this.commissions += fee;
    const pos = this.qty;
    if (pos === 0 || (pos > 0) === buy) {
      if (pos === 0) this.openTrade(qty, price, fee, buy);
      else {
        this.tradeQty += qty;
        this.tradeEntryValue += qty * price;
        this.tradeFees += fee;
      }
      this.avgPrice = (this.avgPrice * Math.abs(pos) + price * qty) / Math.abs(pos + signed);
      this.qty = pos + signed;
      return;
    }
    const closing = Math.min(qty, Math.abs(pos));
    const closingFee = (fee * closing) / qty;
    this.tradeRealized += (price - this.avgPrice) * closing * m * Math.sign(pos);
    this.tradeExitValue += price * closing;
    this.tradeExitQty += closing;
    this.tradeFees += closingFee;
    const next = pos + signed;
    this.qty = next;
    if (next === 0 || Math.sign(next) !== Math.sign(pos)) {
      this.closeTrade(price);
      this.avgPrice = 0;
      if (next !== 0) this.openTrade(Math.abs(next), price, fee - closingFee, next > 0);
    }
  }

  private openTrade(qty: number, price: number, fee: number, long: boolean): void {
    this.tradeLong = long;
    this.tradeQty = qty;
    this.tradeEntryValue = qty * price;
    this.tradeEntryTime = this.time;
    this.tradeEntryBar = this.barIndex;
    this.tradeExitValue = 0;
    this.tradeExitQty = 0;
    this.tradeRealized = 0;
    this.tradeFees = fee;
    this.avgPrice = price;
  }

  private closeTrade(lastPrice: number, open = false): void {
    const m = this.multiplier;
    let pnl = this.tradeRealized - this.tradeFees;
    if (open) pnl += (lastPrice - this.avgPrice) * this.qty * m;
    const entryPrice = this.tradeEntryValue / this.tradeQty;
    this.trades.push({
      side: this.tradeLong ? 'LONG' : 'SHORT',
      qty: this.tradeQty,
      entryTime: this.tradeEntryTime,
      entryPrice,
      exitTime: open ? null : this.time,
      exitPrice: open ? null : this.tradeExitValue / this.tradeExitQty,
      pnl,
      returnPct: pnl / (this.tradeEntryValue * m),
      bars: this.barIndex - this.tradeEntryBar,
      open,
    });
  }

  /** The trade still open at the end, marked at the last close. */
  markOpenTrade(lastClose: number): void {
    if (this.qty !== 0) this.closeTrade(lastClose, true);
  }

  note(text: string): void {
    if (this.notes.length < this.maxNotes) this.notes.push(text);
    else this.droppedNotes++;
  }

  finishNotes(): void {
    const stillWorking = this.working.filter((o) => !o.done).length;
    if (stillWorking) this.note(`${stillWorking} order(s) still working when the data ended were not filled.`);
    if (this.droppedNotes) this.notes.push(`… and ${this.droppedNotes} more.`);
  }

  private when(): string {
    return this.time === this.time ? formatBarTime(this.time, this.intraday) : 'before the first bar';
  }
}

/** Runs `strategy` over every bar of `source`. Pure computation: no I/O beyond the source. */
export function runBacktest(source: BarSource, strategy: Strategy, config: BacktestConfig, options: BacktestOptions = {}): BacktestOutcome {
  const sim = new Simulator(source.symbol, config, strategy, source.intraday, options.maxNotes ?? 200);
  const stats = new EquityStats(config.cash);
  const bench = new EquityStats(config.cash);
  const curve = new EquityCurve(options.maxEquityPoints ?? 2_000);
  const m = config.multiplier;
  const aShare = config.aShare !== undefined;
  const bar: StrategyBar = { symbol: source.symbol, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let benchShares = Number.NaN;
  let firstTime = Number.NaN;
  let lastClose = Number.NaN;

  for (const block of source.blocks()) {
    const { length, time, open, high, low, close, volume } = block;
    for (let j = 0; j < length; j++) {
      const t = time[j]!;
      const c = close[j]!;
      sim.barIndex++;
      sim.time = t;
      if (aShare) sim.newBar(t);
      if (sim.working.length !== 0) sim.match(open[j]!, high[j]!, low[j]!);
      bar.time = t;
      bar.open = open[j]!;
      bar.high = high[j]!;
      bar.low = low[j]!;
      bar.close = c;
      bar.volume = volume[j]!;
      strategy.onBar(bar, sim);
      if (aShare) sim.barClosed(c);
      const equity = sim.cashBalance + sim.qty * m * c;
      stats.update(t, equity, sim.qty !== 0);
      if (benchShares !== benchShares) {
        benchShares = config.cash / c;
        firstTime = t;
      }
      const benchEquity = benchShares * c;
      bench.update(t, benchEquity, true);
      curve.push(t, equity, benchEquity);
      lastClose = c;
    }
    options.onProgress?.(sim.barIndex + 1);
  }
  const bars = sim.barIndex + 1;
  if (bars === 0) throw new BacktestError(`${source.symbol}: the data has no bars`);
  sim.markOpenTrade(lastClose);
  sim.finishNotes();
  const finalValue = sim.cashBalance + sim.qty * m * lastClose;
  return {
    symbol: source.symbol,
    intraday: source.intraday,
    bars,
    firstTime,
    lastTime: sim.time,
    finalValue,
    finalCash: sim.cashBalance,
    position: sim.qty,
    metrics: { ...stats.finish(), ...tradeStats(sim.trades.outcomes()), commissions: sim.commissions },
    benchmark: { ...bench.finish(), trades: 0, winRate: null, profitFactor: null, expectancy: null, commissions: 0 },
    equity: curve.samples(),
    fills: sim.fills,
    trades: sim.trades,
    notes: sim.notes,
  };
}
