// Test support for the backtester: hand-built bars and a scripted strategy that sends given
// orders on given bars and records everything it is told.
import type { Side } from '../../shared/domain.js';
import { BarSeries, DAY_MS } from './bars.js';
import type { OrderClosed, OrderRequest, Strategy, StrategyBar, StrategyContext, StrategyFill } from './strategy.js';

/** [open, high, low, close] rows, one per day from 2024-01-01 (or every `stepMs` when intraday). */
export function handBars(rows: readonly (readonly [number, number, number, number])[], options: { symbol?: string; start?: number; stepMs?: number } = {}): BarSeries {
  const stepMs = options.stepMs ?? DAY_MS;
  const series = new BarSeries(options.symbol ?? 'TEST', stepMs < DAY_MS);
  const start = options.start ?? Date.UTC(2024, 0, 1);
  rows.forEach(([o, h, l, c], i) => series.push(start + i * stepMs, o, h, l, c, 1_000));
  return series;
}

export type ScriptStep = Omit<OrderRequest, 'symbol'> | { cancel: number };

export interface Seen {
  bars: { index: number; time: number; close: number; position: number; openOrders: number }[];
  fills: (StrategyFill & { bar: number })[];
  closed: (OrderClosed & { bar: number })[];
  submitted: { bar: number; id: string | null; side: Side; qty: number }[];
}

/** Sends `script[i]` on bar i; `{ cancel: k }` cancels the k-th order it sent (0-based). */
export class ScriptedStrategy implements Strategy {
  readonly name = 'scripted';
  readonly seen: Seen = { bars: [], fills: [], closed: [], submitted: [] };
  private index = -1;

  constructor(private readonly script: Record<number, ScriptStep[]>) {}

  onBar(bar: StrategyBar, ctx: StrategyContext): void {
    this.index++;
    this.seen.bars.push({ index: this.index, time: bar.time, close: bar.close, position: ctx.position(bar.symbol), openOrders: ctx.openOrders(bar.symbol) });
    for (const step of this.script[this.index] ?? []) {
      if ('cancel' in step) {
        const target = this.seen.submitted[step.cancel]?.id;
        if (target) ctx.cancel(target);
        continue;
      }
      const id = ctx.submit({ ...step, symbol: bar.symbol });
      this.seen.submitted.push({ bar: this.index, id, side: step.side, qty: step.qty });
    }
  }

  onFill(fill: StrategyFill): void {
    this.seen.fills.push({ ...fill, bar: this.index + 1 });
  }

  onOrderClosed(event: OrderClosed): void {
    this.seen.closed.push({ ...event, bar: this.index });
  }
}
