// The pre-trade risk gate: one pure evaluateOrder between every order intent and the broker.
// Every limit gets a test showing its reason code, its level and a message that names the numbers;
// REDUCING / HALTED, stale and bad quotes, and bad inputs each give a clear reason and a red (never
// sent) verdict. Also ports every scenario of the pre-trade checks gate.ts replaced
// (src/main/oms/checks.test.ts at HEAD~1): mode, instrument, order shape, session, quote,
// fat-finger price, cash and short.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CashGreeks, CheckLevel, CheckResult, Instrument, OrderIntent, Quote } from '../../shared/domain.js';
import { Instrument as InstrumentSchema, OrderIntent as OrderIntentSchema, Quote as QuoteSchema } from '../../shared/domain.js';
import { occSymbol } from '../../shared/instruments.js';
import { DEFAULT_RISK_LIMITS, type GateVerdict, type PortfolioGreeks, type RiskLimits } from '../../shared/risk.js';
import { evaluateOrder, expectedPrice, isRiskReducing, STOP_SLIPPAGE_PCT, tierOf, worstLevel, type GateBook, type GateContext } from './gate.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');
const DAY_MS = 86_400_000;
const NAV = 1_000_000;

const stock = (symbol: string, kind: 'STOCK' | 'ETF' = 'STOCK'): Instrument => ({ symbol, kind, underlying: symbol, multiplier: 1 });
const AAPL = stock('AAPL'); // tier T2 (default limits)
const SPY = stock('SPY', 'ETF'); // tier T1
const TQQQ = stock('TQQQ', 'ETF'); // tier T3
const F = stock('F'); // not listed: defaultTier T2
const CALL: Instrument = {
  symbol: 'AAPL261218C00210000',
  kind: 'OPTION',
  underlying: 'AAPL',
  multiplier: 100,
  right: 'C',
  strike: 210,
  expiry: '2026-12-18',
  style: 'american',
};
const CALL_EXPIRY = NOW + 25 * DAY_MS;

const q = (symbol: string, bid: number, ask: number, extra: Partial<Quote> = {}): Quote => ({
  symbol,
  bid,
  ask,
  last: (bid + ask) / 2,
  bidSize: 500,
  askSize: 500,
  prevClose: 0,
  ts: NOW - 500,
  ...extra,
});

const INSTRUMENTS = new Map([AAPL, SPY, TQQQ, F, CALL].map((i) => [i.symbol, i]));
const QUOTES = new Map<string, Quote>([
  ['AAPL', q('AAPL', 199.95, 200.05)], // mark 200
  ['SPY', q('SPY', 599.95, 600.05)], // mark 600
  ['TQQQ', q('TQQQ', 99.95, 100.05)], // mark 100
  ['F', q('F', 9.99, 10.01)], // mark 10
  [CALL.symbol, q(CALL.symbol, 4.95, 5.05, { iv: 0.3 })], // mark 5
]);

const ZERO: CashGreeks = { deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
const stockUnit = (spot: number): CashGreeks => ({ ...ZERO, deltaShares: 1, deltaCash: spot });
/** One contract of the AAPL call: 0.5 delta × 100 × $200, and some gamma, vega and theta. */
const CALL_UNIT: CashGreeks = { deltaShares: 50, deltaCash: 10_000, gammaCash1Pct: 800, vegaCashPerPoint: 20, thetaCashPerDay: -11 };
const UNITS = new Map<string, CashGreeks>([
  ['AAPL', stockUnit(200)],
  ['SPY', stockUnit(600)],
  ['TQQQ', stockUnit(100)],
  ['F', stockUnit(10)],
  [CALL.symbol, CALL_UNIT],
]);

const ZERO_PORTFOLIO: PortfolioGreeks = { deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
const BOOK: GateBook = { nav: NAV, cash: 500_000, portfolio: ZERO_PORTFOLIO, shortDated: ZERO_PORTFOLIO, underlyingDeltaCash: 0, positionQty: 0 };

const intent = (over: Partial<OrderIntent> = {}): OrderIntent => ({ symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice: 200, ...over });

/** Market data, Greeks and expiry for a symbol, as the engine would assemble them. */
function marketFor(symbol: string): Pick<GateContext, 'instrument' | 'quote' | 'underlyingQuote' | 'unitGreeks' | 'expiryTs'> {
  const instrument = INSTRUMENTS.get(symbol);
  return {
    instrument,
    quote: QUOTES.get(symbol),
    underlyingQuote: instrument ? QUOTES.get(instrument.underlying) : undefined,
    unitGreeks: UNITS.get(symbol) ?? null,
    expiryTs: instrument?.kind === 'OPTION' ? CALL_EXPIRY : null,
  };
}

type Over = Omit<Partial<GateContext>, 'book'> & { book?: Partial<GateBook> };

function ctx(over: Over = {}): GateContext {
  const { book, ...rest } = over;
  const i = rest.intent ?? intent();
  return {
    intent: i,
    ...marketFor(i.symbol),
    mode: 'DRY_RUN',
    venueConnected: true,
    session: 'REGULAR',
    now: NOW,
    tradingState: 'ACTIVE',
    dailyLossPct: 0,
    drawdownPct: 0,
    shortDated: false,
    estimatedCommission: 1,
    ordersLastMinute: 0,
    limits: DEFAULT_RISK_LIMITS,
    ...rest,
    book: { ...BOOK, ...book },
  };
}

const run = (over: Over = {}) => evaluateOrder(ctx(over));
const find = (v: GateVerdict, check: string) => v.checks.filter((r) => r.check === check);
const codes = (v: GateVerdict) => v.checks.map((r) => `${r.check}:${r.level}:${r.code}`);
const hasCode = (v: GateVerdict, code: string) => v.checks.some((r) => r.code === code);

/** Exactly one check with this code, at this level, with a message; returns it. */
function expectCheck(v: GateVerdict, code: string, level: CheckLevel): CheckResult {
  const hits = v.checks.filter((r) => r.code === code);
  expect(hits, `${code} in ${codes(v).join(', ')}`).toHaveLength(1);
  const hit = hits[0]!;
  expect(hit.level, code).toBe(level);
  expect(hit.message.trim().length, code).toBeGreaterThan(0);
  return hit;
}

/** A red reason: the verdict is red (nothing is sent) and the message names the numbers. */
function expectRed(v: GateVerdict, code: string, ...mentions: string[]): CheckResult {
  const hit = expectCheck(v, code, 'red');
  expect(v.level).toBe('red');
  for (const m of mentions) expect(hit.message).toContain(m);
  return hit;
}

function limitsWith(change: (l: RiskLimits) => void): RiskLimits {
  const l = structuredClone(DEFAULT_RISK_LIMITS);
  change(l);
  return l;
}

describe('evaluateOrder: a clean order', () => {
  it('is all green: a 10-share AAPL limit buy at the mark in DRY_RUN, regular hours, flat book', () => {
    const v = run();
    expect(codes(v)).toEqual([
      'mode:green:DRY_RUN',
      'quote:green:QUOTE_FRESH',
      'price:green:PRICE_SANE',
      'order-size:green:ORDER_SIZE_OK',
      'tier:green:TIER_OK',
      'portfolio:green:PORTFOLIO_OK',
      'cash:green:CASH_OK',
    ]);
    expect(v.level).toBe('green');
    expect(v.estNotional).toBe(2_000);
    for (const r of v.checks) expect(r.message.length).toBeGreaterThan(0);
    expect(v.whatIf).toEqual({
      before: ZERO_PORTFOLIO,
      after: { deltaCash: 2_000, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 },
      order: { deltaShares: 10, deltaCash: 2_000, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 },
      nav: NAV,
      riskReducing: false,
    });
  });

  it('a clean option buy is green too', () => {
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 2, limitPrice: 5 }) });
    expect(v.level).toBe('green');
    expect(v.estNotional).toBe(1_000); // 2 × 5 × 100
  });
});

describe('evaluateOrder: per-order caps', () => {
  it('MAX_QTY caps shares at 5,000 for stocks', () => {
    // F at $10: 5,001 shares is only $50,010, inside every other limit.
    const v = run({ intent: intent({ symbol: 'F', qty: 5_001, limitPrice: 10 }) });
    expectRed(v, 'MAX_QTY', '5001 shares', '5000');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['MAX_QTY']);
    expect(hasCode(run({ intent: intent({ symbol: 'F', qty: 5_000, limitPrice: 10 }) }), 'MAX_QTY')).toBe(false);
  });

  it('MAX_QTY caps options at 100 contracts (101 shares are fine, 101 contracts are not)', () => {
    const smallUnit: CashGreeks = { deltaShares: 1, deltaCash: 200, gammaCash1Pct: 1, vegaCashPerPoint: 1, thetaCashPerDay: -0.1 };
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 101, limitPrice: 5 }), unitGreeks: smallUnit });
    expectRed(v, 'MAX_QTY', '101 contracts', '100');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['MAX_QTY']);
    expect(hasCode(run({ intent: intent({ symbol: CALL.symbol, qty: 100, limitPrice: 5 }), unitGreeks: smallUnit }), 'MAX_QTY')).toBe(false);
    expect(hasCode(run({ intent: intent({ symbol: 'F', qty: 101, limitPrice: 10 }) }), 'MAX_QTY')).toBe(false);
  });

  it('MAX_NOTIONAL caps one order at 200,000 (qty × price × multiplier); exactly the cap passes', () => {
    // SPY is tier T1 (orders up to 250,000): 400 × 600 = 240,000 breaks only the per-order cap.
    const v = run({ intent: intent({ symbol: 'SPY', qty: 400, limitPrice: 600 }) });
    expectRed(v, 'MAX_NOTIONAL', '240,000.00', '200,000.00');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['MAX_NOTIONAL']);
    expect(v.estNotional).toBe(240_000);
    const atCap = run({ intent: intent({ symbol: 'SPY', qty: 400, limitPrice: 500 }) }); // 200,000
    expectCheck(atCap, 'ORDER_SIZE_OK', 'green');
    expect(atCap.level).toBe('green');
    // Sells count too.
    expectRed(run({ intent: intent({ symbol: 'SPY', side: 'SELL', qty: 400, limitPrice: 600 }), book: { positionQty: 400 } }), 'MAX_NOTIONAL');
  });

  it('MAX_NOTIONAL includes the option multiplier', () => {
    // 50 contracts at 50.00 × 100 = 250,000.
    const unit: CashGreeks = { deltaShares: 1, deltaCash: 200, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
    const v = run({
      intent: intent({ symbol: CALL.symbol, qty: 50, limitPrice: 50 }),
      quote: q(CALL.symbol, 49.9, 50.1, { iv: 0.3 }),
      unitGreeks: unit,
    });
    expectRed(v, 'MAX_NOTIONAL', '250,000.00');
  });
});

