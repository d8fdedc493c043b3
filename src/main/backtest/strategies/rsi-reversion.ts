// rsi-reversion: mean reversion on Wilder's RSI. Flat and RSI below `oversold`: buy `size`;
// long and RSI back above `exit`: close. With `short` = 1 the mirror image sells above
// `overbought` and covers below `exit`. No new order while one is pending.
import { Rsi } from '../indicators.js';
import type { Strategy, StrategyBar, StrategyContext } from '../strategy.js';

export interface RsiReversionParams {
  period: number;
  oversold: number;
  overbought: number;
  exit: number;
  size: number;
  short: number;
}

export class RsiReversion implements Strategy {
  readonly name = 'rsi-reversion';
  private readonly rsi: Rsi;

  constructor(private readonly p: RsiReversionParams) {
    this.rsi = new Rsi(p.period);
  }

  onBar(bar: StrategyBar, ctx: StrategyContext): void {
    const rsi = this.rsi.update(bar.close);
    if (rsi !== rsi || ctx.openOrders(bar.symbol) > 0) return;
    const { symbol } = bar;
    const position = ctx.position(symbol);
    const p = this.p;
    if (position === 0) {
      if (rsi < p.oversold) ctx.submit({ symbol, side: 'BUY', qty: p.size, type: 'MARKET', reason: `RSI ${rsi.toFixed(1)} below ${p.oversold}` });
      else if (p.short && rsi > p.overbought) ctx.submit({ symbol, side: 'SELL', qty: p.size, type: 'MARKET', reason: `RSI ${rsi.toFixed(1)} above ${p.overbought}` });
    } else if (position > 0 && rsi > p.exit) {
      ctx.submit({ symbol, side: 'SELL', qty: position, type: 'MARKET', reason: `RSI ${rsi.toFixed(1)} back above ${p.exit}` });
    } else if (position < 0 && rsi < p.exit) {
      ctx.submit({ symbol, side: 'BUY', qty: -position, type: 'MARKET', reason: `RSI ${rsi.toFixed(1)} back below ${p.exit}` });
    }
  }
}
