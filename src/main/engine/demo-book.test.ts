// The demo book a new user starts with does not depend on the day it is created: whatever the
// weekday and hour of the first session, its short-dated options sit inside the ≤ 7-day bucket and
// the book starts over the short-dated gamma cap, as the README promises.
import { afterEach, describe, expect, it } from 'vitest';
import { parseOcc } from '../../shared/instruments.js';
import { addDays, dayOfWeek, TradingCalendar } from '../marketdata/calendar.js';
import { demoExpiry, type Engine } from './engine.js';
import { makeTempDir, openTestEngine } from './testing.js';

const calendar = new TradingCalendar();
const opened: { engine: Engine; tmp: ReturnType<typeof makeTempDir> }[] = [];

afterEach(async () => {
  for (const { engine, tmp } of opened.splice(0)) {
    await engine.close();
    tmp.remove();
  }
});

function daysTo(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

describe('demo expiries', () => {
  it('put every short-dated position (≤ 7 days) within 7 days, and longer ones on the Friday on or after their target, for every day of 2026–2027', () => {
    for (let date = '2026-01-01'; date < '2028-01-01'; date = addDays(date, 1)) {
      if (!calendar.isTradingDay(date)) continue;
      for (const [dte, daily] of [[3, true], [3, false], [6, false]] as const) {
        const expiry = demoExpiry(calendar, date, dte, daily);
        expect(calendar.isTradingDay(expiry), `${date} +${dte}`).toBe(true);
        expect(daysTo(date, expiry), `${date} +${dte} → ${expiry}`).toBeLessThanOrEqual(7);
        expect(expiry >= date, `${date} +${dte} → ${expiry}`).toBe(true);
        if (daily) expect(expiry).toBe(calendar.onOrAfter(addDays(date, dte)));
      }
      for (const dte of [24, 30, 45]) {
        const expiry = demoExpiry(calendar, date, dte);
        expect(expiry).toBe(calendar.fridayExpiryOnOrAfter(addDays(date, dte)));
      }
    }
  });
});

describe('the demo book on every day of the week', () => {
  // One week in winter (New York at UTC−5) and starts before, during and after the US session.
  const starts = [
    '2026-12-07T15:00:00Z', // Monday, in the session
    '2026-12-08T12:00:00Z', // Tuesday, before the open
    '2026-12-09T19:00:00Z', // Wednesday, in the session
    '2026-12-10T22:30:00Z', // Thursday, after the close
    '2026-12-11T16:00:00Z', // Friday, in the session
    '2026-12-12T15:00:00Z', // Saturday
    '2026-12-13T23:00:00Z', // Sunday night
  ];

  it.each(starts)('first started at %s: short-dated options inside the bucket and the book over the short-dated gamma cap', async (start) => {
    const tmp = makeTempDir();
    const engine = await openTestEngine(tmp.dir, { simStart: Date.parse(start) });
    opened.push({ engine, tmp });
    const state = engine.snapshot();
    expect(state.clock.session).toBe('REGULAR');
    const shortDated = state.positions.filter((p) => p.instrument.kind === 'OPTION' && p.qty < 0 && daysTo(state.clock.sessionDate, parseOcc(p.instrument.symbol)!.expiry) <= 7);
    expect(shortDated.map((p) => p.instrument.underlying).sort()).toEqual(['QQQ', 'TQQQ']);
    expect(dayOfWeek(state.clock.sessionDate)).toBeGreaterThanOrEqual(1);
    const cap = state.risk.limits.find((l) => l.id === 'short.gamma')!;
    expect(cap.level).toBe('red');
    expect(Math.abs(state.greeks.portfolio.shortDated.gammaCash1Pct)).toBeGreaterThan(0);
  });
});