describe('evaluateOrder: tier limits', () => {
  it('TIER_ORDER: AAPL is T2, orders up to 100,000', () => {
    const v = run({ intent: intent({ qty: 501 }) }); // 100,200
    expectRed(v, 'TIER_ORDER', 'AAPL', 'T2', '100,000.00', '100,200.00');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['TIER_ORDER']);
    expectCheck(run({ intent: intent({ qty: 500 }) }), 'TIER_OK', 'green');
  });

  it('TIER_ORDER: TQQQ is T3 (25,000); SPY is T1 (250,000); an unlisted symbol gets the default tier T2', () => {
    expectRed(run({ intent: intent({ symbol: 'TQQQ', qty: 251, limitPrice: 100 }) }), 'TIER_ORDER', 'T3', '25,000.00', '25,100.00');
    expect(hasCode(run({ intent: intent({ symbol: 'TQQQ', qty: 250, limitPrice: 100 }) }), 'TIER_ORDER')).toBe(false);
    expect(hasCode(run({ intent: intent({ symbol: 'SPY', qty: 330, limitPrice: 600 }) }), 'TIER_ORDER')).toBe(false); // 198,000
    expectRed(run({ intent: intent({ symbol: 'F', qty: 4_000, limitPrice: 26 }) }), 'TIER_ORDER', 'T2'); // 104,000
  });

  it('an option inherits its underlying tier', () => {
    const unit: CashGreeks = { ...ZERO, deltaShares: 1, deltaCash: 200 };
    // 21 × 50 × 100 = 105,000 > T2's 100,000 (AAPL's tier).
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 21, limitPrice: 50 }), quote: q(CALL.symbol, 49.9, 50.1, { iv: 0.3 }), unitGreeks: unit });
    expectRed(v, 'TIER_ORDER', 'AAPL', 'T2');
  });

  it('TIER_EXPOSURE: red when the order takes the underlying cash delta over the tier cap', () => {
    // AAPL (T2) exposure cap 250,000: 200,000 + 300 × 200 = 260,000.
    const v = run({ intent: intent({ qty: 300 }), book: { underlyingDeltaCash: 200_000, portfolio: { ...ZERO_PORTFOLIO, deltaCash: 200_000 } } });
    expectRed(v, 'TIER_EXPOSURE', 'AAPL', '260,000.00', '250,000.00', 'T2');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['TIER_EXPOSURE']);
    // Short exposure counts by its size: −200,000 − 60,000.
    const short = run({ intent: intent({ side: 'SELL', qty: 300 }), book: { underlyingDeltaCash: -200_000 } });
    expectRed(short, 'TIER_EXPOSURE', '260,000.00');
  });

  it('TIER_EXPOSURE: an order that lowers an exposure already over the cap passes', () => {
    const v = run({
      intent: intent({ side: 'SELL', qty: 100 }),
      book: { underlyingDeltaCash: 300_000, positionQty: 1_000, portfolio: { ...ZERO_PORTFOLIO, deltaCash: 300_000 } },
    });
    expect(hasCode(v, 'TIER_EXPOSURE')).toBe(false);
    expectCheck(v, 'TIER_OK', 'green');
    expect(v.level).toBe('green');
  });

  it('TIER_POSITION: red when the position would exceed the tier share of NAV; shrinking it passes', () => {
    // NAV 500,000: T2 allows 25% = 125,000 in AAPL. 500 + 200 shares × 200 = 140,000 = 28%.
    const book = { nav: 500_000, cash: 300_000, positionQty: 500, underlyingDeltaCash: 100_000, portfolio: { ...ZERO_PORTFOLIO, deltaCash: 100_000 } };
    const v = run({ intent: intent({ qty: 200 }), book });
    expectRed(v, 'TIER_POSITION', 'AAPL', '28.0%', '25%', 'T2');
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual(['TIER_POSITION']);
    // 700 shares (28%) selling 50 → 26%: still over, but smaller.
    const shrink = run({ intent: intent({ side: 'SELL', qty: 50 }), book: { ...book, positionQty: 700, underlyingDeltaCash: 140_000 } });
    expect(hasCode(shrink, 'TIER_POSITION')).toBe(false);
    expect(shrink.level).toBe('green');
  });
});

// The four portfolio Greeks and their default caps (fraction of NAV), and how the messages name them.
const GREEK_CASES = [
  { key: 'deltaCash', name: 'DELTA', cap: DEFAULT_RISK_LIMITS.portfolio.deltaPctNav, shortCap: DEFAULT_RISK_LIMITS.shortDated.deltaPctNav, sign: 1, over: '120.00%', capText: '100.00%', shortOver: '60.00%', shortCapText: '50.00%' },
  { key: 'gammaCash1Pct', name: 'GAMMA', cap: DEFAULT_RISK_LIMITS.portfolio.gammaPctNav, shortCap: DEFAULT_RISK_LIMITS.shortDated.gammaPctNav, sign: 1, over: '12.00%', capText: '10.00%', shortOver: '6.00%', shortCapText: '5.00%' },
  { key: 'vegaCashPerPoint', name: 'VEGA', cap: DEFAULT_RISK_LIMITS.portfolio.vegaPctNav, shortCap: DEFAULT_RISK_LIMITS.shortDated.vegaPctNav, sign: -1, over: '1.20%', capText: '1.00%', shortOver: '0.60%', shortCapText: '0.50%' },
  { key: 'thetaCashPerDay', name: 'THETA', cap: DEFAULT_RISK_LIMITS.portfolio.thetaPctNav, shortCap: DEFAULT_RISK_LIMITS.shortDated.thetaPctNav, sign: -1, over: '0.60%', capText: '0.50%', shortOver: '0.30%', shortCapText: '0.25%' },
] as const;

/** A one-contract order whose only Greek is `key` = value (deltaShares follows delta at spot 200). */
function greekOrder(key: keyof PortfolioGreeks, value: number): Over {
  const unit: CashGreeks = { ...ZERO, [key]: value };
  if (key === 'deltaCash') unit.deltaShares = value / 200;
  return { intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }), unitGreeks: unit };
}
const portfolioWith = (key: keyof PortfolioGreeks, value: number): PortfolioGreeks => ({ ...ZERO_PORTFOLIO, [key]: value });

describe.each(GREEK_CASES)('evaluateOrder: portfolio $name cap', ({ key, name, cap, sign, over, capText }) => {
  const capCash = cap * NAV;
  const code = `PORTFOLIO_${name}`;

  it(`red when the order pushes |${key}| over ${capText} of NAV`, () => {
    // At the cap exactly (not over), the order adds 20% of the cap.
    const v = run({ ...greekOrder(key, sign * 0.2 * capCash), book: { portfolio: portfolioWith(key, sign * capCash) } });
    expectRed(v, code, over, capText);
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual([code]);
    expect(v.whatIf!.after[key]).toBeCloseTo(sign * 1.2 * capCash, 6);
  });

  it('exactly at the cap (order adds nothing) is not a breach', () => {
    const v = run({ ...greekOrder(key, 0), book: { portfolio: portfolioWith(key, sign * capCash) } });
    expect(hasCode(v, code)).toBe(false);
  });

  it('amber when already over and the order lowers it', () => {
    const v = run({ ...greekOrder(key, -sign * 0.2 * capCash), book: { portfolio: portfolioWith(key, sign * 1.4 * capCash) } });
    const hit = expectCheck(v, code, 'amber');
    expect(hit.message).toContain('though this order lowers it');
    expect(hit.message).toContain(over);
    expect(hit.message).toContain(capText);
    expect(v.level).toBe('amber');
  });

  it('amber when already over and the order leaves it unchanged', () => {
    const v = run({ ...greekOrder(key, 0), book: { portfolio: portfolioWith(key, sign * 1.2 * capCash) } });
    const hit = expectCheck(v, code, 'amber');
    expect(hit.message).toContain('this order does not change it');
    expect(hit.message).toContain(over);
    expect(v.level).toBe('amber');
  });

  it('amber _NEAR when the order takes it above 80% of the cap; a decrease near the cap says nothing', () => {
    const v = run({ ...greekOrder(key, sign * 0.12 * capCash), book: { portfolio: portfolioWith(key, sign * 0.7 * capCash) } });
    const hit = expectCheck(v, `${code}_NEAR`, 'amber');
    expect(hit.message).toContain('82%');
    expect(v.level).toBe('amber');
    const down = run({ ...greekOrder(key, -sign * 0.02 * capCash), book: { portfolio: portfolioWith(key, sign * 0.9 * capCash) } });
    expect(down.checks.filter((c) => c.code.startsWith(code))).toEqual([]);
    expectCheck(down, 'PORTFOLIO_OK', 'green');
  });

  it('the opposite sign counts by its size: a short Greek over the cap is red too', () => {
    const v = run({ ...greekOrder(key, -sign * 0.2 * capCash), book: { portfolio: portfolioWith(key, -sign * capCash) } });
    expectRed(v, code, over);
  });
});

describe.each(GREEK_CASES)('evaluateOrder: short-dated $name cap', ({ key, name, shortCap, sign, shortOver, shortCapText }) => {
  const capCash = shortCap * NAV;
  const code = `SHORT_DATED_${name}`;
  // The whole book holds the short-dated bucket; short-dated caps are half the portfolio caps, so
  // the portfolio stays well inside its own cap throughout.
  const book = { shortDated: portfolioWith(key, sign * capCash), portfolio: portfolioWith(key, sign * capCash) };

  it('red when a short-dated order pushes the bucket over its cap', () => {
    const v = run({ ...greekOrder(key, sign * 0.2 * capCash), shortDated: true, book });
    expectRed(v, code, 'Short-dated', shortOver, shortCapText);
    expect(v.checks.filter((c) => c.level === 'red').map((c) => c.code)).toEqual([code]);
  });

  it('the same order in a longer-dated instrument does not add to the bucket', () => {
    const v = run({ ...greekOrder(key, sign * 0.2 * capCash), shortDated: false, book });
    expect(v.checks.filter((c) => c.check === 'short-dated')).toEqual([]);
    expect(v.level).toBe('green');
  });

  it('amber when the bucket is already over and the order is not short-dated', () => {
    const v = run({ ...greekOrder(key, sign * 0.2 * capCash), shortDated: false, book: { ...book, shortDated: portfolioWith(key, sign * 1.2 * capCash) } });
    const hit = expectCheck(v, code, 'amber');
    expect(hit.message).toContain('this order does not change it');
    expect(v.level).toBe('amber');
  });

  it('amber _NEAR above 80% of the bucket cap', () => {
    const v = run({ ...greekOrder(key, sign * 0.12 * capCash), shortDated: true, book: { ...book, shortDated: portfolioWith(key, sign * 0.7 * capCash) } });
    expectCheck(v, `${code}_NEAR`, 'amber');
  });
});

