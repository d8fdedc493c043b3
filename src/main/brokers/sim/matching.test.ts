import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Quote } from '../../../shared/domain.js';
import {
  aShareBand,
  aShareBandPct,
  CN_FEES,
  feesFor,
  isAShare,
  match,
  rejectReason,
  US_FEES,
  US_RULES,
  type MarketRules,
  type PaperOrder,
} from './matching.js';

const quote = (over: Partial<Quote> = {}): Quote => ({ symbol: 'X', bid: 99.9, ask: 100.1, last: 100, bidSize: 500, askSize: 300, prevClose: 99, ts: 0, ...over });
const order = (over: Partial<PaperOrder> = {}): PaperOrder => ({
  id: 'o1',
  symbol: 'X',
  side: 'BUY',
  qty: 100,
  filledQty: 0,
  orderType: 'MARKET',
  limitPrice: null,
  stopPrice: null,
  tif: 'DAY',
  outsideRth: false,
  triggered: false,
  ...over,
});
const NO_SLIP = { spreadFractionPerSize: 0, fixedPct: 0 };

describe('market orders', () => {
  it('fill at the touch: buy at the ask, sell at the bid', () => {
    expect(match(order(), quote(), 'REGULAR', US_RULES, NO_SLIP)).toMatchObject({ kind: 'fill', qty: 100, price: 100.1 });
    expect(match(order({ side: 'SELL' }), quote(), 'REGULAR', US_RULES, NO_SLIP)).toMatchObject({ kind: 'fill', qty: 100, price: 99.9 });
  });

  it('fill partially up to the displayed size; the rest waits (DAY) or is cancelled (IOC)', () => {
    const big = order({ qty: 1000 });
    expect(match(big, quote(), 'REGULAR', US_RULES, NO_SLIP)).toEqual({ kind: 'fill', qty: 300, price: 100.1, triggered: false, cancelRest: null });
    const ioc = match({ ...big, tif: 'IOC' }, quote(), 'REGULAR', US_RULES, NO_SLIP);
    expect(ioc).toMatchObject({ kind: 'fill', qty: 300 });
    expect(ioc.kind === 'fill' && ioc.cancelRest).toMatch(/IOC: 700 not filled/);
    // the remainder continues on the next quote
    expect(match({ ...big, filledQty: 300 }, quote({ askSize: 1000 }), 'REGULAR', US_RULES, NO_SLIP)).toMatchObject({ kind: 'fill', qty: 700 });
  });

  it('pay slippage growing with the share of displayed size taken', () => {
    const slip = { spreadFractionPerSize: 0.5, fixedPct: 0.0001 };
    const small = match(order({ qty: 30 }), quote(), 'REGULAR', US_RULES, slip);
    const large = match(order({ qty: 300 }), quote(), 'REGULAR', US_RULES, slip);
    // 0.2 spread × 0.5 × (30/300) + 100.1 × 1bp = 0.01 + 0.01001
    expect(small.kind === 'fill' && small.price).toBeCloseTo(100.1 + 0.01 + 0.01001, 4);
    expect(large.kind === 'fill' && large.price).toBeCloseTo(100.1 + 0.1 + 0.01001, 4);
    const sell = match(order({ side: 'SELL', qty: 500 }), quote(), 'REGULAR', US_RULES, slip);
    expect(sell.kind === 'fill' && sell.price).toBeLessThan(99.9);
  });

  it('do not trade outside regular hours, or without liquidity', () => {
    expect(match(order(), quote(), 'PRE', US_RULES).kind).toBe('none');
    expect(match(order(), quote(), 'CLOSED', US_RULES).kind).toBe('none');
    expect(match(order(), quote({ ask: 0 }), 'REGULAR', US_RULES).kind).toBe('none');
    expect(match(order({ tif: 'IOC' }), quote({ askSize: 0 }), 'REGULAR', US_RULES)).toMatchObject({ kind: 'cancel' });
    expect(match(order(), undefined, 'REGULAR', US_RULES).kind).toBe('none');
  });
});

