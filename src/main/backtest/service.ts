// The engine's backtest desk: checks a request, runs it (or a parameter sweep) on the worker
// pool, tracks the job's progress for the cockpit to poll, stores finished runs and sweeps in
// SQLite, and exports runs as CSV. The engine's own event loop only does bookkeeping.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  formatBarDate,
  type BacktestData,
  type BacktestExportKind,
  type BacktestJob,
  type BacktestRequest,
  type BacktestRun,
  type BacktestRunSummary,
  type BacktestSources,
  type StrategyInfo,
  type SweepRequest,
} from '../../shared/backtest.js';
import { CockpitError } from '../../shared/api/result.js';
import { projectRoot } from '../paths.js';
import type { Db } from '../store/database.js';
import { DataFiles } from './data-files.js';
import { exportRunCsv } from './export.js';
import { expandGrid, WorkerPool } from './pool.js';
import type { ResolvedData, RunResult } from './run.js';
import { SIM_SYMBOLS } from './sim-bars.js';
import { listStrategies, resolveParams, StrategyParamError } from './strategies/index.js';
import { BacktestStore } from './store.js';

export const MAX_SWEEP_COMBINATIONS = 2_000;
const KEEP_FINISHED_JOBS = 50;

export interface BacktestServiceOptions {
  db: Db;
  /** The engine's data directory; bar files are listed from `<dataDir>/data/`. */
  dataDir: string;
  log: Logger;
  /** The bundled sample bar files (default: resources/sample-data of the project). */
  sampleDir?: string;
  workers?: number;
}

export class BacktestService {
  readonly files: DataFiles;
  private readonly store: BacktestStore;
  private readonly log: Logger;
  private readonly workers: number | undefined;
  private pool: WorkerPool | undefined;
  private readonly jobs = new Map<string, BacktestJob>();
  private closed = false;

  constructor(options: BacktestServiceOptions) {
    this.store = new BacktestStore(options.db);
    this.files = new DataFiles(options.sampleDir ?? join(projectRoot(), 'resources', 'sample-data'), join(options.dataDir, 'data'));
    this.log = options.log;
    this.workers = options.workers;
  }

  sources(): BacktestSources {
    return { files: this.files.list(), dataFolder: this.files.userDir, simSymbols: [...SIM_SYMBOLS] };
  }

  strategies(): StrategyInfo[] {
    return listStrategies();
  }

  /** Starts one run on a worker; the cockpit polls `job` for progress and the run id. */
  start(request: BacktestRequest): BacktestJob {
    const { data, dataLabel, params } = this.check(request);
    const job = this.newJob('run', 1);
    const spec = { data, strategy: request.strategy, params, config: request.config };
    this.workerPool()
      .run(spec, (fraction) => {
        job.progress = Math.min(0.99, fraction);
      })
      .then((result) => {
        const run = this.saveRun(request, dataLabel, result);
        this.finish(job, { runId: run.id });
      })
      .catch((error: unknown) => this.fail(job, error));
    return { ...job };
  }

  /** Runs every combination of the grid across the workers; rows arrive as they finish. */
  sweep(request: SweepRequest): BacktestJob {
    const { data, dataLabel, params } = this.check(request);
    let combos: Record<string, number>[];
    try {
      combos = expandGrid(params, request.grid, MAX_SWEEP_COMBINATIONS);
      for (const combo of combos) resolveParams(request.strategy, combo);
    } catch (error) {
      throw new CockpitError('INVALID_REQUEST', `Sweep: ${(error as Error).message}.`);
    }
    const job = this.newJob('sweep', combos.length);
    const pool = this.workerPool();
    let done = 0;
    Promise.all(
      combos.map((combo) =>
        pool.summarize({ data, strategy: request.strategy, params: combo, config: request.config }).then((row) => {
          job.rows.push(row);
          job.rows.sort((a, b) => b.finalValue - a.finalValue);
          job.progress = ++done / combos.length;
        }),
      ),
    )
      .then(() => {
        const id = newId('S');
        this.store.insertSweep({
          id,
          createdAt: Date.now(),
          data: request.data,
          dataLabel,
          strategy: request.strategy,
          params,
          grid: request.grid,
          config: request.config,
          rows: job.rows,
        });
        this.finish(job, { sweepId: id });
      })
      .catch((error: unknown) => this.fail(job, error));
    return { ...job, rows: [...job.rows] };
  }

