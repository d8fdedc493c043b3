// NAV curve with lightweight-charts v5, driven imperatively: setData for history (on every new
// snapshot), series.update for live points, resized with its container, removed on unmount.
import { useEffect, useRef } from 'react';
import {
  AreaSeries,
  ColorType,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type TickMarkType,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { EquityPoint } from '../../../../shared/domain.js';
import { cockpitStore, useCockpit } from '../../stores/app-store.js';
import type { CockpitStoreState } from '../../stores/cockpit-store.js';
import { Panel } from '../../components/Panel.js';
import { formatTime } from '../../lib/format.js';
import { formatTickMark, pointsAfter, toChartPoints } from './chart-data.js';

const asChart = (p: { time: number; value: number }) => ({ time: p.time as UTCTimestamp, value: p.value });

export function EquityChart() {
  const containerRef = useRef<HTMLDivElement>(null);
  const pointCount = useCockpit((s) => s.cockpit?.equity.length ?? 0);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const timezone = () => cockpitStore.getState().cockpit?.clock.timezone ?? 'UTC';

    const chart: IChartApi = createChart(container, {
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
      timeScale: {
        borderColor: '#2a3342',
        timeVisible: true,
        secondsVisible: false,
        tickMarkFormatter: (t: Time, type: TickMarkType) => (typeof t === 'number' ? formatTickMark(t, type, timezone()) : null),
      },
      crosshair: { horzLine: { color: '#4b5668' }, vertLine: { color: '#4b5668' } },
      localization: {
        // Times in the exchange's zone, like the header clock.
        timeFormatter: (t: number) => formatTime(t * 1000, timezone(), true),
        priceFormatter: (p: number) => p.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      },
    });
    const series: ISeriesApi<'Area'> = chart.addSeries(AreaSeries, {
      lineColor: '#4aa3ff',
      topColor: 'rgba(74, 163, 255, 0.28)',
      bottomColor: 'rgba(74, 163, 255, 0.02)',
      lineWidth: 2,
      priceLineVisible: false,
    });

    let lastTime: number | null = null;
    let generation = -1;
    let equity: readonly EquityPoint[] = [];

    const render = (state: CockpitStoreState) => {
      const next = state.cockpit?.equity ?? [];
      if (state.snapshotGeneration !== generation) {
        // A new connection's snapshot: reload the history.
        generation = state.snapshotGeneration;
        equity = next;
        const points = toChartPoints(next);
        series.setData(points.map(asChart));
        lastTime = points.at(-1)?.time ?? null;
        if (points.length > 1) chart.timeScale().fitContent();
        return;
      }
      if (next === equity) return;
      equity = next;
      for (const p of pointsAfter(next, lastTime)) {
        series.update(asChart(p));
        lastTime = p.time;
      }
    };
    render(cockpitStore.getState());
    const unsubscribe = cockpitStore.subscribe(render);

    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box && box.width > 0 && box.height > 0) chart.resize(Math.floor(box.width), Math.floor(box.height));
    });
    observer.observe(container);

    return () => {
      observer.disconnect();
      unsubscribe();
      chart.remove();
    };
  }, []);

  return (
    <Panel title="Equity (NAV)" area="equity" bodyClassName="flush">
      <div className="chart" ref={containerRef} data-testid="equity-chart" data-points={pointCount} />
    </Panel>
  );
}
