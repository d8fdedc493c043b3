// A pool of worker threads, one per core, that runs backtests off the engine's event loop: the
// cockpit stays responsive while a run or a sweep computes. Tasks queue; each worker takes one
// at a time; a worker that dies fails its task (with the reason) and is replaced on demand. The
// thread machinery is workers/pool.ts; this file owns the tasks, their replies and progress.
import { availableParallelism } from 'node:os';
import type { BacktestMetrics, SweepRow } from '../../shared/backtest.js';
import { ThreadPool } from '../workers/pool.js';
import type { RunResult, RunSpec } from './run.js';

export interface WorkerTask {
  id: number;
  spec: RunSpec;
  /** Sweeps need only the metrics: no equity curve, fills or trades cross the thread boundary. */
  summaryOnly: boolean;
}

export type WorkerReply =
  | { id: number; type: 'progress'; fraction: number }
  | { id: number; type: 'done'; result: RunResult }
  | { id: number; type: 'summary'; params: Record<string, number>; metrics: BacktestMetrics; finalValue: number }
  | { id: number; type: 'error'; message: string };

export class WorkerPool {
  private readonly threads: ThreadPool<WorkerTask, WorkerReply>;

  constructor(readonly size = availableParallelism()) {
    this.threads = new ThreadPool({
      name: 'backtest',
      // The build starts out/main/backtest-worker.js (electron.vite.config.ts).
      entry: { sources: () => new URL('./worker-boot.mjs', import.meta.url), built: 'backtest-worker.js' },
      size,
      // Idle backtest workers stay referenced until close(), as they always have.
      unrefIdle: false,
    });
  }

  run(spec: RunSpec, onProgress?: (fraction: number) => void): Promise<RunResult> {
    return this.submit(spec, false, onProgress).then((reply) => {
      if (reply.type !== 'done') throw new Error('unexpected worker reply');
      return reply.result;
    });
  }

  summarize(spec: RunSpec): Promise<SweepRow> {
    return this.submit(spec, true).then((reply) => {
      if (reply.type !== 'summary') throw new Error('unexpected worker reply');
      return { params: reply.params, metrics: reply.metrics, finalValue: reply.finalValue };
    });
  }

  private submit(spec: RunSpec, summaryOnly: boolean, onProgress?: (fraction: number) => void): Promise<WorkerReply> {
    return this.threads.submit<WorkerReply>(
      (id) => ({ id, spec, summaryOnly }),
      (reply) => {
        if (reply.type === 'progress') {
          onProgress?.(reply.fraction);
          return undefined;
        }
        return reply.type === 'error' ? { error: new Error(reply.message) } : { value: reply };
      },
    );
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}

/** Every combination of the grid's values over the base parameters, in a stable order. */
export function expandGrid(base: Record<string, number>, grid: Record<string, readonly number[]>, limit: number): Record<string, number>[] {
  let combos: Record<string, number>[] = [{ ...base }];
  for (const [key, values] of Object.entries(grid)) {
    const unique = [...new Set(values)];
    if (combos.length * unique.length > limit) throw new RangeError(`the sweep has more than ${limit} combinations; narrow the grid`);
    combos = combos.flatMap((c) => unique.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}
