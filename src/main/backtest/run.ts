// One backtest from a request to a serialisable result: opens the data (a bar file or the
// simulator), builds the strategy from its parameters, runs it. Shared by the CLI and the
// worker threads the engine runs backtests and sweeps on.
import type { BacktestConfig, BacktestFill, BacktestMetrics, BacktestTrade, EquitySample, StrategyParams } from '../../shared/backtest.js';
import type { BarSource } from './bars.js';
import { runBacktest } from './backtester.js';
import { BarFileReader, loadBarFile } from './csv-bars.js';
import { simulatedBars } from './sim-bars.js';
import { createStrategy, resolveParams } from './strategies/index.js';

/** The data of a run, once the engine has turned a data id into a path. */
export type ResolvedData = { kind: 'file'; path: string } | { kind: 'sim'; symbol: string; bars: number; seed: number };

export interface RunSpec {
  data: ResolvedData;
  strategy: string;
  params: StrategyParams;
  config: BacktestConfig;
}

export interface RunResult {
  symbol: string;
  intraday: boolean;
  bars: number;
  firstTime: number | null;
  lastTime: number | null;
  params: Record<string, number>;
  finalValue: number;
  finalCash: number;
  metrics: BacktestMetrics;
  benchmark: BacktestMetrics;
  equity: EquitySample[];
  trades: BacktestTrade[];
  fills: BacktestFill[];
  notes: string[];
}

/** Loads bars into memory (so progress knows the total); `stream` reads a file block by block instead. */
export function openSource(data: ResolvedData, stream = false): BarSource {
  if (data.kind === 'sim') return simulatedBars(data.symbol, data.bars, data.seed);
  return stream ? new BarFileReader(data.path) : loadBarFile(data.path);
}

export function executeRun(spec: RunSpec, source: BarSource, onProgress?: (fraction: number) => void): RunResult {
  const params = resolveParams(spec.strategy, spec.params);
  const strategy = createStrategy(spec.strategy, params);
  const total = source.size;
  const outcome = runBacktest(source, strategy, spec.config, {
    onProgress: onProgress && total ? (done) => onProgress(done / total) : undefined,
  });
  return {
    symbol: outcome.symbol,
    intraday: outcome.intraday,
    bars: outcome.bars,
    firstTime: outcome.firstTime,
    lastTime: outcome.lastTime,
    params,
    finalValue: outcome.finalValue,
    finalCash: outcome.finalCash,
    metrics: outcome.metrics,
    benchmark: outcome.benchmark,
    equity: outcome.equity,
    trades: outcome.trades.toArray(),
    fills: outcome.fills.toArray(),
    notes: outcome.notes,
  };
}
