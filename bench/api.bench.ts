// Cockpit API throughput and latency, in-process and over the headless WebSocket.
// Latency: sequential `ping` round trips (p50/p99). Throughput: `ping`s pipelined 64 at a time.
// Each figure is the median of ROUNDS rounds; the simulated market ticks slowly to keep noise down.
import { writeFileSync, mkdirSync } from 'node:fs';
import WebSocket from 'ws';
import { CockpitClient } from '../src/shared/api/client.js';
import { connect, makeTempDir, openTestEngine } from '../src/main/engine/testing.js';
import { startHeadless, wsChannel } from '../src/main/headless/server.js';
import { fmt, median, summarize } from './stats.js';

const ROUNDS = 5;
const SEQUENTIAL = 2_000;
const PIPELINED = 20_000;
const WINDOW = 64;

async function latency(client: CockpitClient): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = performance.now();
    const r = await client.call('ping', {});
    if (!r.ok) throw new Error(r.error.message);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

async function throughput(client: CockpitClient): Promise<number> {
  let sent = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (sent < PIPELINED) {
      sent++;
      const r = await client.call('ping', {});
      if (!r.ok) throw new Error(r.error.message);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  return PIPELINED / ((performance.now() - t0) / 1000);
}

async function measure(name: string, client: CockpitClient) {
  await latency(client); // warm-up
  const p50s: number[] = [];
  const p99s: number[] = [];
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const l = await latency(client);
    p50s.push(l.p50);
    p99s.push(l.p99);
    rates.push(await throughput(client));
  }
  return { transport: name, p50Ms: median(p50s), p99Ms: median(p99s), messagesPerSecond: median(rates) };
}

const tmp = makeTempDir('deltadeck-bench-');
const slow = { tickIntervalMs: 1_000, publishIntervalMs: 50, equityIntervalMs: 60_000, logLevel: 'warn' };
const engine = await openTestEngine(tmp.dir + '/inproc', slow);
const inProcess = await measure('in-process', connect(engine));
await engine.close();

const host = await startHeadless({ ...slow, dataDir: tmp.dir + '/ws', port: 0, rendererDir: tmp.dir + '/no-ui' });
const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
const overWs = await measure('websocket', new CockpitClient(wsChannel(socket)));
socket.close();
await host.close();
tmp.remove();

const results = [inProcess, overWs];
console.log(`\nCockpit API (ping), median of ${ROUNDS} rounds; latency over ${SEQUENTIAL} sequential calls, throughput over ${PIPELINED} calls ${WINDOW} in flight`);
console.log('transport     p50 ms   p99 ms   messages/s');
for (const r of results) {
  console.log(`${r.transport.padEnd(12)} ${fmt(r.p50Ms, 3).padStart(7)} ${fmt(r.p99Ms, 3).padStart(8)} ${fmt(r.messagesPerSecond, 0).padStart(12)}`);
}
console.log(`ratio websocket/in-process throughput: ${fmt(overWs.messagesPerSecond / inProcess.messagesPerSecond, 2)}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/api.json', JSON.stringify({ node: process.version, results }, null, 2));
