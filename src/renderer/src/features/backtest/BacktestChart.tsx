// The run's equity curve against buy-and-hold, with a marker per fill (lightweight-charts v5,
// driven imperatively: created once, setData when the run changes, removed on unmount).
import { useEffect, useRef } from 'react';
import {
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { BacktestRun } from '../../../../shared/backtest.js';
import { curvePoints, tradeMarkers } from './view-model.js';

const asLine = (p: { time: number; value: number }) => ({ time: p.time as UTCTimestamp, value: p.value });

export function BacktestChart({ run }: { run: BacktestRun | null }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<{ chart: IChartApi; strategy: ISeriesApi<'Line'>; hold: ISeriesApi<'Line'>; markers: ISeriesMarkersPluginApi<Time> } | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = createChart(container, {
      width: container.clientWidth,
      height: container.clientHeight,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: '#8b95a5',
        fontSize: 11,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      },
      grid: { vertLines: { color: '#1c2330' }, horzLines: { color: '#1c2330' } },
      rightPriceScale: { borderColor: '#2a3342' },
      // Bar times are the exchange's wall time stored as UTC: the chart's UTC display shows them as they are.
      timeScale: { borderColor: '#2a3342', timeVisible: true, secondsVisible: false },
      crosshair: { horzLine: { color: '#4b5668' }, vertLine: { color: '#4b5668' } },
      localization: { priceFormatter: (p: number) => p.toLocaleString('en-US', { maximumFractionDigits: 0 }) },
    });
    const hold = chart.addSeries(LineSeries, { color: '#8090a6', lineWidth: 1, lineStyle: 2, priceLineVisible: false, title: 'buy & hold' });
    const strategy = chart.addSeries(LineSeries, { color: '#4aa3ff', lineWidth: 2, priceLineVisible: false, title: 'strategy' });
    const markers = createSeriesMarkers(strategy, []);
    chartRef.current = { chart, strategy, hold, markers };
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box && box.width > 0 && box.height > 0) chart.resize(Math.floor(box.width), Math.floor(box.height));
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chartRef.current = null;
      chart.remove();
    };
  }, []);

  useEffect(() => {
    const c = chartRef.current;
    if (!c) return;
    const { strategy, hold } = curvePoints(run?.equity ?? []);
    c.strategy.setData(strategy.map(asLine));
    c.hold.setData(hold.map(asLine));
    c.markers.setMarkers(
      tradeMarkers(
        run?.fills ?? [],
        strategy.map((p) => p.time),
      ).map((m) => ({ ...m, time: m.time as UTCTimestamp })),
    );
    if (strategy.length > 1) c.chart.timeScale().fitContent();
  }, [run]);

  return (
    <div
      className="chart bt-chart"
      ref={containerRef}
      data-testid="bt-chart"
      data-points={run?.equity.length ?? 0}
      data-markers={run ? Math.min(run.fills.length, 1_000) : 0}
    />
  );
}
