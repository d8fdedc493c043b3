import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occSymbol } from '../../../shared/instruments.js';
import { BrokerError } from '../venue.js';
import {
  expiryToTigerMs,
  formatTigerStrike,
  fromTigerContract,
  fromTigerIdentifier,
  tigerExpiryToIso,
  toTigerContract,
  toTigerIdentifier,
} from './symbols.js';

describe('Deltadeck ↔ Tiger symbols', () => {
  it('maps a stock and an OCC option to Tiger contract fields', () => {
    expect(toTigerContract('AAPL')).toEqual({ symbol: 'AAPL', secType: 'STK' });
    expect(toTigerContract('BRK.B')).toEqual({ symbol: 'BRK.B', secType: 'STK' });
    expect(toTigerContract('AAPL261218C00230000')).toEqual({ symbol: 'AAPL', secType: 'OPT', expiry: '20261218', strike: '230.0', right: 'CALL', multiplier: 100 });
    expect(toTigerContract('SPY260320P00587500')).toMatchObject({ symbol: 'SPY', expiry: '20260320', strike: '587.5', right: 'PUT' });
  });

  it("maps OCC symbols to Tiger's padded identifiers and back", () => {
    expect(toTigerIdentifier('AAPL261218C00230000')).toBe('AAPL  261218C00230000');
    expect(toTigerIdentifier('SPY260320P00587500')).toBe('SPY   260320P00587500');
    expect(toTigerIdentifier('GOOGL261218C00150000')).toBe('GOOGL 261218C00150000');
    expect(fromTigerIdentifier('AAPL  261218C00230000')).toBe('AAPL261218C00230000');
    expect(fromTigerIdentifier('SPY   260320P00587500')).toBe('SPY260320P00587500');
    expect(fromTigerIdentifier('AAPL261218C00230000')).toBe('AAPL261218C00230000');
    expect(fromTigerIdentifier('AAPL  261318C00230000')).toBeUndefined(); // month 13
    expect(fromTigerIdentifier('hello')).toBeUndefined();
  });

  it('round-trips any OCC option through the identifier and through the contract fields', () => {
    const root = fc.stringMatching(/^[A-Z]{1,5}$/);
    const date = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2039-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const strike = fc.integer({ min: 1, max: 9_999_999 }).map((n) => n / 1000);
    fc.assert(
      fc.property(root, date, fc.constantFrom('C' as const, 'P' as const), strike, (u, expiry, right, k) => {
        const occ = occSymbol(u, expiry, right, k);
        expect(fromTigerIdentifier(toTigerIdentifier(occ))).toBe(occ);
        const c = toTigerContract(occ);
        expect(fromTigerContract({ symbol: c.symbol, secType: c.secType, expiry: c.expiry, strike: c.strike, right: c.right })).toBe(occ);
      }),
    );
  });

  it('reads the contract fields Tiger puts on orders, positions and chain rows', () => {
    expect(fromTigerContract({ symbol: 'AAPL', secType: 'STK' })).toBe('AAPL');
    expect(fromTigerContract({ symbol: 'AAPL' })).toBe('AAPL');
    expect(fromTigerContract({ symbol: 'AAPL', secType: 'OPT', identifier: 'AAPL  261218C00230000' })).toBe('AAPL261218C00230000');
    expect(fromTigerContract({ symbol: 'AAPL', secType: 'OPT', expiry: '20261218', strike: '230.0', right: 'call' })).toBe('AAPL261218C00230000');
    expect(fromTigerContract({ symbol: 'AAPL', secType: 'OPT', expiry: expiryToTigerMs('2026-12-18'), strike: 230, right: 'PUT' })).toBe('AAPL261218P00230000');
    expect(fromTigerContract({ symbol: 'ES', secType: 'FUT' })).toBeUndefined();
    expect(fromTigerContract({ symbol: 'AAPL', secType: 'OPT', expiry: 'soon', strike: '230', right: 'CALL' })).toBeUndefined();
    expect(fromTigerContract({})).toBeUndefined();
  });

  it('refuses anything that is neither a ticker nor an OCC option with BAD_REQUEST', () => {
    for (const bad of ['', 'aapl', 'AAPL 261218C00230000', 'AAPL261318C00230000', '1234', 'TOOLONGTICKER']) {
      expect(() => toTigerContract(bad)).toThrow(BrokerError);
    }
    expect(() => toTigerIdentifier('AAPL')).toThrow(/not an OCC option/);
  });

  it("puts expiries at New York midnight in epoch ms, as Tiger's quote methods want, and reads them back", () => {
    expect(expiryToTigerMs('2019-06-14')).toBe(1560484800000); // EDT, the SDK docs' example
    expect(expiryToTigerMs('2026-12-18')).toBe(Date.UTC(2026, 11, 18, 5, 0, 0)); // EST
    expect(tigerExpiryToIso(1560484800000)).toBe('2019-06-14');
    expect(tigerExpiryToIso('20261218')).toBe('2026-12-18');
    expect(tigerExpiryToIso('2026-12-18')).toBe('2026-12-18');
    expect(tigerExpiryToIso('1560484800000')).toBe('2019-06-14');
    expect(tigerExpiryToIso(null)).toBeUndefined();
    expect(() => expiryToTigerMs('18/12/2026')).toThrow(BrokerError);
  });

  it('writes strikes the way Tiger does', () => {
    expect(formatTigerStrike(230)).toBe('230.0');
    expect(formatTigerStrike(232.5)).toBe('232.5');
    expect(formatTigerStrike(0.125)).toBe('0.125');
  });
});
