import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { BacktestConfig, type BacktestConfigInput } from '../../shared/backtest.js';
import { BarSeries, DAY_MS } from './bars.js';
import { runBacktest } from './backtester.js';
import { commission } from './costs.js';
import { loadBarFile } from './csv-bars.js';
import { createStrategy } from './strategies/index.js';
import type { OrderRequest, Strategy, StrategyBar, StrategyContext } from './strategy.js';
import { handBars, ScriptedStrategy, type ScriptStep } from './testing.js';

const cfg = (c: Partial<BacktestConfigInput> = {}) => BacktestConfig.parse({ cash: 100_000, ...c });

// Six hand-built daily bars: [open, high, low, close].
const BARS = [
  [100, 101, 99, 100], // 0
  [102, 104, 101, 103], // 1
  [97, 99, 94, 98], // 2: gaps down
  [99, 106, 98, 105], // 3
  [108, 110, 107, 109], // 4: gaps up
  [109, 111, 108, 110], // 5
] as const;

function run(script: Record<number, ScriptStep[]>, config = cfg(), bars = handBars(BARS)) {
  const strategy = new ScriptedStrategy(script);
  const outcome = runBacktest(bars, strategy, config);
  return { ...outcome, seen: strategy.seen, fillList: outcome.fills.toArray(), trades: outcome.trades.toArray() };
}

const buy = (qty: number, type: OrderRequest['type'] = 'MARKET', price?: number): ScriptStep => ({ side: 'BUY', qty, type, price });
const sell = (qty: number, type: OrderRequest['type'] = 'MARKET', price?: number): ScriptStep => ({ side: 'SELL', qty, type, price });
const day = (i: number) => Date.UTC(2024, 0, 1) + i * DAY_MS;