  job(id: string): BacktestJob {
    const job = this.jobs.get(id);
    if (!job) throw new CockpitError('NOT_FOUND', `No backtest job ${id}.`);
    return { ...job, rows: [...job.rows] };
  }

  runs(limit: number): BacktestRunSummary[] {
    return this.store.listRuns(limit);
  }

  run(id: string): BacktestRun {
    const run = this.store.getRun(id);
    if (!run) throw new CockpitError('NOT_FOUND', `No backtest run ${id}.`);
    return run;
  }

  deleteRun(id: string): { deleted: boolean } {
    return { deleted: this.store.deleteRun(id) };
  }

  exportCsv(id: string, kind: BacktestExportKind): { filename: string; csv: string } {
    return exportRunCsv(this.run(id), kind);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private check(request: BacktestRequest): { data: ResolvedData; dataLabel: string; params: Record<string, number> } {
    if (this.closed) throw new CockpitError('INVALID_REQUEST', 'The engine is shutting down.');
    const { data, dataLabel } = this.resolveData(request.data);
    let params: Record<string, number>;
    try {
      params = resolveParams(request.strategy, request.params);
    } catch (error) {
      if (error instanceof StrategyParamError) throw new CockpitError('INVALID_REQUEST', `${error.message}.`);
      throw error;
    }
    return { data, dataLabel, params };
  }

  private resolveData(data: BacktestData): { data: ResolvedData; dataLabel: string } {
    if (data.kind === 'sim') {
      if (!SIM_SYMBOLS.includes(data.symbol)) {
        throw new CockpitError('INVALID_REQUEST', `The simulator has no ${data.symbol}; choose one of ${SIM_SYMBOLS.join(', ')}.`);
      }
      return { data, dataLabel: `Simulated ${data.symbol} (${data.bars} days, seed ${data.seed})` };
    }
    const file = this.files.resolve(data.id);
    if (!file) throw new CockpitError('NOT_FOUND', `No data file "${data.id}". Put CSV bar files in ${this.files.userDir}.`);
    return { data: { kind: 'file', path: file.path }, dataLabel: file.label };
  }

  private saveRun(request: BacktestRequest, dataLabel: string, result: RunResult): BacktestRun {
    const paramsText = Object.entries(result.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const span = result.firstTime === null ? '' : ` ${formatBarDate(result.firstTime)}→${formatBarDate(result.lastTime!)}`;
    const run: BacktestRun = {
      id: newId('R'),
      createdAt: Date.now(),
      label: request.label?.trim() || `${request.strategy} ${paramsText} · ${dataLabel}${span}`,
      dataLabel,
      strategy: request.strategy,
      params: result.params,
      config: request.config,
      bars: result.bars,
      firstTime: result.firstTime,
      lastTime: result.lastTime,
      intraday: result.intraday,
      finalValue: result.finalValue,
      finalCash: result.finalCash,
      metrics: result.metrics,
      benchmark: result.benchmark,
      equity: result.equity,
      trades: result.trades,
      fills: result.fills,
      notes: result.notes,
    };
    this.store.insertRun(run, request.data);
    return run;
  }

  private workerPool(): WorkerPool {
    this.pool ??= new WorkerPool(this.workers);
    return this.pool;
  }

  private newJob(kind: BacktestJob['kind'], total: number): BacktestJob {
    const job: BacktestJob = {
      id: newId('J'),
      kind,
      state: 'running',
      progress: 0,
      startedAt: Date.now(),
      finishedAt: null,
      error: null,
      runId: null,
      sweepId: null,
      rows: [],
      total,
    };
    this.jobs.set(job.id, job);
    this.prune();
    return job;
  }

  private finish(job: BacktestJob, ids: { runId?: string; sweepId?: string }): void {
    job.state = 'done';
    job.progress = 1;
    job.finishedAt = Date.now();
    job.runId = ids.runId ?? null;
    job.sweepId = ids.sweepId ?? null;
  }

  private fail(job: BacktestJob, error: unknown): void {
    job.state = 'failed';
    job.finishedAt = Date.now();
    job.error = (error as Error).message ?? String(error);
    if (!this.closed) this.log.warn({ job: job.id, err: error }, 'backtest job failed');
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_JOBS))) this.jobs.delete(job.id);
  }
}

function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
