// donchian-breakout: trend following on price channels. Flat and the close breaks above the
// highest high of the previous `entry` bars: buy `size`; long and the close breaks below the
// lowest low of the previous `exit` bars: close. With `short` = 1 the mirror image too.
// No new order while one is pending.
import { RollingExtreme } from '../indicators.js';
import type { Strategy, StrategyBar, StrategyContext } from '../strategy.js';

export interface DonchianParams {
  entry: number;
  exit: number;
  size: number;
  short: number;
}

export class DonchianBreakout implements Strategy {
  readonly name = 'donchian-breakout';
  private readonly entryHigh: RollingExtreme;
  private readonly entryLow: RollingExtreme;
  private readonly exitHigh: RollingExtreme;
  private readonly exitLow: RollingExtreme;

  constructor(private readonly p: DonchianParams) {
    this.entryHigh = new RollingExtreme(p.entry, 'max');
    this.entryLow = new RollingExtreme(p.entry, 'min');
    this.exitHigh = new RollingExtreme(p.exit, 'max');
    this.exitLow = new RollingExtreme(p.exit, 'min');
  }

  onBar(bar: StrategyBar, ctx: StrategyContext): void {
    // Channels of the previous bars, before this bar joins them.
    const upper = this.entryHigh.value;
    const lower = this.entryLow.value;
    const exitUpper = this.exitHigh.value;
    const exitLower = this.exitLow.value;
    this.entryHigh.update(bar.high);
    this.entryLow.update(bar.low);
    this.exitHigh.update(bar.high);
    this.exitLow.update(bar.low);
    if (upper !== upper || ctx.openOrders(bar.symbol) > 0) return;
    const { symbol, close } = bar;
    const position = ctx.position(symbol);
    const p = this.p;
    if (position === 0) {
      if (close > upper) ctx.submit({ symbol, side: 'BUY', qty: p.size, type: 'MARKET', reason: `close above the ${p.entry}-bar high ${upper}` });
      else if (p.short && close < lower) ctx.submit({ symbol, side: 'SELL', qty: p.size, type: 'MARKET', reason: `close below the ${p.entry}-bar low ${lower}` });
    } else if (position > 0 && close < exitLower) {
      ctx.submit({ symbol, side: 'SELL', qty: position, type: 'MARKET', reason: `close below the ${p.exit}-bar low ${exitLower}` });
    } else if (position < 0 && close > exitUpper) {
      ctx.submit({ symbol, side: 'BUY', qty: -position, type: 'MARKET', reason: `close above the ${p.exit}-bar high ${exitUpper}` });
    }
  }
}
