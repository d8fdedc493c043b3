// CSV exports of a stored run — trades, fills, the equity curve against buy-and-hold, or the
// metrics side by side with the benchmark — written with csv-stringify.
import { stringify } from 'csv-stringify/sync';
import type { BacktestExportKind, BacktestMetrics, BacktestRun } from '../../shared/backtest.js';
import { formatBarTime } from '../../shared/backtest.js';

const METRIC_ROWS: readonly [keyof BacktestMetrics, string][] = [
  ['startValue', 'start value'],
  ['endValue', 'end value'],
  ['totalReturn', 'total return'],
  ['annualizedReturn', 'annualized return'],
  ['sharpe', 'Sharpe'],
  ['sortino', 'Sortino'],
  ['maxDrawdown', 'max drawdown'],
  ['maxDrawdownPeak', 'max drawdown peak'],
  ['maxDrawdownTrough', 'max drawdown trough'],
  ['maxDrawdownRecovery', 'max drawdown recovery'],
  ['maxDrawdownDays', 'max drawdown days'],
  ['longestDrawdownDays', 'longest drawdown days'],
  ['calmar', 'Calmar'],
  ['trades', 'trades'],
  ['winRate', 'win rate'],
  ['profitFactor', 'profit factor'],
  ['expectancy', 'expectancy'],
  ['exposure', 'exposure'],
  ['bars', 'bars'],
  ['commissions', 'commissions'],
];

const DATE_KEYS = new Set<keyof BacktestMetrics>(['maxDrawdownPeak', 'maxDrawdownTrough', 'maxDrawdownRecovery']);

export function exportRunCsv(run: BacktestRun, kind: BacktestExportKind): { filename: string; csv: string } {
  const when = (t: number | null) => (t === null ? '' : formatBarTime(t, run.intraday));
  const base = `backtest-${run.strategy}-${run.id}`;
  switch (kind) {
    case 'trades':
      return {
        filename: `${base}-trades.csv`,
        csv: stringify(
          run.trades.map((t) => [t.side, t.qty, when(t.entryTime), t.entryPrice, when(t.exitTime), t.exitPrice ?? '', t.pnl, t.returnPct, t.bars, t.open ? 'open' : 'closed']),
          { header: true, columns: ['side', 'qty', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'pnl', 'return', 'bars', 'status'] },
        ),
      };
    case 'fills':
      return {
        filename: `${base}-fills.csv`,
        csv: stringify(
          run.fills.map((f) => [when(f.time), f.side, f.qty, f.price, f.commission]),
          { header: true, columns: ['time', 'side', 'qty', 'price', 'commission'] },
        ),
      };
    case 'equity':
      return {
        filename: `${base}-equity.csv`,
        csv: stringify(
          run.equity.map(([t, e, b]) => [when(t), e, b]),
          { header: true, columns: ['time', 'equity', 'buy_and_hold'] },
        ),
      };
    case 'metrics': {
      const cell = (m: BacktestMetrics, key: keyof BacktestMetrics) => {
        const v = m[key];
        if (v === null) return '';
        return DATE_KEYS.has(key) ? when(v) : v;
      };
      return {
        filename: `${base}-metrics.csv`,
        csv: stringify(
          METRIC_ROWS.map(([key, label]) => [label, cell(run.metrics, key), cell(run.benchmark, key)]),
          { header: true, columns: ['metric', 'strategy', 'buy_and_hold'] },
        ),
      };
    }
  }
}
