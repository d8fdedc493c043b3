import { describe, expect, it } from 'vitest';
import type { CheckResult, Instrument, OrderIntent, Quote } from '../../shared/domain.js';
import { DEFAULT_CHECK_LIMITS, expectedPrice, runPreTradeChecks, worstLevel, type CheckContext } from './checks.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');

const AAPL: Instrument = { symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 };
const AAPL_CALL: Instrument = {
  symbol: 'AAPL261218C00270000',
  kind: 'OPTION',
  underlying: 'AAPL',
  multiplier: 100,
  right: 'C',
  strike: 270,
  expiry: '2026-12-18',
  style: 'american',
};

// Bid 99.95 × ask 100.05: the mark (mid) is 100.00.
const quote = (over: Partial<Quote> = {}): Quote => ({
  symbol: 'AAPL',
  bid: 99.95,
  ask: 100.05,
  last: 100,
  bidSize: 500,
  askSize: 500,
  prevClose: 99,
  ts: NOW - 500,
  ...over,
});

const intent = (over: Partial<OrderIntent> = {}): OrderIntent => ({ symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice: 100, ...over });

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  intent: intent(),
  instrument: AAPL,
  quote: quote(),
  mode: 'DRY_RUN',
  venueConnected: true,
  session: 'REGULAR',
  now: NOW,
  cash: 100_000,
  nav: 200_000,
  positionQty: 0,
  estimatedCommission: 1,
  limits: DEFAULT_CHECK_LIMITS,
  ...over,
});

const find = (results: CheckResult[], check: string) => results.filter((r) => r.check === check);
const codes = (results: CheckResult[]) => results.map((r) => `${r.check}:${r.level}:${r.code}`);

describe('runPreTradeChecks: a clean order', () => {
  it('is all green: a 10-share limit buy at the mid in DRY_RUN during regular hours', () => {
    const results = runPreTradeChecks(ctx());
    expect(codes(results)).toEqual(['mode:green:DRY_RUN', 'quote:green:QUOTE_FRESH', 'price:green:PRICE_SANE', 'cash:green:CASH_OK']);
    expect(worstLevel(results)).toBe('green');
    for (const r of results) expect(r.message.length).toBeGreaterThan(0);
  });
});

describe('runPreTradeChecks: mode', () => {
  it('OFF is red MODE_OFF', () => {
    const results = runPreTradeChecks(ctx({ mode: 'OFF' }));
    expect(find(results, 'mode')).toEqual([expect.objectContaining({ level: 'red', code: 'MODE_OFF' })]);
    expect(worstLevel(results)).toBe('red');
  });

  it('a mode without a connected venue is red', () => {
    const results = runPreTradeChecks(ctx({ mode: 'REAL', venueConnected: false }));
    expect(find(results, 'mode')).toEqual([expect.objectContaining({ level: 'red', code: 'VENUE_DISCONNECTED' })]);
  });

  it('REAL with a venue is green', () => {
    expect(find(runPreTradeChecks(ctx({ mode: 'REAL' })), 'mode')).toEqual([expect.objectContaining({ level: 'green', code: 'REAL' })]);
  });
});

