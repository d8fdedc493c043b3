import { describe, expect, it } from 'vitest';
import type { CashGreeks, ExpiryBucket, GreeksRow } from '../../../../shared/domain.js';
import type { LimitUsage } from '../../../../shared/risk.js';
import { instrument, position } from '../../testing/fixtures.js';
import { allTreeKeys, buildGreeksTree } from './greeks-tree.js';

const zero: CashGreeks = { deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
const pct = { deltaPctNav: 0, gammaPctNav: 0, vegaPctNav: 0, thetaPctNav: 0 };

function bucket(expiry: string, shortDated = false): ExpiryBucket {
  return { expiry, dte: 5, marketValue: 0, shortDated, ...zero, ...pct };
}

function row(underlying: string, expiries: ExpiryBucket[] = [], unpriced = 0): GreeksRow {
  return { underlying, marketValue: 0, ...zero, ...pct, beta: 1, betaDeltaCash: 0, shortDated: zero, expiries, unpriced };
}

const option = (underlying: string, expiry: string, strike: number, right: 'C' | 'P' = 'C') => {
  const symbol = `${underlying}${expiry.slice(2).replaceAll('-', '')}${right}${String(strike * 1000).padStart(8, '0')}`;
  return position(symbol, -2, { instrument: instrument(symbol, { kind: 'OPTION', underlying, multiplier: 100, expiry, strike, right }) });
};

describe('buildGreeksTree', () => {
  it('groups shares and contracts under their underlying and expiry, in book order', () => {
    const positions = [
      option('QQQ', '2026-12-18', 600),
      position('SPY', 300),
      option('QQQ', '2026-11-27', 590, 'P'),
      option('QQQ', '2026-11-27', 580, 'P'),
      position('QQQ', 10),
    ];
    const tree = buildGreeksTree(
      { byUnderlying: [row('QQQ', [bucket('2026-11-27', true), bucket('2026-12-18')]), row('SPY')] },
      positions,
    );
    expect(tree.map((n) => n.key)).toEqual(['QQQ', 'SPY']);
    const qqq = tree[0]!;
    expect(qqq.shares.map((p) => p.symbol)).toEqual(['QQQ']);
    expect(qqq.expiries.map((e) => [e.key, e.bucket?.shortDated, e.contracts.map((c) => c.instrument.strike)])).toEqual([
      ['QQQ|2026-11-27', true, [580, 590]],
      ['QQQ|2026-12-18', false, [600]],
    ]);
    expect(tree[1]!.shares.map((p) => p.symbol)).toEqual(['SPY']);
    expect(tree[1]!.expiries).toEqual([]);
    expect(allTreeKeys(tree)).toEqual(['QQQ', 'QQQ|2026-11-27', 'QQQ|2026-12-18', 'SPY']);
  });

  it('keeps a contract whose expiry has no bucket yet, without inventing figures', () => {
    const tree = buildGreeksTree({ byUnderlying: [row('AAPL', [bucket('2026-12-18')])] }, [option('AAPL', '2027-01-15', 250)]);
    expect(tree[0]!.expiries.map((e) => [e.expiry, e.bucket])).toEqual([
      ['2026-12-18', expect.objectContaining({ expiry: '2026-12-18' })],
      ['2027-01-15', null],
    ]);
  });

  it('lists the positions that could not be valued and attaches the tier exposure usage', () => {
    const broken = { ...option('NVDA', '2026-12-24', 190), pricingError: 'No implied volatility for NVDA261224C00190000: Greeks unknown.' };
    const exposure: LimitUsage = {
      id: 'tier.NVDA',
      label: 'NVDA exposure (tier T2)',
      group: 'tier',
      value: 207_000,
      limit: 250_000,
      unit: 'currency',
      usage: 0.83,
      level: 'amber',
    };
    const tree = buildGreeksTree({ byUnderlying: [row('NVDA', [bucket('2026-12-24')], 1)] }, [broken, position('NVDA', 500)], [exposure]);
    expect(tree[0]!.unpriced.map((p) => p.pricingError)).toEqual([broken.pricingError]);
    expect(tree[0]!.exposure?.level).toBe('amber');
  });
});
