// Hedge planner: planning time for a 500-position book across five underlyings, each with a full
// option chain (6 expiries × 40 strikes × calls and puts = 480 contracts, 2,400 in all), every
// underlying in breach, with the real risk gate on each shown plan's legs.
//  - per tick (the engine's case): the book was just valued by the engine (positions carry their
//    Greeks) and the underlyings moved since the last run, so every chain candidate is re-priced;
//  - cold: the planner values all 500 positions itself, with no cache and an unmemoised calendar.
// Median and p99 in ms; the target (issue 5): under 50 ms, so it can run on every tick of a breach.
// Run: npm run bench -- hedge
import { mkdirSync, writeFileSync } from 'node:fs';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../src/shared/risk.js';
import { valueBook, ValuationCache } from '../src/main/risk/exposure.js';
import { planHedges } from '../src/main/hedge/index.js';
import { expiryInstant } from '../src/main/pricing/index.js';
import type { HedgePosition } from '../src/main/hedge/planner.js';
import { dateAfter, expiryTs, RATE, TestMarket } from '../src/main/hedge/testing.js';
import { fmt, summarize } from './stats.js';

const TARGET_MS = 50;
const TICK_ROUNDS = 300;
const COLD_ROUNDS = 40;

let seed = 20_261_123;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const UNDERLYINGS = [
  { symbol: 'SPY', price: 668.4, vol: 0.15, kind: 'ETF' as const, step: 5 },
  { symbol: 'QQQ', price: 603.2, vol: 0.2, kind: 'ETF' as const, step: 5 },
  { symbol: 'TQQQ', price: 98.75, vol: 0.6, kind: 'ETF' as const, step: 1 },
  { symbol: 'AAPL', price: 266.1, vol: 0.26, kind: 'STOCK' as const, step: 2.5 },
  { symbol: 'NVDA', price: 182.5, vol: 0.48, kind: 'STOCK' as const, step: 2.5 },
];
const EXPIRY_DAYS = [4, 11, 18, 25, 46, 88];
const STRIKES = 40;
const POSITIONS_PER_UNDERLYING = 100;

const t0 = performance.now();
const market = new TestMarket();
for (const u of UNDERLYINGS) {
  market.underlying(u.symbol, u.price, u.vol, {}, u.kind);
  const first = Math.round(u.price / u.step - STRIKES / 2) * u.step;
  const strikes = Array.from({ length: STRIKES }, (_, k) => first + k * u.step);
  market.chain(u.symbol, EXPIRY_DAYS.map(dateAfter), strikes, { bidSize: 50, askSize: 50 });
}
const setupMs = performance.now() - t0;

// 500 positions: per underlying a share position over its tier's exposure limit and 99 option
// positions from the chain, short-dated shorts among them.
const entries: [string, number][] = [];
for (const u of UNDERLYINGS) {
  const tierCap = DEFAULT_RISK_LIMITS.tiers[DEFAULT_RISK_LIMITS.symbolTiers[u.symbol] ?? DEFAULT_RISK_LIMITS.defaultTier].maxExposureNotional;
  entries.push([u.symbol, Math.round((3 * tierCap) / u.price)]);
  const chain = market.chains.get(u.symbol)!;
  const used = new Set<string>();
  while (used.size < POSITIONS_PER_UNDERLYING - 1) {
    const option = chain[Math.floor(random() * chain.length)]!;
    if (used.has(option.symbol)) continue;
    used.add(option.symbol);
    const shortDated = expiryTs(option) - market.now <= 7 * 86_400_000;
    const qty = shortDated ? -Math.ceil(random() * 10) : Math.round((random() - 0.7) * 10) || -1;
    entries.push([option.symbol, qty]);
  }
}
const positions = market.positions(entries);
const CASH = 3_000_000;
// Per-order caps sized for this book (the default ones would make every share hedge red at the gate).
const limits: RiskLimits = {
  ...DEFAULT_RISK_LIMITS,
  order: { ...DEFAULT_RISK_LIMITS.order, maxNotional: 5_000_000, maxQty: 100_000, maxContracts: 1_000 },
  tiers: {
    T1: { ...DEFAULT_RISK_LIMITS.tiers.T1, maxOrderNotional: 5_000_000, maxPositionPctNav: 1 },
    T2: { ...DEFAULT_RISK_LIMITS.tiers.T2, maxOrderNotional: 5_000_000, maxPositionPctNav: 1 },
    T3: { ...DEFAULT_RISK_LIMITS.tiers.T3, maxOrderNotional: 5_000_000, maxPositionPctNav: 1 },
  },
};
const base = market.input(positions, CASH, { limits });

