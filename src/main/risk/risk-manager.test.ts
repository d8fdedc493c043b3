// The risk manager over a real SQLite database: the daily-loss circuit breaker and the drawdown
// limit, REDUCING / HALTED and their persistence, reset and new sessions, edge-triggered limit
// breach events, validated limits, the slippage check and betas.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Fill, Instrument, Quote, Severity } from '../../shared/domain.js';
import { CockpitError } from '../../shared/api/result.js';
import { DEFAULT_RISK_LIMITS, type LimitUsage, type RiskLimits } from '../../shared/risk.js';
import { makeTempDir } from '../engine/testing.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { Repository } from '../store/repository.js';
import { RiskRepository } from '../store/risk-repository.js';
import { DAY_MS, valueBook, type Valuation } from './exposure.js';
import { RiskManager, type RiskManagerHooks } from './risk-manager.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');
const AAPL: Instrument = { symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 };
const instruments = new Map([[AAPL.symbol, AAPL]]);
const quote = (symbol: string, mid: number): Quote => ({ symbol, bid: mid - 0.05, ask: mid + 0.05, last: mid, bidSize: 1, askSize: 1, prevClose: mid, ts: NOW });

/** A valuation of `cash` plus `shares` AAPL at `price`: NAV = cash + shares × price. */
function valuation(cash: number, shares = 0, price = 200): Valuation {
  return valueBook({
    positions: shares ? [{ symbol: 'AAPL', qty: shares, avgPrice: price }] : [],
    instruments,
    quotes: new Map([['AAPL', quote('AAPL', price)]]),
    cash,
    now: NOW,
    rate: 0.04,
    dividendYield: () => 0,
    expiryTs: () => NOW + 30 * DAY_MS,
    shortDatedDays: 7,
  });
}

interface Event {
  severity: Severity;
  code: string;
  message: string;
  symbol: string | null;
  details: unknown;
}

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let repo: RiskRepository;
let events: Event[];
let audits: { actor: string; action: string; details: unknown }[];
let changes: number;
let clock: number;
const hooks: RiskManagerHooks = {
  now: () => clock,
  riskEvent: (severity, code, message, symbol, details) => events.push({ severity, code, message, symbol, details }),
  audit: (actor, action, details) => audits.push({ actor, action, details }),
  changed: () => void changes++,
};

const newManager = (nav = 100_000, startOfDayNav = nav) => new RiskManager(repo, 'A', hooks, { nav, startOfDayNav, sessionDate: '2026-11-23' });
const codesOf = (code: string) => events.filter((e) => e.code === code);

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(join(tmp.dir, 'risk.db'));
  const main = new Repository(db);
  main.insertAccount({ id: 'A', currency: 'USD', cash: 100_000, realizedPnl: 0, sessionDate: '2026-11-23', startOfDayNav: 100_000, createdAt: 0 });
  repo = new RiskRepository(db);
  events = [];
  audits = [];
  changes = 0;
  clock = NOW;
});

afterEach(() => {
  closeDatabase(db);
  tmp.remove();
});

describe('RiskManager: start', () => {
  it('starts ACTIVE with the default limits, stores its baselines, and reads them back', () => {
    const rm = newManager(105_000, 100_000);
    expect(rm.tradingState).toBe('ACTIVE');
    expect(rm.limits).toEqual(DEFAULT_RISK_LIMITS);
    expect(repo.accountState('A')).toEqual({ state: 'ACTIVE', reason: null, since: null, peakNav: 105_000, lossBaseNav: 100_000, sessionDate: '2026-11-23' });
    expect(events).toEqual([]);
    // A second manager keeps the stored row rather than the new init.
    newManager(50_000, 50_000);
    expect(repo.accountState('A')!.lossBaseNav).toBe(100_000);
  });

  it('warns and falls back to the defaults when the stored limits no longer validate', () => {
    db.prepare("INSERT INTO risk_limits (id, json, updated_at, updated_by) VALUES (1, '{\"order\":1}', 0, 'x')").run();
    const rm = newManager();
    expect(rm.limits).toEqual(DEFAULT_RISK_LIMITS);
    expect(codesOf('LIMITS_UNREADABLE')).toHaveLength(1);
  });
});