describe('evaluateOrder: cash and reserve', () => {
  it('CASH_RESERVE: a buy that leaves less than 5% of NAV in cash is red', () => {
    // NAV 1,000,000 → reserve 50,000. Cash 100,000 − (250 × 200 + 1) = 49,999.
    const v = run({ intent: intent({ qty: 250 }), book: { cash: 100_000 } });
    expectRed(v, 'CASH_RESERVE', '49,999.00', '5%', '50,000.00');
    // 249 shares leave 50,199.
    expectCheck(run({ intent: intent({ qty: 249 }), book: { cash: 100_000 } }), 'CASH_OK', 'green');
  });

  it('INSUFFICIENT_CASH: buying more than the cash is red', () => {
    // 50 × 200 + 1 = 10,001 > 10,000.
    const v = run({ intent: intent({ qty: 50 }), book: { cash: 10_000 } });
    expectRed(v, 'INSUFFICIENT_CASH', '10,001.00', '10,000.00');
    expect(hasCode(v, 'CASH_RESERVE')).toBe(false);
  });

  it('includes the option multiplier and the commission in the cost', () => {
    // 10 contracts × $5 × 100 = $5,000 + $6.50 > $5,000 cash.
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 10, limitPrice: 5 }), book: { cash: 5_000 }, estimatedCommission: 6.5 });
    expectRed(v, 'INSUFFICIENT_CASH', '5,006.50', '5,000.00');
  });

  it('a reserve of 0 lets a buy spend all the cash', () => {
    const limits = limitsWith((l) => (l.account.cashReservePctNav = 0));
    expectCheck(run({ intent: intent({ qty: 49 }), book: { cash: 9_801 }, limits }), 'CASH_OK', 'green'); // 9,800 + 1
  });

  it('selling more than the position is amber OPENS_SHORT, saying by how much', () => {
    const over = run({ intent: intent({ side: 'SELL', qty: 80 }), book: { positionQty: 50 } });
    const hit = expectCheck(over, 'OPENS_SHORT', 'amber');
    expect(hit.message).toContain('30 beyond');
    expect(hit.message).toContain('sells short');
    expect(expectCheck(run({ intent: intent({ side: 'SELL', qty: 51 }), book: { positionQty: 50 } }), 'OPENS_SHORT', 'amber').message).toContain('1 beyond');
    // Adding to a short: every share sold is beyond the position.
    expect(expectCheck(run({ intent: intent({ side: 'SELL', qty: 20 }), book: { positionQty: -10 } }), 'OPENS_SHORT', 'amber').message).toContain('20 beyond');
    // Selling exactly the position just reduces it.
    const reduce = run({ intent: intent({ side: 'SELL', qty: 50 }), book: { positionQty: 50 } });
    expect(expectCheck(reduce, 'CASH_OK', 'green').message).toContain('Reduces the position');
  });

  it('selling options without a long position says it writes options', () => {
    const v = run({ intent: intent({ symbol: CALL.symbol, side: 'SELL', qty: 2, limitPrice: 5 }) });
    const hit = expectCheck(v, 'OPENS_SHORT', 'amber');
    expect(hit.message).toContain('writes options');
    expect(hit.message).toContain('2 beyond');
  });
});

describe('evaluateOrder: order rate', () => {
  it('ORDER_RATE: at 10 orders in the last minute the next one is red; at 9 it passes', () => {
    expectRed(run({ ordersLastMinute: 10 }), 'ORDER_RATE', '10 orders', 'limit is 10');
    expect(find(run({ ordersLastMinute: 9 }), 'rate')).toEqual([]);
    expectRed(run({ ordersLastMinute: 3, limits: limitsWith((l) => (l.account.maxOrdersPerMinute = 3)) }), 'ORDER_RATE', '3 orders', 'limit is 3');
  });
});

describe('evaluateOrder: quotes', () => {
  it('no quote is red NO_QUOTE and stops the checks', () => {
    const v = run({ quote: undefined });
    expectRed(v, 'NO_QUOTE', 'AAPL');
    expect(v.whatIf).toBeNull();
    expect(v.estNotional).toBe(0);
  });

  it('a quote older than 10 s is red STALE_QUOTE, saying how old; exactly 10 s is still fresh', () => {
    expectRed(run({ quote: q('AAPL', 199.95, 200.05, { ts: NOW - 25_000 }) }), 'STALE_QUOTE', 'AAPL', '25 s old', 'limit 10 s');
    expectRed(run({ quote: q('AAPL', 199.95, 200.05, { ts: NOW - 10_001 }) }), 'STALE_QUOTE');
    const borderline = run({ quote: q('AAPL', 199.95, 200.05, { ts: NOW - 10_000 }) });
    expect(find(borderline, 'quote')).toEqual([expect.objectContaining({ level: 'green', code: 'QUOTE_FRESH' })]);
    // The threshold follows the limits.
    expectRed(run({ quote: q('AAPL', 199.95, 200.05, { ts: NOW - 3_000 }), limits: limitsWith((l) => (l.quotes.staleAfterSec = 2)) }), 'STALE_QUOTE', 'limit 2 s');
  });

  it("an option is red STALE_QUOTE when its own quote or its underlying's is stale", () => {
    const base: Over = { intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }) };
    expectRed(run({ ...base, quote: q(CALL.symbol, 4.95, 5.05, { iv: 0.3, ts: NOW - 30_000 }) }), 'STALE_QUOTE', CALL.symbol, '30 s old');
    const underlying = run({ ...base, underlyingQuote: q('AAPL', 199.95, 200.05, { ts: NOW - 20_000 }) });
    const hit = expectRed(underlying, 'STALE_QUOTE', 'AAPL', '20 s old', 'limit 10 s');
    expect(hit.message).not.toContain(CALL.symbol);
    expectCheck(underlying, 'QUOTE_FRESH', 'green'); // its own quote is fresh
  });

  it('an option without a usable underlying quote is red NO_UNDERLYING_QUOTE', () => {
    const base: Over = { intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }) };
    for (const underlyingQuote of [undefined, q('AAPL', 201, 200), q('AAPL', NaN, 200.05), q('AAPL', 0, 0, { last: 0 })]) {
      expectRed(run({ ...base, underlyingQuote }), 'NO_UNDERLYING_QUOTE', 'AAPL');
    }
  });

  it('a bad quote is red BAD_QUOTE and stops the checks: crossed, negative, NaN or no price at all', () => {
    const cases: [Quote, string][] = [
      [q('AAPL', 201, 200), 'crossed (bid 201.00 above ask 200.00)'],
      [q('AAPL', -1, 200.05), 'negative price'],
      [q('AAPL', 199.95, 200.05, { last: -5 }), 'negative price'],
      [q('AAPL', 199.95, 200.05, { last: NaN }), 'non-numeric'],
      [q('AAPL', NaN, 200.05), 'non-numeric'],
      [q('AAPL', 199.95, 200.05, { ts: NaN }), 'non-numeric'],
      [q('AAPL', 199.95, Infinity), 'non-numeric'],
      [q('AAPL', 0, 0, { last: 0 }), 'no price at all'],
      [q('AAPL', 199.95, 200.05, { ts: NOW + 60_000 }), '60 s in the future'],
    ];
    for (const [quote, why] of cases) {
      const v = run({ quote });
      expectRed(v, 'BAD_QUOTE', 'AAPL', why);
      expect(v.whatIf).toBeNull();
      expect(v.estNotional).toBe(0);
      expect(find(v, 'cash')).toEqual([]);
    }
  });
});

describe('evaluateOrder: bad inputs (a clear reason, nothing priced, nothing sent)', () => {
  const expectInputOnly = (v: GateVerdict, code: string, ...mentions: string[]) => {
    expectRed(v, code, ...mentions);
    expect(v.checks.every((c) => c.check === 'input')).toBe(true);
    expect(v.whatIf).toBeNull();
    expect(v.estNotional).toBe(0);
  };

  it('BAD_QTY: NaN, 0, negative, fractional or infinite quantities', () => {
    for (const [qty, text] of [[NaN, 'NaN'], [0, '0'], [-5, '-5'], [1.5, '1.5'], [Infinity, 'Infinity']] as const) {
      expectInputOnly(run({ intent: intent({ qty }) }), 'BAD_QTY', `Quantity ${text}`);
    }
  });

  it('BAD_PRICE: NaN, negative, zero or infinite limit price', () => {
    for (const [limitPrice, text] of [[NaN, 'NaN'], [-1, '-1'], [0, '0'], [Infinity, 'Infinity']] as const) {
      expectInputOnly(run({ intent: intent({ limitPrice }) }), 'BAD_PRICE', `Limit price ${text}`);
    }
    // On a market order too.
    expectInputOnly(run({ intent: intent({ orderType: 'MARKET', limitPrice: -3 }) }), 'BAD_PRICE', '-3');
  });

  it('BAD_SYMBOL and BAD_SIDE', () => {
    expectInputOnly(run({ intent: intent({ symbol: '  ' }) }), 'BAD_SYMBOL');
    expectInputOnly(run({ intent: intent({ side: 'HOLD' as OrderIntent['side'] }) }), 'BAD_SIDE', 'HOLD');
  });

  it('BAD_ACCOUNT: NaN, zero or negative NAV, or NaN cash', () => {
    for (const book of [{ nav: NaN }, { nav: 0 }, { nav: -100 }, { nav: Infinity }, { cash: NaN }]) {
      expectInputOnly(run({ book }), 'BAD_ACCOUNT');
    }
  });

  it('several bad fields give one reason each', () => {
    const v = run({ intent: intent({ qty: -1, limitPrice: NaN }), book: { nav: NaN } });
    expect(v.checks.map((c) => c.code)).toEqual(['BAD_QTY', 'BAD_PRICE', 'BAD_ACCOUNT']);
  });

  it('UNKNOWN_SYMBOL: an unknown instrument is red and stops the checks', () => {
    const v = run({ intent: intent({ symbol: 'NOPE' }) });
    expect(codes(v)).toEqual(['mode:green:DRY_RUN', 'instrument:red:UNKNOWN_SYMBOL']);
    expectRed(v, 'UNKNOWN_SYMBOL', 'NOPE');
    expect(v.whatIf).toBeNull();
    expect(v.estNotional).toBe(0);
  });

  it('EXPIRED: an option with zero or negative time left is red', () => {
    const base: Over = { intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }) };
    expectRed(run({ ...base, expiryTs: NOW }), 'EXPIRED', CALL.symbol, 'expired');
    expectRed(run({ ...base, expiryTs: NOW - DAY_MS }), 'EXPIRED');
    expect(hasCode(run({ ...base, expiryTs: NOW + 1 }), 'EXPIRED')).toBe(false);
    // No known expiry at all is red too.
    expectRed(run({ ...base, expiryTs: null }), 'NO_EXPIRY', CALL.symbol);
    expectRed(run({ ...base, expiryTs: NaN }), 'NO_EXPIRY');
  });

  it('NO_GREEKS: an instrument that cannot be valued is red, with no what-if', () => {
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }), unitGreeks: null });
    expectRed(v, 'NO_GREEKS', CALL.symbol);
    expect(v.whatIf).toBeNull();
    expect(find(v, 'tier')).toEqual([]);
    expect(find(v, 'portfolio')).toEqual([]);
  });

  // NaN risk inputs fail closed (found by these tests, fixed in gate.ts).
  it('unit Greeks with a NaN are red (risk unknown), not green', () => {
    const v = run({ intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }), unitGreeks: { ...CALL_UNIT, deltaCash: NaN } });
    expect(v.level).toBe('red');
  });

  it('a NaN portfolio Greek in the book is red (risk unknown), not green', () => {
    const v = run({ book: { portfolio: { ...ZERO_PORTFOLIO, deltaCash: NaN } } });
    expect(v.level).toBe('red');
  });

  it('a NaN commission estimate is red, not "Uses NaN of … cash" green', () => {
    const v = run({ estimatedCommission: NaN });
    expect(v.level).toBe('red');
  });
});

