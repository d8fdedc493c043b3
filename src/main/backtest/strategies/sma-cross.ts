// sma-cross: buy `size` when the close crosses above its SMA(period); close the position when it
// crosses below; no new order while one is pending. A cross is judged against the last bar on
// which close and SMA differed, so touching the average without crossing is not a signal.
import { Sma } from '../indicators.js';
import type { OrderRequest, Strategy, StrategyBar, StrategyContext } from '../strategy.js';

export class SmaCross implements Strategy {
  readonly name = 'sma-cross';
  private readonly sma: Sma;
  /** close − SMA on the last bar where they differed (NaN before the SMA is ready). */
  private lastDiff = Number.NaN;
  /** Reused for every order: `submit` copies what it needs. */
  private readonly order: OrderRequest = { symbol: '', side: 'BUY', qty: 0, type: 'MARKET' };

  constructor(
    period: number,
    private readonly size: number,
  ) {
    this.sma = new Sma(period);
  }

  onBar(bar: StrategyBar, ctx: StrategyContext): void {
    const average = this.sma.update(bar.close);
    if (average !== average) return;
    const diff = bar.close - average;
    const before = this.lastDiff;
    if (diff !== 0 || before !== before) this.lastDiff = diff;
    if (before !== before) return;
    if (ctx.openOrders(bar.symbol) > 0) return;
    const position = ctx.position(bar.symbol);
    const order = this.order;
    if (position === 0) {
      if (!(before < 0 && diff > 0)) return;
      order.side = 'BUY';
      order.qty = this.size;
      order.reason = 'close crossed above its SMA';
    } else if (position > 0 ? before > 0 && diff < 0 : before < 0 && diff > 0) {
      order.side = position > 0 ? 'SELL' : 'BUY';
      order.qty = Math.abs(position);
      order.reason = 'close crossed back through its SMA';
    } else return;
    order.symbol = bar.symbol;
    ctx.submit(order);
  }
}