describe('RiskManager: daily-loss circuit breaker', () => {
  it('trips at exactly the configured daily loss (3% of start-of-day NAV), not a cent before', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(97_000.01));
    expect(rm.tradingState).toBe('ACTIVE');
    expect(codesOf('CIRCUIT_BREAKER')).toEqual([]);
    rm.monitor(valuation(97_000));
    expect(rm.tradingState).toBe('REDUCING');
    const trips = codesOf('CIRCUIT_BREAKER');
    expect(trips).toHaveLength(1);
    expect(trips[0]!.severity).toBe('critical');
    expect(trips[0]!.message).toContain('3.0%');
    expect(trips[0]!.message).toContain('REDUCING');
    expect(rm.summary(valuation(97_000)).account).toMatchObject({ state: 'REDUCING', dailyLossPct: 0.03, lossBaseNav: 100_000, since: NOW });
  });

  it('trips on a stock loss as well as on cash (NAV includes positions)', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(60_000, 200, 200)); // NAV 100,000
    rm.monitor(valuation(60_000, 200, 185)); // NAV 97,000
    expect(rm.tradingState).toBe('REDUCING');
  });

  it('trips once: a further loss while REDUCING raises no second event', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(96_000));
    rm.monitor(valuation(90_000));
    expect(codesOf('CIRCUIT_BREAKER')).toHaveLength(1);
    expect(codesOf('MAX_DRAWDOWN')).toEqual([]);
  });

  it('follows the configured limit', () => {
    const rm = newManager(100_000);
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, loss: { dailyLossPct: 0.01, maxDrawdownPct: 0.15 } }, 'tester');
    rm.monitor(valuation(99_000));
    expect(rm.tradingState).toBe('REDUCING');
  });

  it('REDUCING persists in SQLite: a new manager over the same database sees it', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(97_000));
    const stored = repo.accountState('A')!;
    expect(stored.state).toBe('REDUCING');
    expect(stored.reason).toContain('3.0%');
    expect(stored.since).toBe(NOW);
    const reopened = newManager(100_000);
    expect(reopened.tradingState).toBe('REDUCING');
    expect(reopened.summary(valuation(97_000)).account.reason).toBe(stored.reason);
  });

  it('survives closing and reopening the database file', () => {
    newManager(100_000).monitor(valuation(97_000));
    closeDatabase(db);
    db = openDatabase(join(tmp.dir, 'risk.db'));
    repo = new RiskRepository(db);
    expect(newManager(100_000).tradingState).toBe('REDUCING');
  });
});

describe('RiskManager: drawdown', () => {
  it('trips at the drawdown limit from the high-water mark, even when the daily loss is small', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(120_000)); // new peak
    expect(rm.summary(valuation(120_000)).account.peakNav).toBe(120_000);
    rm.onSession('2026-11-24', 105_000);
    rm.monitor(valuation(102_000.01)); // drawdown just under 15%, daily loss 2.86%
    expect(rm.tradingState).toBe('ACTIVE');
    rm.monitor(valuation(102_000)); // 18,000 / 120,000 = 15%
    expect(rm.tradingState).toBe('REDUCING');
    const trips = codesOf('MAX_DRAWDOWN');
    expect(trips).toHaveLength(1);
    expect(trips[0]!.severity).toBe('critical');
    expect(trips[0]!.message).toContain('15.0%');
    expect(codesOf('CIRCUIT_BREAKER')).toEqual([]);
    expect(rm.summary(valuation(102_000)).account.drawdownPct).toBeCloseTo(0.15, 12);
  });
});

