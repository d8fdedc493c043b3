import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occSymbol, parseOcc } from '../../../shared/instruments.js';
import { BrokerError } from '../venue.js';
import { fromFutuSecurity, fromFutuTradeCode, futuOptionCodeToOcc, localTimeToEpochMs, occToFutuOptionCode, toFutuSecurity, toFutuTradeCode } from './symbols.js';

describe('Deltadeck ⇄ Futu symbols', () => {
  it('maps US stocks and OCC options both ways', () => {
    expect(toFutuSecurity('AAPL')).toEqual({ market: 11, code: 'AAPL' });
    expect(toFutuSecurity('BRK.B')).toEqual({ market: 11, code: 'BRK.B' });
    expect(toFutuSecurity('AAPL261218C00230000')).toEqual({ market: 11, code: 'AAPL261218C230000' });
    expect(toFutuSecurity('SPY270115P00432500')).toEqual({ market: 11, code: 'SPY270115P432500' });
    expect(fromFutuSecurity({ market: 11, code: 'AAPL261218C230000' })).toBe('AAPL261218C00230000');
    expect(fromFutuSecurity({ market: 11, code: 'SPY270115P432500' })).toBe('SPY270115P00432500');
    expect(fromFutuSecurity({ market: 11, code: 'AAPL' })).toBe('AAPL');
  });

  it('maps Hong Kong and China A-share codes with exchange suffixes', () => {
    expect(toFutuSecurity('00700.HK')).toEqual({ market: 1, code: '00700' });
    expect(toFutuSecurity('600519.SH')).toEqual({ market: 21, code: '600519' });
    expect(toFutuSecurity('000001.SZ')).toEqual({ market: 22, code: '000001' });
    expect(fromFutuSecurity({ market: 1, code: '00700' })).toBe('00700.HK');
    expect(fromFutuSecurity({ market: 21, code: '600519' })).toBe('600519.SH');
    expect(fromFutuSecurity({ market: 22, code: '000001' })).toBe('000001.SZ');
    expect(toFutuTradeCode('00700.HK')).toEqual({ code: '00700', secMarket: 1, trdMarket: 1 });
    expect(toFutuTradeCode('600519.SH')).toEqual({ code: '600519', secMarket: 31, trdMarket: 3 });
    expect(toFutuTradeCode('000001.SZ')).toEqual({ code: '000001', secMarket: 32, trdMarket: 3 });
    expect(toFutuTradeCode('AAPL261218C00230000')).toEqual({ code: 'AAPL261218C230000', secMarket: 2, trdMarket: 2 });
  });

  it('reads order and position codes back by their security market, else by the account market', () => {
    expect(fromFutuTradeCode('AAPL261218C230000', 2, 2)).toBe('AAPL261218C00230000');
    expect(fromFutuTradeCode('00700', 1, 1)).toBe('00700.HK');
    expect(fromFutuTradeCode('00700', undefined, 1)).toBe('00700.HK');
    expect(fromFutuTradeCode('600519', undefined, 3)).toBe('600519.SH');
    expect(fromFutuTradeCode('000001', 32, 3)).toBe('000001.SZ');
    expect(fromFutuTradeCode('NVDA', undefined, 2)).toBe('NVDA');
  });

  it('refuses what it cannot map with a BAD_REQUEST a trader can act on', () => {
    for (const bad of ['', 'aapl', 'AAPL 261218', '60051.SH', '$$$', 'AAPL261318C00230000']) {
      const error = (() => {
        try {
          toFutuSecurity(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).toBeInstanceOf(BrokerError);
      expect((error as BrokerError).code).toBe('BAD_REQUEST');
      expect((error as BrokerError).message).toMatch(/not a symbol Futu can trade/);
    }
  });

  it('round-trips every OCC option through the Futu code (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{1,5}$/),
        fc.date({ min: new Date('2024-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }),
        fc.constantFrom('C' as const, 'P' as const),
        fc.integer({ min: 1, max: 199_999 }).map((x) => x / 2), // half-dollar grid up to OCC's 99,999.5
        (root, date, right, strike) => {
          const occ = occSymbol(root, date.toISOString().slice(0, 10), right, strike);
          const futu = occToFutuOptionCode(occ)!;
          expect(futu).toBe(`${root}${occ.slice(root.length, root.length + 7)}${Math.round(strike * 1000)}`);
          expect(futuOptionCodeToOcc(futu)).toBe(occ);
          expect(parseOcc(futuOptionCodeToOcc(futu)!)!.strike).toBe(strike);
        },
      ),
    );
  });

  it('does not mistake plain tickers for option codes', () => {
    expect(futuOptionCodeToOcc('AAPL')).toBeUndefined();
    expect(occToFutuOptionCode('AAPL')).toBeUndefined();
  });
});

describe('exchange-local times', () => {
  it('reads New York times on both sides of a DST switch', () => {
    expect(localTimeToEpochMs('2026-07-01 09:30:00', 'America/New_York')).toBe(Date.parse('2026-07-01T13:30:00Z'));
    expect(localTimeToEpochMs('2026-12-01 09:30:00.250', 'America/New_York')).toBe(Date.parse('2026-12-01T14:30:00.250Z'));
    expect(localTimeToEpochMs('2026-03-09 09:30:00', 'America/New_York')).toBe(Date.parse('2026-03-09T13:30:00Z'));
    expect(localTimeToEpochMs('2026-03-06 09:30:00', 'America/New_York')).toBe(Date.parse('2026-03-06T14:30:00Z'));
    expect(localTimeToEpochMs('2026-07-01 09:30:00', 'Asia/Hong_Kong')).toBe(Date.parse('2026-07-01T01:30:00Z'));
    expect(localTimeToEpochMs('not a time', 'Asia/Hong_Kong')).toBeNaN();
  });
});