describe('runPreTradeChecks: instrument, order shape and quote', () => {
  it('an unknown instrument is red and stops the checks', () => {
    const results = runPreTradeChecks(ctx({ instrument: undefined, intent: intent({ symbol: 'NOPE' }) }));
    expect(codes(results)).toEqual(['mode:green:DRY_RUN', 'instrument:red:UNKNOWN_SYMBOL']);
    expect(results[1]!.message).toContain('NOPE');
    expect(worstLevel(results)).toBe('red');
  });

  it('a limit order without a price is red; a market order with one is amber', () => {
    const noPrice = runPreTradeChecks(ctx({ intent: intent({ limitPrice: undefined }) }));
    expect(find(noPrice, 'order')).toEqual([expect.objectContaining({ level: 'red', code: 'LIMIT_PRICE_MISSING' })]);
    const ignored = runPreTradeChecks(ctx({ intent: intent({ orderType: 'MARKET', limitPrice: 100 }) }));
    expect(find(ignored, 'order')).toEqual([expect.objectContaining({ level: 'amber', code: 'LIMIT_PRICE_IGNORED' })]);
  });

  it('no quote is red NO_QUOTE', () => {
    const results = runPreTradeChecks(ctx({ quote: undefined }));
    expect(find(results, 'quote')).toEqual([expect.objectContaining({ level: 'red', code: 'NO_QUOTE' })]);
    expect(worstLevel(results)).toBe('red');
  });

  it('a quote older than staleQuoteMs (10 s) is red STALE_QUOTE; exactly 10 s is still fresh', () => {
    const stale = runPreTradeChecks(ctx({ quote: quote({ ts: NOW - 10_001 }) }));
    expect(find(stale, 'quote')).toEqual([expect.objectContaining({ level: 'red', code: 'STALE_QUOTE' })]);
    expect(worstLevel(stale)).toBe('red');
    const borderline = runPreTradeChecks(ctx({ quote: quote({ ts: NOW - 10_000 }) }));
    expect(find(borderline, 'quote')).toEqual([expect.objectContaining({ level: 'green', code: 'QUOTE_FRESH' })]);
  });
});

describe('runPreTradeChecks: session', () => {
  for (const session of ['PRE', 'POST', 'CLOSED'] as const) {
    it(`outside regular hours (${session}) a market order is red and a limit order amber`, () => {
      const market = runPreTradeChecks(ctx({ session, intent: intent({ orderType: 'MARKET', limitPrice: undefined }) }));
      expect(find(market, 'session')).toEqual([expect.objectContaining({ level: 'red', code: 'MARKET_CLOSED' })]);
      expect(worstLevel(market)).toBe('red');
      const limit = runPreTradeChecks(ctx({ session }));
      expect(find(limit, 'session')).toEqual([expect.objectContaining({ level: 'amber', code: 'MARKET_CLOSED' })]);
      expect(worstLevel(limit)).toBe('amber');
    });
  }

  it('adds no session check during regular hours', () => {
    expect(find(runPreTradeChecks(ctx()), 'session')).toEqual([]);
  });
});