describe('RiskManager: high-water mark', () => {
  it('is kept in memory on every tick and written on flush', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(110_000));
    rm.monitor(valuation(120_000));
    rm.monitor(valuation(115_000)); // not a new peak
    expect(rm.summary(valuation(115_000)).account.peakNav).toBe(120_000);
    expect(repo.accountState('A')!.peakNav).toBe(100_000);
    rm.flush();
    expect(repo.accountState('A')!.peakNav).toBe(120_000);
    expect(newManager().summary(valuation(102_000)).account.drawdownPct).toBeCloseTo(0.15, 12);
  });

  it('is written with a state change too', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(120_000));
    rm.halt('Kill switch');
    expect(repo.accountState('A')!.peakNav).toBe(120_000);
  });
});

describe('RiskManager: reset, new session, halt', () => {
  it('reset re-arms the breakers from the current NAV: the same loss does not trip again, a further one does', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(97_000));
    expect(rm.reset('trader', 97_000)).toBe('ACTIVE');
    expect(rm.tradingState).toBe('ACTIVE');
    expect(repo.accountState('A')).toMatchObject({ state: 'ACTIVE', reason: null, since: null, lossBaseNav: 97_000, peakNav: 97_000 });
    expect(audits).toContainEqual({ actor: 'trader', action: 'risk.reset', details: { from: 'REDUCING', nav: 97_000 } });
    expect(codesOf('TRADING_STATE').at(-1)).toMatchObject({ severity: 'warning' });
    expect(codesOf('TRADING_STATE').at(-1)!.message).toContain('97000.00');

    rm.monitor(valuation(97_000));
    rm.monitor(valuation(95_000)); // 2.06% from the new base
    expect(rm.tradingState).toBe('ACTIVE');
    rm.monitor(valuation(94_000)); // 3.09%
    expect(rm.tradingState).toBe('REDUCING');
    expect(codesOf('CIRCUIT_BREAKER')).toHaveLength(2);
  });

  it('reset when ACTIVE does nothing', () => {
    const rm = newManager(100_000);
    expect(rm.reset('trader', 50_000)).toBe('ACTIVE');
    expect(audits).toEqual([]);
    expect(repo.accountState('A')!.lossBaseNav).toBe(100_000);
  });

  it('a new session clears REDUCING and moves the daily-loss base', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(97_000));
    rm.onSession('2026-11-24', 97_000);
    expect(rm.tradingState).toBe('ACTIVE');
    expect(repo.accountState('A')).toMatchObject({ state: 'ACTIVE', sessionDate: '2026-11-24', lossBaseNav: 97_000 });
    expect(codesOf('TRADING_STATE').at(-1)).toMatchObject({ severity: 'info' });
    rm.monitor(valuation(97_000));
    expect(rm.tradingState).toBe('ACTIVE');
  });

  it('a new session does not clear HALTED', () => {
    const rm = newManager(100_000);
    rm.halt('Kill switch');
    rm.onSession('2026-11-24', 100_000);
    expect(rm.tradingState).toBe('HALTED');
  });

  it('halt → HALTED (critical event, persisted); only reset leaves it; monitoring never changes it', () => {
    const rm = newManager(100_000);
    rm.halt('Kill switch pressed');
    expect(rm.tradingState).toBe('HALTED');
    const halted = codesOf('TRADING_STATE');
    expect(halted).toHaveLength(1);
    expect(halted[0]!.severity).toBe('critical');
    expect(halted[0]!.message).toContain('Kill switch pressed');
    expect(repo.accountState('A')!.state).toBe('HALTED');
    expect(repo.accountState('A')!.reason).toContain('Kill switch pressed');
    expect(newManager().tradingState).toBe('HALTED');
    rm.halt('again');
    expect(codesOf('TRADING_STATE')).toHaveLength(1);
    rm.monitor(valuation(50_000));
    expect(rm.tradingState).toBe('HALTED');
    expect(codesOf('CIRCUIT_BREAKER')).toEqual([]);
    rm.reset('trader', 50_000);
    expect(rm.tradingState).toBe('ACTIVE');
    expect(audits.at(-1)).toMatchObject({ action: 'risk.reset', details: { from: 'HALTED' } });
  });
});

