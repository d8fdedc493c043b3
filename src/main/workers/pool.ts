// The worker-thread machinery shared by the backtest pool (backtest/pool.ts) and the risk pool
// (risk/pool.ts). It owns: where a worker starts (from the sources, a worker-boot.mjs beside the
// pool that registers tsx in the thread; in the built app, out/main/<name>.js, an input of
// electron.vite.config.ts); the job queue, optionally capped; one job per worker at a time, with
// workers started on demand up to the pool's size; idle workers optionally unref'd so they never
// hold the process open; a worker that dies failing its job with the reason and being replaced on
// demand; and close() failing whatever is queued or computing and stopping every worker. What the
// tasks and replies mean (progress, results, error kinds) stays with each pool.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../paths.js';

/** Where a pool's worker threads start. */
export interface WorkerEntry {
  /** From the TypeScript sources (CLI, headless, tests): the bootstrap that registers tsx in the thread. Called only then. */
  sources(): URL;
  /** In the built app: the worker's file in out/main (an input of electron.vite.config.ts), e.g. 'risk-worker.js'. */
  built: string;
}

function entryUrl(entry: WorkerEntry): URL {
  // This module is a .ts file when run from the sources and part of a bundle in the built app.
  if (import.meta.url.endsWith('.ts')) return entry.sources();
  return pathToFileURL(join(projectRoot(), 'out', 'main', entry.built));
}

export interface ThreadPoolOptions {
  /** Names the workers in errors: "the <name> workers are shut down", "the <name> worker stopped: <reason>". */
  name: string;
  entry: WorkerEntry;
  /** Workers at most. */
  size: number;
  /** Jobs waiting beyond which submit() refuses at once with refuse(waiting); without it the queue is unbounded. */
  cap?: { maxQueued: number; refuse(waiting: number): Error };
  /** Whether a worker with no job stops holding the process open (it is ref'd again while it computes). */
  unrefIdle: boolean;
}

/** What a reply means for its job: undefined while the job goes on (a progress report), else how it ends. */
export type Outcome<T> = { value: T } | { error: Error } | undefined;

interface Job<Task, Reply> {
  task: Task;
  onReply(reply: Reply): Outcome<unknown>;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Tasks and replies carry the id the pool gives each job; a reply for another id is ignored. */
export class ThreadPool<Task extends { id: number }, Reply extends { id: number }> {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job<Task, Reply>>();
  private readonly queue: Job<Task, Reply>[] = [];
  private nextId = 1;
  private workers = 0;
  private closed = false;

  constructor(private readonly options: ThreadPoolOptions) {}

  /** Jobs computing or waiting. */
  get outstanding(): number {
    return this.busy.size + this.queue.length;
  }

  /** Queues the task made with the job's id; onReply reads each reply to it until one ends the job. */
  submit<T>(task: (id: number) => Task, onReply: (reply: Reply) => Outcome<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.shutDown());
    const { cap } = this.options;
    if (cap && this.queue.length >= cap.maxQueued) return Promise.reject(cap.refuse(this.queue.length));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task: task(this.nextId++), onReply, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  private shutDown(): Error {
    return new Error(`the ${this.options.name} workers are shut down`);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.workers >= this.options.size) return;
        worker = this.spawn();
      }
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.task);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(entryUrl(this.options.entry));
    this.workers++;
    worker.on('message', (reply: Reply) => {
      const job = this.busy.get(worker);
      if (!job || job.task.id !== reply.id) return;
      const outcome = job.onReply(reply);
      if (!outcome) return;
      this.busy.delete(worker);
      this.idle.push(worker);
      if (this.options.unrefIdle) worker.unref();
      if ('error' in outcome) job.reject(outcome.error);
      else job.resolve(outcome.value);
      this.dispatch();
    });
    const lost = (reason: string) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.workers--;
      job?.reject(new Error(`the ${this.options.name} worker stopped: ${reason}`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => {
      if (this.busy.has(worker) || this.idle.includes(worker)) lost(`exit code ${code}`);
    });
    return worker;
  }

  /** Fails what is queued or computing, refuses more, and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(this.shutDown());
    const all = [...this.idle, ...this.busy.keys()];
    for (const job of this.busy.values()) job.reject(this.shutDown());
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}
