// Tiger adapter benchmark (run: node --import tsx src/main/brokers/tiger/tiger.bench.ts, or via
// a bench/tiger.bench.ts that imports this file). Measures, as medians of ROUNDS rounds:
// SHA1withRSA request signing and reply verification (2048-bit keys), signed REST round trips
// against the fake gateway on loopback (sign → HTTP → verify on both sides), push-frame decoding
// throughput, and push latency from a quote change at the fake to the adapter's `quote` event.
// Results print and go to bench/results/tiger.json.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Command, DataType, decodeResponse, encodeResponse, FrameReader } from './proto.js';
import { loadPrivateKey, loadPublicKey, rsaSign, rsaVerify, signContent } from './signing.js';
import { EventLog, startFakeTiger } from './fake/testing.js';

const ROUNDS = 5;
const SIGNS = 300;
const ROUND_TRIPS = 150;
const FRAMES = 50_000;
const QUOTES = 300;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const fmt = (x: number, d = 3) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = loadPrivateKey(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const pub = loadPublicKey(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const content = signContent({
    tiger_id: '20150001',
    method: 'place_order',
    charset: 'UTF-8',
    sign_type: 'RSA',
    timestamp: '2026-03-02 09:30:00',
    version: '2.0',
    biz_content: '{"account":"U1234567","action":"BUY","limit_price":187.5,"order_id":42,"order_type":"LMT","sec_type":"STK","symbol":"AAPL","time_in_force":"DAY","total_quantity":100}',
  });

  const signMs: number[] = [];
  const verifyMs: number[] = [];
  const signature = rsaSign(key, content);
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    for (let i = 0; i < SIGNS; i++) rsaSign(key, content);
    signMs.push((performance.now() - t0) / SIGNS);
    t0 = performance.now();
    for (let i = 0; i < SIGNS; i++) rsaVerify(pub, content, signature);
    verifyMs.push((performance.now() - t0) / SIGNS);
  }

  const frame = encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.Quote, quoteData: { symbol: 'AAPL', type: 3, timestamp: 1_760_000_000_000, latestPrice: 230.12, preClose: 228, volume: 1_234_567, askPrice: 230.15, askSize: 300, bidPrice: 230.1, bidSize: 200 } } });
  const stream = Buffer.concat(Array.from({ length: FRAMES }, () => frame));
  const framesPerSecond: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const reader = new FrameReader();
    const t0 = performance.now();
    let n = 0;
    for (let off = 0; off < stream.length; off += 64 * 1024) for (const f of reader.push(stream.subarray(off, off + 64 * 1024))) n += decodeResponse(f).body ? 1 : 0;
    framesPerSecond.push(n / ((performance.now() - t0) / 1000));
  }

  const h = await startFakeTiger();
  const tiger = await h.connect({ heartbeatMs: 10_000, deadAfterMs: 30_000 });
  const log = new EventLog(tiger);
  const restP50: number[] = [];
  const restP99: number[] = [];
  const pushP50: number[] = [];
  const pushP99: number[] = [];
  await tiger.subscribeQuotes(['AAPL']);
  for (let i = 0; i < 20; i++) await tiger.quoteSnapshot(['AAPL']); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const samples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const t0 = performance.now();
      await tiger.quoteSnapshot(['AAPL']);
      samples.push(performance.now() - t0);
    }
    restP50.push(pct(samples, 50));
    restP99.push(pct(samples, 99));
    const lat: number[] = [];
    for (let i = 0; i < QUOTES; i++) {
      const last = 200 + r + i / 1000;
      const since = log.events.length;
      const t0 = performance.now();
      h.gateway.market.setQuote('AAPL', { last });
      await log.waitFor('quote', (e) => e.quote.last === last, 5_000, since);
      lat.push(performance.now() - t0);
    }
    pushP50.push(pct(lat, 50));
    pushP99.push(pct(lat, 99));
  }
  await h.close();

  const results = {
    node: process.version,
    signMs: median(signMs),
    verifyMs: median(verifyMs),
    restRoundTripP50Ms: median(restP50),
    restRoundTripP99Ms: median(restP99),
    pushFramesPerSecond: median(framesPerSecond),
    pushLatencyP50Ms: median(pushP50),
    pushLatencyP99Ms: median(pushP99),
  };
  console.log(`\nTiger adapter, median of ${ROUNDS} rounds (2048-bit RSA, loopback fake gateway)`);
  console.log(`sign (SHA1withRSA)          ${fmt(results.signMs)} ms/op`);
  console.log(`verify                      ${fmt(results.verifyMs)} ms/op   (sign/verify ${fmt(results.signMs / results.verifyMs, 1)}x)`);
  console.log(`REST round trip p50 / p99   ${fmt(results.restRoundTripP50Ms)} / ${fmt(results.restRoundTripP99Ms)} ms   (signing is ${fmt((100 * results.signMs) / results.restRoundTripP50Ms, 0)}% of p50)`);
  console.log(`push frame decode           ${fmt(results.pushFramesPerSecond, 0)} frames/s`);
  console.log(`push latency p50 / p99      ${fmt(results.pushLatencyP50Ms)} / ${fmt(results.pushLatencyP99Ms)} ms (quote change → quote event)`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/tiger.json', JSON.stringify(results, null, 2));
}

await main();
