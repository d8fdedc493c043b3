import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../engine/testing.js';
import { projectRoot } from '../paths.js';

const ORCL = join(projectRoot(), 'src', 'main', 'backtest', 'fixtures', 'orcl-2014.csv');
const tmp = makeTempDir('deltadeck-cli-');
afterAll(() => tmp.remove());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/deltadeck.mjs', 'backtest', ...args], { cwd: projectRoot(), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixture read plainly: date → [open, close]. */
function bars(): Map<string, { open: number; close: number }> {
  const lines = readFileSync(ORCL, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split(',')).map((f) => [f[0]!, { open: Number(f[1]), close: Number(f[4]) }]));
}

describe('deltadeck backtest', () => {
  it('--json: fills at the next open with 0.1% commission, final value is cash plus the position at the last close', () => {
    const r = cli('--data', ORCL, '--strategy', 'sma-cross', '--param', 'period=15', '--cash', '100000', '--size', '10', '--commission', '0.001', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as {
      fills: { side: string; date: string; price: number; qty: number; commission: number }[];
      final_value: number;
      final_cash: number;
      metrics: Record<string, unknown>;
    };
    expect(Object.keys(out)).toEqual(['fills', 'final_value', 'final_cash', 'metrics']);
    const byDate = bars();
    const dates = [...byDate.keys()];
    expect(out.fills.length).toBeGreaterThan(4);
    let cash = 100_000;
    let qty = 0;
    out.fills.forEach((f, i) => {
      expect(Object.keys(f)).toEqual(['side', 'date', 'price', 'qty', 'commission']);
      expect(f.side).toBe(i % 2 === 0 ? 'BUY' : 'SELL');
      expect(f.qty).toBe(10);
      expect(f.price).toBe(byDate.get(f.date)!.open);
      expect(f.commission).toBeCloseTo(f.price * 10 * 0.001, 12);
      expect(dates.indexOf(f.date)).toBeGreaterThanOrEqual(15); // the SMA needs 15 bars, the cross one more
      cash += (f.side === 'BUY' ? -1 : 1) * f.price * f.qty - f.commission;
      qty += f.side === 'BUY' ? f.qty : -f.qty;
    });
    expect(out.final_cash).toBeCloseTo(cash, 8);
    expect(out.final_value).toBeCloseTo(cash + qty * byDate.get(dates.at(-1)!)!.close, 8);
    expect(out.metrics).toMatchObject({ trades: expect.any(Number), total_return: out.final_value / 100_000 - 1, buy_and_hold: expect.any(Object) });
    expect(out.metrics.max_drawdown_peak).toMatch(/^2014-\d\d-\d\d$/);
  });

  it('prints a readable summary without --json', () => {
    const r = cli('--data', ORCL, '--strategy', 'donchian-breakout', '--param', 'entry=10', '--param', 'exit=5', '--cash', '10000', '--size', '20');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^donchian-breakout \(entry=10, exit=5, size=20, short=0\) on .*orcl-2014\.csv: 252 daily bars 2014-01-02 → 2014-12-31/);
    expect(r.stdout).toMatch(/Final value [\d,]+\.\d\d \(cash [\d,]+\.\d\d\) from 10,000\.00/);
    expect(r.stdout).toMatch(/Sharpe/);
    expect(r.stdout).toMatch(/buy & hold/);
    expect(r.stdout).toMatch(/Trades \d+ · win rate/);
  });

  it('runs on the simulator', () => {
    const r = cli('--data', 'sim:SPY:500:7', '--strategy', 'rsi-reversion', '--cash', '100000', '--size', '5', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).metrics.bars).toBe(500);
  });

  it('bad arguments and bad files: non-zero exit and a one-line reason', () => {
    const bad = join(tmp.dir, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,1,2,1,abc,10\n');
    const cases: [string[], RegExp][] = [
      [['--data', join(tmp.dir, 'missing.csv'), '--strategy', 'sma-cross', '--cash', '1000', '--size', '1'], /missing\.csv: no such file/],
      [['--data', bad, '--strategy', 'sma-cross', '--cash', '1000', '--size', '1'], /bad\.csv:3: Close "abc" is not a number/],
      [['--data', ORCL, '--strategy', 'nope', '--cash', '1000', '--size', '1'], /Unknown strategy "nope"/],
      [['--data', ORCL, '--strategy', 'sma-cross', '--param', 'period=abc', '--cash', '1000', '--size', '1'], /period must be a number/],
      [['--data', ORCL, '--strategy', 'sma-cross', '--param', 'speed=3', '--cash', '1000', '--size', '1'], /has no parameter "speed"/],
      [['--data', ORCL, '--strategy', 'sma-cross', '--cash', 'lots', '--size', '1'], /--cash must be a positive number/],
      [['--data', ORCL, '--strategy', 'sma-cross', '--cash', '1000', '--size', '1', '--commission', '5'], /fraction of traded value/],
      [['--data', ORCL, '--strategy', 'sma-cross', '--cash', '1000'], /required option '--size <N>'/],
      [['--data', 'sim:XYZ', '--strategy', 'sma-cross', '--cash', '1000', '--size', '1'], /simulator has no "XYZ"/],
    ];
    for (const [args, reason] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
  });
});