describe('evaluateOrder: mode and venue', () => {
  it('OFF is red MODE_OFF', () => {
    const v = run({ mode: 'OFF' });
    expect(find(v, 'mode')).toEqual([expect.objectContaining({ level: 'red', code: 'MODE_OFF' })]);
    expectRed(v, 'MODE_OFF', 'OFF');
  });

  it('a mode without a connected venue is red VENUE_DISCONNECTED', () => {
    expectRed(run({ mode: 'REAL', venueConnected: false }), 'VENUE_DISCONNECTED', 'REAL');
    expectRed(run({ mode: 'DRY_RUN', venueConnected: false }), 'VENUE_DISCONNECTED', 'DRY_RUN');
  });

  it('REAL with a venue is green', () => {
    expect(find(run({ mode: 'REAL' }), 'mode')).toEqual([expect.objectContaining({ level: 'green', code: 'REAL' })]);
  });
});

describe('evaluateOrder: order shape and session', () => {
  it('a limit order without a price is red; a market order with one is amber', () => {
    expectRed(run({ intent: intent({ limitPrice: undefined }) }), 'LIMIT_PRICE_MISSING');
    const ignored = run({ intent: intent({ orderType: 'MARKET', limitPrice: 100 }) });
    expect(find(ignored, 'order')).toEqual([expect.objectContaining({ level: 'amber', code: 'LIMIT_PRICE_IGNORED' })]);
  });

  for (const session of ['PRE', 'POST', 'CLOSED'] as const) {
    it(`outside regular hours (${session}) a DAY or GTC order without outside-RTH is amber: it waits for the open`, () => {
      for (const tif of ['DAY', 'GTC'] as const) {
        const market = run({ session, intent: intent({ orderType: 'MARKET', limitPrice: undefined, tif }) });
        expect(find(market, 'session')).toEqual([expect.objectContaining({ level: 'amber', code: 'MARKET_CLOSED' })]);
        expect(market.level).toBe('amber');
        expect(find(market, 'session')[0]!.message).toMatch(/wait for the open.*opening price/);
        const limit = run({ session, intent: intent({ tif }) });
        expect(find(limit, 'session')).toEqual([expect.objectContaining({ level: 'amber', code: 'MARKET_CLOSED' })]);
        expect(limit.level).toBe('amber');
        expect(find(limit, 'session')[0]!.message).toContain('will wait for the open');
        const stop = run({ session, intent: intent({ orderType: 'STOP', limitPrice: undefined, stopPrice: 210, tif }) });
        expect(find(stop, 'session')).toEqual([expect.objectContaining({ level: 'amber', code: 'MARKET_CLOSED' })]);
      }
    });

    it(`outside regular hours (${session}) an IOC order that cannot trade now is red`, () => {
      const market = run({ session, intent: intent({ orderType: 'MARKET', limitPrice: undefined, tif: 'IOC' }) });
      expect(find(market, 'session')).toEqual([expect.objectContaining({ level: 'red', code: 'IOC_MARKET_CLOSED' })]);
      expect(market.level).toBe('red');
      expect(find(market, 'session')[0]!.message).toContain('cancelled at once');
      expectRed(run({ session, intent: intent({ tif: 'IOC' }) }), 'IOC_MARKET_CLOSED');
    });
  }

  for (const session of ['PRE', 'POST'] as const) {
    it(`in ${session} an outside-RTH limit order trades now (green), IOC included`, () => {
      for (const tif of ['DAY', 'GTC', 'IOC'] as const) {
        const v = run({ session, intent: intent({ outsideRth: true, tif }) });
        expect(find(v, 'session')).toEqual([expect.objectContaining({ level: 'green', code: 'OUTSIDE_RTH' })]);
        expect(v.level).toBe('green');
      }
    });
  }

  it('overnight (CLOSED) outside-RTH does not help: the order waits, and says why', () => {
    const v = run({ session: 'CLOSED', intent: intent({ outsideRth: true }) });
    expect(find(v, 'session')).toEqual([expect.objectContaining({ level: 'amber', code: 'MARKET_CLOSED' })]);
    expect(find(v, 'session')[0]!.message).toContain('outside-RTH trading is closed too');
    expectRed(run({ session: 'CLOSED', intent: intent({ outsideRth: true, tif: 'IOC' }) }), 'IOC_MARKET_CLOSED');
  });

  it('outside-RTH on anything but a limit order is red (brokers refuse it)', () => {
    expectRed(run({ intent: intent({ orderType: 'MARKET', limitPrice: undefined, outsideRth: true }) }), 'OUTSIDE_RTH_NOT_LIMIT');
    expectRed(run({ intent: intent({ orderType: 'STOP_LIMIT', stopPrice: 205, limitPrice: 206, outsideRth: true }) }), 'OUTSIDE_RTH_NOT_LIMIT');
  });

  it('stop orders need a stop price; a stop takes no limit; IOC stops are red', () => {
    expectRed(run({ intent: intent({ orderType: 'STOP', limitPrice: undefined }) }), 'STOP_PRICE_MISSING');
    expectRed(run({ intent: intent({ orderType: 'STOP_LIMIT', limitPrice: 206 }) }), 'STOP_PRICE_MISSING');
    expectRed(run({ intent: intent({ orderType: 'STOP_LIMIT', limitPrice: undefined, stopPrice: 205 }) }), 'LIMIT_PRICE_MISSING');
    const stopWithLimit = run({ intent: intent({ orderType: 'STOP', stopPrice: 205, limitPrice: 206 }) });
    expect(find(stopWithLimit, 'order')).toEqual([expect.objectContaining({ level: 'amber', code: 'LIMIT_PRICE_IGNORED' })]);
    const limitWithStop = run({ intent: intent({ stopPrice: 205 }) });
    expect(find(limitWithStop, 'order')).toEqual([expect.objectContaining({ level: 'amber', code: 'STOP_PRICE_IGNORED' })]);
    expectRed(run({ intent: intent({ orderType: 'STOP', limitPrice: undefined, stopPrice: 205, tif: 'IOC' }) }), 'IOC_STOP');
  });

  it('a bad stop price, order type or time in force is red input', () => {
    const inputOnly = (v: GateVerdict, code: string, mention: string) => {
      expectRed(v, code, mention);
      expect(v.checks.every((c) => c.check === 'input')).toBe(true);
      expect(v.estNotional).toBe(0);
    };
    inputOnly(run({ intent: intent({ orderType: 'STOP', limitPrice: undefined, stopPrice: Number.NaN }) }), 'BAD_PRICE', 'Stop price NaN');
    inputOnly(run({ intent: intent({ orderType: 'TRAIL' as OrderIntent['orderType'] }) }), 'BAD_ORDER_TYPE', 'TRAIL');
    inputOnly(run({ intent: intent({ tif: 'FOK' as OrderIntent['tif'] }) }), 'BAD_TIF', 'FOK');
  });

  it('adds no session check during regular hours', () => {
    expect(find(run(), 'session')).toEqual([]);
  });
});

