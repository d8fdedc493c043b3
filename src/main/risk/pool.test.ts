// The risk worker pool: a worker computes exactly what the same job computes in-process (on the
// demo book the engine assembles), a job on precomputed maps equals the computation on the engine's
// look-up functions, a book that cannot be valued fails as a ScenarioError, a job missing a look-up
// fails closed, the queue is bounded (BUSY), close() fails what is pending, and idle workers never
// keep a process alive.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CockpitError } from '../../shared/api/result.js';
import type { Instrument, OrderIntent, Quote } from '../../shared/domain.js';
import type { Engine } from '../engine/engine.js';
import { makeTempDir, openTestEngine } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { DAY_MS } from './exposure.js';
import { MAX_QUEUED, RiskWorkerPool } from './pool.js';
import { computeScenario, computeVar, precomputeBook, type LiveBook, type ScenarioJob } from './risk-jobs.js';
import { ScenarioError, scenarioGrid, shockPnl } from './scenario.js';
import { logReturns, varReport } from './var.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');
const stock = (symbol: string): Instrument => ({ symbol, kind: 'STOCK', underlying: symbol, multiplier: 1 });
const call = (symbol: string, underlying: string, strike: number): Instrument => ({
  symbol,
  kind: 'OPTION',
  underlying,
  multiplier: 100,
  right: 'C',
  strike,
  expiry: '2026-12-18',
  style: 'american',
});
const q = (symbol: string, mid: number, iv?: number): Quote => ({ symbol, bid: mid - 0.05, ask: mid + 0.05, last: mid, bidSize: 1, askSize: 1, prevClose: 0, ts: NOW, ...(iv ? { iv } : {}) });
const AAPL = stock('AAPL');
const SPY = stock('SPY');
const AAPL_C210 = call('AAPL_C210', 'AAPL', 210);
const SPY_C600 = call('SPY_C600', 'SPY', 600);

/** A small book with the engine's kind of look-ups (functions), and a quote for something not held. */
const live: LiveBook = {
  positions: [
    { instrument: AAPL, qty: 300 },
    { instrument: AAPL_C210, qty: -5 },
    { instrument: SPY_C600, qty: 3 },
  ],
  quotes: new Map([
    ['AAPL', q('AAPL', 200)],
    ['SPY', q('SPY', 600)],
    ['AAPL_C210', q('AAPL_C210', 5, 0.3)],
    ['SPY_C600', q('SPY_C600', 8, 0.15)],
    ['QQQ', q('QQQ', 500)],
  ]),
  now: NOW,
  rate: 0.04,
  nav: 250_000,
  dividendYield: (u) => ({ AAPL: 0.005, SPY: 0.012 })[u] ?? 0,
  expiryTs: (i) => NOW + (i.symbol === 'AAPL_C210' ? 25 : 7) * DAY_MS,
};

const closes = (start: number, drift: number) => Array.from({ length: 40 }, (_, i) => start * (1 + drift * Math.sin(i)));

describe('risk jobs on plain data', () => {
  it('a job on precomputed maps computes exactly what the look-up functions compute', () => {
    const book = precomputeBook(live);
    expect([...book.quotes.keys()].sort()).toEqual(['AAPL', 'AAPL_C210', 'SPY', 'SPY_C600']);
    expect(book.dividendYields).toEqual(new Map([['AAPL', 0.005], ['SPY', 0.012]]));
    expect(book.expiries).toEqual(new Map([['AAPL_C210', NOW + 25 * DAY_MS], ['SPY_C600', NOW + 7 * DAY_MS]]));

    const job: ScenarioJob = { book, spotPcts: [-0.1, 0, 0.05], volPts: [-2, 0, 3], days: 2, withOrder: 'SELL 5 AAPL_C210' };
    expect(computeScenario(job)).toStrictEqual(scenarioGrid({ ...live, spotPcts: job.spotPcts, volPts: job.volPts, days: 2, withOrder: job.withOrder }));

    const returns = new Map([
      ['AAPL', logReturns(closes(200, 0.01))],
      ['SPY', logReturns(closes(600, 0.004))],
    ]);
    const exposures = [{ underlying: 'AAPL', deltaCash: 30_000, gammaCash1Pct: -120 }, { underlying: 'SPY', deltaCash: 90_000, gammaCash1Pct: 40 }];
    const dailyNavs = closes(250_000, 0.002);
    // The engine's former in-loop VaR: every past day's returns applied to the book, then the report.
    const n = Math.min(...[...returns.values()].map((r) => r.length));
    const historicalPnl = Array.from({ length: n }, (_, k) => shockPnl(live, new Map([...returns].map(([u, r]) => [u, r[r.length - n + k]!]))));
    const expected = varReport({ nav: live.nav, historicalPnl, dailyNavs, deltaGamma: { exposures, returns } });
    expect(expected.methods.every((m) => m.available)).toBe(true);
    expect(computeVar({ book, returns, dailyNavs, exposures })).toStrictEqual(expected);
  });

  it('fails closed when a job lacks a look-up the computation needs', () => {
    const book = precomputeBook(live);
    book.dividendYields.delete('SPY');
    expect(() => computeScenario({ book, withOrder: null })).toThrow(/without a dividend yield for SPY/);
    const noExpiry = precomputeBook(live);
    noExpiry.expiries.delete('AAPL_C210');
    expect(() => computeScenario({ book: noExpiry, withOrder: null })).toThrow(/without an expiry for AAPL_C210/);
    expect(() => computeVar({ book: precomputeBook(live), returns: new Map([['AAPL', [0.01]]]), dailyNavs: [], exposures: [] })).toThrow(/without returns for SPY/);
  });
});

