// Backtester speed and memory: `sma-cross` over 1,000,000 synthetic bars held in columnar
// arrays (bars per second, median of ROUNDS runs after warm-up, against the 6M bars/s goal —
// 1,000× a well-known Python event-driven backtester's ~6,000 bars/s), and peak memory of runs
// that stream 100k and 1M bars from CSV files in a temp dir, each in its own process, to show
// memory stays flat in the number of bars.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BacktestConfig } from '../src/shared/backtest.js';
import { BarSeries } from '../src/main/backtest/bars.js';
import { runBacktest } from '../src/main/backtest/backtester.js';
import { BarFileReader } from '../src/main/backtest/csv-bars.js';
import { createStrategy } from '../src/main/backtest/strategies/index.js';
import { makeTempDir } from '../src/main/engine/testing.js';
import { fmt, median } from './stats.js';

const BARS = 1_000_000;
const ROUNDS = 11;
const WARMUP = 5;
const GOAL_BARS_PER_SECOND = 6_000_000;
const PYTHON_BARS_PER_SECOND = 6_000;
const STRATEGY = { period: 20, size: 10 };
const config = BacktestConfig.parse({ cash: 1e9, commission: { kind: 'percent', rate: 0.001 } });

/** One-minute bars of a seeded random walk (xorshift32, no allocation per bar). */
function* syntheticRows(n: number): Generator<[number, number, number, number, number, number]> {
  let seed = 0x9e3779b9;
  const uniform = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4_294_967_296;
  };
  let price = 100;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, Math.round(price * (1 + (uniform() - 0.5) * 0.004) * 100) / 100);
    const high = Math.round(Math.max(open, price) * (1 + uniform() * 0.001) * 100) / 100;
    const low = Math.round(Math.min(open, price) * (1 - uniform() * 0.001) * 100) / 100;
    yield [t0 + i * 60_000, open, high, low, price, 100 + Math.floor(uniform() * 1000)];
  }
}

function writeCsv(file: string, n: number): void {
  const fd = openSync(file, 'w');
  let chunk = 'Date,Time,Open,High,Low,Close,Volume\n';
  for (const [t, o, h, l, c, v] of syntheticRows(n)) {
    const iso = new Date(t).toISOString();
    chunk += `${iso.slice(0, 10)},${iso.slice(11, 19)},${o},${h},${l},${c},${v}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

/** Child process: one streamed run over a CSV file; prints its time and peak RSS as JSON. */
function child(file: string): void {
  const t0 = performance.now();
  const outcome = runBacktest(new BarFileReader(file), createStrategy('sma-cross', STRATEGY), config);
  const ms = performance.now() - t0;
  const usage = process.resourceUsage();
  // What the run keeps that grows with trading, not with bars: the fill and trade logs (33 and 66 bytes each).
  const logMb = (outcome.fills.length * 33 + outcome.trades.length * 66) / 1024 / 1024;
  process.stdout.write(JSON.stringify({ bars: outcome.bars, ms, maxRssMb: usage.maxRSS / 1024, logMb }));
}

if (process.argv[2] === '--child') {
  child(process.argv[3]!);
  process.exit(0);
}

// ── in memory: bars per second ──────────────────────────────────────────────
const series = new BarSeries('SYN', true, { capacity: BARS });
for (const [t, o, h, l, c, v] of syntheticRows(BARS)) series.push(t, o, h, l, c, v);

const rates: number[] = [];
let trades = 0;
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const strategy = createStrategy('sma-cross', STRATEGY);
  const t0 = performance.now();
  const outcome = runBacktest(series, strategy, config);
  const seconds = (performance.now() - t0) / 1000;
  trades = outcome.trades.length;
  if (round >= WARMUP) rates.push(BARS / seconds);
}
const barsPerSecond = median(rates);
const met = barsPerSecond >= GOAL_BARS_PER_SECOND;

// ── streamed from CSV: peak memory against the number of bars ───────────────
const tmp = makeTempDir('deltadeck-bench-bt-');
const streamed: { bars: number; fileMb: number; ms: number; maxRssMb: number; logMb: number; barsPerSecond: number }[] = [];
try {
  for (const n of [100_000, 1_000_000]) {
    const file = join(tmp.dir, `bars-${n}.csv`);
    writeCsv(file, n);
    const runs: { ms: number; maxRssMb: number; bars: number; logMb: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/backtest.bench.ts', '--child', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`child run failed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout) as { ms: number; maxRssMb: number; bars: number; logMb: number });
    }
    const ms = median(runs.map((r) => r.ms));
    streamed.push({
      bars: runs[0]!.bars,
      fileMb: statSync(file).size / 1024 / 1024,
      ms,
      maxRssMb: median(runs.map((r) => r.maxRssMb)),
      logMb: runs[0]!.logMb,
      barsPerSecond: runs[0]!.bars / (ms / 1000),
    });
  }
} finally {
  tmp.remove();
}
const [small, large] = streamed as [(typeof streamed)[0], (typeof streamed)[0]];
const memoryRatio = large.maxRssMb / small.maxRssMb;

console.log(`\nload average ${loadavg().map((x) => fmt(x, 1)).join(' ')} on this machine while measuring (shared cores make runs vary)`);
console.log(`Backtester: sma-cross(${STRATEGY.period}) over ${BARS.toLocaleString('en-US')} synthetic 1-minute bars, ${trades.toLocaleString('en-US')} trades`);
console.log(`in memory (columnar):  median ${fmt(barsPerSecond / 1e6, 2)} M bars/s over ${ROUNDS} runs (after ${WARMUP} warm-up runs)`);
console.log(`                       ${fmt(barsPerSecond / PYTHON_BARS_PER_SECOND, 0)}× the ~${PYTHON_BARS_PER_SECOND.toLocaleString('en-US')} bars/s of a Python event-driven backtester`);
console.log(`goal ≥ ${fmt(GOAL_BARS_PER_SECOND / 1e6, 0)} M bars/s (1,000×): ${met ? 'MET' : 'NOT MET'}`);
console.log('\nstreamed from CSV (parse + run, own process each, median of 3):');
console.log('bars        file MB   bars/s (M)   peak RSS MB   fill+trade logs MB');
for (const s of streamed) {
  console.log(
    `${s.bars.toLocaleString('en-US').padEnd(11)} ${fmt(s.fileMb, 1).padStart(7)} ${fmt(s.barsPerSecond / 1e6, 2).padStart(12)} ${fmt(s.maxRssMb, 1).padStart(13)} ${fmt(s.logMb, 1).padStart(20)}`,
  );
}
console.log(`peak memory 1M / 100k bars: ${fmt(memoryRatio, 2)}× for 10× the bars (flat = 1.0; what grows is the fill and trade logs, which grow with trades)`);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/backtest.json',
  JSON.stringify({ node: process.version, loadavg: loadavg(), bars: BARS, trades, inMemory: { barsPerSecondMedian: barsPerSecond, rounds: rates, goal: GOAL_BARS_PER_SECOND, met }, streamed, memoryRatio }, null, 2),
);
