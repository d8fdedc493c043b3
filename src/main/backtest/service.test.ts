import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { BacktestConfig, type BacktestJob } from '../../shared/backtest.js';
import { makeTempDir, waitFor } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { executeRun, openSource } from './run.js';
import { BacktestService } from './service.js';
import { BacktestStore } from './store.js';

const SAMPLE = join(projectRoot(), 'resources', 'sample-data', 'index-2006-daily.csv');
const config = BacktestConfig.parse({ cash: 100_000, commission: { kind: 'percent', rate: 0.001 } });

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let service: BacktestService;

beforeEach(() => {
  tmp = makeTempDir('deltadeck-backtest-');
  db = openDatabase(join(tmp.dir, 'deltadeck.db'));
  service = new BacktestService({ db, dataDir: tmp.dir, log: pino({ level: 'silent' }), workers: 2 });
});

afterEach(async () => {
  await service.close();
  closeDatabase(db);
  tmp.remove();
});

async function settle(job: BacktestJob): Promise<BacktestJob> {
  return waitFor(() => {
    const now = service.job(job.id);
    return now.state === 'running' ? undefined : now;
  }, `job ${job.id}`, 15_000);
}

describe('backtest service', () => {
  it('lists the bundled sample and the files in <data-dir>/data, and the simulator', () => {
    mkdirSync(join(tmp.dir, 'data'));
    writeFileSync(join(tmp.dir, 'data', 'mine.csv'), 'Date,Open,High,Low,Close,Volume\n');
    writeFileSync(join(tmp.dir, 'data', 'notes.md'), 'not bars');
    const sources = service.sources();
    expect(sources.files.map((f) => [f.id, f.origin])).toEqual([
      ['sample/index-2006-daily.csv', 'sample'],
      ['data/mine.csv', 'data-dir'],
    ]);
    expect(sources.dataFolder).toBe(join(tmp.dir, 'data'));
    expect(sources.simSymbols).toContain('SPY');
  });

  it('runs on a worker, stores the run, and it reads back identical to an in-process run', async () => {
    const job = service.start({ data: { kind: 'file', id: 'sample/index-2006-daily.csv' }, strategy: 'sma-cross', params: { period: 10, size: 5 }, config });
    expect(job).toMatchObject({ kind: 'run', state: 'running' });
    const done = await settle(job);
    expect(done).toMatchObject({ state: 'done', progress: 1, error: null });
    const run = service.run(done.runId!);
    const data = { kind: 'file' as const, path: SAMPLE };
    const local = executeRun({ data, strategy: 'sma-cross', params: { period: 10, size: 5 }, config }, openSource(data));
    expect(run.finalValue).toBe(local.finalValue);
    expect(run.metrics).toEqual(local.metrics);
    expect(run.fills).toEqual(local.fills);
    expect(run.trades).toEqual(local.trades);
    expect(run.equity).toEqual(local.equity);
    expect(run).toMatchObject({ strategy: 'sma-cross', params: { period: 10, size: 5 }, dataLabel: 'index-2006-daily.csv', bars: 255, intraday: false });
    expect(run.label).toMatch(/^sma-cross period=10 size=5 · index-2006-daily.csv 2006-01-02→2006-12-29$/);
    expect(service.runs(10).map((r) => r.id)).toEqual([run.id]);

    const trades = service.exportCsv(run.id, 'trades');
    expect(trades.filename).toBe(`backtest-sma-cross-${run.id}-trades.csv`);
    const lines = trades.csv.trim().split('\n');
    expect(lines[0]).toBe('side,qty,entry_time,entry_price,exit_time,exit_price,pnl,return,bars,status');
    expect(lines).toHaveLength(run.trades.length + 1);
    expect(service.exportCsv(run.id, 'fills').csv.trim().split('\n')).toHaveLength(run.fills.length + 1);
    expect(service.exportCsv(run.id, 'equity').csv.split('\n')[0]).toBe('time,equity,buy_and_hold');
    const metrics = service.exportCsv(run.id, 'metrics').csv.split('\n');
    expect(metrics).toContain(`total return,${run.metrics.totalReturn},${run.benchmark.totalReturn}`);

    expect(service.deleteRun(run.id)).toEqual({ deleted: true });
    expect(() => service.run(run.id)).toThrow(/No backtest run/);
  });

  it('sweeps every combination across the workers and stores the rows', async () => {
    const job = service.sweep({
      data: { kind: 'sim', symbol: 'QQQ', bars: 3_000, seed: 5 },
      strategy: 'sma-cross',
      params: { size: 10 },
      grid: { period: [5, 10, 20, 40], size: [10, 20] },
      config,
    });
    expect(job).toMatchObject({ kind: 'sweep', total: 8 });
    const done = await settle(job);
    expect(done.state).toBe('done');
    expect(done.rows).toHaveLength(8);
    expect(done.rows.map((r) => `${r.params.period}/${r.params.size}`).sort()).toEqual(['10/10', '10/20', '20/10', '20/20', '40/10', '40/20', '5/10', '5/20']);
    // Best final value first.
    const values = done.rows.map((r) => r.finalValue);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const data = { kind: 'sim' as const, symbol: 'QQQ', bars: 3_000, seed: 5 };
    const local = executeRun({ data, strategy: 'sma-cross', params: { period: 20, size: 10 }, config }, openSource(data));
    expect(done.rows.find((r) => r.params.period === 20 && r.params.size === 10)!.metrics).toEqual(local.metrics);
    const stored = new BacktestStore(db).getSweep(done.sweepId!);
    expect(stored?.rows).toEqual(done.rows);
  });

  it('a malformed data file fails the job with the file and line', async () => {
    mkdirSync(join(tmp.dir, 'data'));
    writeFileSync(join(tmp.dir, 'data', 'bad.csv'), 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,1,2,3,1.5,10\n');
    const done = await settle(service.start({ data: { kind: 'file', id: 'data/bad.csv' }, strategy: 'sma-cross', params: {}, config }));
    expect(done.state).toBe('failed');
    expect(done.error).toBe(`${join(tmp.dir, 'data', 'bad.csv')}:3: High 2 is below Low 3`);
    expect(service.runs(10)).toEqual([]);
  });

  it('refuses unknown files (and any path outside the two folders), strategies and parameters', () => {
    const start = (id: string) => () => service.start({ data: { kind: 'file', id }, strategy: 'sma-cross', params: {}, config });
    for (const id of ['sample/missing.csv', 'data/../deltadeck.db', 'sample/../../package.json', '/etc/passwd', 'other/x.csv', 'sample/README.md']) {
      expect(start(id), id).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    }
    const sample = { kind: 'file' as const, id: 'sample/index-2006-daily.csv' };
    expect(() => service.start({ data: sample, strategy: 'nope', params: {}, config })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^Unknown strategy "nope"/) }));
    expect(() => service.start({ data: sample, strategy: 'sma-cross', params: { period: -1 }, config })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => service.start({ data: { kind: 'sim', symbol: 'XYZ', bars: 100, seed: 1 }, strategy: 'sma-cross', params: {}, config })).toThrow(/simulator has no XYZ/);
    const grid = { period: Array.from({ length: 100 }, (_, i) => i + 1), size: Array.from({ length: 30 }, (_, i) => i + 1) };
    expect(() => service.sweep({ data: sample, strategy: 'sma-cross', params: {}, grid, config })).toThrow(/more than 2000 combinations/);
    expect(() => service.sweep({ data: sample, strategy: 'sma-cross', params: {}, grid: { period: [0, 5] }, config })).toThrow(/period must be from 1/);
    expect(() => service.job('J-nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