describe('limit orders', () => {
  it('fill when the touch crosses the limit, at the touch, never worse than the limit', () => {
    expect(match(order({ orderType: 'LIMIT', limitPrice: 100 }), quote(), 'REGULAR', US_RULES).kind).toBe('none');
    expect(match(order({ orderType: 'LIMIT', limitPrice: 100.5 }), quote(), 'REGULAR', US_RULES)).toMatchObject({ kind: 'fill', price: 100.1 });
    expect(match(order({ side: 'SELL', orderType: 'LIMIT', limitPrice: 99.5 }), quote(), 'REGULAR', US_RULES)).toMatchObject({ kind: 'fill', price: 99.9 });
    expect(match(order({ side: 'SELL', orderType: 'LIMIT', limitPrice: 100 }), quote(), 'REGULAR', US_RULES).kind).toBe('none');
  });

  it('trade outside regular hours only when flagged outsideRth', () => {
    const lmt = order({ orderType: 'LIMIT', limitPrice: 101 });
    expect(match(lmt, quote(), 'POST', US_RULES).kind).toBe('none');
    expect(match({ ...lmt, outsideRth: true }, quote(), 'POST', US_RULES)).toMatchObject({ kind: 'fill' });
  });

  it('property: a limit fill is never worse than the limit', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0.5, max: 1.5, noNaN: true }), fc.boolean(), (mid, spread, k, buy) => {
        const q = quote({ bid: mid - spread / 2, ask: mid + spread / 2 });
        const limit = mid * k;
        const r = match(order({ side: buy ? 'BUY' : 'SELL', orderType: 'LIMIT', limitPrice: limit }), q, 'REGULAR', US_RULES);
        if (r.kind === 'fill') return buy ? r.price <= limit + 1e-4 : r.price >= limit - 1e-4;
        return true;
      }),
    );
  });
});

describe('stop and stop-limit orders', () => {
  it('a buy stop waits until the ask reaches the stop, then fills as a market order', () => {
    const stop = order({ orderType: 'STOP', stopPrice: 101 });
    expect(match(stop, quote(), 'REGULAR', US_RULES, NO_SLIP)).toEqual({ kind: 'none', triggered: false, reason: 'stop not reached' });
    expect(match(stop, quote({ bid: 100.9, ask: 101.1 }), 'REGULAR', US_RULES, NO_SLIP)).toMatchObject({ kind: 'fill', price: 101.1, triggered: true });
  });

  it('a sell stop triggers when the bid falls to it', () => {
    const stop = order({ side: 'SELL', orderType: 'STOP', stopPrice: 99 });
    expect(match(stop, quote(), 'REGULAR', US_RULES).kind).toBe('none');
    expect(match(stop, quote({ bid: 98.5, ask: 98.7 }), 'REGULAR', US_RULES, NO_SLIP)).toMatchObject({ kind: 'fill', price: 98.5, triggered: true });
  });

  it('a stop-limit triggers, then waits for its limit; once triggered it stays triggered', () => {
    const sl = order({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 99, limitPrice: 98.8 });
    const gapped = match(sl, quote({ bid: 98.0, ask: 98.2, last: 98.1 }), 'REGULAR', US_RULES);
    expect(gapped).toEqual({ kind: 'none', triggered: true, reason: 'limit not reached' });
    expect(match({ ...sl, triggered: true }, quote({ bid: 98.9, ask: 99.1 }), 'REGULAR', US_RULES)).toMatchObject({ kind: 'fill', price: 98.9 });
  });
});