describe('fill rules', () => {
  it('a market order sent on bar t fills at the open of bar t+1, seen by the strategy before bar t+1', () => {
    const r = run({ 0: [buy(10)] });
    expect(r.fillList).toEqual([{ time: day(1), side: 'BUY', qty: 10, price: 102, commission: 0 }]);
    expect(r.seen.fills[0]!.bar).toBe(1);
    expect(r.seen.bars[0]).toMatchObject({ position: 0, openOrders: 0 });
    expect(r.seen.bars[1]).toMatchObject({ position: 10, openOrders: 0 });
    expect(r.finalCash).toBe(100_000 - 1_020);
    expect(r.finalValue).toBe(100_000 - 1_020 + 10 * 110);
  });

  it('limit orders fill on a later bar whose range crosses the limit, at the open when it gaps through', () => {
    // Buy limit 95 from bar 0: bar 1 (low 101) misses; bar 2 (open 97, low 94) trades through 95.
    expect(run({ 0: [buy(1, 'LIMIT', 95)] }).fillList.map((f) => [f.time, f.price])).toEqual([[day(2), 95]]);
    // Buy limit 98 from bar 1: bar 2 opens at 97, below the limit: filled at the better open.
    expect(run({ 1: [buy(1, 'LIMIT', 98)] }).fillList.map((f) => [f.time, f.price])).toEqual([[day(2), 97]]);
    // Sell limit 106 from bar 2: bar 3 (open 99, high 106) reaches it.
    expect(run({ 0: [buy(1)], 2: [sell(1, 'LIMIT', 106)] }).fillList.map((f) => [f.time, f.price])).toEqual([
      [day(1), 102],
      [day(3), 106],
    ]);
    // Sell limit 107 from bar 3: bar 4 gaps up to 108: filled at the open.
    expect(run({ 0: [buy(1)], 3: [sell(1, 'LIMIT', 107)] }).fillList.at(-1)).toMatchObject({ time: day(4), price: 108 });
  });

  it('stop orders trigger when the range reaches the stop, at the open when it gaps through', () => {
    // Buy stop 105 from bar 0: bars 1–2 stay below; bar 3 (open 99, high 106) triggers at 105.
    expect(run({ 0: [buy(1, 'STOP', 105)] }).fillList.map((f) => [f.time, f.price])).toEqual([[day(3), 105]]);
    // Buy stop 107 from bar 3: bar 4 opens at 108, through the stop: filled at the open.
    expect(run({ 3: [buy(1, 'STOP', 107)] }).fillList.map((f) => [f.time, f.price])).toEqual([[day(4), 108]]);
    // Sell stop 96 from bar 1 on a long: bar 2 (open 97, low 94) triggers at 96.
    expect(run({ 0: [buy(1)], 1: [sell(1, 'STOP', 96)] }).fillList.at(-1)).toMatchObject({ time: day(2), price: 96 });
    // Sell stop 98 from bar 1: bar 2 gaps down to 97: filled at the open.
    expect(run({ 0: [buy(1)], 1: [sell(1, 'STOP', 98)] }).fillList.at(-1)).toMatchObject({ time: day(2), price: 97 });
  });

  it('never fills on the bar the order was sent on, even when that bar crossed the price', () => {
    // Bar 1's own range (101–104) crosses 102, but the order is sent after bar 1 was seen.
    const r = run({ 1: [buy(1, 'LIMIT', 102)] });
    expect(r.fillList.map((f) => [f.time, f.price])).toEqual([[day(2), 97]]);
  });

  it('no look-ahead: what a strategy sends up to bar k does not depend on bars after k', () => {
    const walk = fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 40, maxLength: 80 });
    const toBars = (moves: number[]) => {
      let p = 100;
      return handBars(
        moves.map((m) => {
          const o = p;
          p = Math.round(p * (1 + m) * 100) / 100;
          return [o, Math.max(o, p) + 0.5, Math.min(o, p) - 0.5, p] as const;
        }),
      );
    };
    fc.assert(
      fc.property(walk, walk, fc.integer({ min: 5, max: 35 }), (a, b, k) => {
        const future = [...a.slice(0, k + 1), ...b];
        const sent = (moves: number[]) => {
          const log: string[] = [];
          const inner = createStrategy('sma-cross', { period: 3, size: 1 });
          let i = -1;
          const spy: Strategy = {
            name: 'spy',
            onBar(bar: StrategyBar, ctx: StrategyContext) {
              i++;
              const submit = ctx.submit.bind(ctx);
              inner.onBar(bar, { ...bindAll(ctx), submit: (o) => (log.push(`${i}:${o.side}:${o.qty}`), submit(o)) });
            },
          };
          runBacktest(toBars(moves), spy, cfg());
          return log.filter((entry) => Number(entry.split(':')[0]) <= k);
        };
        expect(sent(future)).toEqual(sent(a));
      }),
      { numRuns: 60 },
    );
  });

  it('slippage worsens market and stop fills, never beyond the bar, and leaves limits alone', () => {
    const pct = cfg({ slippage: { kind: 'percent', rate: 0.01 } });
    expect(run({ 0: [buy(1)] }, pct).fillList[0]!.price).toBeCloseTo(103.02, 10);
    expect(run({ 0: [buy(1)], 1: [sell(1)] }, pct).fillList[1]!.price).toBeCloseTo(97 * 0.99, 10);
    const big = cfg({ slippage: { kind: 'fixed', amount: 5 } });
    expect(run({ 0: [buy(1)] }, big).fillList[0]!.price).toBe(104); // capped at bar 1's high
    expect(run({ 0: [buy(1, 'LIMIT', 95)] }, big).fillList[0]!.price).toBe(95);
    expect(run({ 0: [buy(1, 'STOP', 105)] }, pct).fillList[0]!.price).toBeCloseTo(106, 10); // 105 × 1.01 capped at 106
  });

  it('one net position per symbol, long and short, with round-trip trades across a flip', () => {
    const fees = cfg({ commission: { kind: 'perShare', perShare: 0.01, minimum: 1 } });
    const r = run({ 0: [sell(10)], 1: [buy(15)], 3: [sell(5)] }, fees);
    expect(r.seen.bars.map((b) => b.position)).toEqual([0, -10, 5, 5, 0, 0]);
    expect(r.fillList.map((f) => [f.side, f.qty, f.price, f.commission])).toEqual([
      ['SELL', 10, 102, 1],
      ['BUY', 15, 97, 1],
      ['SELL', 5, 108, 1],
    ]);
    expect(r.trades).toHaveLength(2);
    const [short, long] = r.trades;
    expect(short).toMatchObject({ side: 'SHORT', qty: 10, entryPrice: 102, exitPrice: 97, entryTime: day(1), exitTime: day(2), open: false, bars: 1 });
    expect(short!.pnl).toBeCloseTo(50 - 1 - 10 / 15, 10);
    expect(long).toMatchObject({ side: 'LONG', qty: 5, entryPrice: 97, exitPrice: 108, exitTime: day(4), open: false });
    expect(long!.pnl).toBeCloseTo(55 - 5 / 15 - 1, 10);
    expect(r.finalValue).toBeCloseTo(100_000 + 50 + 55 - 3, 10);
    expect(r.metrics.trades).toBe(2);
    expect(r.metrics.winRate).toBe(1);
    expect(r.metrics.commissions).toBe(3);
  });

  it('a buy without the cash for it is refused, and the strategy is told why', () => {
    const r = run({ 0: [buy(100)] }, cfg({ cash: 1_000 }));
    expect(r.fillList).toEqual([]);
    expect(r.seen.closed).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringMatching(/not enough cash: needs 10200.00, has 1000.00/) })]);
    expect(r.seen.bars[1]).toMatchObject({ position: 0, openOrders: 0 });
    expect(r.finalValue).toBe(1_000);
  });

  it('a cancelled order never fills; one sent on the last bar stays unfilled and is noted', () => {
    const cancelled = run({ 0: [buy(1, 'LIMIT', 95)], 1: [{ cancel: 0 }] });
    expect(cancelled.fillList).toEqual([]);
    expect(cancelled.seen.closed).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    const last = run({ 0: [buy(2)], 5: [sell(2)] });
    expect(last.fillList).toHaveLength(1);
    expect(last.notes.at(-1)).toMatch(/1 order\(s\) still working when the data ended/);
    expect(last.finalValue).toBe(100_000 - 204 + 2 * 110);
    expect(last.trades).toEqual([expect.objectContaining({ open: true, pnl: 2 * (110 - 102) })]);
    expect(last.metrics.trades).toBe(0);
  });

  it('refuses malformed orders at once', () => {
    const r = run({ 0: [buy(0), buy(1, 'LIMIT'), { side: 'BUY', qty: 1, type: 'STOP', price: -5 }] });
    expect(r.seen.submitted.map((s) => s.id)).toEqual([null, null, null]);
    expect(r.seen.closed.map((c) => c.reason)).toEqual([
      'quantity must be positive (got 0)',
      'a LIMIT order needs a positive price',
      'a STOP order needs a positive price',
    ]);
  });
});

