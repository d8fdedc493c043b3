import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../shared/domain.js';
import type { OptionPricer } from '../risk/exposure.js';
import { americanOption, blackScholes, priceByStyle } from './index.js';

const aapl: Instrument = { symbol: 'AAPL261218P00230000', kind: 'OPTION', underlying: 'AAPL', multiplier: 100, right: 'P', strike: 230, expiry: '2026-12-18' };

describe('priceByStyle', () => {
  it('is an OptionPricer (drop-in for the risk engine’s defaultPricer)', () => {
    const pricer: OptionPricer = priceByStyle;
    expect(typeof pricer).toBe('function');
  });

  it('prices American contracts with the American pricer and European ones with BSM', () => {
    const inputs = { right: 'P' as const, spot: 220, strike: 230, t: 0.5, r: 0.04, q: 0.005, vol: 0.3 };
    expect(priceByStyle({ ...aapl, style: 'american' }, 220, 0.3, 0.5, 0.04, 0.005)).toEqual(americanOption(inputs));
    expect(priceByStyle({ ...aapl, style: 'european' }, 220, 0.3, 0.5, 0.04, 0.005)).toEqual(blackScholes(inputs));
    // No style on the instrument: US single-stock options default to American, cash-index ones to European.
    expect(priceByStyle(aapl, 220, 0.3, 0.5, 0.04, 0.005)).toEqual(americanOption(inputs));
    expect(priceByStyle({ ...aapl, underlying: 'SPX' }, 220, 0.3, 0.5, 0.04, 0.005)).toEqual(blackScholes(inputs));
  });

  it('refuses a non-option or bad inputs with RangeError', () => {
    expect(() => priceByStyle({ symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 }, 220, 0.3, 0.5, 0.04, 0)).toThrow(RangeError);
    expect(() => priceByStyle(aapl, Number.NaN, 0.3, 0.5, 0.04, 0)).toThrow(RangeError);
  });
});