describe('evaluateOrder: fat-finger price', () => {
  // Mark 100.00; the buy reference is the ask 100.05, the sell reference the bid 99.95.
  const Q100 = q('AAPL', 99.95, 100.05, { last: 100 });
  const priceCheck = (side: 'BUY' | 'SELL', limitPrice: number, quote: Quote = Q100) =>
    find(run({ intent: intent({ side, limitPrice, qty: 1 }), quote, book: { positionQty: 100 } }), 'price');

  it('a buy limit 15% above the ask is red PRICE_FAR_FROM_MARKET, naming the numbers', () => {
    // through = 115.05 − 100.05 = 15 = 15% of the mark > 10%
    const [hit] = priceCheck('BUY', 115.05);
    expect(hit).toEqual(expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' }));
    expect(hit!.message).toContain('115.05');
    expect(hit!.message).toContain('15.0%');
    expect(hit!.message).toContain('100.05');
    expect(hit!.message).toContain('10%');
  });

  it('a buy limit 5% above the ask is amber PRICE_THROUGH_MARKET', () => {
    const [hit] = priceCheck('BUY', 105.05);
    expect(hit).toEqual(expect.objectContaining({ level: 'amber', code: 'PRICE_THROUGH_MARKET' }));
    expect(hit!.message).toContain('105.05');
    expect(hit!.message).toContain('5.0%');
  });

  it('a buy limit at the touch, below it, or under 3% through is green', () => {
    expect(priceCheck('BUY', 100.05)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    expect(priceCheck('BUY', 99.5)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    expect(priceCheck('BUY', 102.05)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });

  it('sells are symmetric about the bid', () => {
    expect(priceCheck('SELL', 99.95 - 15)).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
    expect(priceCheck('SELL', 99.95 - 5)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_THROUGH_MARKET' })]);
    expect(priceCheck('SELL', 99.95)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
    expect(priceCheck('SELL', 101)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });

  it('the thresholds follow the limits', () => {
    const limits = limitsWith((l) => {
      l.order.fatFingerAmberPct = 0.01;
      l.order.fatFingerRedPct = 0.02;
    });
    expect(find(run({ intent: intent({ limitPrice: 102.55, qty: 1 }), quote: Q100, limits }), 'price')).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
    expect(find(run({ intent: intent({ limitPrice: 101.55, qty: 1 }), quote: Q100, limits }), 'price')).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_THROUGH_MARKET' })]);
  });

  it('a passive limit more than 3× away from the mark is amber PRICE_FAR_AWAY', () => {
    expect(priceCheck('BUY', 30)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_FAR_AWAY' })]);
    expect(priceCheck('SELL', 301)).toEqual([expect.objectContaining({ level: 'amber', code: 'PRICE_FAR_AWAY' })]);
  });

  it('allows a tick of slack on cheap instruments', () => {
    // Bid 0.10 × ask 0.20, mark 0.15: a buy at 0.25 is 33% of the mark through the ask but only
    // 0.05 through — not more than the slack max(0.05, spread 0.10). At 0.35 (0.15 through) it is red.
    const cheap = q('AAPL', 0.1, 0.2, { last: 0.15 });
    expect(priceCheck('BUY', 0.25, cheap)).toEqual([expect.objectContaining({ level: 'green' })]);
    expect(priceCheck('BUY', 0.35, cheap)).toEqual([expect.objectContaining({ level: 'red', code: 'PRICE_FAR_FROM_MARKET' })]);
  });

  it('market orders: red with no offer to lift, amber on a spread wider than 10%, green otherwise', () => {
    const market = (quote: Quote) => find(run({ intent: intent({ orderType: 'MARKET', limitPrice: undefined }), quote }), 'price');
    expect(market(q('AAPL', 99.95, 0, { last: 100 }))).toEqual([expect.objectContaining({ level: 'red', code: 'NO_LIQUIDITY' })]);
    // Spread 2.00 − 1.70 = 0.30 on a mark of 1.85 = 16%.
    expect(market(q('AAPL', 1.7, 2, { last: 1.85 }))).toEqual([expect.objectContaining({ level: 'amber', code: 'WIDE_SPREAD' })]);
    expect(market(Q100)).toEqual([expect.objectContaining({ level: 'green', code: 'PRICE_SANE' })]);
  });

  it('a market order is sized at the touch', () => {
    expect(run({ intent: intent({ orderType: 'MARKET', limitPrice: undefined, qty: 10 }) }).estNotional).toBeCloseTo(2_000.5, 9);
    expect(run({ intent: intent({ side: 'SELL', orderType: 'MARKET', limitPrice: undefined, qty: 10 }), book: { positionQty: 10 } }).estNotional).toBeCloseTo(1_999.5, 9);
  });
});

describe('evaluateOrder: HALTED and REDUCING', () => {
  it('HALTED blocks everything, even an order that closes a position', () => {
    const v = run({ tradingState: 'HALTED', intent: intent({ side: 'SELL', qty: 10 }), book: { positionQty: 100 } });
    expectRed(v, 'HALTED', 'HALTED');
    expect(v.whatIf!.riskReducing).toBe(true);
    expect(hasCode(v, 'REDUCING_ALLOWED')).toBe(false);
  });

  it('REDUCING: a risk-increasing order is red, naming the loss figures', () => {
    const v = run({ tradingState: 'REDUCING', dailyLossPct: 0.035, drawdownPct: 0.02 });
    expectRed(v, 'REDUCING', 'REDUCING', '3.5%', '2.0%');
    expect(v.whatIf!.riskReducing).toBe(false);
  });

  it('REDUCING: closing part of a position passes with REDUCING_ALLOWED', () => {
    const v = run({
      tradingState: 'REDUCING',
      dailyLossPct: 0.035,
      intent: intent({ side: 'SELL', qty: 40 }),
      book: { positionQty: 100, underlyingDeltaCash: 20_000, portfolio: { ...ZERO_PORTFOLIO, deltaCash: 20_000 } },
    });
    expectCheck(v, 'REDUCING_ALLOWED', 'green');
    expect(v.level).toBe('green');
    expect(v.whatIf!.riskReducing).toBe(true);
    // Closing all of it too.
    const all = run({ tradingState: 'REDUCING', intent: intent({ side: 'SELL', qty: 100 }), book: { positionQty: 100 } });
    expectCheck(all, 'REDUCING_ALLOWED', 'green');
    // Buying back part of a short as well.
    const cover = run({ tradingState: 'REDUCING', intent: intent({ side: 'BUY', qty: 30 }), book: { positionQty: -100 } });
    expectCheck(cover, 'REDUCING_ALLOWED', 'green');
  });

  it('REDUCING: adding to a position, or flipping it into a larger exposure, is red', () => {
    expectRed(run({ tradingState: 'REDUCING', intent: intent({ qty: 10 }), book: { positionQty: 100 } }), 'REDUCING');
    // Long 100 (delta 20,000), sell 300 → short 200 (delta −40,000): larger, not a reduction.
    const flip = run({
      tradingState: 'REDUCING',
      intent: intent({ side: 'SELL', qty: 300 }),
      book: { positionQty: 100, underlyingDeltaCash: 20_000, portfolio: { ...ZERO_PORTFOLIO, deltaCash: 20_000 } },
    });
    expectRed(flip, 'REDUCING');
  });

  it('REDUCING: a hedge that lowers |delta| without raising other Greeks passes', () => {
    // Long AAPL calls: delta 50,000. Selling 150 SPY (−90,000) leaves −40,000: smaller in size.
    const book = { portfolio: { deltaCash: 50_000, gammaCash1Pct: 4_000, vegaCashPerPoint: 2_000, thetaCashPerDay: -300 } };
    const hedge = run({ tradingState: 'REDUCING', dailyLossPct: 0.04, intent: intent({ symbol: 'SPY', side: 'SELL', qty: 150, limitPrice: 600 }), book });
    expectCheck(hedge, 'REDUCING_ALLOWED', 'green');
    expect(hedge.level).not.toBe('red');
    expect(hedge.whatIf!.riskReducing).toBe(true);
    expect(hedge.whatIf!.after.deltaCash).toBeCloseTo(-40_000, 6);
    // Selling 200 SPY overshoots to −70,000: larger than before, red.
    const over = run({ tradingState: 'REDUCING', dailyLossPct: 0.04, intent: intent({ symbol: 'SPY', side: 'SELL', qty: 200, limitPrice: 600 }), book });
    expectRed(over, 'REDUCING');
  });

  it('REDUCING: an option hedge that lowers delta but raises gamma is red', () => {
    // Buying a put-like contract: −10,000 delta but +800 gamma.
    const book = { portfolio: { deltaCash: 50_000, gammaCash1Pct: 4_000, vegaCashPerPoint: 2_000, thetaCashPerDay: -300 } };
    const v = run({
      tradingState: 'REDUCING',
      intent: intent({ symbol: CALL.symbol, qty: 1, limitPrice: 5 }),
      unitGreeks: { deltaShares: -50, deltaCash: -10_000, gammaCash1Pct: 800, vegaCashPerPoint: 20, thetaCashPerDay: -11 },
      book,
    });
    expectRed(v, 'REDUCING');
  });

  it('an ACTIVE account whose daily loss has reached the limit is treated as REDUCING', () => {
    expectRed(run({ dailyLossPct: 0.03 }), 'REDUCING', '3.0%');
    expectRed(run({ drawdownPct: 0.15 }), 'REDUCING', '15.0%');
    const reducing = run({ dailyLossPct: 0.05, intent: intent({ side: 'SELL', qty: 10 }), book: { positionQty: 100 } });
    expectCheck(reducing, 'REDUCING_ALLOWED', 'green');
    // Just under both limits: no state check at all.
    expect(find(run({ dailyLossPct: 0.0299, drawdownPct: 0.1499 }), 'state')).toEqual([]);
  });
});

describe('evaluateOrder: what-if Greeks', () => {
  const before: PortfolioGreeks = { deltaCash: 12_345, gammaCash1Pct: 678, vegaCashPerPoint: -90, thetaCashPerDay: -12 };

  for (const [side, sign] of [['BUY', 1], ['SELL', -1]] as const) {
    it(`after = before + qty × unit Greeks, signed (${side})`, () => {
      const v = run({ intent: intent({ symbol: CALL.symbol, side, qty: 3, limitPrice: 5 }), book: { portfolio: before, positionQty: side === 'SELL' ? 10 : 0 } });
      const w = v.whatIf!;
      expect(w.before).toEqual(before);
      expect(w.nav).toBe(NAV);
      expect(w.order.deltaShares).toBeCloseTo(sign * 150, 9);
      expect(w.order.deltaCash).toBeCloseTo(sign * 30_000, 9);
      expect(w.order.gammaCash1Pct).toBeCloseTo(sign * 2_400, 9);
      expect(w.order.vegaCashPerPoint).toBeCloseTo(sign * 60, 9);
      expect(w.order.thetaCashPerDay).toBeCloseTo(sign * -33, 9);
      expect(w.after.deltaCash).toBeCloseTo(12_345 + sign * 30_000, 9);
      expect(w.after.gammaCash1Pct).toBeCloseTo(678 + sign * 2_400, 9);
      expect(w.after.vegaCashPerPoint).toBeCloseTo(-90 + sign * 60, 9);
      expect(w.after.thetaCashPerDay).toBeCloseTo(-12 + sign * -33, 9);
      expect(v.estNotional).toBe(1_500);
    });
  }
});

describe('evaluateOrder: stop and stop-limit orders', () => {
  // Mark 100.00: bid 99.95, ask 100.05, last 100.
  const Q100 = q('AAPL', 99.95, 100.05, { last: 100 });
  const stopRun = (over: Partial<OrderIntent>, quote: Quote = Q100) =>
    run({ intent: intent({ orderType: 'STOP', limitPrice: undefined, qty: 10, ...over }), quote, book: { positionQty: 100 } });

  it('a buy stop above the ask and a sell stop below the bid are green and say when they trigger', () => {
    const buy = find(stopRun({ side: 'BUY', stopPrice: 105 }), 'price');
    expect(buy).toEqual([expect.objectContaining({ level: 'green', code: 'STOP_SANE' })]);
    expect(buy[0]!.message).toContain('105.00');
    const sell = find(stopRun({ side: 'SELL', stopPrice: 95 }), 'price');
    expect(sell).toEqual([expect.objectContaining({ level: 'green', code: 'STOP_SANE' })]);
    expect(stopRun({ side: 'SELL', stopPrice: 95 }).level).toBe('green');
  });

  it('a stop on the wrong side of the market triggers at once: amber STOP_TRIGGERS_NOW, naming the touch', () => {
    // Buy stop 98 with the ask at 100.05: the ask is already above it.
    const buy = stopRun({ side: 'BUY', stopPrice: 98 });
    expect(find(buy, 'price')).toEqual([expect.objectContaining({ level: 'amber', code: 'STOP_TRIGGERS_NOW' })]);
    expect(find(buy, 'price')[0]!.message).toMatch(/Buy stop 98\.00 .*the ask is 100\.05.*trigger at once and trade as a market order/);
    expect(buy.level).toBe('amber');
    // Sell stop 101 with the bid at 99.95.
    const sell = stopRun({ side: 'SELL', stopPrice: 101 });
    expect(find(sell, 'price')).toEqual([expect.objectContaining({ level: 'amber', code: 'STOP_TRIGGERS_NOW' })]);
    // A stop exactly at the touch triggers too.
    expect(find(stopRun({ side: 'BUY', stopPrice: 100.05 }), 'price')[0]!.code).toBe('STOP_TRIGGERS_NOW');
  });

  it('a stop far through the market (over the fat-finger red limit) is red: looks like a typo', () => {
    // Buy stop 85 with the ask at 100.05: 15% below — triggers at once.
    expectRed(stopRun({ side: 'BUY', stopPrice: 85 }), 'STOP_FAR_THROUGH_MARKET', '85.00', '15.0%', 'typo');
    expectRed(stopRun({ side: 'SELL', stopPrice: 115 }), 'STOP_FAR_THROUGH_MARKET', '115.00');
  });

  it('a stop more than 3× away from the mark is amber STOP_FAR_AWAY', () => {
    expect(find(stopRun({ side: 'BUY', stopPrice: 400 }), 'price')).toEqual([expect.objectContaining({ level: 'amber', code: 'STOP_FAR_AWAY' })]);
  });

  it('a stop-limit\'s limit is judged against its stop, and its stop against the market', () => {
    // Buy stop 105, limit 106: 1% through the stop — green on both.
    const ok = find(stopRun({ orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106 }), 'price');
    expect(ok.map((c) => c.code)).toEqual(['STOP_SANE', 'PRICE_SANE']);
    // Limit 120 over a 105 stop: ~15% through the stop — red even though the stop is sane.
    const typo = stopRun({ orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 120 });
    expectRed(typo, 'PRICE_FAR_FROM_MARKET', 'through the stop', '105.00');
    // A stop-limit that triggers now: amber, and its limit is judged against the touch.
    const now = stopRun({ orderType: 'STOP_LIMIT', stopPrice: 99, limitPrice: 100.1 });
    expect(find(now, 'price').map((c) => c.code)).toEqual(['STOP_TRIGGERS_NOW', 'PRICE_SANE']);
    expect(find(now, 'price')[0]!.message).toContain('work as a limit order at 100.10');
  });

  it('notional: a stop-limit at its limit; a stop at its stop worsened by the stop slippage allowance', () => {
    const stopLimit = stopRun({ orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106 });
    expect(stopLimit.estNotional).toBeCloseTo(1_060, 9);
    const buyStop = stopRun({ side: 'BUY', stopPrice: 105 });
    expect(buyStop.estNotional).toBeCloseTo(10 * 105 * (1 + STOP_SLIPPAGE_PCT), 9);
    const sellStop = stopRun({ side: 'SELL', stopPrice: 95 });
    expect(sellStop.estNotional).toBeCloseTo(10 * 95 * (1 - STOP_SLIPPAGE_PCT), 9);
    // A buy stop already through the market fills at the ask, not the (lower) stop.
    expect(stopRun({ side: 'BUY', stopPrice: 99 }).estNotional).toBeCloseTo(10 * 100.05 * (1 + STOP_SLIPPAGE_PCT), 9);
  });

  it('a stop sized by its stop can breach a cap a market order would not', () => {
    // Per-order notional cap $200,000: 1,900 AAPL at the ask ~100 is $190k; a buy stop at 106 is ~$202k.
    const limits = limitsWith((l) => {
      l.order.maxQty = 10_000;
      l.tiers.T2.maxOrderNotional = 1e9;
      l.tiers.T2.maxPositionPctNav = 1;
      l.tiers.T2.maxExposureNotional = 1e9;
      l.portfolio.deltaPctNav = 10;
    });
    const market = run({ intent: intent({ orderType: 'MARKET', limitPrice: undefined, qty: 1_900 }), quote: Q100, limits });
    expect(market.checks.find((c) => c.code === 'MAX_NOTIONAL')).toBeUndefined();
    expectRed(run({ intent: intent({ orderType: 'STOP', limitPrice: undefined, stopPrice: 106, qty: 1_900 }), quote: Q100, limits }), 'MAX_NOTIONAL');
  });
});

describe('helpers', () => {
  it('expectedPrice is the limit for limit orders and the touch for market orders', () => {
    const Q100 = q('AAPL', 99.95, 100.05, { last: 100 });
    expect(expectedPrice(intent({ limitPrice: 98 }), Q100)).toBe(98);
    expect(expectedPrice(intent({ orderType: 'MARKET', limitPrice: undefined }), Q100)).toBe(100.05);
    expect(expectedPrice(intent({ side: 'SELL', orderType: 'MARKET', limitPrice: undefined }), Q100)).toBe(99.95);
    expect(expectedPrice(intent({ orderType: 'MARKET', limitPrice: undefined }), undefined)).toBeNull();
    // No bid: a market sell falls back to the mark (the last, as the book is one-sided).
    expect(expectedPrice(intent({ side: 'SELL', orderType: 'MARKET', limitPrice: undefined }), q('AAPL', 0, 100.05, { last: 100 }))).toBe(100);
  });

  it('worstLevel picks the worst of green < amber < red', () => {
    const r = (level: CheckLevel): CheckResult => ({ check: 'x', level, code: 'X', message: '' });
    expect(worstLevel([])).toBe('green');
    expect(worstLevel([r('green'), r('green')])).toBe('green');
    expect(worstLevel([r('green'), r('amber'), r('green')])).toBe('amber');
    expect(worstLevel([r('amber'), r('red'), r('green')])).toBe('red');
    expect(worstLevel([r('red'), r('amber')])).toBe('red');
  });

  it('tierOf uses the symbol tier, else the default', () => {
    expect(tierOf(DEFAULT_RISK_LIMITS, 'SPY')).toBe('T1');
    expect(tierOf(DEFAULT_RISK_LIMITS, 'AAPL')).toBe('T2');
    expect(tierOf(DEFAULT_RISK_LIMITS, 'TQQQ')).toBe('T3');
    expect(tierOf(DEFAULT_RISK_LIMITS, 'F')).toBe('T2');
    expect(tierOf(limitsWith((l) => (l.defaultTier = 'T3')), 'F')).toBe('T3');
  });

  it('isRiskReducing: raising any |Greek| without shrinking the position is not reducing', () => {
    const b = { deltaCash: 100, gammaCash1Pct: 10, vegaCashPerPoint: 5, thetaCashPerDay: -1 };
    expect(isRiskReducing(0, 1, b, { ...b, deltaCash: 50 })).toBe(true);
    expect(isRiskReducing(0, 1, b, { ...b, deltaCash: 50, thetaCashPerDay: -2 })).toBe(false);
    expect(isRiskReducing(0, 1, b, b)).toBe(false); // changes nothing
    expect(isRiskReducing(10, -11, b, { ...b, deltaCash: 150 })).toBe(false); // flips and raises delta
  });
});

// ── properties ──────────────────────────────────────────────────────────────────────────────
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const arbPortfolio = fc.record({ deltaCash: finite, gammaCash1Pct: finite, vegaCashPerPoint: finite, thetaCashPerDay: finite });
const arbGreeks = fc.record({ deltaShares: finite, deltaCash: finite, gammaCash1Pct: finite, vegaCashPerPoint: finite, thetaCashPerDay: finite });
const arbQuote = (symbol: string) =>
  fc.record({
    symbol: fc.constant(symbol),
    bid: finite,
    ask: finite,
    last: finite,
    bidSize: fc.nat(),
    askSize: fc.nat(),
    prevClose: finite,
    iv: fc.option(finite, { nil: undefined }),
    ts: fc.integer({ min: NOW - 120_000, max: NOW + 5_000 }),
  });
const arbContext: fc.Arbitrary<GateContext> = fc
  .record({
    symbol: fc.constantFrom('AAPL', 'SPY', 'TQQQ', CALL.symbol, 'NOPE'),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    qty: fc.oneof(fc.integer({ min: -10, max: 2_000_000 }), finite),
    orderType: fc.constantFrom('LIMIT' as const, 'MARKET' as const, 'STOP' as const, 'STOP_LIMIT' as const),
    limitPrice: fc.option(finite, { nil: undefined }),
    stopPrice: fc.option(finite, { nil: undefined }),
    tif: fc.constantFrom('DAY' as const, 'GTC' as const, 'IOC' as const),
    outsideRth: fc.boolean(),
    mode: fc.constantFrom('OFF' as const, 'DRY_RUN' as const, 'REAL' as const),
    venueConnected: fc.boolean(),
    session: fc.constantFrom('PRE' as const, 'REGULAR' as const, 'POST' as const, 'CLOSED' as const),
    expiryTs: fc.option(fc.integer({ min: NOW - 10 * DAY_MS, max: NOW + 400 * DAY_MS }), { nil: null }),
    tradingState: fc.constantFrom('ACTIVE' as const, 'REDUCING' as const, 'HALTED' as const),
    dailyLossPct: finite,
    drawdownPct: finite,
    nav: finite,
    cash: finite,
    portfolio: arbPortfolio,
    shortDatedBook: arbPortfolio,
    underlyingDeltaCash: finite,
    positionQty: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), finite),
    unitGreeks: fc.option(arbGreeks, { nil: null }),
    shortDated: fc.boolean(),
    estimatedCommission: finite,
    ordersLastMinute: fc.nat({ max: 30 }),
    quote: fc.option(arbQuote('Q'), { nil: undefined }),
    underlyingQuote: fc.option(arbQuote('U'), { nil: undefined }),
  })
  .map((r) => ({
    intent: { symbol: r.symbol, side: r.side, qty: r.qty, orderType: r.orderType, limitPrice: r.limitPrice, stopPrice: r.stopPrice, tif: r.tif, outsideRth: r.outsideRth },
    instrument: INSTRUMENTS.get(r.symbol),
    quote: r.quote,
    underlyingQuote: r.underlyingQuote,
    mode: r.mode,
    venueConnected: r.venueConnected,
    session: r.session,
    now: NOW,
    expiryTs: r.expiryTs,
    tradingState: r.tradingState,
    dailyLossPct: r.dailyLossPct,
    drawdownPct: r.drawdownPct,
    book: { nav: r.nav, cash: r.cash, portfolio: r.portfolio, shortDated: r.shortDatedBook, underlyingDeltaCash: r.underlyingDeltaCash, positionQty: r.positionQty },
    unitGreeks: r.unitGreeks,
    shortDated: r.shortDated,
    estimatedCommission: r.estimatedCommission,
    ordersLastMinute: r.ordersLastMinute,
    limits: DEFAULT_RISK_LIMITS,
  }));

describe('evaluateOrder: properties', () => {
  it('is deterministic, never throws, never puts NaN anywhere in the verdict, and its level is its worst check', () => {
    fc.assert(
      fc.property(arbContext, (c) => {
        const a = evaluateOrder(c);
        const b = evaluateOrder(structuredClone(c));
        expect(b).toEqual(a);
        expect(a.level).toBe(worstLevel(a.checks));
        if (a.level === 'red') expect(a.checks.some((r) => r.level === 'red')).toBe(true);
        expect(a.checks.length).toBeGreaterThan(0);
        for (const r of a.checks) expect(typeof r.message === 'string' && r.message.length > 0).toBe(true);
        for (const [path, x] of numbersIn(a)) expect(Number.isNaN(x), path).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('does not mutate its input', () => {
    fc.assert(
      fc.property(arbContext, (c) => {
        const copy = structuredClone(c);
        evaluateOrder(c);
        expect(c).toEqual(copy);
      }),
      { numRuns: 300 },
    );
  });

  it('isRiskReducing is true for any order that shrinks a position without flipping it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((p) => p !== 0), fc.double({ min: 0, max: 1, noNaN: true }), arbPortfolio, arbPortfolio, (position, fraction, before, after) => {
        const k = Math.max(1, Math.round(Math.abs(position) * fraction));
        expect(isRiskReducing(position, -Math.sign(position) * k, before, after)).toBe(true);
      }),
    );
  });

  it('in REDUCING, a clean order that shrinks a position without flipping is never blocked for REDUCING', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 1_000 }), fc.boolean(), arbPortfolio, (held, sell, long, portfolio) => {
        const qty = Math.min(held, sell);
        const v = run({
          tradingState: 'REDUCING',
          intent: intent({ side: long ? 'SELL' : 'BUY', qty }),
          book: { positionQty: long ? held : -held, portfolio },
        });
        expect(hasCode(v, 'REDUCING')).toBe(false);
        expectCheck(v, 'REDUCING_ALLOWED', 'green');
      }),
      { numRuns: 300 },
    );
  });
});

// ── properties of well-formed orders ────────────────────────────────────────────────────────
// The generator above stops at input validation most of the time. This one builds contexts in
// which every field is valid and consistent with the others, so the risk checks decide:
// - a known instrument: a stock or ETF of each tier, or an option on one that has not expired at
//   the (generated) `now`, with its expiry, short-dated flag and multiplier;
// - fresh, uncrossed quotes around one mark (the option's premium is intrinsic value plus time
//   value from its underlying's spot), and the underlying's quote for an option;
// - unit Greeks of the right signs (stock: delta only; option: delta by right, gamma and vega
//   positive, theta negative), none smaller than 0.01 in size when not zero;
// - an order shape the API schema accepts, its limit within 2.5% of the touch, its stop on the
//   far side of the market;
// - a book (NAV, cash, position, underlying exposure, portfolio and short-dated Greeks) inside its
//   limits, some of it near them;
// - sizes log-uniform from 0.001% to 100% of NAV, so that small orders pass and large ones breach.
const CLOCK_FROM = Date.UTC(2020, 0, 1);
const CLOCK_TO = Date.UTC(2035, 11, 31);
const UNDERLYING_POOL = [stock('SPY', 'ETF'), stock('AAPL'), stock('TQQQ', 'ETF'), stock('F'), stock('NVDA')] as const;
// Knobs uniform in value (fc.double is uniform over representations: mostly tiny numbers).
const unitInterval = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000);
const signedUnit = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 1_000_000);
const lerp = (u: number, lo: number, hi: number) => lo + u * (hi - lo);
const cents = (x: number) => Math.round(x * 100) / 100;
const weighted = <T>(...choices: Array<[T, number]>) => fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));

