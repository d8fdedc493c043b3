// No client can stall the engine: ping latency over the headless WebSocket while another client
// keeps HEAVY risk calls (risk.var and risk.scenario, alternating) in flight, against the floor of
// the same pings on an idle engine; and the kill switch right after a burst of BURST heavy calls.
// Each figure is the median of ROUNDS rounds (PINGS sequential pings each). Goal: ping p99 ≤ 50 ms
// under load, with the heavy calls still completing (their count is printed).
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { CockpitClient } from '../src/shared/api/client.js';
import { makeTempDir } from '../src/main/engine/testing.js';
import { startHeadless, wsChannel } from '../src/main/headless/server.js';
import { fmt, median, summarize } from './stats.js';

const ROUNDS = 5;
const PINGS = 2_000;
const HEAVY = 16;
const BURST = 200;
const GOAL_P99_MS = 50;

const tmp = makeTempDir('deltadeck-bench-');
// The engine's default market pace (a tick every 250 ms, patches every 50 ms): the loop has its own work too.
const host = await startHeadless({ dataDir: tmp.dir, port: 0, rendererDir: `${tmp.dir}/no-ui`, logLevel: 'warn' });
const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
async function client(): Promise<CockpitClient> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return new CockpitClient(wsChannel(socket), 120_000);
}
const trader = await client();
const heavyClient = await client();

async function pings(): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const t0 = performance.now();
    const r = await trader.call('ping', {});
    if (!r.ok) throw new Error(r.error.message);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** HEAVY loops, each with one heavy call in flight at a time, until stopped. */
function keepHeavy(): { stop(): Promise<{ completed: number; refused: number; failed: number }> } {
  let running = true;
  const counts = { completed: 0, refused: 0, failed: 0 };
  const loops = Array.from({ length: HEAVY }, async (_, i) => {
    while (running) {
      const r = i % 2 ? await heavyClient.call('risk.var', {}) : await heavyClient.call('risk.scenario', {});
      if (r.ok) counts.completed++;
      else if (r.error.code === 'BUSY') counts.refused++;
      else counts.failed++;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

async function killSwitchAfterBurst(): Promise<{ killMs: number; accepted: number; refused: number }> {
  const burst = Array.from({ length: BURST }, (_, i) => (i % 2 ? heavyClient.call('risk.var', {}) : heavyClient.call('risk.scenario', {})));
  const t0 = performance.now();
  const kill = await trader.call('killSwitch.activate', {});
  const killMs = performance.now() - t0;
  if (!kill.ok) throw new Error(kill.error.message);
  const results = await Promise.all(burst);
  const restored = await trader.call('mode.set', { mode: 'DRY_RUN' });
  if (!restored.ok) throw new Error(restored.error.message);
  return { killMs, accepted: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok && r.error.code === 'BUSY').length };
}

// Warm-up: the risk workers start on first use.
await pings();
await Promise.all([heavyClient.call('risk.var', {}), heavyClient.call('risk.scenario', {})]);

const idle: { p50: number; p99: number }[] = [];
const loaded: { p50: number; p99: number; completed: number; refused: number; failed: number; heavyPerSecond: number }[] = [];
const bursts: { killMs: number; accepted: number; refused: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  idle.push(await pings());
  const heavy = keepHeavy();
  const t0 = performance.now();
  const l = await pings();
  const counts = await heavy.stop();
  loaded.push({ ...l, ...counts, heavyPerSecond: counts.completed / ((performance.now() - t0) / 1000) });
  bursts.push(await killSwitchAfterBurst());
}
trader.close();
heavyClient.close();
await host.close();
tmp.remove();

const floorP50 = median(idle.map((r) => r.p50));
const floorP99 = median(idle.map((r) => r.p99));
const p50 = median(loaded.map((r) => r.p50));
const p99 = median(loaded.map((r) => r.p99));
const completed = loaded.reduce((a, r) => a + r.completed, 0);
const failed = loaded.reduce((a, r) => a + r.failed, 0);
const refused = loaded.reduce((a, r) => a + r.refused, 0);
const killMs = median(bursts.map((b) => b.killMs));
const met = p99 <= GOAL_P99_MS && completed > 0 && failed === 0;

console.log(`\nEngine under load: ping over WebSocket while another client keeps ${HEAVY} risk.var/risk.scenario calls in flight; median of ${ROUNDS} rounds of ${PINGS} pings`);
console.log('                         p50 ms   p99 ms');
console.log(`idle engine (floor)     ${fmt(floorP50, 3).padStart(7)} ${fmt(floorP99, 3).padStart(8)}`);
console.log(`${HEAVY} heavy in flight       ${fmt(p50, 3).padStart(7)} ${fmt(p99, 3).padStart(8)}   (${fmt(p99 / floorP99, 1)}× floor p99)`);
console.log(`heavy calls completed meanwhile: ${completed} (${fmt(median(loaded.map((r) => r.heavyPerSecond)), 1)}/s median), failed ${failed}, refused BUSY ${refused}`);
console.log(`kill switch after a burst of ${BURST} heavy calls: ${fmt(killMs, 2)} ms median (accepted ${median(bursts.map((b) => b.accepted))}, answered BUSY ${median(bursts.map((b) => b.refused))})`);
console.log(`goal ping p99 ≤ ${GOAL_P99_MS} ms under load, heavy calls completing: ${met ? 'MET' : 'NOT MET'}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/stall.json',
  JSON.stringify(
    {
      node: process.version,
      loadavg: loadavg(),
      heavyInFlight: HEAVY,
      idle: { p50Ms: floorP50, p99Ms: floorP99, rounds: idle },
      loaded: { p50Ms: p50, p99Ms: p99, rounds: loaded, completed, failed, refused },
      killSwitchAfterBurst: { burst: BURST, medianMs: killMs, rounds: bursts },
      goal: { p99Ms: GOAL_P99_MS, met },
    },
    null,
    2,
  ),
);
