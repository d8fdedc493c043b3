// A pool of worker threads, one per core, that runs backtests off the engine's event loop: the
// cockpit stays responsive while a run or a sweep computes. Tasks queue; each worker takes one
// at a time; a worker that dies fails its task (with the reason) and is replaced on demand.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BacktestMetrics, SweepRow } from '../../shared/backtest.js';
import { projectRoot } from '../paths.js';
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

interface Pending {
  task: WorkerTask;
  onProgress?: (fraction: number) => void;
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

/** From the sources a small bootstrap registers tsx in the thread; the build has its own entry. */
function workerEntry(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-boot.mjs', import.meta.url);
  return pathToFileURL(join(projectRoot(), 'out', 'main', 'backtest-worker.js'));
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private workers = 0;
  private closed = false;

  constructor(readonly size = availableParallelism()) {}

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
    if (this.closed) return Promise.reject(new Error('the backtest workers are shut down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, spec, summaryOnly }, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.workers >= this.size) return;
        worker = this.spawn();
      }
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.task);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(workerEntry());
    this.workers++;
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.task.id !== reply.id) return;
      if (reply.type === 'progress') {
        pending.onProgress?.(reply.fraction);
        return;
      }
      this.busy.delete(worker);
      this.idle.push(worker);
      if (reply.type === 'error') pending.reject(new Error(reply.message));
      else pending.resolve(reply);
      this.dispatch();
    });
    const lost = (reason: string) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.workers--;
      pending?.reject(new Error(`the backtest worker stopped: ${reason}`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => {
      if (this.busy.has(worker) || this.idle.includes(worker)) lost(`exit code ${code}`);
    });
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the backtest workers are shut down'));
    const all = [...this.idle, ...this.busy.keys()];
    for (const [, pending] of this.busy) pending.reject(new Error('the backtest workers are shut down'));
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
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
