import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { BacktestConfig } from '../../../shared/backtest.js';
import { runBacktest } from '../backtester.js';
import { loadBarFile } from '../csv-bars.js';
import { simulatedBars } from '../sim-bars.js';
import type { Strategy, StrategyBar, StrategyContext } from '../strategy.js';
import { createStrategy, listStrategies, resolveParams } from './index.js';

const series = loadBarFile(fileURLToPath(new URL('../fixtures/orcl-2014.csv', import.meta.url)));
const config = BacktestConfig.parse({ cash: 100_000 });
const closes = Array.from(series.close.subarray(0, series.length));
const highs = Array.from(series.high.subarray(0, series.length));
const lows = Array.from(series.low.subarray(0, series.length));

/** Runs a strategy and records, per order sent, the bar it was sent on. */
function sentOn(strategy: Strategy, source = series) {
  const sent: { bar: number; side: string; qty: number; position: number }[] = [];
  let bar = -1;
  runBacktest(
    source,
    {
      name: strategy.name,
      onBar(b: StrategyBar, ctx: StrategyContext) {
        bar++;
        strategy.onBar(b, {
          position: (s) => ctx.position(s),
          openOrders: (s) => ctx.openOrders(s),
          cash: () => ctx.cash(),
          cancel: (id) => ctx.cancel(id),
          submit: (o) => {
            sent.push({ bar, side: o.side, qty: o.qty, position: ctx.position(o.symbol) });
            return ctx.submit(o);
          },
        });
      },
    },
    config,
  );
  return sent;
}

function wilderRsi(xs: readonly number[], p: number): number[] {
  const out = xs.map(() => Number.NaN);
  let ag = 0;
  let al = 0;
  for (let i = 1; i < xs.length; i++) {
    const d = xs[i]! - xs[i - 1]!;
    const g = Math.max(d, 0);
    const l = Math.max(-d, 0);
    if (i <= p) {
      ag += g / p;
      al += l / p;
      if (i < p) continue;
    } else {
      ag = (ag * (p - 1) + g) / p;
      al = (al * (p - 1) + l) / p;
    }
    out[i] = al === 0 ? 100 : 100 - 100 / (1 + ag / al);
  }
  return out;
}

describe('built-in strategies', () => {
  it('lists three strategies, each with a size parameter and defaults inside their ranges', () => {
    const list = listStrategies();
    expect(list.map((s) => s.name)).toEqual(['sma-cross', 'rsi-reversion', 'donchian-breakout']);
    for (const s of list) {
      expect(s.params.map((p) => p.key)).toContain('size');
      for (const p of s.params) expect(p.default >= p.min && p.default <= p.max).toBe(true);
    }
  });

  it('fills in defaults and refuses unknown, out-of-range or fractional parameters', () => {
    expect(resolveParams('sma-cross', { period: 5 })).toEqual({ period: 5, size: 100 });
    expect(() => resolveParams('sma-cross', { perod: 5 })).toThrow(/no parameter "perod"; its parameters are period, size/);
    expect(() => resolveParams('sma-cross', { period: 0 })).toThrow(/^sma-cross: period must be from 1 to 10000 \(got 0\)$/);
    expect(() => resolveParams('rsi-reversion', { period: 14.5 })).toThrow(/whole number/);
    expect(() => createStrategy('nope')).toThrow(/^Unknown strategy "nope"; choose one of sma-cross, rsi-reversion, donchian-breakout$/);
  });

  it('rsi-reversion buys below oversold and exits above the exit level, by Wilder RSI', () => {
    const period = 6;
    const rsi = wilderRsi(closes, period);
    const sent = sentOn(createStrategy('rsi-reversion', { period, oversold: 35, exit: 55, size: 5 }));
    expect(sent.length).toBeGreaterThan(4);
    for (const s of sent) {
      if (s.side === 'BUY') {
        expect(s.position).toBe(0);
        expect(rsi[s.bar]).toBeLessThan(35);
      } else {
        expect(s.position).toBe(5);
        expect(rsi[s.bar]).toBeGreaterThan(55);
      }
    }
    // And every bar where a flat book saw RSI below 35 produced a buy.
    const firstBuy = sent[0]!.bar;
    const firstSignal = rsi.findIndex((v) => v < 35);
    expect(firstBuy).toBe(firstSignal);
  });

  it('rsi-reversion with short = 1 also sells above overbought and covers below the exit', () => {
    const sim = simulatedBars('TQQQ', 400, 11);
    const sent = sentOn(createStrategy('rsi-reversion', { period: 5, overbought: 70, oversold: 30, exit: 50, size: 3, short: 1 }), sim);
    expect(sent.some((s) => s.side === 'SELL' && s.position === 0)).toBe(true);
    expect(sent.some((s) => s.side === 'BUY' && s.position === -3)).toBe(true);
  });

  it('donchian-breakout enters on a close above the previous highs and exits below the previous lows', () => {
    const entry = 10;
    const exit = 5;
    const sent = sentOn(createStrategy('donchian-breakout', { entry, exit, size: 7 }));
    expect(sent.length).toBeGreaterThan(4);
    for (const s of sent) {
      if (s.side === 'BUY') {
        expect(s.position).toBe(0);
        expect(closes[s.bar]).toBeGreaterThan(Math.max(...highs.slice(s.bar - entry, s.bar)));
      } else {
        expect(s.position).toBe(7);
        expect(closes[s.bar]).toBeLessThan(Math.min(...lows.slice(s.bar - exit, s.bar)));
      }
    }
  });
});