describe('RiskManager: limit usage and breach events', () => {
  // Cash 100,000 + 150 AAPL. At 200: 30,000 / 130,000 = 23% of NAV, inside T2's 25% (amber).
  // At 250: 37,500 / 137,500 = 27.3%: over.
  it('LIMIT_BREACH is emitted once per breach, LIMIT_CLEARED on recovery, and again on a new breach', () => {
    const rm = newManager(130_000);
    const at = (price: number) => valuation(100_000, 150, price);
    rm.monitor(at(200));
    const position = () => rm.summary(at(200)).limits.find((u) => u.id === 'position.AAPL')!;
    expect(position()).toMatchObject({ group: 'tier', unit: 'pctNav', limit: 0.25, level: 'amber' });
    expect(codesOf('LIMIT_BREACH')).toEqual([]);

    rm.monitor(at(250));
    rm.monitor(at(250));
    rm.monitor(at(251));
    const breaches = codesOf('LIMIT_BREACH');
    expect(breaches).toHaveLength(1);
    expect(breaches[0]!.severity).toBe('warning');
    expect(breaches[0]!.message).toContain('AAPL position');
    expect(breaches[0]!.message).toContain('27.27% of NAV');
    expect(breaches[0]!.message).toContain('25.00%');
    expect((breaches[0]!.details as LimitUsage).id).toBe('position.AAPL');
    expect(position().level).toBe('red');

    rm.monitor(at(200));
    const cleared = codesOf('LIMIT_CLEARED');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.severity).toBe('info');
    expect((cleared[0]!.details as LimitUsage).id).toBe('position.AAPL');
    rm.monitor(at(200));
    expect(codesOf('LIMIT_CLEARED')).toHaveLength(1);

    rm.monitor(at(250));
    expect(codesOf('LIMIT_BREACH')).toHaveLength(2);
  });

  it('reports usage for every portfolio, short-dated, loss and tier limit', () => {
    const rm = newManager(130_000);
    rm.monitor(valuation(100_000, 150, 200));
    const ids = rm.summary(valuation(100_000, 150, 200)).limits.map((u) => u.id);
    expect(ids).toEqual([
      'portfolio.delta',
      'portfolio.gamma',
      'portfolio.vega',
      'portfolio.theta',
      'short.delta',
      'short.gamma',
      'short.vega',
      'short.theta',
      'loss.daily',
      'loss.drawdown',
      'tier.AAPL',
      'position.AAPL',
    ]);
    const delta = rm.summary(valuation(100_000, 150, 200)).limits[0]!;
    expect(delta.value).toBeCloseTo(30_000 / 130_000, 12);
    expect(delta.usage).toBeCloseTo(30_000 / 130_000, 12);
    expect(delta.level).toBe('green');
  });

  it('a tripped loss limit is a breach too', () => {
    const rm = newManager(100_000);
    rm.monitor(valuation(96_000)); // 4% > 3%
    expect(codesOf('LIMIT_BREACH').map((e) => (e.details as LimitUsage).id)).toContain('loss.daily');
  });
});

