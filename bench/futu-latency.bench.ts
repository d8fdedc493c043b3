// Tick-to-order latency through the fake Futu OpenD on loopback:
//   fake pushes a basic quote (3005) → FutuConnection decodes it → quote event → a trivial
//   signal → [risk gate hook] → placeOrder → the PlaceOrder (2202) frame is written.
// Two figures per tick, from process.hrtime.bigint() taken at fixed points (no sleeps):
//   in-process  — from the 3005 frame fully read by the adapter to the 2202 frame written;
//   round trip  — from the fake writing the 3005 push to the fake having read the 2202 frame.
// Ticks are paced one at a time: the next quote moves only after the previous order was
// answered and its IOC cancel seen, so each sample is one uncontended tick.
import { mkdirSync, writeFileSync } from 'node:fs';
import { FutuConnection } from '../src/main/brokers/futu/connection.js';
import { FakeOpenD, SIMULATE_ACC_ID } from '../src/main/brokers/futu/fake/server.js';
import { PROTO } from '../src/main/brokers/futu/proto.js';
import type { VenueOrderRequest, VenueQuote } from '../src/main/brokers/venue.js';
import { fmt, percentile } from './stats.js';

const WARMUP = 2_000;
const ROUNDS = 5;
const TICKS_PER_ROUND = 5_000;
const GOAL_IN_PROCESS_P99_US = 100;
const GOAL_ROUND_TRIP_P99_US = 1_000;

const ACCOUNT = SIMULATE_ACC_ID.toString();
const now = () => process.hrtime.bigint();

// --- probes -----------------------------------------------------------------------------
let quoteReadAt = 0n; // adapter: 3005 frame read
let pushWrittenAt = 0n; // fake: 3005 push written
const inProcessUs: number[] = [];
const roundTripUs: number[] = [];
let recording = false;

const fake = new FakeOpenD({
  enforceRateLimits: false,
  recordRequests: false,
  probe: {
    pushWritten(protoId) {
      if (protoId === PROTO.QotUpdateBasicQot) pushWrittenAt = now();
    },
    frameRead(protoId) {
      if (protoId !== PROTO.TrdPlaceOrder || pushWrittenAt === 0n) return;
      if (recording) roundTripUs.push(Number(now() - pushWrittenAt) / 1_000);
      pushWrittenAt = 0n;
    },
  },
});
const { port } = await fake.start();

const connection = new FutuConnection({
  port,
  env: 'SIMULATE',
  clientId: 'deltadeck-bench',
  probe: {
    frameRead(protoId) {
      if (protoId === PROTO.QotUpdateBasicQot) quoteReadAt = now();
    },
    frameWritten(protoId) {
      if (protoId !== PROTO.TrdPlaceOrder || quoteReadAt === 0n) return;
      if (recording) inProcessUs.push(Number(now() - quoteReadAt) / 1_000);
      quoteReadAt = 0n;
    },
  },
});
await connection.connect();

// --- the strategy under test ----------------------------------------------------------------
/** A trivial signal: on every new last price, bid 1 share far below the market, immediate-or-cancel. */
let lastSeen = 0;
let sequence = 0;
function signal(quote: VenueQuote): VenueOrderRequest | null {
  if (quote.symbol !== 'AAPL' || quote.last === lastSeen) return null;
  lastSeen = quote.last;
  return { clientOrderId: `bench-${++sequence}`, symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 1, tif: 'IOC', outsideRth: false };
}

/**
 * The risk-gate hook: the lead inserts the pre-trade risk gate here (synchronous, so the
 * in-process figure keeps measuring the whole path). It returns the intent to send, or null to drop it.
 */
const riskGate = (intent: VenueOrderRequest): VenueOrderRequest | null => intent;

let tickDone: (() => void) | null = null;
let awaitingCancel = '';
connection.onEvent((event) => {
  if (event.type === 'quote') {
    const intent = signal(event.quote);
    const order = intent && riskGate(intent);
    if (!order) return;
    // The IOC cancel push can be handled before this promise settles: match it by clientOrderId.
    awaitingCancel = order.clientOrderId;
    connection.placeOrder(ACCOUNT, order).then(
      () => {},
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else if (event.type === 'order' && event.order.status === 'cancelled' && event.order.clientOrderId === awaitingCancel) {
    awaitingCancel = '';
    tickDone?.();
  }
});

await connection.subscribeQuotes(['AAPL']);

let price = 230;
async function tick(): Promise<void> {
  const done = new Promise<void>((resolve) => (tickDone = resolve));
  price = price >= 240 ? 230 : Math.round((price + 0.01) * 100) / 100;
  fake.setQuote('AAPL', { bid: price - 0.01, ask: price + 0.01, last: price });
  await done;
}

for (let i = 0; i < WARMUP; i++) await tick();
const rounds: { inProcessP99: number; roundTripP99: number }[] = [];
recording = true;
for (let round = 0; round < ROUNDS; round++) {
  const from = inProcessUs.length;
  const fromRt = roundTripUs.length;
  for (let i = 0; i < TICKS_PER_ROUND; i++) await tick();
  const ip = inProcessUs.slice(from).sort((a, b) => a - b);
  const rt = roundTripUs.slice(fromRt).sort((a, b) => a - b);
  rounds.push({ inProcessP99: percentile(ip, 99), roundTripP99: percentile(rt, 99) });
}
recording = false;
await connection.disconnect();
await fake.stop();

const summarize = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9), max: sorted.at(-1) ?? Number.NaN };
};
const inProcess = summarize(inProcessUs);
const roundTrip = summarize(roundTripUs);
const verdict = (p99: number, goal: number) => (p99 <= goal ? 'met' : 'MISSED');

console.log(`\nFutu tick-to-order latency (quote push 3005 → signal → placeOrder → 2202), ${ROUNDS}×${TICKS_PER_ROUND} ticks after ${WARMUP} warm-up, µs`);
console.log('path                      n       p50      p99    p99.9      max   goal (p99)');
const row = (name: string, s: ReturnType<typeof summarize>, goal: number) =>
  console.log(`${name.padEnd(22)}${String(s.n).padStart(6)} ${fmt(s.p50).padStart(9)} ${fmt(s.p99).padStart(8)} ${fmt(s.p999).padStart(8)} ${fmt(s.max).padStart(8)}   ≤ ${goal} µs: ${verdict(s.p99, goal)}`);
row('in-process', inProcess, GOAL_IN_PROCESS_P99_US);
row('round trip (loopback)', roundTrip, GOAL_ROUND_TRIP_P99_US);
console.log(`p99 per round, in-process: ${rounds.map((r) => fmt(r.inProcessP99)).join(' / ')} µs; round trip: ${rounds.map((r) => fmt(r.roundTripP99)).join(' / ')} µs`);
console.log(`ratio round trip / in-process (p50): ${fmt(roundTrip.p50 / inProcess.p50, 2)}`);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/futu-latency.json',
  JSON.stringify(
    {
      node: process.version,
      ticks: ROUNDS * TICKS_PER_ROUND,
      unit: 'µs',
      inProcess: { ...inProcess, goalP99: GOAL_IN_PROCESS_P99_US, met: inProcess.p99 <= GOAL_IN_PROCESS_P99_US },
      roundTrip: { ...roundTrip, goalP99: GOAL_ROUND_TRIP_P99_US, met: roundTrip.p99 <= GOAL_ROUND_TRIP_P99_US },
      rounds,
    },
    null,
    2,
  ),
);