describe('runPreTradeChecks: price sanity', () => {
  // Mark = 100.00; the buy reference is the ask 100.05, the sell reference the bid 99.95.
  const priceCheck = (side: 'BUY' | 'SELL', limitPrice: number, q: Quote = quote()) =>
    find(runPreTradeChecks(ctx({ intent: intent({ side, limitPrice, qty: 1 }), quote: q, positionQty: 100 })), 'price');

  it('a buy limit 15% above the ask is red PRICE_FAR_FROM_MARKET', () => {
    // through = 115.05 − 100.05 = 15 = 15% of the mark > 10%
    expect(priceCheck('BUY', 115.05)).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
  });

  it('a buy limit 5% above the ask is amber PRICE_THROUGH_MARKET', () => {
    // through = 5 = 5% of the mark: above 3%, below 10%
    expect(priceCheck('BUY', 105.05)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_THROUGH_MARKET' })]);
  });

  it('a buy limit at the touch, or below it, is green', () => {
    expect(priceCheck('BUY', 100.05)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    expect(priceCheck('BUY', 99.5)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    // 2% through is under the 3% amber threshold.
    expect(priceCheck('BUY', 102.05)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });

  it('sells are symmetric about the bid', () => {
    expect(priceCheck('SELL', 99.95 - 15)).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
    expect(priceCheck('SELL', 99.95 - 5)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_THROUGH_MARKET' })]);
    expect(priceCheck('SELL', 99.95)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    expect(priceCheck('SELL', 101)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });

  it('a passive limit more than 3× away from the mark is amber PRICE_FAR_AWAY', () => {
    expect(priceCheck('BUY', 30)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_FAR_AWAY' })]);
    expect(priceCheck('SELL', 301)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_FAR_AWAY' })]);
  });

  it('allows a tick of slack on cheap instruments', () => {
    // Bid 0.10 × ask 0.20, mark 0.15: a buy at 0.25 is 33% of the mark through the ask, but only
    // 0.05 through — not more than the slack max(0.05, spread 0.10). At 0.35 (0.15 through) it is red.
    const cheap = quote({ bid: 0.1, ask: 0.2, last: 0.15 });
    expect(priceCheck('BUY', 0.25, cheap)).toEqual([expect.objectContaining({ level: 'green' })]);
    expect(priceCheck('BUY', 0.35, cheap)).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
  });

  it('market orders: red with no offer to lift, amber on a spread wider than 10%, green otherwise', () => {
    const market = (q: Quote) => find(runPreTradeChecks(ctx({ intent: intent({ orderType: 'MARKET', limitPrice: undefined }), quote: q })), 'price');
    expect(market(quote({ ask: 0 }))).toEqual([expect.objectContaining({ level: 'red', code: 'NO_LIQUIDITY' })]);
    // Spread 2.00 − 1.70 = 0.30 on a mark of 1.85 = 16%.
    expect(market(quote({ bid: 1.7, ask: 2, last: 1.85 }))).toEqual([expect.objectContaining({ level: 'amber', code: 'WIDE_SPREAD' })]);
    expect(market(quote())).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });
});

describe('runPreTradeChecks: cash and size', () => {
  it('buying more than the cash is red INSUFFICIENT_CASH', () => {
    // 1000 × 100 + $1 commission = 100,001 > 100,000 cash
    const results = runPreTradeChecks(ctx({ intent: intent({ qty: 1000 }) }));
    expect(find(results, 'cash')).toEqual([expect.objectContaining({ level: 'red', code: 'INSUFFICIENT_CASH' })]);
    expect(worstLevel(results)).toBe('red');
    // 999 × 100 + 1 = 99,901 fits.
    const fits = runPreTradeChecks(ctx({ intent: intent({ qty: 999 }), nav: 1_000_000, cash: 100_000 }));
    expect(find(fits, 'cash')[0]!.code).not.toBe('INSUFFICIENT_CASH');
  });

  it('includes the option multiplier in the cost', () => {
    // 10 contracts × $5 × 100 = $5,000 + $6.50 > $5,000 cash
    const results = runPreTradeChecks(
      ctx({
        instrument: AAPL_CALL,
        intent: intent({ symbol: AAPL_CALL.symbol, qty: 10, limitPrice: 5 }),
        quote: quote({ symbol: AAPL_CALL.symbol, bid: 4.9, ask: 5.1, last: 5 }),
        cash: 5000,
        estimatedCommission: 6.5,
      }),
    );
    expect(find(results, 'cash')).toEqual([expect.objectContaining({ level: 'red', code: 'INSUFFICIENT_CASH' })]);
  });

  it('leaving less cash than the 5%-of-NAV reserve is amber LOW_CASH', () => {
    // NAV 1,000,000 → reserve 50,000. Cash 60,000 − (200 × 100 + 1) = 39,999 < 50,000.
    const results = runPreTradeChecks(ctx({ intent: intent({ qty: 200 }), cash: 60_000, nav: 1_000_000 }));
    expect(find(results, 'cash')).toEqual([expect.objectContaining({ level: 'amber', code: 'LOW_CASH' })]);
    expect(find(results, 'size')).toEqual([]); // 20,000 is 2% of NAV
    expect(worstLevel(results)).toBe('amber');
    // 100 shares leave 49,999... still under; 99 shares leave 50,099 → fine.
    const ok = runPreTradeChecks(ctx({ intent: intent({ qty: 99 }), cash: 60_000, nav: 1_000_000 }));
    expect(find(ok, 'cash')).toEqual([expect.objectContaining({ level: 'green', code: 'CASH_OK' })]);
  });

  it('selling more than the position is amber OPENS_SHORT, saying by how much', () => {
    const results = runPreTradeChecks(ctx({ intent: intent({ side: 'SELL', qty: 80 }), positionQty: 50 }));
    const cash = find(results, 'cash');
    expect(cash).toEqual([expect.objectContaining({ level: 'amber', code: 'OPENS_SHORT' })]);
    expect(cash[0]!.message).toContain('30 beyond');
    expect(cash[0]!.message).toContain('sells short');
    // One share beyond the position is already short.
    const oneOver = find(runPreTradeChecks(ctx({ intent: intent({ side: 'SELL', qty: 51 }), positionQty: 50 })), 'cash');
    expect(oneOver).toEqual([expect.objectContaining({ level: 'amber', code: 'OPENS_SHORT' })]);
    expect(oneOver[0]!.message).toContain('1 beyond');
    // Adding to an existing short: every share sold is beyond the position.
    const addShort = find(runPreTradeChecks(ctx({ intent: intent({ side: 'SELL', qty: 20 }), positionQty: -10 })), 'cash');
    expect(addShort[0]!.message).toContain('20 beyond');
    // Selling exactly the position just reduces it.
    const reduce = runPreTradeChecks(ctx({ intent: intent({ side: 'SELL', qty: 50 }), positionQty: 50 }));
    expect(find(reduce, 'cash')).toEqual([expect.objectContaining({ level: 'green', code: 'CASH_OK' })]);
  });

  it('selling options without a long position says it writes options', () => {
    const results = runPreTradeChecks(
      ctx({
        instrument: AAPL_CALL,
        intent: intent({ symbol: AAPL_CALL.symbol, side: 'SELL', qty: 2, limitPrice: 5 }),
        quote: quote({ symbol: AAPL_CALL.symbol, bid: 4.9, ask: 5.1, last: 5 }),
        positionQty: 0,
      }),
    );
    const cash = find(results, 'cash');
    expect(cash).toEqual([expect.objectContaining({ level: 'amber', code: 'OPENS_SHORT' })]);
    expect(cash[0]!.message).toContain('writes options');
    expect(cash[0]!.message).toContain('2 beyond');
  });

  it('a notional above 20% of NAV is amber LARGE_ORDER; exactly 20% is not', () => {
    // NAV 200,000 → threshold 40,000. 401 × 100 = 40,100.
    const large = runPreTradeChecks(ctx({ intent: intent({ qty: 401 }) }));
    expect(find(large, 'size')).toEqual([expect.objectContaining({ level: 'amber', code: 'LARGE_ORDER' })]);
    expect(find(large, 'cash')).toEqual([expect.objectContaining({ level: 'green' })]); // 59,899 left > 10,000 reserve
    expect(worstLevel(large)).toBe('amber');
    const atLimit = runPreTradeChecks(ctx({ intent: intent({ qty: 400 }) }));
    expect(find(atLimit, 'size')).toEqual([]);
    // Sells count too.
    const bigSell = runPreTradeChecks(ctx({ intent: intent({ side: 'SELL', qty: 500 }), positionQty: 500 }));
    expect(find(bigSell, 'size')).toEqual([expect.objectContaining({ level: 'amber', code: 'LARGE_ORDER' })]);
  });
});

describe('expectedPrice', () => {
  it('is the limit for limit orders and the touch for market orders', () => {
    expect(expectedPrice(intent({ limitPrice: 98 }), quote())).toBe(98);
    expect(expectedPrice(intent({ orderType: 'MARKET', limitPrice: undefined }), quote())).toBe(100.05);
    expect(expectedPrice(intent({ side: 'SELL', orderType: 'MARKET', limitPrice: undefined }), quote())).toBe(99.95);
    expect(expectedPrice(intent({ orderType: 'MARKET', limitPrice: undefined }), undefined)).toBeNull();
    // No bid: a market sell falls back to the mark (last, as the book is one-sided).
    expect(expectedPrice(intent({ side: 'SELL', orderType: 'MARKET', limitPrice: undefined }), quote({ bid: 0 }))).toBe(100);
  });
});

describe('worstLevel', () => {
  const r = (level: 'green' | 'amber' | 'red'): CheckResult => ({ check: 'x', level, code: 'X', message: '' });
  it('picks the worst of green < amber < red', () => {
    expect(worstLevel([])).toBe('green');
    expect(worstLevel([r('green'), r('green')])).toBe('green');
    expect(worstLevel([r('green'), r('amber'), r('green')])).toBe('amber');
    expect(worstLevel([r('amber'), r('red'), r('green')])).toBe('red');
    expect(worstLevel([r('red'), r('amber')])).toBe('red');
  });
});