describe('the equity curve', () => {
  it('is thinned evenly to a bounded number of points, keeping the first and the last bar', () => {
    const rows = Array.from({ length: 1_001 }, (_, i) => [100 + i, 101 + i, 99 + i, 100 + i] as const);
    const r = runBacktest(handBars(rows), new ScriptedStrategy({ 0: [buy(1)] }), cfg(), { maxEquityPoints: 10 });
    const times = r.equity.map(([t]) => (t - day(0)) / DAY_MS);
    expect(times.length).toBeLessThanOrEqual(11);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBe(1_000);
    const gaps = new Set(times.slice(1, -1).map((t, i) => t - times[i]!));
    expect(gaps.size).toBe(1);
    // Each point is the equity of its bar: cash plus one share at that bar's close, and buy-and-hold.
    for (const [t, equity, hold] of r.equity) {
      const i = (t - day(0)) / DAY_MS;
      expect(equity).toBe(i === 0 ? 100_000 : 100_000 - 101 + (100 + i));
      expect(hold).toBeCloseTo((100_000 / 100) * (100 + i), 6);
    }
  });
});

describe('commission models', () => {
  it('percent of traded value, per share, per contract, each with a minimum per fill', () => {
    expect(commission({ kind: 'none' }, 10, 50, 1)).toBe(0);
    expect(commission({ kind: 'percent', rate: 0.001 }, 10, 50, 1)).toBeCloseTo(0.5, 12);
    expect(commission({ kind: 'percent', rate: 0.001, minimum: 1 }, 10, 50, 1)).toBe(1);
    expect(commission({ kind: 'percent', rate: 0.001 }, 2, 50, 100)).toBeCloseTo(10, 12); // value counts the multiplier
    expect(commission({ kind: 'perShare', perShare: 0.005 }, 300, 50, 1)).toBeCloseTo(1.5, 12);
    expect(commission({ kind: 'perShare', perShare: 0.005, minimum: 1 }, 100, 50, 1)).toBe(1);
    expect(commission({ kind: 'perContract', perContract: 0.65 }, 3, 5, 100)).toBeCloseTo(1.95, 12);
    expect(commission({ kind: 'perContract', perContract: 0.65, minimum: 2.5 }, 3, 5, 100)).toBe(2.5);
  });

  it('contracts with a multiplier: P&L, cash and equity scale by it; fees are per contract', () => {
    const futures = cfg({ multiplier: 50, commission: { kind: 'perContract', perContract: 1.25 } });
    const r = run({ 0: [buy(2)], 3: [sell(2)] }, futures);
    expect(r.fillList.map((f) => [f.price, f.commission])).toEqual([
      [102, 2.5],
      [108, 2.5],
    ]);
    expect(r.trades[0]!.pnl).toBeCloseTo((108 - 102) * 2 * 50 - 5, 10);
    expect(r.finalValue).toBeCloseTo(100_000 + 600 - 5, 10);
    // Marked with the multiplier while open: from bar 1's close (103, the peak) to bar 2's (98) it loses 5 × 2 × 50.
    expect(r.metrics.maxDrawdown).toBeCloseTo(500 / (100_000 - 2.5 + 100), 12);
  });

  it('percent commissions are charged on every fill of a run', () => {
    const r = run({ 0: [buy(10)], 3: [sell(10)] }, cfg({ commission: { kind: 'percent', rate: 0.001 } }));
    expect(r.fillList.map((f) => f.commission)).toEqual([10 * 102 * 0.001, 10 * 108 * 0.001]);
    expect(r.finalCash).toBeCloseTo(100_000 + 60 - 1.02 - 1.08, 10);
  });
});

