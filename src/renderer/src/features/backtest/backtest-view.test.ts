import { describe, expect, it } from 'vitest';
import type { StrategyInfo } from '../../../../shared/backtest.js';
import { defaultFormValues, parseBacktestForm, parseSweepGrid, SIM_DATA } from './backtest-form.js';
import { curvePoints, formatMetric, shortRunName, tradeMarkers } from './view-model.js';

const SMA: StrategyInfo = {
  name: 'sma-cross',
  title: 'SMA cross',
  description: '',
  params: [
    { key: 'period', label: 'SMA period (bars)', default: 20, min: 1, max: 10_000, integer: true },
    { key: 'size', label: 'Order size', default: 100, min: 1, max: 1e9, integer: false },
  ],
};

describe('backtest form', () => {
  const base = defaultFormValues([SMA], 'sample/index-2006-daily.csv');

  it('turns the defaults into a request: percent commission as a fraction, parameters as numbers', () => {
    const parsed = parseBacktestForm(base, [SMA]);
    expect(parsed).toEqual({
      ok: true,
      value: {
        data: { kind: 'file', id: 'sample/index-2006-daily.csv' },
        strategy: 'sma-cross',
        params: { period: 20, size: 100 },
        config: { cash: 100_000, commission: { kind: 'percent', rate: 0.001 }, multiplier: 1 },
      },
    });
  });

  it('simulator data, slippage, A-share rules and a label', () => {
    const parsed = parseBacktestForm({ ...base, dataId: SIM_DATA, simSymbol: 'QQQ', simBars: '500', simSeed: '9', slippagePct: '0.05', aShare: true, label: ' mine ' }, [SMA]);
    expect(parsed.ok && parsed.value).toMatchObject({
      data: { kind: 'sim', symbol: 'QQQ', bars: 500, seed: 9 },
      config: { slippage: { kind: 'percent', rate: 0.0005 }, aShare: { lotSize: 100, priceLimit: 0.1 } },
      label: 'mine',
    });
  });

  it('points at the field that is wrong', () => {
    expect(parseBacktestForm({ ...base, params: { period: '2.5', size: '1' } }, [SMA])).toMatchObject({ ok: false, field: 'param:period', message: /whole number/ });
    expect(parseBacktestForm({ ...base, params: { period: '20', size: '' } }, [SMA])).toMatchObject({ ok: false, field: 'param:size' });
    expect(parseBacktestForm({ ...base, cash: '-1' }, [SMA])).toMatchObject({ ok: false, field: 'cash' });
    expect(parseBacktestForm({ ...base, commissionPct: 'x' }, [SMA])).toMatchObject({ ok: false, field: 'commissionPct' });
    expect(parseBacktestForm({ ...base, dataId: SIM_DATA, simBars: '5' }, [SMA])).toMatchObject({ ok: false, field: 'simBars' });
    expect(parseBacktestForm({ ...base, strategy: 'x' }, [SMA])).toMatchObject({ ok: false, field: 'strategy' });
  });

  it('sweep grids: lists and ranges, only known parameters inside their ranges', () => {
    expect(parseSweepGrid('period=10,20, 30; size=1..3', SMA)).toEqual({ ok: true, value: { period: [10, 20, 30], size: [1, 2, 3] } });
    expect(parseSweepGrid('period=10..50/10', SMA)).toEqual({ ok: true, value: { period: [10, 20, 30, 40, 50] } });
    expect(parseSweepGrid('size=1..2/0.5', SMA)).toEqual({ ok: true, value: { size: [1, 1.5, 2] } });
    expect(parseSweepGrid('', SMA)).toMatchObject({ ok: false, message: /at least one/ });
    expect(parseSweepGrid('speed=1,2', SMA)).toMatchObject({ ok: false, message: /no parameter "speed"/ });
    expect(parseSweepGrid('period=0,5', SMA)).toMatchObject({ ok: false, message: /period=0 is outside/ });
    expect(parseSweepGrid('period=1.5', SMA)).toMatchObject({ ok: false, message: /whole numbers/ });
    expect(parseSweepGrid('period=1..100; size=1..30', SMA)).toMatchObject({ ok: false, message: /3000 combinations/ });
  });
});

describe('backtest view model', () => {
  it('formats metrics by kind, with a dash for undefined ones', () => {
    expect(formatMetric(0.1234, 'pct')).toBe('12.34%');
    expect(formatMetric(null, 'ratio')).toBe('—');
    expect(formatMetric(Date.UTC(2006, 2, 3), 'date')).toBe('2006-03-03');
    expect(formatMetric(1234.5, 'money')).toBe('1,234.50');
  });

  it('curve points in seconds, strictly increasing', () => {
    const { strategy, hold } = curvePoints([
      [1_000, 100, 100],
      [1_500, 101, 99],
      [2_000, 102, 98],
    ]);
    expect(strategy).toEqual([
      { time: 1, value: 100 },
      { time: 2, value: 102 },
    ]);
    expect(hold.map((p) => p.value)).toEqual([100, 98]);
  });

  it('puts each fill on the curve point at or before it, sorted, buys below and sells above', () => {
    const markers = tradeMarkers(
      [
        { time: 35_000, side: 'SELL', qty: 10, price: 12.5, commission: 0 },
        { time: 10_000, side: 'BUY', qty: 10, price: 11, commission: 0 },
        { time: 5_000, side: 'BUY', qty: 1, price: 1, commission: 0 },
      ],
      [0, 10, 20, 30, 40],
    );
    expect(markers.map((m) => [m.time, m.position, m.shape])).toEqual([
      [0, 'belowBar', 'arrowUp'],
      [10, 'belowBar', 'arrowUp'],
      [30, 'aboveBar', 'arrowDown'],
    ]);
    expect(markers[2]!.text).toBe('S 10 @ 12.50');
    // Many fills: arrows without text, so they stay readable.
    const many = Array.from({ length: 13 }, (_, i) => ({ time: i * 1_000, side: 'BUY' as const, qty: 1, price: 1, commission: 0 }));
    expect(tradeMarkers(many, [0, 5, 10]).every((m) => m.text === '')).toBe(true);
  });

  it('names a run in a comparison by its parameters', () => {
    expect(shortRunName({ period: 30, size: 10 }, 'sma-cross')).toBe('sma-cross period=30');
  });
});
