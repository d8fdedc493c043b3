// The gate's input assembly (gate-context.ts) on a small constructed book, valued by the production
// valuation: an option order gets its unit Greeks, short-dated flag, commission estimate, expiry
// instant and the book's figures; an unknown symbol or a missing quote gives the red verdicts the
// engine has always given; gateOrder is exactly evaluateOrder on the assembled context.
import { describe, expect, it } from 'vitest';
import type { Instrument, OrderIntent, Quote } from '../../shared/domain.js';
import { occSymbol } from '../../shared/instruments.js';
import { DEFAULT_RISK_LIMITS } from '../../shared/risk.js';
import { commissionFor, DEFAULT_COMMISSIONS } from '../brokers/sim/ledger.js';
import { expiryInstant } from '../pricing/index.js';
import { unitCashGreeks, valueBook } from './exposure.js';
import { gateContext, gateOrder, type GateInputs } from './gate-context.js';
import { evaluateOrder } from './gate.js';

/** Monday 23 Nov 2026, 10:00 New York. */
const NOW = Date.UTC(2026, 10, 23, 15, 0);
const CASH = 500_000;
const limits = DEFAULT_RISK_LIMITS;
const pricing = { rate: 0.04, dividendYield: () => 0.005, expiryTs: (i: Instrument) => expiryInstant(i.expiry!) };

const NVDA: Instrument = { symbol: 'NVDA', kind: 'STOCK', underlying: 'NVDA', multiplier: 1 };
const option = (expiry: string, right: 'C' | 'P', strike: number): Instrument => ({
  symbol: occSymbol('NVDA', expiry, right, strike),
  kind: 'OPTION',
  underlying: 'NVDA',
  multiplier: 100,
  right,
  strike,
  expiry,
  style: 'american',
});
/** Expires Friday: inside the 7-day short-dated bucket. */
const WEEKLY_CALL = option('2026-11-27', 'C', 185);
/** Expires in January: outside it. */
const JAN_PUT = option('2027-01-15', 'P', 170);

const quote = (symbol: string, bid: number, ask: number, iv?: number): Quote => ({
  symbol,
  bid,
  ask,
  last: (bid + ask) / 2,
  bidSize: 100,
  askSize: 100,
  prevClose: (bid + ask) / 2,
  ts: NOW - 1_000,
  ...(iv === undefined ? {} : { iv }),
});

function book() {
  const instruments = new Map([NVDA, WEEKLY_CALL, JAN_PUT].map((i) => [i.symbol, i]));
  const quotes = new Map<string, Quote>([
    ['NVDA', quote('NVDA', 182.49, 182.51)],
    [WEEKLY_CALL.symbol, quote(WEEKLY_CALL.symbol, 2.1, 2.2, 0.48)],
    [JAN_PUT.symbol, quote(JAN_PUT.symbol, 6.9, 7.1, 0.5)],
  ]);
  const positions = [
    { symbol: 'NVDA', qty: 300, avgPrice: 180 },
    { symbol: WEEKLY_CALL.symbol, qty: -4, avgPrice: 2.5 },
    { symbol: JAN_PUT.symbol, qty: 2, avgPrice: 7 },
  ];
  const valuation = valueBook({ positions, instruments, quotes, cash: CASH, now: NOW, ...pricing, shortDatedDays: limits.shortDated.days });
  return { instruments, quotes, positions, valuation };
}

function inputs(intent: OrderIntent, change: Partial<GateInputs> = {}): GateInputs {
  const { instruments, quotes, positions, valuation } = book();
  const instrument = instruments.get(intent.symbol);
  return {
    intent,
    instrument,
    quote: quotes.get(intent.symbol),
    underlyingQuote: instrument ? quotes.get(instrument.underlying) : undefined,
    mode: 'DRY_RUN',
    venueConnected: true,
    session: 'REGULAR',
    now: NOW,
    tradingState: 'ACTIVE',
    dailyLossPct: 0.001,
    drawdownPct: 0.002,
    valuation,
    cash: CASH,
    positionQty: positions.find((p) => p.symbol === intent.symbol)?.qty ?? 0,
    quotes,
    pricing,
    commissions: DEFAULT_COMMISSIONS,
    ordersLastMinute: 3,
    limits,
    ...change,
  };
}

const buyCalls: OrderIntent = { symbol: WEEKLY_CALL.symbol, side: 'BUY', qty: 2, orderType: 'LIMIT', limitPrice: 2.15 };
const codes = (v: { checks: readonly { level: string; code: string }[] }, level: string) => v.checks.filter((c) => c.level === level).map((c) => c.code);