function valued(cache: ValuationCache): HedgePosition[] {
  return valueBook(
    {
      positions: positions.map((p) => ({ symbol: p.instrument.symbol, qty: p.qty, avgPrice: p.avgPrice })),
      instruments: market.instruments,
      quotes: market.quotes,
      cash: CASH,
      now: market.now,
      rate: RATE,
      dividendYield: base.dividendYield,
      expiryTs,
      shortDatedDays: DEFAULT_RISK_LIMITS.shortDated.days,
    },
    cache,
  ).positions;
}

/** The underlyings tick: a small move in each (the options' vols stay), as between two engine ticks. */
function tick(): void {
  for (const u of UNDERLYINGS) {
    const q = market.quotes.get(u.symbol)!;
    const k = 1 + (random() - 0.5) * 0.0004;
    market.patch(u.symbol, { bid: q.bid * k, ask: q.ask * k, last: q.last * k });
  }
}

// Per tick: the engine revalued the book (not timed: it does so every tick anyway), then plans.
const engineCache = new ValuationCache();
const gate = market.gate(positions, CASH, limits);
const tickSamples: number[] = [];
let last = planHedges({ ...base, positions: valued(engineCache), cache: engineCache, gate });
for (let round = 0; round < TICK_ROUNDS + 20; round++) {
  tick();
  const views = valued(engineCache);
  const start = performance.now();
  last = planHedges({ ...base, positions: views, cache: engineCache, gate });
  const ms = performance.now() - start;
  if (round >= 20) tickSamples.push(ms);
}

// Cold: the planner values every position itself, nothing cached, the calendar asked afresh.
const coldSamples: number[] = [];
for (let round = 0; round < COLD_ROUNDS + 3; round++) {
  tick();
  const start = performance.now();
  planHedges({ ...base, expiryTs: (i) => expiryInstant(i.expiry!), gate });
  const ms = performance.now() - start;
  if (round >= 3) coldSamples.push(ms);
}

const perTick = summarize(tickSamples);
const cold = summarize(coldSamples);
const met = perTick.p99 < TARGET_MS;
const chainSize = [...market.chains.values()].reduce((n, c) => n + c.length, 0);
console.log(`hedge planner: ${positions.length} positions, ${UNDERLYINGS.length} underlyings, ${chainSize} listed contracts (setup ${fmt(setupMs, 0)} ms)`);
console.log(`  breaches (${last.breaches.length}): ${last.breaches.map((b) => b.id).join(', ')}`);
console.log(`  plans considered ${last.considered}, shown ${last.plans.length}, chosen ${last.chosen === null ? 'none' : last.plans[last.chosen]!.description}`);
console.log(`  per tick (book valued by the engine): median ${fmt(perTick.p50, 2)} ms, p99 ${fmt(perTick.p99, 2)} ms over ${perTick.n} runs — target < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`);
console.log(`  cold (planner values the whole book): median ${fmt(cold.p50, 2)} ms, p99 ${fmt(cold.p99, 2)} ms over ${cold.n} runs`);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/hedge.json',
  JSON.stringify(
    {
      node: process.version,
      positions: positions.length,
      underlyings: UNDERLYINGS.length,
      listedContracts: chainSize,
      breaches: last.breaches.length,
      plansConsidered: last.considered,
      plansShown: last.plans.length,
      perTick: { medianMs: perTick.p50, p99Ms: perTick.p99, runs: perTick.n },
      cold: { medianMs: cold.p50, p99Ms: cold.p99, runs: cold.n },
      target: { p99Ms: TARGET_MS, met },
    },
    null,
    2,
  ),
);
