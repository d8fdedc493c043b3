import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { useTestEngine } from '../engine/engine.testing.js';
import { projectRoot } from '../paths.js';
import { loadBarFile } from './csv-bars.js';

const te = useTestEngine();

async function finished(jobId: string) {
  for (;;) {
    const job = await te.client.invoke('backtest.job', { jobId });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const config = { cash: 50_000, commission: { kind: 'percent' as const, rate: 0.001 } };

describe('backtests over the Cockpit API', () => {
  it('lists data and strategies, runs, stores, lists, exports and deletes a run; it survives a restart', async () => {
    const sources = await te.client.invoke('backtest.sources', {});
    expect(sources.files.map((f) => f.id)).toContain('sample/index-2006-daily.csv');
    const strategies = await te.client.invoke('backtest.strategies', {});
    expect(strategies.find((s) => s.name === 'sma-cross')?.params.map((p) => p.key)).toEqual(['period', 'size']);

    const job = await te.client.invoke('backtest.start', {
      data: { kind: 'file', id: 'sample/index-2006-daily.csv' },
      strategy: 'sma-cross',
      params: { period: 20, size: 10 },
      config,
      label: 'first try',
    });
    const done = await finished(job.id);
    expect(done.state).toBe('done');
    const run = await te.client.invoke('backtest.run', { runId: done.runId! });
    expect(run).toMatchObject({ label: 'first try', bars: 255, config: { cash: 50_000, multiplier: 1 } });
    expect(run.fills.length).toBeGreaterThan(0);
    // Final value: cash plus the position marked at the last close.
    const sample = loadBarFile(join(projectRoot(), 'resources', 'sample-data', 'index-2006-daily.csv'));
    const netQty = run.fills.reduce((q, f) => q + (f.side === 'BUY' ? f.qty : -f.qty), 0);
    expect(run.finalValue).toBeCloseTo(run.finalCash + netQty * sample.close[sample.length - 1]!, 6);
    const exported = await te.client.invoke('backtest.export', { runId: run.id, kind: 'fills' });
    expect(exported.csv.split('\n')[0]).toBe('time,side,qty,price,commission');

    await te.reopen();
    const runs = await te.client.invoke('backtest.runs', {});
    expect(runs.map((r) => r.id)).toEqual([run.id]);
    expect(runs[0]!.metrics).toEqual(run.metrics);
    expect(await te.client.invoke('backtest.delete', { runId: run.id })).toEqual({ deleted: true });
    expect(await te.client.invoke('backtest.runs', {})).toEqual([]);
  });

  it('refuses bad requests with a reason: unknown file, bad parameters, bad config', async () => {
    const sample = { kind: 'file' as const, id: 'sample/index-2006-daily.csv' };
    expect(await te.client.call('backtest.start', { data: { kind: 'file', id: 'data/nope.csv' }, strategy: 'sma-cross', params: {}, config })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/No data file "data\/nope.csv". Put CSV bar files in .*data/) },
    });
    expect(await te.client.call('backtest.start', { data: sample, strategy: 'sma-cross', params: { period: 0 }, config })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'sma-cross: period must be from 1 to 10000 (got 0).' },
    });
    expect(await te.client.call('backtest.start', { data: sample, strategy: 'sma-cross', params: {}, config: { cash: -5 } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await te.client.call('backtest.run', { runId: 'R-nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('the engine keeps answering while a sweep computes on the workers', async () => {
    const job = await te.client.invoke('backtest.sweep', {
      data: { kind: 'sim', symbol: 'SPY', bars: 400_000, seed: 3 },
      strategy: 'sma-cross',
      params: { size: 1 },
      grid: { period: [10, 20, 30, 40] },
      config,
    });
    // Commands are answered, and state keeps streaming, while the sweep is still running.
    const answered = await te.client.invoke('ping', {});
    const state = await te.client.invoke('state.get', {});
    const during = await te.client.invoke('backtest.job', { jobId: job.id });
    expect(answered.version).toBeTruthy();
    expect(state.mode).toBe('DRY_RUN');
    expect(during.state).toBe('running');
    const progress: number[] = [];
    for (;;) {
      const now = await te.client.invoke('backtest.job', { jobId: job.id });
      progress.push(now.progress);
      if (now.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const done = await te.client.invoke('backtest.job', { jobId: job.id });
    expect(done.rows.map((r) => r.params.period!).sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
  });
});