describe('China A-share rules', () => {
  const rules = (over: Partial<MarketRules> = {}): MarketRules => ({ lotSize: 100, band: aShareBand(10, 0.1), suspended: false, sellable: 1000, ...over });

  it('recognises A-share codes and their bands', () => {
    expect(isAShare('600519.SH')).toBe(true);
    expect(isAShare('AAPL')).toBe(false);
    expect(aShareBandPct('600519.SH')).toBe(0.1);
    expect(aShareBandPct('300750.SZ')).toBe(0.2);
    expect(aShareBandPct('688981.SH')).toBe(0.2);
    expect(aShareBandPct('000001.SZ', true)).toBe(0.05);
    expect(aShareBand(10, 0.1)).toEqual({ lower: 9, upper: 11 });
    expect(aShareBand(13.57, 0.1)).toEqual({ lower: 12.22, upper: 14.92 }); // 12.213 → 12.22 up, 14.927 → 14.92 down
  });

  it('buys in lots of 100; a sell may close an odd-lot remainder', () => {
    expect(rejectReason({ symbol: '600519.SH', side: 'BUY', qty: 150, orderType: 'MARKET', limitPrice: null, stopPrice: null, outsideRth: false }, rules(), 0)).toMatch(/lots of 100/);
    expect(rejectReason({ symbol: '600519.SH', side: 'SELL', qty: 50, orderType: 'MARKET', limitPrice: null, stopPrice: null, outsideRth: false }, rules(), 250)).toMatch(/odd-lot/);
    expect(rejectReason({ symbol: '600519.SH', side: 'SELL', qty: 250, orderType: 'MARKET', limitPrice: null, stopPrice: null, outsideRth: false }, rules({ sellable: 250 }), 250)).toBeNull();
  });

  it('T+1: shares bought today cannot be sold today', () => {
    const r = rejectReason({ symbol: '600519.SH', side: 'SELL', qty: 200, orderType: 'MARKET', limitPrice: null, stopPrice: null, outsideRth: false }, rules({ sellable: 100 }), 300);
    expect(r).toMatch(/T\+1/);
  });

  it('limit prices outside the band are rejected; nobody fills at a locked limit', () => {
    expect(rejectReason({ symbol: '600519.SH', side: 'BUY', qty: 100, orderType: 'LIMIT', limitPrice: 11.5, stopPrice: null, outsideRth: false }, rules(), 0)).toMatch(/band 9–11/);
    const limitUp = quote({ bid: 11, ask: 11, last: 11, askSize: 10_000 });
    expect(match(order({ qty: 100 }), limitUp, 'REGULAR', rules())).toMatchObject({ kind: 'none', reason: 'locked at limit-up' });
    const limitDown = quote({ bid: 9, ask: 9.01, last: 9 });
    expect(match(order({ side: 'SELL', qty: 100 }), limitDown, 'REGULAR', rules())).toMatchObject({ kind: 'none', reason: 'locked at limit-down' });
    // Inside the band it trades, in whole lots of the displayed size.
    expect(match(order({ qty: 500 }), quote({ bid: 10.2, ask: 10.21, askSize: 350 }), 'REGULAR', rules(), { spreadFractionPerSize: 0, fixedPct: 0 })).toMatchObject({ kind: 'fill', qty: 300, price: 10.21 });
  });

  it('suspended stocks do not trade and new orders are rejected', () => {
    expect(rejectReason({ symbol: '600519.SH', side: 'BUY', qty: 100, orderType: 'MARKET', limitPrice: null, stopPrice: null, outsideRth: false }, rules({ suspended: true }), 0)).toMatch(/suspended/);
    expect(match(order(), quote(), 'REGULAR', rules({ suspended: true })).kind).toBe('none');
  });
});

describe('order validation', () => {
  const base = { symbol: 'X', side: 'BUY' as const, qty: 10, limitPrice: null, stopPrice: null, outsideRth: false };
  it('needs prices for limit and stop orders, and only limit orders outside regular hours', () => {
    expect(rejectReason({ ...base, orderType: 'LIMIT' }, US_RULES, 0)).toMatch(/limit price/);
    expect(rejectReason({ ...base, orderType: 'STOP' }, US_RULES, 0)).toMatch(/stop price/);
    expect(rejectReason({ ...base, orderType: 'STOP_LIMIT', stopPrice: 5 }, US_RULES, 0)).toMatch(/limit price/);
    expect(rejectReason({ ...base, orderType: 'MARKET', outsideRth: true }, US_RULES, 0)).toMatch(/Only limit orders/);
    expect(rejectReason({ ...base, orderType: 'MARKET' }, US_RULES, 0)).toBeNull();
  });
});

describe('fees', () => {
  it('US: per share with a minimum and a 1% cap; per contract for options', () => {
    expect(feesFor(US_FEES, 'BUY', false, 100, 50, 1)).toEqual({ commission: 1, tax: 0 });
    expect(feesFor(US_FEES, 'BUY', false, 1000, 50, 1)).toEqual({ commission: 5, tax: 0 });
    expect(feesFor(US_FEES, 'BUY', false, 1000, 0.2, 1)).toEqual({ commission: 2, tax: 0 }); // capped at 1% of $200
    expect(feesFor(US_FEES, 'SELL', true, 10, 2.5, 100)).toEqual({ commission: 6.5, tax: 0 });
  });

  it('A-shares: percent of value with a minimum, and stamp duty on sells only', () => {
    expect(feesFor(CN_FEES, 'BUY', false, 1000, 10, 1)).toEqual({ commission: 5, tax: 0 }); // 2.5 = 0.025% of 10,000 → minimum 5
    expect(feesFor(CN_FEES, 'SELL', false, 10_000, 30, 1)).toEqual({ commission: 75, tax: 150 }); // 300,000 × 0.025% and × 0.05%
  });
});
