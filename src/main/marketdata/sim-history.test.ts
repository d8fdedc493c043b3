// Simulated daily history for a new data directory: real trading days strictly before `before`,
// ascending, ending one day's move from today's price, reproducible from the seed, with the
// volatility (and the common market factor) of the live simulator's spec.
import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, TradingCalendar } from './calendar.js';
import { US_EQUITIES } from './calendars/us-equities.js';
import { DEFAULT_SEED, DEFAULT_UNDERLYINGS } from './sim-config.js';
import { simulatedHistory } from './sim-history.js';

const calendar = new TradingCalendar();
const BEFORE = '2026-11-23'; // a Monday
const history = (over: Partial<Parameters<typeof simulatedHistory>[0]> = {}) =>
  simulatedHistory({ underlyings: DEFAULT_UNDERLYINGS, seed: DEFAULT_SEED, days: 260, before: BEFORE, calendar, ...over });

const logRet = (closes: readonly number[]) => closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
const sd = (xs: readonly number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('simulatedHistory: dates', () => {
  it('gives every underlying the requested number of closes', () => {
    const h = history();
    expect([...h.keys()]).toEqual(DEFAULT_UNDERLYINGS.map((u) => u.symbol));
    for (const rows of h.values()) expect(rows).toHaveLength(260);
  });

  it('uses trading days only, strictly before `before`, ascending, with none skipped', () => {
    const h = history();
    const dates = h.get('SPY')!.map((r) => r.date);
    for (const rows of h.values()) expect(rows.map((r) => r.date)).toEqual(dates);
    for (const d of dates) {
      expect(d < BEFORE, d).toBe(true);
      expect([0, 6], d).not.toContain(dayOfWeek(d));
      expect(US_EQUITIES.holidays.has(d), d).toBe(false);
    }
    for (let i = 1; i < dates.length; i++) {
      expect(dates[i]! > dates[i - 1]!).toBe(true);
      // Consecutive rows are consecutive trading days.
      expect(calendar.nextTradingDay(dates[i - 1]!)).toBe(dates[i]);
    }
    // The last close is the trading day before `before` (Friday 2026-11-20).
    expect(dates.at(-1)).toBe('2026-11-20');
    expect(calendar.nextTradingDay(dates.at(-1)!)).toBe(BEFORE);
  });

  it('skips the holidays it spans (Thanksgiving 2025, Christmas, New Year, Good Friday, …)', () => {
    const dates = new Set(history().get('SPY')!.map((r) => r.date));
    for (const holiday of ['2025-11-27', '2025-12-25', '2026-01-01', '2026-01-19', '2026-04-03', '2026-07-03', '2026-09-07']) {
      expect(dates.has(holiday), holiday).toBe(false);
    }
    // Early closes still trade.
    expect(dates.has('2025-11-28')).toBe(true);
    expect(dates.has('2025-12-24')).toBe(true);
  });

  it('before a weekend or holiday: the last close is the last trading day before it', () => {
    const sat = history({ before: '2026-11-28', days: 5 }).get('AAPL')!.map((r) => r.date);
    // Friday 27th (early close) trades; Thursday 26th is Thanksgiving.
    expect(sat).toEqual(['2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27']);
    const afterHoliday = history({ before: '2026-11-27', days: 1 }).get('AAPL')!.map((r) => r.date);
    expect(afterHoliday).toEqual(['2026-11-25']);
    // `before` itself, a trading day, is never included.
    expect(history({ before: '2026-11-25', days: 1 }).get('AAPL')![0]!.date).toBe('2026-11-24');
    expect(addDays('2026-11-25', -1)).toBe('2026-11-24');
  });
});

describe('simulatedHistory: prices', () => {
  it('ends within one day’s move of today’s price (a 4σ daily move at the spec vol)', () => {
    const h = history();
    for (const u of DEFAULT_UNDERLYINGS) {
      const rows = h.get(u.symbol)!;
      const last = rows.at(-1)!.close;
      const daily = u.vol * Math.sqrt(1 / 252);
      expect(Math.abs(Math.log(u.price / last)), u.symbol).toBeLessThan(4 * daily);
      expect(last).not.toBe(u.price); // a day's return away, not pinned
    }
  });

  it('closes are positive and rounded to cents', () => {
    for (const rows of history().values()) {
      for (const r of rows) {
        expect(r.close).toBeGreaterThan(0);
        expect(Math.round(r.close * 100) / 100).toBe(r.close);
      }
    }
  });

  it('the annualised volatility of the daily returns roughly matches the spec', () => {
    const h = history({ days: 1_000 });
    for (const u of DEFAULT_UNDERLYINGS) {
      const closes = [...h.get(u.symbol)!.map((r) => r.close), u.price];
      const vol = sd(logRet(closes)) * Math.sqrt(252);
      expect(vol, u.symbol).toBeGreaterThan(u.vol * 0.85);
      expect(vol, u.symbol).toBeLessThan(u.vol * 1.15);
    }
  });

  it('the common market factor shows: SPY and QQQ move together far more than SPY and NVDA', () => {
    const h = history({ days: 1_000 });
    const r = (s: string) => logRet(h.get(s)!.map((x) => x.close));
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, x) => s + x, 0) / a.length;
      const mb = b.reduce((s, x) => s + x, 0) / b.length;
      let c = 0;
      for (let i = 0; i < a.length; i++) c += (a[i]! - ma) * (b[i]! - mb);
      return c / (a.length - 1) / (sd(a) * sd(b));
    };
    const spyQqq = corr(r('SPY'), r('QQQ'));
    const spyNvda = corr(r('SPY'), r('NVDA'));
    expect(spyQqq).toBeGreaterThan(0.8); // 0.98 × 0.92 ≈ 0.90
    expect(spyNvda).toBeGreaterThan(0.3); // 0.98 × 0.55 ≈ 0.54
    expect(spyNvda).toBeLessThan(0.75);
  });
});

describe('simulatedHistory: determinism', () => {
  it('the same seed gives the same history; another seed a different one', () => {
    expect(history()).toEqual(history());
    const other = history({ seed: DEFAULT_SEED + 1 });
    expect(other.get('SPY')!.map((r) => r.date)).toEqual(history().get('SPY')!.map((r) => r.date));
    expect(other.get('SPY')!.map((r) => r.close)).not.toEqual(history().get('SPY')!.map((r) => r.close));
  });

  it('scales with today’s price: doubling the price doubles every close (to the cent)', () => {
    const base = history({ underlyings: DEFAULT_UNDERLYINGS.slice(0, 1) }).get('SPY')!;
    const doubled = history({ underlyings: [{ ...DEFAULT_UNDERLYINGS[0]!, price: DEFAULT_UNDERLYINGS[0]!.price * 2 }] }).get('SPY')!;
    doubled.forEach((r, i) => expect(Math.abs(r.close - 2 * base[i]!.close)).toBeLessThanOrEqual(0.011));
  });

  it('zero days is an empty history', () => {
    for (const rows of history({ days: 0 }).values()) expect(rows).toEqual([]);
  });
});
