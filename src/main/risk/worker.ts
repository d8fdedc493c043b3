// Worker-thread entry of the risk pool (pool.ts): computes one VaR or scenario job at a time.
import { parentPort } from 'node:worker_threads';
import type { RiskReply, RiskTask } from './pool.js';
import { computeScenario, computeVar } from './risk-jobs.js';
import { ScenarioError } from './scenario.js';

const port = parentPort;
if (!port) throw new Error('risk/worker.ts runs as a worker thread');

port.on('message', (task: RiskTask) => {
  let reply: RiskReply;
  try {
    reply = { id: task.id, ok: true, value: task.kind === 'scenario' ? computeScenario(task.job) : computeVar(task.job) };
  } catch (error) {
    reply = { id: task.id, ok: false, scenario: error instanceof ScenarioError, message: (error as Error).message ?? String(error) };
  }
  port.postMessage(reply);
});
