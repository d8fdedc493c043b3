// What the backtest page shows, computed from runs: the metric rows of the comparison table,
// the equity curve points and the trade markers for the chart. Pure: tested without a DOM.
import type { BacktestFill, BacktestMetrics, EquitySample } from '../../../../shared/backtest.js';
import { formatBarDate } from '../../../../shared/backtest.js';
import { formatNumber, formatPercent, MISSING } from '../../lib/format.js';

export type MetricKind = 'money' | 'pct' | 'ratio' | 'date' | 'days' | 'count';

export const METRIC_ROWS: readonly { key: keyof BacktestMetrics; label: string; kind: MetricKind }[] = [
  { key: 'endValue', label: 'Final value', kind: 'money' },
  { key: 'totalReturn', label: 'Total return', kind: 'pct' },
  { key: 'annualizedReturn', label: 'Annualized return', kind: 'pct' },
  { key: 'sharpe', label: 'Sharpe', kind: 'ratio' },
  { key: 'sortino', label: 'Sortino', kind: 'ratio' },
  { key: 'maxDrawdown', label: 'Max drawdown', kind: 'pct' },
  { key: 'maxDrawdownPeak', label: 'Drawdown peak', kind: 'date' },
  { key: 'maxDrawdownTrough', label: 'Drawdown trough', kind: 'date' },
  { key: 'maxDrawdownRecovery', label: 'Recovered', kind: 'date' },
  { key: 'maxDrawdownDays', label: 'Drawdown length (days)', kind: 'days' },
  { key: 'longestDrawdownDays', label: 'Longest drawdown (days)', kind: 'days' },
  { key: 'calmar', label: 'Calmar', kind: 'ratio' },
  { key: 'trades', label: 'Trades', kind: 'count' },
  { key: 'winRate', label: 'Win rate', kind: 'pct' },
  { key: 'profitFactor', label: 'Profit factor', kind: 'ratio' },
  { key: 'expectancy', label: 'Expectancy / trade', kind: 'money' },
  { key: 'exposure', label: 'Exposure', kind: 'pct' },
  { key: 'commissions', label: 'Commissions', kind: 'money' },
];

/** A short column name for a run in a comparison: its parameters (the full label is the tooltip). */
export function shortRunName(params: Readonly<Record<string, number>>, strategy: string): string {
  return `${strategy} ${Object.entries(params)
    .filter(([k]) => k !== 'size')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`.trim();
}

export function formatMetric(value: number | null | undefined, kind: MetricKind): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  switch (kind) {
    case 'money':
      return formatNumber(value, 2);
    case 'pct':
      return formatPercent(value, 2);
    case 'ratio':
      return formatNumber(value, 2);
    case 'date':
      return formatBarDate(value);
    case 'days':
      return formatNumber(value, 0);
    case 'count':
      return formatNumber(value, 0);
  }
}

/** Chart time in seconds; bar times are exchange wall time stored as UTC, and the chart shows UTC. */
export const chartTime = (ms: number): number => Math.floor(ms / 1000);

export function curvePoints(equity: readonly EquitySample[]): { strategy: { time: number; value: number }[]; hold: { time: number; value: number }[] } {
  const strategy: { time: number; value: number }[] = [];
  const hold: { time: number; value: number }[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const [t, e, b] of equity) {
    const time = chartTime(t);
    if (time <= last) continue; // the chart needs strictly increasing times
    last = time;
    strategy.push({ time, value: e });
    hold.push({ time, value: b });
  }
  return { strategy, hold };
}

export interface TradeMarker {
  time: number;
  position: 'belowBar' | 'aboveBar';
  shape: 'arrowUp' | 'arrowDown';
  color: string;
  text: string;
}

/** Fill details on the markers only while they can be read; beyond this, arrows alone. */
export const LABELLED_MARKERS = 12;

/**
 * One marker per fill, on the curve point at or just before the fill (the curve is thinned, so
 * a fill's own bar may not be on it). Sorted by time, as the chart wants; at most `limit`.
 */
export function tradeMarkers(fills: readonly BacktestFill[], curveTimes: readonly number[], limit = 1_000): TradeMarker[] {
  if (curveTimes.length === 0) return [];
  const out: TradeMarker[] = [];
  for (const fill of fills.slice(0, limit)) {
    const t = chartTime(fill.time);
    let lo = 0;
    let hi = curveTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (curveTimes[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const buy = fill.side === 'BUY';
    out.push({
      time: curveTimes[lo]!,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? '#2ecc71' : '#ff5c5c',
      text: fills.length <= LABELLED_MARKERS ? `${buy ? 'B' : 'S'} ${formatNumber(fill.qty, 0)} @ ${formatNumber(fill.price, 2)}` : '',
    });
  }
  return out.sort((a, b) => a.time - b.time);
}