function quoteAround(symbol: string, mark: number, spreadFraction: number, ts: number, lastWithin: number, iv?: number): Quote {
  const half = Math.max(0.005, (mark * spreadFraction) / 2);
  const bid = Math.max(0.01, cents(mark - half));
  const ask = Math.max(bid + 0.01, cents(mark + half));
  return { symbol, bid, ask, last: cents(bid + lastWithin * (ask - bid)), bidSize: 300, askSize: 300, prevClose: cents(mark), ts, ...(iv === undefined ? {} : { iv }) };
}

const arbOptionKnobs = fc.record({
  right: fc.constantFrom('C' as const, 'P' as const),
  moneyness: unitInterval,
  expiresInMs: fc.integer({ min: 60_000, max: 400 * DAY_MS }),
  iv: unitInterval,
  delta: unitInterval,
  gamma: unitInterval,
  vega: unitInterval,
  theta: unitInterval,
});

const arbKnobs = fc.record({
  now: fc.integer({ min: CLOCK_FROM, max: CLOCK_TO }),
  underlying: fc.constantFrom(...UNDERLYING_POOL),
  option: fc.option(arbOptionKnobs, { nil: undefined, freq: 2 }),
  spot: unitInterval,
  spread: unitInterval,
  quoteAge: unitInterval,
  underlyingQuoteAge: unitInterval,
  lastWithin: unitInterval,
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  orderType: weighted<OrderIntent['orderType']>(['LIMIT', 4], ['MARKET', 2], ['STOP', 1], ['STOP_LIMIT', 1]),
  size: unitInterval,
  limitOffset: unitInterval,
  stopOffset: unitInterval,
  stopLimitOffset: unitInterval,
  tif: weighted<'DAY' | 'GTC' | 'IOC'>(['DAY', 4], ['GTC', 2], ['IOC', 1]),
  outsideRth: weighted([false, 4], [true, 1]),
  mode: fc.constantFrom('DRY_RUN' as const, 'REAL' as const),
  session: weighted<GateContext['session']>(['REGULAR', 16], ['PRE', 1], ['POST', 1], ['CLOSED', 1]),
  tradingState: weighted<GateContext['tradingState']>(['ACTIVE', 5], ['REDUCING', 1]),
  dailyLoss: unitInterval,
  drawdown: unitInterval,
  nav: unitInterval,
  cash: unitInterval,
  position: fc.option(signedUnit, { nil: undefined, freq: 3 }),
  otherExposure: signedUnit,
  portfolio: fc.tuple(...[0, 1, 2, 3].map(() => signedUnit)),
  shortDatedBook: fc.tuple(...[0, 1, 2, 3].map(() => signedUnit)),
  ordersLastMinute: weighted([0, 8], [3, 4], [9, 2], [10, 1], [25, 1]),
  commission: unitInterval,
});
type Knobs = typeof arbKnobs extends fc.Arbitrary<infer K> ? K : never;

