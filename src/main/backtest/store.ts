// Backtest runs and sweeps in the engine's SQLite database (tables of migration 002).
// Summaries list without the heavy columns; a run's curve, trades and fills load on demand.
import type { BacktestData, BacktestRun, BacktestRunSummary, SweepRow } from '../../shared/backtest.js';
import type { Db } from '../store/database.js';

export interface StoredSweep {
  id: string;
  createdAt: number;
  data: BacktestData;
  dataLabel: string;
  strategy: string;
  params: Record<string, number>;
  grid: Record<string, number[]>;
  config: unknown;
  rows: SweepRow[];
}

interface RunRow {
  id: string;
  createdAt: number;
  label: string;
  dataLabel: string;
  strategy: string;
  params: string;
  config: string;
  bars: number;
  firstTime: number | null;
  lastTime: number | null;
  intraday: number;
  finalValue: number;
  finalCash: number;
  metrics: string;
  benchmark: string;
}

const SUMMARY_COLUMNS = `id, created_at AS createdAt, label, data_label AS dataLabel, strategy, params, config, bars,
  first_time AS firstTime, last_time AS lastTime, intraday, final_value AS finalValue, final_cash AS finalCash, metrics, benchmark`;

const toSummary = (row: RunRow): BacktestRunSummary => ({
  ...row,
  intraday: row.intraday === 1,
  params: JSON.parse(row.params) as BacktestRunSummary['params'],
  config: JSON.parse(row.config) as BacktestRunSummary['config'],
  metrics: JSON.parse(row.metrics) as BacktestRunSummary['metrics'],
  benchmark: JSON.parse(row.benchmark) as BacktestRunSummary['benchmark'],
});

export class BacktestStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insertRun: db.prepare(
        `INSERT INTO backtest_runs (id, created_at, label, data, data_label, strategy, params, config, bars, first_time, last_time,
           intraday, final_value, final_cash, metrics, benchmark, equity, trades, fills, notes)
         VALUES (@id, @createdAt, @label, @data, @dataLabel, @strategy, @params, @config, @bars, @firstTime, @lastTime,
           @intraday, @finalValue, @finalCash, @metrics, @benchmark, @equity, @trades, @fills, @notes)`,
      ),
      listRuns: db.prepare<[number], RunRow>(`SELECT ${SUMMARY_COLUMNS} FROM backtest_runs ORDER BY created_at DESC, rowid DESC LIMIT ?`),
      getRun: db.prepare<[string], RunRow & { equity: string; trades: string; fills: string; notes: string }>(
        `SELECT ${SUMMARY_COLUMNS}, equity, trades, fills, notes FROM backtest_runs WHERE id = ?`,
      ),
      deleteRun: db.prepare('DELETE FROM backtest_runs WHERE id = ?'),
      insertSweep: db.prepare(
        `INSERT INTO backtest_sweeps (id, created_at, data, data_label, strategy, params, grid, config, rows)
         VALUES (@id, @createdAt, @data, @dataLabel, @strategy, @params, @grid, @config, @rows)`,
      ),
      getSweep: db.prepare<[string], Record<string, unknown>>(
        `SELECT id, created_at AS createdAt, data, data_label AS dataLabel, strategy, params, grid, config, rows FROM backtest_sweeps WHERE id = ?`,
      ),
    };
  }

  insertRun(run: BacktestRun, data: BacktestData): void {
    this.stmts.insertRun.run({
      id: run.id,
      createdAt: run.createdAt,
      label: run.label,
      data: JSON.stringify(data),
      dataLabel: run.dataLabel,
      strategy: run.strategy,
      params: JSON.stringify(run.params),
      config: JSON.stringify(run.config),
      bars: run.bars,
      firstTime: run.firstTime,
      lastTime: run.lastTime,
      intraday: run.intraday ? 1 : 0,
      finalValue: run.finalValue,
      finalCash: run.finalCash,
      metrics: JSON.stringify(run.metrics),
      benchmark: JSON.stringify(run.benchmark),
      equity: JSON.stringify(run.equity),
      trades: JSON.stringify(run.trades),
      fills: JSON.stringify(run.fills),
      notes: JSON.stringify(run.notes),
    });
  }

  listRuns(limit: number): BacktestRunSummary[] {
    return this.stmts.listRuns.all(limit).map(toSummary);
  }

  getRun(id: string): BacktestRun | undefined {
    const row = this.stmts.getRun.get(id);
    if (!row) return undefined;
    return {
      ...toSummary(row),
      equity: JSON.parse(row.equity) as BacktestRun['equity'],
      trades: JSON.parse(row.trades) as BacktestRun['trades'],
      fills: JSON.parse(row.fills) as BacktestRun['fills'],
      notes: JSON.parse(row.notes) as BacktestRun['notes'],
    };
  }

  deleteRun(id: string): boolean {
    return this.stmts.deleteRun.run(id).changes > 0;
  }

  insertSweep(sweep: StoredSweep): void {
    this.stmts.insertSweep.run({
      id: sweep.id,
      createdAt: sweep.createdAt,
      data: JSON.stringify(sweep.data),
      dataLabel: sweep.dataLabel,
      strategy: sweep.strategy,
      params: JSON.stringify(sweep.params),
      grid: JSON.stringify(sweep.grid),
      config: JSON.stringify(sweep.config),
      rows: JSON.stringify(sweep.rows),
    });
  }

  getSweep(id: string): StoredSweep | undefined {
    const row = this.stmts.getSweep.get(id);
    if (!row) return undefined;
    const parse = (key: string) => JSON.parse(row[key] as string) as never;
    return {
      id: row.id as string,
      createdAt: row.createdAt as number,
      dataLabel: row.dataLabel as string,
      strategy: row.strategy as string,
      data: parse('data'),
      params: parse('params'),
      grid: parse('grid'),
      config: parse('config'),
      rows: parse('rows'),
    };
  }
}
