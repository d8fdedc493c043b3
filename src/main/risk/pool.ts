// Worker threads for the heavy risk computations (risk-jobs.ts): VaR and scenario grids run here,
// never on the engine's event loop, so ticks, gate checks and the kill switch are not queued
// behind them. Jobs queue (at most MAX_QUEUED waiting, then BUSY); each worker takes one at a
// time; a worker that dies fails its job with the reason and is replaced on demand. Workers start
// on first use, hold the process open only while they compute, and stop on close(). The thread
// machinery is workers/pool.ts; this file owns the jobs, their replies and the limits.
import { availableParallelism } from 'node:os';
import { CockpitError } from '../../shared/api/result.js';
import type { ScenarioGrid, VarReport } from '../../shared/risk.js';
import { ThreadPool, type Outcome } from '../workers/pool.js';
import type { ScenarioJob, VarJob } from './risk-jobs.js';
import { ScenarioError } from './scenario.js';

export type RiskTask = { id: number; kind: 'scenario'; job: ScenarioJob } | { id: number; kind: 'var'; job: VarJob };

export type RiskReply =
  | { id: number; ok: true; value: ScenarioGrid | VarReport }
  /** `scenario`: the book cannot be valued (a missing price or volatility), not a fault of the worker. */
  | { id: number; ok: false; scenario: boolean; message: string };

/** Jobs waiting for a worker beyond which new ones are refused with BUSY (the clients' caps bound each client; this bounds them all). */
export const MAX_QUEUED = 64;

/** One core is left to the engine loop. */
const defaultSize = () => Math.max(1, Math.min(4, availableParallelism() - 1));

function outcome(reply: RiskReply): Outcome<ScenarioGrid | VarReport> {
  if (reply.ok) return { value: reply.value };
  return { error: reply.scenario ? new ScenarioError(reply.message) : new Error(reply.message) };
}

export class RiskWorkerPool {
  private readonly threads: ThreadPool<RiskTask, RiskReply>;

  constructor(readonly size = defaultSize()) {
    this.threads = new ThreadPool({
      name: 'risk',
      // The build starts out/main/risk-worker.js (electron.vite.config.ts).
      entry: { sources: () => new URL('./worker-boot.mjs', import.meta.url), built: 'risk-worker.js' },
      size,
      cap: {
        maxQueued: MAX_QUEUED,
        refuse: (waiting) => new CockpitError('BUSY', `The risk calculators have ${waiting} calculations waiting; try again in a moment.`),
      },
      unrefIdle: true,
    });
  }

  scenario(job: ScenarioJob): Promise<ScenarioGrid> {
    return this.threads.submit((id) => ({ id, kind: 'scenario', job }), outcome) as Promise<ScenarioGrid>;
  }

  valueAtRisk(job: VarJob): Promise<VarReport> {
    return this.threads.submit((id) => ({ id, kind: 'var', job }), outcome) as Promise<VarReport>;
  }

  /** Jobs computing or waiting. */
  get outstanding(): number {
    return this.threads.outstanding;
  }

  /** Fails what is queued or computing and stops every worker. */
  close(): Promise<void> {
    return this.threads.close();
  }
}