/** A well-formed context; with `closeFraction`, the order closes that share of the position (when there is one). */
function wellFormedContext(k: Knobs, closeFraction?: number): GateContext {
  const limits = DEFAULT_RISK_LIMITS;
  const now = k.now;
  const staleMs = limits.quotes.staleAfterSec * 1000;
  const spot = cents(lerp(k.spot, 5, 800));
  const underlyingQuote = quoteAround(k.underlying.symbol, spot, lerp(k.spread, 0.0001, 0.004), now - Math.floor(k.underlyingQuoteAge * (staleMs - 1)), k.lastWithin);
  let instrument: Instrument = k.underlying;
  let quote = underlyingQuote;
  let unitGreeks: CashGreeks = { deltaShares: 1, deltaCash: spot, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };
  let expiryTs: number | null = null;
  let shortDated = false;
  if (k.option) {
    const o = k.option;
    const strike = Math.max(1, Math.round(spot * lerp(o.moneyness, 0.8, 1.2)));
    expiryTs = now + o.expiresInMs;
    const expiry = new Date(expiryTs).toISOString().slice(0, 10);
    const years = o.expiresInMs / (365 * DAY_MS);
    const iv = lerp(o.iv, 0.1, 0.9);
    const intrinsic = o.right === 'C' ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
    const premium = Math.max(0.5, cents(intrinsic + 0.4 * spot * iv * Math.sqrt(years)));
    const multiplier = 100;
    instrument = { symbol: occSymbol(k.underlying.symbol, expiry, o.right, strike), kind: 'OPTION', underlying: k.underlying.symbol, multiplier, right: o.right, strike, expiry, style: 'american' };
    quote = quoteAround(instrument.symbol, premium, lerp(k.spread, 0.005, 0.06), now - Math.floor(k.quoteAge * (staleMs - 1)), k.lastWithin, iv);
    const deltaShares = (o.right === 'C' ? 1 : -1) * lerp(o.delta, 0.05, 0.95) * multiplier;
    unitGreeks = {
      deltaShares,
      deltaCash: deltaShares * spot,
      gammaCash1Pct: multiplier * spot * lerp(o.gamma, 0.0005, 0.05),
      vegaCashPerPoint: Math.max(0.01, multiplier * spot * Math.sqrt(years) * 0.004 * lerp(o.vega, 0.5, 1)),
      thetaCashPerDay: -Math.max(0.01, multiplier * premium * lerp(o.theta, 0.002, 0.05)),
    };
    shortDated = o.expiresInMs <= limits.shortDated.days * DAY_MS;
  }

  // The book's position in the symbol, then the order (an order that closes part of it, when asked).
  const mark = (quote.bid + quote.ask) / 2;
  const nav = cents(lerp(k.nav, 200_000, 5_000_000));
  const tier = limits.tiers[tierOf(limits, instrument.underlying)];
  // Up to 40% of the tier's exposure cap in this symbol (in cash delta, or in value when that is larger).
  // A sell mostly comes out of a long position (selling with none opens a short: amber).
  const held = k.position === undefined ? 0 : k.side === 'SELL' ? Math.abs(k.position) : k.position;
  const positionQty = Math.round((held * 0.4 * tier.maxExposureNotional) / Math.max(Math.abs(unitGreeks.deltaCash), mark * instrument.multiplier));
  const underlyingDeltaCash = positionQty * unitGreeks.deltaCash + k.otherExposure * 0.3 * tier.maxExposureNotional;
  const closing = closeFraction !== undefined && positionQty !== 0;
  const side = closing ? (positionQty > 0 ? 'SELL' : 'BUY') : k.side;
  const qty = closing
    ? Math.max(1, Math.round(Math.abs(positionQty) * closeFraction))
    : Math.min(1_000_000, Math.max(1, Math.floor((10 ** lerp(k.size, -5, 0) * nav) / (mark * instrument.multiplier))));
  const buy = side === 'BUY';
  const touch = buy ? quote.ask : quote.bid;
  const through = buy ? 1 : -1;
  const intent: OrderIntent = { symbol: instrument.symbol, side, qty, orderType: k.orderType };
  const stop = () => Math.max(0.01, cents(touch * (1 + through * lerp(k.stopOffset, 0.005, 0.15))));
  if (k.orderType === 'LIMIT') intent.limitPrice = Math.max(0.01, cents(touch * (1 + through * lerp(k.limitOffset, -0.02, 0.025))));
  if (k.orderType === 'STOP') intent.stopPrice = stop();
  if (k.orderType === 'STOP_LIMIT') {
    intent.stopPrice = stop();
    intent.limitPrice = Math.max(0.01, cents(intent.stopPrice * (1 + through * lerp(k.stopLimitOffset, 0, 0.02))));
  }
  const isStop = k.orderType === 'STOP' || k.orderType === 'STOP_LIMIT';
  intent.tif = isStop && k.tif === 'IOC' ? 'DAY' : k.tif;
  intent.outsideRth = k.orderType === 'LIMIT' && k.outsideRth;

  // The rest of the book
  const [pd, pg, pv, pt] = k.portfolio;
  const [sd, sg, sv, st] = k.shortDatedBook;
  const p = limits.portfolio;
  const s = limits.shortDated;
  return {
    intent,
    instrument,
    quote,
    underlyingQuote,
    mode: k.mode,
    venueConnected: true,
    session: k.session,
    now,
    expiryTs,
    tradingState: k.tradingState,
    dailyLossPct: k.dailyLoss * 0.9 * limits.loss.dailyLossPct,
    drawdownPct: k.drawdown * 0.9 * limits.loss.maxDrawdownPct,
    book: {
      nav,
      cash: cents(lerp(k.cash, 0.1, 1) * nav),
      portfolio: {
        deltaCash: underlyingDeltaCash + pd! * 0.3 * p.deltaPctNav * nav,
        gammaCash1Pct: pg! * 0.5 * p.gammaPctNav * nav,
        vegaCashPerPoint: pv! * 0.5 * p.vegaPctNav * nav,
        thetaCashPerDay: pt! * 0.5 * p.thetaPctNav * nav,
      },
      shortDated: {
        deltaCash: sd! * 0.5 * s.deltaPctNav * nav,
        gammaCash1Pct: sg! * 0.5 * s.gammaPctNav * nav,
        vegaCashPerPoint: sv! * 0.5 * s.vegaPctNav * nav,
        thetaCashPerDay: st! * 0.5 * s.thetaPctNav * nav,
      },
      underlyingDeltaCash,
      positionQty,
    },
    unitGreeks,
    shortDated,
    estimatedCommission: cents(lerp(k.commission, 0, 5)),
    ordersLastMinute: k.ordersLastMinute,
    limits,
  };
}