describe('RiskManager: setLimits', () => {
  const bad: [string, unknown][] = [
    ['not an object', 42],
    ['empty', {}],
    ['negative quantity cap', { ...DEFAULT_RISK_LIMITS, order: { ...DEFAULT_RISK_LIMITS.order, maxQty: -1 } }],
    ['NaN notional', { ...DEFAULT_RISK_LIMITS, order: { ...DEFAULT_RISK_LIMITS.order, maxNotional: NaN } }],
    ['lower-case ticker', { ...DEFAULT_RISK_LIMITS, symbolTiers: { aapl: 'T1' } }],
    ['amber above red', { ...DEFAULT_RISK_LIMITS, order: { ...DEFAULT_RISK_LIMITS.order, fatFingerAmberPct: 0.2, fatFingerRedPct: 0.1 } }],
  ];
  for (const [what, input] of bad) {
    it(`rejects bad input (${what}) with INVALID_LIMITS and saves nothing`, () => {
      const rm = newManager();
      let error: unknown;
      try {
        rm.setLimits(input, 'tester');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CockpitError);
      expect((error as CockpitError).code).toBe('INVALID_LIMITS');
      expect((error as CockpitError).message).toMatch(/^Limits not saved: /);
      expect(rm.limits).toEqual(DEFAULT_RISK_LIMITS);
      expect(repo.limits()).toEqual({ limits: DEFAULT_RISK_LIMITS, problem: null });
      expect(db.prepare('SELECT COUNT(*) AS n FROM risk_limits').get()).toEqual({ n: 0 });
      expect(audits).toEqual([]);
      expect(codesOf('LIMITS_CHANGED')).toEqual([]);
    });
  }

  it('names the offending field', () => {
    const rm = newManager();
    expect(() => rm.setLimits({ ...DEFAULT_RISK_LIMITS, order: { ...DEFAULT_RISK_LIMITS.order, maxQty: -1 } }, 'tester')).toThrow(/order\.maxQty/);
  });

  it('saves valid limits, journals them, and a new manager reads them back', () => {
    const rm = newManager();
    const next: RiskLimits = structuredClone(DEFAULT_RISK_LIMITS);
    next.order.maxQty = 1_234;
    next.symbolTiers.MSFT = 'T1';
    next.loss.dailyLossPct = 0.02;
    const saved = rm.setLimits(next, 'risk-officer');
    expect(saved).toEqual(next);
    expect(rm.limits).toEqual(next);
    expect(audits).toEqual([{ actor: 'risk-officer', action: 'risk.limits.set', details: { before: DEFAULT_RISK_LIMITS, after: next } }]);
    expect(codesOf('LIMITS_CHANGED')).toHaveLength(1);
    expect(codesOf('LIMITS_CHANGED')[0]!.message).toContain('risk-officer');
    expect(changes).toBeGreaterThan(0);
    expect(repo.limits()).toEqual({ limits: next, problem: null });
    expect(db.prepare('SELECT updated_by AS who, updated_at AS at FROM risk_limits').get()).toEqual({ who: 'risk-officer', at: NOW });
    expect(newManager().limits).toEqual(next);
  });
});

describe('RiskManager: slippage', () => {
  const fill = (side: 'BUY' | 'SELL', price: number): Fill => ({ id: 'F1', orderId: 'O1', symbol: 'AAPL', side, qty: 10, price, commission: 1, ts: NOW });

  it('raises SLIPPAGE only for a fill more than 0.2% worse than arrival: buys above, sells below', () => {
    const rm = newManager();
    rm.checkSlippage(fill('BUY', 1002), 1000); // exactly 0.2%
    rm.checkSlippage(fill('SELL', 998), 1000); // exactly 0.2%
    rm.checkSlippage(fill('BUY', 990), 1000); // better
    rm.checkSlippage(fill('SELL', 1010), 1000); // better
    expect(codesOf('SLIPPAGE')).toEqual([]);

    rm.checkSlippage(fill('BUY', 1002.5), 1000); // 0.25% worse
    rm.checkSlippage(fill('SELL', 997.5), 1000); // 0.25% worse
    const slips = codesOf('SLIPPAGE');
    expect(slips).toHaveLength(2);
    expect(slips[0]).toMatchObject({ severity: 'warning', symbol: 'AAPL' });
    expect(slips[0]!.message).toContain('1002.50');
    expect(slips[0]!.message).toContain('1000.00');
    expect(slips[0]!.message).toContain('0.25%');
    expect(slips[0]!.message).toContain('0.20%');
    expect(slips[0]!.details).toMatchObject({ orderId: 'O1', fillId: 'F1', arrivalPrice: 1000, fillPrice: 1002.5 });
    expect((slips[0]!.details as { slippagePct: number }).slippagePct).toBeCloseTo(0.0025, 12);
    expect((slips[1]!.details as { slippagePct: number }).slippagePct).toBeCloseTo(0.0025, 12);
  });

  it('ignores fills without a usable arrival price', () => {
    const rm = newManager();
    rm.checkSlippage(fill('BUY', 2000), null);
    rm.checkSlippage(fill('BUY', 2000), 0);
    rm.checkSlippage(fill('BUY', 2000), NaN);
    expect(codesOf('SLIPPAGE')).toEqual([]);
  });

  it('follows the configured limit', () => {
    const rm = newManager();
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, execution: { slippagePct: 0.01 } }, 'tester');
    rm.checkSlippage(fill('BUY', 1005), 1000);
    expect(codesOf('SLIPPAGE')).toEqual([]);
    rm.checkSlippage(fill('BUY', 1011), 1000);
    expect(codesOf('SLIPPAGE')).toHaveLength(1);
  });
});

