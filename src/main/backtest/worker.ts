// Worker-thread entry: runs backtest tasks sent by the pool, one at a time, and reports
// progress and results. The bars of the last data used stay loaded, so a parameter sweep parses
// its file once per worker, not once per combination.
import { statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { BarSource } from './bars.js';
import { executeRun, openSource, type ResolvedData } from './run.js';
import type { WorkerReply, WorkerTask } from './pool.js';

let cached: { key: string; source: BarSource } | undefined;

function dataKey(data: ResolvedData): string {
  if (data.kind === 'sim') return `sim:${data.symbol}:${data.bars}:${data.seed}`;
  const stat = statSync(data.path);
  return `file:${data.path}:${stat.size}:${stat.mtimeMs}`;
}

function source(data: ResolvedData): BarSource {
  const key = dataKey(data);
  if (cached?.key !== key) cached = { key, source: openSource(data) };
  return cached.source;
}

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');

port.on('message', (task: WorkerTask) => {
  let lastSent = -1;
  const reply = (message: WorkerReply) => port.postMessage(message);
  try {
    const result = executeRun(task.spec, source(task.spec.data), (fraction) => {
      // Progress in whole percents at most.
      const pctDone = Math.floor(fraction * 100);
      if (pctDone > lastSent) {
        lastSent = pctDone;
        reply({ id: task.id, type: 'progress', fraction });
      }
    });
    if (task.summaryOnly) {
      reply({ id: task.id, type: 'summary', params: result.params, metrics: result.metrics, finalValue: result.finalValue });
    } else {
      reply({ id: task.id, type: 'done', result });
    }
  } catch (error) {
    reply({ id: task.id, type: 'error', message: (error as Error).message ?? String(error) });
  }
});