describe('A-share rules', () => {
  const aShare = (extra: Partial<BacktestConfigInput> = {}) => cfg({ aShare: {}, ...extra });

  it('buys in lots of 100; no short selling', () => {
    const r = run({ 0: [buy(150), sell(100)] }, aShare());
    expect(r.fillList).toEqual([]);
    expect(r.seen.closed.map((c) => c.reason)).toEqual(['A-shares are bought in lots of 100', expect.stringMatching(/cannot be sold short/)]);
    const partial = run({ 0: [buy(300)], 2: [sell(50)] }, aShare());
    expect(partial.seen.closed.map((c) => c.reason)).toEqual(['A-shares are sold in lots of 100, or the whole odd remainder']);
  });

  it('T+1: shares bought today can be sold from the next trading day', () => {
    // 30-minute bars, four per day (09:30–11:00), two days.
    const bars = new BarSeries('TEST', true);
    for (const d of [2, 3]) for (let k = 0; k < 4; k++) bars.push(Date.UTC(2024, 0, d, 9, 30 + 30 * k), 10, 10.1, 9.9, 10, 1_000);
    // Bought on bar 1 (day 1); the sell sent on bar 1 would fill on bar 2, still day 1.
    const sameDay = run({ 0: [buy(100)], 1: [sell(100)] }, aShare(), bars);
    expect(sameDay.fillList.map((f) => f.side)).toEqual(['BUY']);
    expect(sameDay.seen.closed[0]!.reason).toMatch(/T\+1: 100 of the 100 shares were bought today/);
    // Sent on day 1's last bar, it fills at day 2's first bar: allowed.
    const nextDay = run({ 0: [buy(100)], 3: [sell(100)] }, aShare(), bars);
    expect(nextDay.fillList.map((f) => f.side)).toEqual(['BUY', 'SELL']);
    expect(new Date(nextDay.fillList[1]!.time).toISOString()).toBe('2024-01-03T09:30:00.000Z');
  });

  it('price limits: no buy on a bar locked limit-up, no sell on one locked limit-down; fills stay inside the band', () => {
    const bars = handBars([
      [10, 10, 10, 10],
      [11, 11, 11, 11], // locked at +10%
      [11.5, 12.1, 11.2, 12.1], // +10% of 11 is 12.10
      [10.89, 10.89, 10.89, 10.89], // locked at −10% of 12.10
      [10.5, 10.9, 10, 10.2],
    ]);
    const r = run({ 0: [buy(100)], 1: [buy(100, 'MARKET')], 2: [sell(100)], 3: [sell(100)] }, aShare({ slippage: { kind: 'percent', rate: 0.1 } }), bars);
    expect(r.seen.closed.map((c) => c.reason)).toEqual([expect.stringMatching(/locked limit-up at 11/), expect.stringMatching(/locked limit-down at 10.89/)]);
    // The buy sent on bar 1 fills on bar 2: 11.5 + 10% slippage, capped by the bar's high 12.1 = the limit.
    expect(r.fillList.map((f) => [f.side, f.price])).toEqual([
      ['BUY', 12.1],
      ['SELL', 10],
    ]);
  });

  it('stamp duty is charged on sells on top of the commission', () => {
    const bars = handBars([
      [10, 10.2, 9.8, 10],
      [10, 10.2, 9.8, 10],
      [10, 10.2, 9.8, 10],
      [10, 10.2, 9.8, 10],
    ]);
    const r = run({ 0: [buy(1_000)], 1: [sell(1_000)] }, aShare({ commission: { kind: 'percent', rate: 0.0003, minimum: 5 }, aShare: { stampDuty: 0.0005 } }), bars);
    expect(r.fillList.map((f) => f.commission)).toEqual([5, 5 + 1_000 * 10 * 0.0005]);
  });
});

