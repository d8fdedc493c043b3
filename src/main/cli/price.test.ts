// `deltadeck price` and `deltadeck iv`, run as the real binary (bin/deltadeck.mjs through tsx).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../paths.js';
import { americanOption, blackScholes } from '../pricing/index.js';
import { EXIT_NO_IMPLIED_VOL } from './price.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(projectRoot(), 'bin', 'deltadeck.mjs'), ...args], { encoding: 'utf8', timeout: 30_000 });

const oneLineNoStack = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

const call = ['--type', 'call', '--spot', '100', '--strike', '105', '--t', '0.5', '--r', '0.04', '--q', '0.01'];

describe('deltadeck price', () => {
  it('--json prints price and the five Greeks in library units, exactly the library’s values', () => {
    const r = cli('price', ...call, '--vol', '0.25', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(out)).toEqual(['price', 'delta', 'gamma', 'vega', 'theta', 'rho']);
    expect(out).toEqual({ ...blackScholes({ right: 'C', spot: 100, strike: 105, t: 0.5, r: 0.04, q: 0.01, vol: 0.25 }) });
  });

  it('--style american uses the American pricer; the table also shows vega per vol point and theta per day', () => {
    const args = ['price', '--type', 'put', '--spot', '90', '--strike', '100', '--t', '0.5', '--r', '0.05', '--vol', '0.3', '--style', 'american'];
    const json = cli(...args, '--json');
    expect(json.status).toBe(0);
    const expected = americanOption({ right: 'P', spot: 90, strike: 100, t: 0.5, r: 0.05, q: 0, vol: 0.3 });
    expect(JSON.parse(json.stdout)).toEqual({ ...expected });
    const table = cli(...args);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('american put');
    expect(table.stdout).toMatch(new RegExp(`vega\\s+${expected.vega.toFixed(6)}\\s+per 1\\.00 vol\\s+${(expected.vega / 100).toFixed(6)} per vol point`));
    expect(table.stdout).toMatch(new RegExp(`theta\\s+${expected.theta.toFixed(6)}\\s+per year\\s+${(expected.theta / 365).toFixed(6)} per calendar day`));
  });

  it('rejects bad arguments in one line with exit code 1: a non-number, a wrong type, a missing rate', () => {
    for (const args of [
      ['price', ...call, '--vol', 'abc'],
      ['price', '--type', 'straddle', '--spot', '100', '--strike', '100', '--t', '1', '--r', '0', '--vol', '0.2'],
      ['price', '--type', 'call', '--spot', '100', '--strike', '100', '--t', '1', '--vol', '0.2'],
      ['price', ...call.slice(0, 3), '-5', ...call.slice(4), '--vol', '0.2'],
    ]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(1);
      oneLineNoStack(r.stderr);
      expect(r.stdout).toBe('');
    }
  });
});

describe('deltadeck iv', () => {
  it('--json prints the implied volatility', () => {
    const price = blackScholes({ right: 'C', spot: 100, strike: 105, t: 0.5, r: 0.04, q: 0.01, vol: 0.25 }).price;
    const r = cli('iv', ...call, '--price', String(price), '--json');
    expect(r.status).toBe(0);
    const { iv } = JSON.parse(r.stdout) as { iv: number };
    expect(Math.abs(iv - 0.25)).toBeLessThan(1e-12);
  });

  it('no implied volatility: exit code 3 with a one-line reason, or {"iv":null,"error"} with --json', () => {
    const below = ['iv', '--type', 'put', '--spot', '90', '--strike', '100', '--t', '0.5', '--r', '0.05', '--price', '9', '--style', 'american'];
    const text = cli(...below);
    expect(text.status).toBe(EXIT_NO_IMPLIED_VOL);
    oneLineNoStack(text.stderr);
    expect(text.stderr).toMatch(/no implied volatility \(BELOW_INTRINSIC\)/);
    const json = cli(...below, '--json');
    expect(json.status).toBe(EXIT_NO_IMPLIED_VOL);
    const out = JSON.parse(json.stdout) as { iv: null; error: string };
    expect(out.iv).toBeNull();
    expect(out.error).toMatch(/below the value of exercising now/);
    const above = cli('iv', ...call, '--price', '150', '--json');
    expect(above.status).toBe(EXIT_NO_IMPLIED_VOL);
    expect(JSON.parse(above.stdout)).toMatchObject({ iv: null, reason: 'ABOVE_UPPER_BOUND' });
  });

  it('is listed in the help with price', () => {
    const r = cli('--help');
    expect(r.stdout).toMatch(/price \[options\]/);
    expect(r.stdout).toMatch(/iv \[options\]/);
  });
});