const arbWellFormed: fc.Arbitrary<GateContext> = arbKnobs.map((k) => wellFormedContext(k));
/** Half of them orders that close part of (or all) the position: candidates for REDUCING. */
const arbWellFormedOftenClosing: fc.Arbitrary<GateContext> = fc
  .tuple(arbKnobs, fc.option(unitInterval, { nil: undefined, freq: 2 }))
  .map(([k, closeFraction]) => wellFormedContext(k, closeFraction));
const withQty = (c: GateContext, qty: number): GateContext => ({ ...c, intent: { ...c.intent, qty } });

/** Checks whose red is a breached limit (size, exposure, Greeks, cash, rate, REDUCING) rather than a bad order or market. */
const LIMIT_CHECKS = new Set(['order-size', 'tier', 'portfolio', 'short-dated', 'cash', 'rate', 'state']);
const isLimitRed = (r: CheckResult) => r.level === 'red' && LIMIT_CHECKS.has(r.check) && r.code !== 'HALTED';
/** Checks that depend on the quantity: the order's size and what it adds to the book. */
const SIZING_CHECKS = new Set(['order-size', 'tier', 'portfolio', 'short-dated', 'cash', 'state']);

/** Every number anywhere in `value` (with its path), for the no-NaN / no-infinity walk. */
function numbersIn(value: unknown, path = 'verdict', out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbersIn(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, out);
  return out;
}

/**
 * The module header's definition of risk-reducing, written out independently: the order shrinks
 * its symbol's position without flipping it, or lowers at least one |portfolio cash Greek| while
 * raising none (beyond a 1e-9 relative tolerance).
 */
function reducesRisk(c: GateContext): boolean {
  const signed = c.intent.side === 'BUY' ? c.intent.qty : -c.intent.qty;
  const pos = c.book.positionQty;
  if (pos !== 0 && Math.sign(signed) !== Math.sign(pos) && Math.abs(signed) <= Math.abs(pos)) return true;
  const unit = c.unitGreeks!;
  let lowered = false;
  for (const key of ['deltaCash', 'gammaCash1Pct', 'vegaCashPerPoint', 'thetaCashPerDay'] as const) {
    const before = Math.abs(c.book.portfolio[key]);
    const after = Math.abs(c.book.portfolio[key] + signed * unit[key]);
    const tolerance = 1e-9 * Math.max(1, before);
    if (after > before + tolerance) return false;
    if (after < before - tolerance) lowered = true;
  }
  return lowered;
}

describe('evaluateOrder: properties of well-formed orders', () => {
  it('generates valid, consistent contexts that reach the risk checks: a good share green, a good share red on a limit', () => {
    const tally = { runs: 0, green: 0, amber: 0, red: 0, limitRed: 0, reachedRisk: 0, options: 0, inputRed: 0 };
    fc.assert(
      fc.property(arbWellFormed, (c) => {
        // Well-formed by the app's own schemas.
        expect(OrderIntentSchema.safeParse(c.intent).success, JSON.stringify(c.intent)).toBe(true);
        expect(InstrumentSchema.safeParse(c.instrument).success).toBe(true);
        expect(QuoteSchema.safeParse(c.quote).success && QuoteSchema.safeParse(c.underlyingQuote).success).toBe(true);
        expect(c.quote!.bid).toBeLessThan(c.quote!.ask);
        expect(c.now - c.quote!.ts).toBeLessThan(c.limits.quotes.staleAfterSec * 1000);
        if (c.instrument!.kind === 'OPTION') expect(c.expiryTs!).toBeGreaterThan(c.now);
        const v = evaluateOrder(c);
        tally.runs++;
        tally[v.level]++;
        if (v.checks.some(isLimitRed)) tally.limitRed++;
        if (v.whatIf) tally.reachedRisk++;
        if (c.instrument!.kind === 'OPTION') tally.options++;
        if (v.checks.some((r) => r.check === 'input')) tally.inputRed++;
      }),
      { numRuns: 1_500 },
    );
    expect(tally.inputRed).toBe(0);
    expect(tally.reachedRisk / tally.runs).toBeGreaterThanOrEqual(0.95);
    expect(tally.green / tally.runs).toBeGreaterThanOrEqual(0.2);
    expect(tally.limitRed / tally.runs).toBeGreaterThanOrEqual(0.2);
    expect(tally.options / tally.runs).toBeGreaterThanOrEqual(0.3);
  });

  it('mode OFF is always red (MODE_OFF), whatever else the order and book look like', () => {
    fc.assert(
      fc.property(arbWellFormed, (c) => {
        const v = evaluateOrder({ ...c, mode: 'OFF' });
        expect(v.level).toBe('red');
        expectCheck(v, 'MODE_OFF', 'red');
      }),
      { numRuns: 300 },
    );
  });

  it('a HALTED account is always red (HALTED), in either mode, whatever the order', () => {
    fc.assert(
      fc.property(arbWellFormed, (c) => {
        const v = evaluateOrder({ ...c, tradingState: 'HALTED' });
        expect(v.level).toBe('red');
        expectCheck(v, 'HALTED', 'red');
      }),
      { numRuns: 300 },
    );
  });

  // Which reds are monotone in quantity, and why:
  // - qty-independent reds (mode, state HALTED, instrument, order shape, session, quote, price,
  //   rate, no Greeks) do not look at the quantity, so they stay;
  // - per-order caps (MAX_QTY, MAX_NOTIONAL, TIER_ORDER): qty and notional = price × qty ×
  //   multiplier only grow (the expected price does not depend on qty);
  // - cash (a buy): cash after = cash − notional − commission only falls (CASH_RESERVE may turn
  //   into INSUFFICIENT_CASH: the same check stays red);
  // - exposure, position and Greek caps (TIER_EXPOSURE, TIER_POSITION, PORTFOLIO_*,
  //   SHORT_DATED_*): the usage after the order is |before + qty × unit|, convex in qty, and red
  //   needs it above both the cap and the usage before (the order raises it). A convex function
  //   above its value at 0 at some qty keeps growing beyond it, so the breach stays;
  // - REDUCING: an order that does not shrink its position cannot start to by growing, and a
  //   |Greek| it raises keeps rising (same convexity); an order that lowers a |Greek| by less than
  //   the 1e-9 tolerance could cross it as qty grows, which the generator's unit Greeks (0 or at
  //   least 0.01) rule out.
  // So: every red check at qty q is red again (same check) at any larger qty, all else equal.
  it('a red check stays red as the quantity grows; so a red order stays red', () => {
    let red = 0;
    let sizingRed = 0;
    fc.assert(
      fc.property(arbWellFormed, unitInterval, (c, grow) => {
        const small = evaluateOrder(c);
        const bigQty = Math.min(1_000_000, c.intent.qty + 1 + Math.floor(grow * 20 * c.intent.qty));
        fc.pre(bigQty > c.intent.qty);
        const big = evaluateOrder(withQty(c, bigQty));
        const reds = small.checks.filter((r) => r.level === 'red');
        if (reds.length > 0) red++;
        if (reds.some((r) => SIZING_CHECKS.has(r.check))) sizingRed++;
        for (const r of reds) {
          expect(big.checks.some((b) => b.check === r.check && b.level === 'red'), `${r.code} at ${c.intent.qty} but not at ${bigQty}: ${codes(big).join(', ')}`).toBe(true);
        }
        if (small.level === 'red') expect(big.level).toBe('red');
      }),
      { numRuns: 1_000 },
    );
    // Not vacuous: many of the generated orders were red on a quantity-dependent limit.
    expect(sizingRed).toBeGreaterThanOrEqual(200);
    expect(red).toBeGreaterThanOrEqual(sizingRed);
  });

  it('in REDUCING only risk-reducing orders pass: the state check is green exactly when the order reduces risk', () => {
    const tally = { passed: 0, blocked: 0, reducing: 0, notReducing: 0 };
    fc.assert(
      fc.property(arbWellFormedOftenClosing, (c0) => {
        const c: GateContext = { ...c0, tradingState: 'REDUCING' };
        const v = evaluateOrder(c);
        const reduces = reducesRisk(c);
        tally[reduces ? 'reducing' : 'notReducing']++;
        if (v.level !== 'red') {
          tally.passed++;
          expect(reduces, `passed without reducing risk: ${codes(v).join(', ')}`).toBe(true);
        } else tally.blocked++;
        expect(hasCode(v, 'REDUCING')).toBe(!reduces);
        expect(hasCode(v, 'REDUCING_ALLOWED')).toBe(reduces);
        expect(v.whatIf?.riskReducing).toBe(reduces);
      }),
      { numRuns: 800 },
    );
    // Both sides exercised: orders that pass in REDUCING, and orders it blocks.
    expect(tally.passed).toBeGreaterThanOrEqual(100);
    expect(tally.notReducing).toBeGreaterThanOrEqual(160);
    expect(tally.reducing).toBeGreaterThanOrEqual(160);
  });

  it('no verdict carries NaN or an infinity, in any number or message', () => {
    const variants = fc.constantFrom<(c: GateContext) => GateContext>(
      (c) => c,
      (c) => ({ ...c, mode: 'OFF' }),
      (c) => ({ ...c, tradingState: 'HALTED' }),
      (c) => ({ ...c, tradingState: 'REDUCING' }),
      (c) => ({ ...c, session: 'CLOSED' }),
      (c) => ({ ...c, unitGreeks: null }),
    );
    fc.assert(
      fc.property(arbWellFormed, variants, (c, variant) => {
        const v = evaluateOrder(variant(c));
        for (const [path, x] of numbersIn(v)) expect(Number.isFinite(x), `${path} = ${x}`).toBe(true);
        for (const r of v.checks) expect(r.message, r.code).not.toMatch(/NaN|Infinity|∞|undefined/);
      }),
      { numRuns: 800 },
    );
  });
});
