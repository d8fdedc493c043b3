// Worker threads for the heavy risk computations (risk-jobs.ts): VaR and scenario grids run here,
// never on the engine's event loop, so ticks, gate checks and the kill switch are not queued
// behind them. Jobs queue (at most MAX_QUEUED waiting, then BUSY); each worker takes one at a
// time; a worker that dies fails its job with the reason and is replaced on demand. Workers start
// on first use, hold the process open only while they compute, and stop on close().
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CockpitError } from '../../shared/api/result.js';
import type { ScenarioGrid, VarReport } from '../../shared/risk.js';
import { projectRoot } from '../paths.js';
import type { ScenarioJob, VarJob } from './risk-jobs.js';
import { ScenarioError } from './scenario.js';

export type RiskTask = { id: number; kind: 'scenario'; job: ScenarioJob } | { id: number; kind: 'var'; job: VarJob };

export type RiskReply =
  | { id: number; ok: true; value: ScenarioGrid | VarReport }
  /** `scenario`: the book cannot be valued (a missing price or volatility), not a fault of the worker. */
  | { id: number; ok: false; scenario: boolean; message: string };

/** Jobs waiting for a worker beyond which new ones are refused with BUSY (the clients' caps bound each client; this bounds them all). */
export const MAX_QUEUED = 64;

interface Pending {
  task: RiskTask;
  resolve(value: ScenarioGrid | VarReport): void;
  reject(error: Error): void;
}

/** From the sources a small bootstrap registers tsx in the thread; the build has its own entry. */
function workerEntry(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-boot.mjs', import.meta.url);
  return pathToFileURL(join(projectRoot(), 'out', 'main', 'risk-worker.js'));
}

/** One core is left to the engine loop. */
const defaultSize = () => Math.max(1, Math.min(4, availableParallelism() - 1));

const shutDown = () => new Error('the risk workers are shut down');

export class RiskWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private workers = 0;
  private closed = false;

  constructor(readonly size = defaultSize()) {}

  scenario(job: ScenarioJob): Promise<ScenarioGrid> {
    return this.submit((id) => ({ id, kind: 'scenario', job })) as Promise<ScenarioGrid>;
  }

  valueAtRisk(job: VarJob): Promise<VarReport> {
    return this.submit((id) => ({ id, kind: 'var', job })) as Promise<VarReport>;
  }

  /** Jobs computing or waiting. */
  get outstanding(): number {
    return this.busy.size + this.queue.length;
  }

  private submit(task: (id: number) => RiskTask): Promise<ScenarioGrid | VarReport> {
    if (this.closed) return Promise.reject(shutDown());
    if (this.queue.length >= MAX_QUEUED) {
      return Promise.reject(new CockpitError('BUSY', `The risk calculators have ${this.queue.length} calculations waiting; try again in a moment.`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ task: task(this.nextId++), resolve, reject });
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
      worker.ref();
      worker.postMessage(pending.task);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(workerEntry());
    this.workers++;
    worker.on('message', (reply: RiskReply) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.task.id !== reply.id) return;
      this.busy.delete(worker);
      this.idle.push(worker);
      // An idle worker never keeps the process alive.
      worker.unref();
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.scenario ? new ScenarioError(reply.message) : new Error(reply.message));
      this.dispatch();
    });
    const lost = (reason: string) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.workers--;
      pending?.reject(new Error(`the risk worker stopped: ${reason}`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => {
      if (this.busy.has(worker) || this.idle.includes(worker)) lost(`exit code ${code}`);
    });
    return worker;
  }

  /** Fails what is queued or computing and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(shutDown());
    const all = [...this.idle, ...this.busy.keys()];
    for (const pending of this.busy.values()) pending.reject(shutDown());
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}
