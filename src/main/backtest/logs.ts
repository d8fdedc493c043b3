// What a run records as it goes — fills and round-trip trades — kept column by column in
// growable typed arrays: compact, no object per fill or trade until a caller asks for them.
import type { BacktestFill, BacktestTrade } from '../../shared/backtest.js';

function widen<T extends Float64Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class FillLog {
  length = 0;
  private time = new Float64Array(256);
  private price = new Float64Array(256);
  private qty = new Float64Array(256);
  private fee = new Float64Array(256);
  private buy = new Uint8Array(256);

  push(time: number, buy: boolean, qty: number, price: number, fee: number): void {
    if (this.length === this.time.length) {
      const n = this.length * 2;
      this.time = widen(this.time, n);
      this.price = widen(this.price, n);
      this.qty = widen(this.qty, n);
      this.fee = widen(this.fee, n);
      this.buy = widen(this.buy, n);
    }
    const i = this.length++;
    this.time[i] = time;
    this.buy[i] = buy ? 1 : 0;
    this.qty[i] = qty;
    this.price[i] = price;
    this.fee[i] = fee;
  }

  toArray(): BacktestFill[] {
    const out: BacktestFill[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) {
      out[i] = { time: this.time[i]!, side: this.buy[i] ? 'BUY' : 'SELL', qty: this.qty[i]!, price: this.price[i]!, commission: this.fee[i]! };
    }
    return out;
  }
}

export class TradeLog {
  length = 0;
  private long = new Uint8Array(64);
  private open = new Uint8Array(64);
  private qty = new Float64Array(64);
  private entryTime = new Float64Array(64);
  private entryPrice = new Float64Array(64);
  private exitTime = new Float64Array(64);
  private exitPrice = new Float64Array(64);
  private pnl = new Float64Array(64);
  private returnPct = new Float64Array(64);
  private bars = new Float64Array(64);

  push(t: BacktestTrade): void {
    if (this.length === this.qty.length) {
      const n = this.length * 2;
      this.long = widen(this.long, n);
      this.open = widen(this.open, n);
      this.qty = widen(this.qty, n);
      this.entryTime = widen(this.entryTime, n);
      this.entryPrice = widen(this.entryPrice, n);
      this.exitTime = widen(this.exitTime, n);
      this.exitPrice = widen(this.exitPrice, n);
      this.pnl = widen(this.pnl, n);
      this.returnPct = widen(this.returnPct, n);
      this.bars = widen(this.bars, n);
    }
    const i = this.length++;
    this.long[i] = t.side === 'LONG' ? 1 : 0;
    this.open[i] = t.open ? 1 : 0;
    this.qty[i] = t.qty;
    this.entryTime[i] = t.entryTime;
    this.entryPrice[i] = t.entryPrice;
    this.exitTime[i] = t.exitTime ?? Number.NaN;
    this.exitPrice[i] = t.exitPrice ?? Number.NaN;
    this.pnl[i] = t.pnl;
    this.returnPct[i] = t.returnPct;
    this.bars[i] = t.bars;
  }

  /** Net P&L and open flag of each trade, through one reused object (for the trade metrics). */
  *outcomes(): Generator<{ pnl: number; open: boolean }> {
    const view = { pnl: 0, open: false };
    for (let i = 0; i < this.length; i++) {
      view.pnl = this.pnl[i]!;
      view.open = this.open[i] === 1;
      yield view;
    }
  }

  toArray(): BacktestTrade[] {
    const out: BacktestTrade[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) {
      const open = this.open[i] === 1;
      out[i] = {
        side: this.long[i] ? 'LONG' : 'SHORT',
        qty: this.qty[i]!,
        entryTime: this.entryTime[i]!,
        entryPrice: this.entryPrice[i]!,
        exitTime: open ? null : this.exitTime[i]!,
        exitPrice: open ? null : this.exitPrice[i]!,
        pnl: this.pnl[i]!,
        returnPct: this.returnPct[i]!,
        bars: this.bars[i]!,
        open,
      };
    }
    return out;
  }
}