describe('sma-cross on real bars, against an independent reading of its rules', () => {
  it('matches fill for fill on ORCL 2014 with 0.1% commission', () => {
    const series = loadBarFile(fileURLToPath(new URL('./fixtures/orcl-2014.csv', import.meta.url)));
    const period = 15;
    const size = 10;
    const rate = 0.001;
    const result = runBacktest(series, createStrategy('sma-cross', { period, size }), cfg({ commission: { kind: 'percent', rate } }));

    // The rules, plainly: SMA over the window; a cross compares with the last bar where close ≠ SMA;
    // a market order fills at the next bar's open; the last bar's order never fills.
    const close = Array.from(series.close.subarray(0, series.length));
    const open = Array.from(series.open.subarray(0, series.length));
    const expected: { side: string; time: number; price: number; qty: number; commission: number }[] = [];
    let position = 0;
    let cash = 100_000;
    let lastDiff = Number.NaN;
    for (let t = period - 1; t < close.length; t++) {
      const sma = close.slice(t + 1 - period, t + 1).reduce((s, x) => s + x, 0) / period;
      const diff = close[t]! - sma;
      const before = lastDiff;
      if (diff !== 0 || Number.isNaN(before)) lastDiff = diff;
      if (Number.isNaN(before) || t + 1 >= close.length) continue;
      const signal = position === 0 ? before < 0 && diff > 0 : before > 0 && diff < 0;
      if (!signal) continue;
      const side = position === 0 ? 'BUY' : 'SELL';
      const price = open[t + 1]!;
      const fee = size * price * rate;
      cash += (side === 'BUY' ? -1 : 1) * size * price - fee;
      position += side === 'BUY' ? size : -size;
      expected.push({ side, time: series.time[t + 1]!, price, qty: size, commission: fee });
    }
    const fills = result.fills.toArray();
    expect(fills.length).toBeGreaterThan(10);
    expect(fills.length).toBe(expected.length);
    fills.forEach((f, i) => {
      expect(f.side).toBe(expected[i]!.side);
      expect(f.time).toBe(expected[i]!.time);
      expect(f.price).toBe(expected[i]!.price);
      expect(f.commission).toBeCloseTo(expected[i]!.commission, 12);
    });
    expect(result.finalCash).toBeCloseTo(cash, 8);
    expect(result.finalValue).toBeCloseTo(cash + position * close.at(-1)!, 8);
    // Accounting identity: every trade's net P&L adds up to the change in value.
    const pnl = result.trades.toArray().reduce((s, t) => s + t.pnl, 0);
    expect(pnl).toBeCloseTo(result.finalValue - 100_000, 8);
  });
});

function bindAll(ctx: StrategyContext): StrategyContext {
  return {
    position: (s) => ctx.position(s),
    openOrders: (s) => ctx.openOrders(s),
    submit: (o) => ctx.submit(o),
    cancel: (id) => ctx.cancel(id),
    cash: () => ctx.cash(),
  };
}