describe('the risk worker pool', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  const pool = new RiskWorkerPool(2);

  beforeAll(async () => {
    tmp = makeTempDir();
    engine = await openTestEngine(tmp.dir);
  });
  afterAll(async () => {
    await pool.close();
    await engine.close();
    tmp.remove();
  });

  it('computes on the demo book exactly what the same job computes in-process', async () => {
    const plain = engine.scenarioJob();
    expect(plain.book.positions.some((p) => p.instrument.kind === 'OPTION')).toBe(true);
    expect(plain.book.expiries.size).toBeGreaterThan(0);
    const order: OrderIntent = { symbol: 'SPY', side: 'SELL', qty: 100, orderType: 'MARKET' };
    const withOrder = engine.scenarioJob([order], { spotPcts: [-0.2, -0.01, 0, 0.03, 0.15], volPts: [-10, 0, 7.5], days: 3 }, 'SELL 100 SPY');
    const risk = engine.varJob();
    expect(risk.returns.size).toBeGreaterThan(0);

    const [a, b, c] = await Promise.all([pool.scenario(plain), pool.scenario(withOrder), pool.valueAtRisk(risk)]);
    expect(a).toStrictEqual(computeScenario(plain));
    expect(b).toStrictEqual(computeScenario(withOrder));
    expect(b.withOrder).toBe('SELL 100 SPY');
    expect(c).toStrictEqual(computeVar(risk));
    expect(c.methods.find((m) => m.method === 'historical-prices')?.available).toBe(true);
    expect(pool.outstanding).toBe(0);
  });

  it('a book that cannot be valued fails as a ScenarioError with its reason; the worker keeps serving', async () => {
    const book = precomputeBook({ ...live, quotes: new Map([...live.quotes].filter(([s]) => s !== 'SPY_C600')) });
    const failed = await pool.scenario({ book, withOrder: null }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ScenarioError);
    expect((failed as Error).message).toBe('No implied volatility for SPY_C600.');
    const missing = precomputeBook(live);
    missing.expiries.clear();
    const bug = await pool.scenario({ book: missing, withOrder: null }).catch((e: unknown) => e);
    expect(bug).not.toBeInstanceOf(ScenarioError);
    expect((bug as Error).message).toMatch(/without an expiry/);
    const job: ScenarioJob = { book: precomputeBook(live), withOrder: null };
    expect(await pool.scenario(job)).toStrictEqual(computeScenario(job));
  });

  it(`holds at most ${MAX_QUEUED} jobs waiting, then answers BUSY; close() fails what is pending and refuses more`, async () => {
    const small = new RiskWorkerPool(1);
    const job: ScenarioJob = { book: precomputeBook(live), withOrder: null };
    // One computing, MAX_QUEUED waiting: the next is refused at once.
    const accepted = Array.from({ length: 1 + MAX_QUEUED }, () => small.scenario(job).then(() => 'done', (e: Error) => e.message));
    const refused = await small.scenario(job).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CockpitError);
    expect((refused as CockpitError).code).toBe('BUSY');
    expect(small.outstanding).toBe(1 + MAX_QUEUED);
    await small.close();
    const outcomes = await Promise.all(accepted);
    expect(outcomes.every((o) => o === 'done' || o === 'the risk workers are shut down')).toBe(true);
    expect(outcomes.filter((o) => o === 'the risk workers are shut down').length).toBeGreaterThanOrEqual(MAX_QUEUED);
    await expect(small.scenario(job)).rejects.toThrow('the risk workers are shut down');
  });

  it('an idle worker does not keep the process alive', () => {
    // A process that computes one grid and never closes its pool must still exit on its own.
    const script = `
      import { RiskWorkerPool } from ${JSON.stringify(join(projectRoot(), 'src/main/risk/pool.ts'))};
      const pool = new RiskWorkerPool(1);
      const AAPL = { symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 };
      const quote = { symbol: 'AAPL', bid: 199.9, ask: 200.1, last: 200, bidSize: 1, askSize: 1, prevClose: 0, ts: 0 };
      const book = { positions: [{ instrument: AAPL, qty: 10 }], quotes: new Map([['AAPL', quote]]), now: 0, rate: 0, dividendYields: new Map([['AAPL', 0]]), expiries: new Map(), nav: 2000 };
      const grid = await pool.scenario({ book, spotPcts: [0.1], volPts: [0], withOrder: null });
      console.log('pnl', grid.cells[0][0].pnl.toFixed(2));
    `;
    const file = join(tmp.dir, 'one-grid.mts');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: projectRoot(), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('pnl 200.00');
    expect(r.status).toBe(0);
  });
});