describe('gateContext: an option order on a constructed book', () => {
  it('carries the unit Greeks, the short-dated flag, the commission, the expiry and the book figures the gate needs', () => {
    const input = inputs(buyCalls);
    const { context, price } = gateContext(input);
    const { valuation } = input;
    const nvdaRow = valuation.greeks.byUnderlying.find((r) => r.underlying === 'NVDA')!;
    const unit = unitCashGreeks(WEEKLY_CALL, 100, input.quotes, { now: NOW, ...pricing, shortDatedDays: limits.shortDated.days });

    expect(price).toBe(2.15);
    expect(context.unitGreeks).toEqual(unit.greeks);
    expect(context.unitGreeks!.deltaCash).toBeGreaterThan(0);
    expect(context.shortDated).toBe(true);
    expect(context.estimatedCommission).toBe(commissionFor(DEFAULT_COMMISSIONS, true, 2, 2.15, 100));
    expect(context.estimatedCommission).toBe(1.3);
    expect(context.expiryTs).toBe(expiryInstant('2026-11-27'));
    const four = (g: typeof nvdaRow | typeof nvdaRow.shortDated) => ({
      deltaCash: g.deltaCash,
      gammaCash1Pct: g.gammaCash1Pct,
      vegaCashPerPoint: g.vegaCashPerPoint,
      thetaCashPerDay: g.thetaCashPerDay,
    });
    // Only the four cash Greeks: the gate checks every field of these objects as a risk figure.
    expect(context.book).toStrictEqual({
      nav: valuation.nav,
      cash: CASH,
      portfolio: four(valuation.greeks.portfolio),
      shortDated: four(valuation.greeks.portfolio.shortDated),
      underlyingDeltaCash: nvdaRow.deltaCash,
      positionQty: -4,
    });
    expect(context.book.shortDated.gammaCash1Pct).toBeLessThan(0); // the short weekly calls
    expect(context).toMatchObject({ mode: 'DRY_RUN', session: 'REGULAR', now: NOW, dailyLossPct: 0.001, drawdownPct: 0.002, ordersLastMinute: 3, limits });
    expect(context.underlyingQuote).toBe(input.quotes.get('NVDA'));
  });

  it('a January option is outside the short-dated bucket', () => {
    const { context } = gateContext(inputs({ symbol: JAN_PUT.symbol, side: 'SELL', qty: 1, orderType: 'MARKET' }));
    expect(context.shortDated).toBe(false);
    expect(context.unitGreeks!.deltaCash).toBeLessThan(0);
    expect(context.book.positionQty).toBe(2);
  });

  it('a share order has no expiry and pays the stock commission', () => {
    const { context, price } = gateContext(inputs({ symbol: 'NVDA', side: 'BUY', qty: 100, orderType: 'MARKET' }));
    expect(price).toBe(182.51);
    expect(context.expiryTs).toBeNull();
    expect(context.shortDated).toBe(false);
    expect(context.unitGreeks!.deltaCash).toBeCloseTo(182.5, 6);
    expect(context.estimatedCommission).toBe(commissionFor(DEFAULT_COMMISSIONS, false, 100, 182.51, 1));
  });

  it('a contract missing from the quote map is priced from the order\'s own quote, and the map is left alone', () => {
    const input = inputs(buyCalls);
    const quotes = new Map(input.quotes);
    quotes.delete(WEEKLY_CALL.symbol);
    const { context } = gateContext({ ...input, quotes });
    expect(context.unitGreeks).toEqual(gateContext(input).context.unitGreeks);
    expect(quotes.has(WEEKLY_CALL.symbol)).toBe(false);
  });

  it('gateOrder is evaluateOrder on the assembled context, with the expected price', () => {
    const input = inputs(buyCalls);
    const { context, price } = gateContext(input);
    expect(gateOrder(input)).toEqual({ ...evaluateOrder(context), price });
  });
});

describe('gateOrder: what the engine refuses', () => {
  it('an unknown symbol: no instrument, no Greeks, no commission, and a red UNKNOWN_SYMBOL', () => {
    const intent: OrderIntent = { symbol: 'NOPE', side: 'BUY', qty: 1, orderType: 'MARKET' };
    const input = inputs(intent);
    const { context } = gateContext(input);
    expect(context).toMatchObject({ instrument: undefined, quote: undefined, unitGreeks: null, shortDated: false, estimatedCommission: 0, expiryTs: null });
    expect(context.book.underlyingDeltaCash).toBe(0);
    const verdict = gateOrder(input);
    expect(verdict.level).toBe('red');
    expect(codes(verdict, 'red')).toEqual(['UNKNOWN_SYMBOL']);
    expect(verdict).toMatchObject({ whatIf: null, estNotional: 0, price: null });
  });

  it('a known option without a quote: a red NO_QUOTE, unpriced', () => {
    const intent: OrderIntent = { symbol: WEEKLY_CALL.symbol, side: 'BUY', qty: 1, orderType: 'MARKET' };
    const base = inputs(intent);
    const quotes = new Map(base.quotes);
    quotes.delete(WEEKLY_CALL.symbol);
    const input = { ...base, quote: undefined, quotes };
    const { context } = gateContext(input);
    expect(context.unitGreeks).toBeNull(); // no implied vol without the contract's quote
    expect(context.estimatedCommission).toBe(0);
    const verdict = gateOrder(input);
    expect(verdict.level).toBe('red');
    expect(codes(verdict, 'red')).toEqual(['NO_QUOTE']);
    expect(verdict).toMatchObject({ whatIf: null, estNotional: 0, price: null });
  });

  it('an option whose underlying has no quote: a red NO_UNDERLYING_QUOTE and no Greeks', () => {
    const base = inputs(buyCalls);
    const quotes = new Map(base.quotes);
    quotes.delete('NVDA');
    const verdict = gateOrder({ ...base, underlyingQuote: undefined, quotes });
    expect(verdict.level).toBe('red');
    expect(codes(verdict, 'red')).toEqual(expect.arrayContaining(['NO_UNDERLYING_QUOTE', 'NO_GREEKS']));
    expect(verdict.price).toBe(2.15);
  });
});
