// Metrics side by side: one column per run (its strategy), and buy-and-hold of the first run's
// data as the benchmark.
import type { BacktestRunSummary } from '../../../../shared/backtest.js';
import { METRIC_ROWS, formatMetric, shortRunName } from './view-model.js';

export function MetricsTable({ runs, testId }: { runs: readonly BacktestRunSummary[]; testId: string }) {
  const benchmark = runs[0]?.benchmark;
  return (
    <div className="table-scroll">
      <table className="grid-table bt-metrics" data-testid={testId} data-runs={runs.length}>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {runs.map((r) => (
              <th key={r.id} scope="col" className="num" title={r.label} data-run-id={r.id}>
                {runs.length > 1 ? shortRunName(r.params, r.strategy) : 'Strategy'}
              </th>
            ))}
            {benchmark ? (
              <th scope="col" className="num" title={runs.length > 1 ? `Buy and hold of ${runs[0]!.dataLabel}` : undefined}>
                Buy &amp; hold
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {METRIC_ROWS.map((row) => (
            <tr key={row.key} data-metric={row.key}>
              <th scope="row">{row.label}</th>
              {runs.map((r) => (
                <td key={r.id} className="num" data-value={r.metrics[row.key] ?? ''}>
                  {formatMetric(r.metrics[row.key], row.kind)}
                </td>
              ))}
              {benchmark ? (
                <td className="num muted" data-benchmark={benchmark[row.key] ?? ''}>
                  {row.key === 'trades' || row.key === 'winRate' || row.key === 'profitFactor' || row.key === 'expectancy' || row.key === 'commissions'
                    ? ''
                    : formatMetric(benchmark[row.key], row.kind)}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