describe('RiskManager: beta', () => {
  // SPY closes from a deterministic wiggle; AAPL's log returns are 1.5 × SPY's.
  const spyReturns = Array.from({ length: 60 }, (_, i) => 0.01 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.3));
  const closesFrom = (returns: number[], start: number) => {
    const out = [start];
    for (const r of returns) out.push(out.at(-1)! * Math.exp(r));
    return out;
  };
  const series: Record<string, number[]> = { SPY: closesFrom(spyReturns, 600), AAPL: closesFrom(spyReturns.map((r) => 1.5 * r), 200), NEW: [10, 11, 12] };
  let asked: string[];
  const closes = (symbol: string) => {
    asked.push(symbol);
    return series[symbol] ?? [];
  };
  beforeEach(() => {
    asked = [];
  });

  it('estimated beats 1: an unconfigured symbol gets its estimate from closes', () => {
    const rm = newManager();
    expect(rm.beta('AAPL', closes)).toBeCloseTo(1.5, 9);
  });

  it('1 when there is too little history, and 1 for the benchmark itself', () => {
    const rm = newManager();
    expect(rm.beta('NEW', closes)).toBe(1);
    expect(rm.beta('UNKNOWN', closes)).toBe(1);
    expect(rm.beta('SPY', closes)).toBe(1);
  });

  it('configured beats estimated; the cache is dropped when limits change', () => {
    const rm = newManager();
    expect(rm.beta('AAPL', closes)).toBeCloseTo(1.5, 9);
    const calls = asked.length;
    expect(rm.beta('AAPL', closes)).toBeCloseTo(1.5, 9);
    expect(asked.length).toBe(calls); // cached
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, beta: { benchmark: 'SPY', betas: { AAPL: 0.8 } } }, 'tester');
    expect(rm.beta('AAPL', closes)).toBe(0.8);
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, beta: { benchmark: 'SPY', betas: {} } }, 'tester');
    expect(rm.beta('AAPL', closes)).toBeCloseTo(1.5, 9);
  });

  it('a configured beta of 0 is used, not treated as missing', () => {
    const rm = newManager();
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, beta: { benchmark: 'SPY', betas: { AAPL: 0 } } }, 'tester');
    expect(rm.beta('AAPL', closes)).toBe(0);
  });

  it('against another benchmark: the benchmark is 1 and SPY is estimated against it', () => {
    const rm = newManager();
    rm.setLimits({ ...DEFAULT_RISK_LIMITS, beta: { benchmark: 'AAPL', betas: {} } }, 'tester');
    expect(rm.beta('AAPL', closes)).toBe(1);
    expect(rm.beta('SPY', closes)).toBeCloseTo(1 / 1.5, 9);
  });
});
