import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, localParts, TradingCalendar, zonedTime } from './calendar.js';
import { SimSessionClock } from './clock.js';

const NY = 'America/New_York';
const cal = new TradingCalendar();
const utc = (iso: string) => Date.parse(iso);
const MIN = 60_000;

// Offsets used below (US rules): EST = UTC−5 until 2026-03-08 and from 2026-11-01;
// EDT = UTC−4 in between. So 09:30 ET is 14:30Z in winter and 13:30Z in summer.

describe('date helpers', () => {
  it('adds days across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29'); // leap year
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('knows the day of the week (2026-11-26 is a Thursday, 2026-04-03 a Friday)', () => {
    expect(dayOfWeek('2026-11-26')).toBe(4);
    expect(dayOfWeek('2026-04-03')).toBe(5);
    expect(dayOfWeek('2026-11-28')).toBe(6);
    expect(dayOfWeek('2026-11-29')).toBe(0);
  });
});

describe('localParts / zonedTime', () => {
  it('converts New York wall-clock times to UTC in winter and summer', () => {
    expect(zonedTime('2026-11-23', '09:30', NY)).toBe(utc('2026-11-23T14:30:00Z'));
    expect(zonedTime('2026-07-06', '09:30', NY)).toBe(utc('2026-07-06T13:30:00Z'));
    expect(zonedTime('2026-11-27', '13:00', NY)).toBe(utc('2026-11-27T18:00:00Z'));
  });

  it('uses the new offset on the DST change days themselves', () => {
    // DST starts Sunday 2026-03-08 at 02:00 EST; ends Sunday 2026-11-01 at 02:00 EDT.
    expect(zonedTime('2026-03-06', '09:30', NY)).toBe(utc('2026-03-06T14:30:00Z'));
    expect(zonedTime('2026-03-08', '09:30', NY)).toBe(utc('2026-03-08T13:30:00Z'));
    expect(zonedTime('2026-03-09', '09:30', NY)).toBe(utc('2026-03-09T13:30:00Z'));
    expect(zonedTime('2026-10-30', '16:00', NY)).toBe(utc('2026-10-30T20:00:00Z'));
    expect(zonedTime('2026-11-01', '16:00', NY)).toBe(utc('2026-11-01T21:00:00Z'));
    expect(zonedTime('2026-11-02', '16:00', NY)).toBe(utc('2026-11-02T21:00:00Z'));
  });

  it('reads local date and minutes, including after UTC midnight', () => {
    expect(localParts(utc('2026-11-23T14:30:00Z'), NY)).toEqual({ date: '2026-11-23', minutes: 9 * 60 + 30 });
    // 00:59Z on the 24th is 19:59 EST on the 23rd.
    expect(localParts(utc('2026-11-24T00:59:00Z'), NY)).toEqual({ date: '2026-11-23', minutes: 19 * 60 + 59 });
    expect(localParts(utc('2026-07-06T13:30:30Z'), NY)).toEqual({ date: '2026-07-06', minutes: 9 * 60 + 30.5 });
  });

  it('round-trips: localParts(zonedTime(d, hh:mm)) gives back d and hh:mm (outside the DST hours)', () => {
    const start = Date.UTC(2025, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 365 }), fc.integer({ min: 3, max: 23 }), fc.integer({ min: 0, max: 59 }), (dayIndex, hh, mm) => {
        const date = new Date(start + dayIndex * 86_400_000).toISOString().slice(0, 10);
        const hhmm = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
        const ts = zonedTime(date, hhmm, NY);
        expect(localParts(ts, NY)).toEqual({ date, minutes: hh * 60 + mm });
        // The UTC offset is 4 or 5 hours, whole minutes.
        const offset = ts - Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), hh, mm);
        expect([4 * 3_600_000, 5 * 3_600_000]).toContain(offset);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips in other zones (Tokyo has no DST, London does)', () => {
    expect(zonedTime('2026-07-06', '09:00', 'Asia/Tokyo')).toBe(utc('2026-07-06T00:00:00Z'));
    expect(zonedTime('2026-07-06', '08:00', 'Europe/London')).toBe(utc('2026-07-06T07:00:00Z'));
    expect(zonedTime('2026-01-06', '08:00', 'Europe/London')).toBe(utc('2026-01-06T08:00:00Z'));
  });
});

describe('TradingCalendar.session', () => {
  const state = (iso: string) => cal.session(utc(iso)).state;

  it('opens at 09:30 New York time in winter (EST)', () => {
    expect(state('2026-11-23T14:29:59Z')).toBe('PRE');
    expect(state('2026-11-23T14:30:00Z')).toBe('REGULAR');
    expect(cal.session(utc('2026-11-23T14:30:00Z')).date).toBe('2026-11-23');
    expect(state('2026-11-23T20:59:59Z')).toBe('REGULAR');
    expect(state('2026-11-23T21:00:00Z')).toBe('POST');
  });

  it('opens at 09:30 New York time in summer (EDT)', () => {
    expect(state('2026-07-06T13:29:00Z')).toBe('PRE');
    expect(state('2026-07-06T13:30:00Z')).toBe('REGULAR');
    expect(state('2026-07-06T19:59:00Z')).toBe('REGULAR');
    expect(state('2026-07-06T20:00:00Z')).toBe('POST');
    // 14:30Z in summer is 10:30 EDT, still regular; 20:30Z is 16:30 EDT, after the close.
    expect(state('2026-07-06T20:30:00Z')).toBe('POST');
  });

  it('has pre-market from 04:00 and post-market until 20:00, closed outside', () => {
    expect(state('2026-11-23T08:59:00Z')).toBe('CLOSED'); // 03:59 EST
    expect(state('2026-11-23T09:00:00Z')).toBe('PRE'); // 04:00 EST
    expect(state('2026-11-24T00:59:00Z')).toBe('POST'); // 19:59 EST on the 23rd
    expect(cal.session(utc('2026-11-24T00:59:00Z')).date).toBe('2026-11-23');
    expect(state('2026-11-24T01:00:00Z')).toBe('CLOSED'); // 20:00 EST
  });

  it('is closed all day on weekends', () => {
    for (const iso of ['2026-11-28T10:00:00Z', '2026-11-28T15:00:00Z', '2026-11-29T15:00:00Z', '2026-11-29T20:00:00Z']) {
      expect(state(iso), iso).toBe('CLOSED');
    }
  });

  it('is closed all day on holidays: Thanksgiving 2026-11-26, Good Friday 2026-04-03, 2026-07-03', () => {
    for (const iso of ['2026-11-26T12:00:00Z', '2026-11-26T15:00:00Z', '2026-11-26T22:00:00Z', '2026-04-03T14:00:00Z', '2026-07-03T15:00:00Z']) {
      expect(state(iso), iso).toBe('CLOSED');
    }
    expect(cal.isTradingDay('2026-11-26')).toBe(false);
    expect(cal.isTradingDay('2026-11-25')).toBe(true);
  });

  it('closes early at 13:00 ET the day after Thanksgiving (2026-11-27)', () => {
    expect(state('2026-11-27T14:30:00Z')).toBe('REGULAR');
    expect(state('2026-11-27T17:59:59Z')).toBe('REGULAR'); // 12:59:59 EST
    expect(state('2026-11-27T18:00:00Z')).toBe('POST'); // 13:00 EST
    expect(cal.closeAt('2026-11-27')).toBe(utc('2026-11-27T18:00:00Z'));
    // A normal day closes at 16:00.
    expect(cal.closeAt('2026-11-25')).toBe(utc('2026-11-25T21:00:00Z'));
    expect(cal.closeAt('2026-07-06')).toBe(utc('2026-07-06T20:00:00Z'));
  });
});

describe('TradingCalendar: trading days and expiries', () => {
  it('nextTradingDay skips weekends and holidays', () => {
    expect(cal.nextTradingDay('2026-11-23')).toBe('2026-11-24');
    expect(cal.nextTradingDay('2026-11-20')).toBe('2026-11-23'); // Fri → Mon
    expect(cal.nextTradingDay('2026-11-25')).toBe('2026-11-27'); // over Thanksgiving
    expect(cal.nextTradingDay('2026-04-02')).toBe('2026-04-06'); // over Good Friday and the weekend
    expect(cal.nextTradingDay('2026-12-24')).toBe('2026-12-28'); // over Christmas and the weekend
    expect(cal.nextTradingDay('2026-12-31')).toBe('2027-01-04'); // over New Year's Day and the weekend
    expect(cal.nextTradingDay('2026-11-28')).toBe('2026-11-30'); // from a Saturday
  });

  it('onOrAfter keeps a trading day and moves a closed day forward', () => {
    expect(cal.onOrAfter('2026-11-24')).toBe('2026-11-24');
    expect(cal.onOrAfter('2026-11-26')).toBe('2026-11-27');
    expect(cal.onOrAfter('2026-11-29')).toBe('2026-11-30');
  });

  it('fridayExpiryOnOrAfter picks the Friday on or after the date', () => {
    expect(cal.fridayExpiryOnOrAfter('2026-11-16')).toBe('2026-11-20');
    expect(cal.fridayExpiryOnOrAfter('2026-11-20')).toBe('2026-11-20');
    expect(cal.fridayExpiryOnOrAfter('2026-11-21')).toBe('2026-11-27'); // Saturday → next Friday (an early-close day still trades)
  });

  it('fridayExpiryOnOrAfter moves a holiday Friday to the Thursday', () => {
    expect(cal.fridayExpiryOnOrAfter('2026-03-30')).toBe('2026-04-02'); // Good Friday 2026-04-03
    expect(cal.fridayExpiryOnOrAfter('2026-06-15')).toBe('2026-06-18'); // Juneteenth 2026-06-19
    expect(cal.fridayExpiryOnOrAfter('2026-12-21')).toBe('2026-12-24'); // Christmas 2026-12-25
  });

  it('every fridayExpiryOnOrAfter result is a trading day no more than 6 days after the input, on a Thursday or Friday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 }), (dayIndex) => {
        const date = addDays('2026-01-01', dayIndex);
        const expiry = cal.fridayExpiryOnOrAfter(date);
        expect(cal.isTradingDay(expiry)).toBe(true);
        expect([4, 5]).toContain(dayOfWeek(expiry));
        const days = (Date.parse(`${expiry}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000;
        expect(days).toBeGreaterThanOrEqual(-1); // a Friday holiday input can move back to Thursday
        expect(days).toBeLessThanOrEqual(6);
      }),
      { numRuns: 200 },
    );
  });
});

/** A controllable wall clock. */
function wallAt(iso: string) {
  let now = utc(iso);
  return {
    now: () => now,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('SimSessionClock', () => {
  it('starts at the next session open when constructed on a weekend', () => {
    const wall = wallAt('2026-11-21T15:00:00Z'); // Saturday
    const clock = new SimSessionClock(cal, { wallNow: wall.now });
    expect(clock.sessionDate).toBe('2026-11-23');
    expect(clock.now()).toBe(utc('2026-11-23T14:30:00Z'));
    expect(cal.session(clock.now()).state).toBe('REGULAR');
  });

  it('starts at today’s open when constructed pre-market, and the next day’s after the close', () => {
    const pre = new SimSessionClock(cal, { wallNow: wallAt('2026-11-23T12:00:00Z').now }); // 07:00 EST
    expect(pre.sessionDate).toBe('2026-11-23');
    expect(pre.now()).toBe(utc('2026-11-23T14:30:00Z'));

    const post = new SimSessionClock(cal, { wallNow: wallAt('2026-11-25T22:00:00Z').now }); // Wed 17:00 EST
    expect(post.sessionDate).toBe('2026-11-27'); // Thanksgiving skipped
    expect(post.now()).toBe(utc('2026-11-27T14:30:00Z'));

    const holiday = new SimSessionClock(cal, { wallNow: wallAt('2026-11-26T15:00:00Z').now });
    expect(holiday.sessionDate).toBe('2026-11-27');
  });

  it('starts at an injected instant, whatever the wall clock says, and runs at wall speed from there', () => {
    const wall = wallAt('2026-12-12T03:00:00Z'); // a Saturday night
    const clock = new SimSessionClock(cal, { wallNow: wall.now, start: utc('2026-06-10T14:00:00Z') }); // Wed 10:00 EDT
    expect(clock.sessionDate).toBe('2026-06-10');
    expect(clock.now()).toBe(utc('2026-06-10T14:00:00Z'));
    wall.tick(5_000);
    expect(clock.now()).toBe(utc('2026-06-10T14:00:05Z'));
    // Before the open, the injected start waits for that day's open like the wall clock would.
    const early = new SimSessionClock(cal, { wallNow: wall.now, start: utc('2026-06-10T11:00:00Z') });
    expect(early.now()).toBe(utc('2026-06-10T13:30:00Z'));
    // A saved state wins over the injected start: a restarted simulator continues where it stopped.
    const resumed = new SimSessionClock(cal, { wallNow: wall.now, start: utc('2026-06-10T14:00:00Z'), state: { simTs: utc('2026-06-11T15:00:00Z'), sessionDate: '2026-06-11' } });
    expect(resumed.sessionDate).toBe('2026-06-11');
  });

  it('follows the wall clock when constructed during regular hours', () => {
    const wall = wallAt('2026-07-06T15:00:00Z');
    const clock = new SimSessionClock(cal, { wallNow: wall.now });
    expect(clock.sessionDate).toBe('2026-07-06');
    expect(clock.now()).toBe(utc('2026-07-06T15:00:00Z'));
    wall.tick(1234);
    expect(clock.now()).toBe(utc('2026-07-06T15:00:00Z') + 1234);
  });

  it('advances at `speed` times the wall clock', () => {
    const wall = wallAt('2026-11-21T15:00:00Z');
    const clock = new SimSessionClock(cal, { wallNow: wall.now, speed: 60 });
    const start = clock.now();
    wall.tick(1000);
    expect(clock.now() - start).toBe(60_000);
    wall.tick(59_000);
    expect(clock.now() - start).toBe(3_600_000); // one wall minute = one sim hour
  });

  it('advance() does nothing before the close', () => {
    const wall = wallAt('2026-11-20T20:59:00Z'); // Fri 15:59 EST
    const clock = new SimSessionClock(cal, { wallNow: wall.now });
    wall.tick(59_999);
    expect(clock.advance()).toBeUndefined();
    expect(clock.sessionDate).toBe('2026-11-20');
  });

  it('advance() rolls from the close to the next trading day’s open, carrying a little overshoot', () => {
    const wall = wallAt('2026-11-20T20:59:00Z'); // Fri 15:59 EST
    const clock = new SimSessionClock(cal, { wallNow: wall.now });
    wall.tick(90_000); // sim is now 16:00:30, 30 s past the close
    expect(clock.advance()).toEqual({ from: '2026-11-20', to: '2026-11-23' });
    expect(clock.sessionDate).toBe('2026-11-23');
    expect(clock.now()).toBe(utc('2026-11-23T14:30:30Z'));
    expect(cal.session(clock.now()).state).toBe('REGULAR');
    // Time keeps flowing from the new anchor, and there is no second roll.
    wall.tick(5000);
    expect(clock.now()).toBe(utc('2026-11-23T14:30:35Z'));
    expect(clock.advance()).toBeUndefined();
  });

  it('caps the overshoot carried into the next session at one minute', () => {
    const wall = wallAt('2026-11-20T20:59:00Z');
    const clock = new SimSessionClock(cal, { wallNow: wall.now });
    wall.tick(3 * 3_600_000); // sim 18:59 EST, long after the close
    expect(clock.advance()).toEqual({ from: '2026-11-20', to: '2026-11-23' });
    expect(clock.now()).toBe(utc('2026-11-23T14:30:00Z') + MIN);
  });

  it('rolls at the early close and over holidays', () => {
    const wall = wallAt('2026-11-25T20:00:00Z'); // Wed 15:00 EST
    const clock = new SimSessionClock(cal, { wallNow: wall.now, speed: 10 });
    wall.tick(6 * MIN); // 60 sim minutes → 16:00 EST exactly
    expect(clock.advance()).toEqual({ from: '2026-11-25', to: '2026-11-27' });
    expect(clock.now()).toBe(utc('2026-11-27T14:30:00Z'));
    // 2026-11-27 closes at 13:00 EST: 3.5 h = 210 sim minutes = 21 wall minutes at speed 10.
    wall.tick(21 * MIN - 1);
    expect(clock.advance()).toBeUndefined();
    wall.tick(1);
    expect(clock.advance()).toEqual({ from: '2026-11-27', to: '2026-11-30' });
    expect(clock.now()).toBe(utc('2026-11-30T14:30:00Z'));
  });

  it('restored state continues from its saved sim time, whatever the wall clock says', () => {
    const wall1 = wallAt('2026-11-24T16:00:00Z');
    const first = new SimSessionClock(cal, { wallNow: wall1.now, speed: 5 });
    wall1.tick(10_000);
    const saved = first.state;
    expect(saved).toEqual({ simTs: utc('2026-11-24T16:00:50Z'), sessionDate: '2026-11-24' });

    // Reopened days later on a Saturday: the sim resumes where it stopped.
    const wall2 = wallAt('2026-12-05T03:00:00Z');
    const second = new SimSessionClock(cal, { wallNow: wall2.now, speed: 5, state: saved });
    expect(second.sessionDate).toBe('2026-11-24');
    expect(second.now()).toBe(saved.simTs);
    wall2.tick(2000);
    expect(second.now()).toBe(saved.simTs + 10_000);
  });

  it('clamps a restored time into its session and ignores a state whose date does not trade', () => {
    const wall = wallAt('2026-11-21T15:00:00Z');
    const early = new SimSessionClock(cal, { wallNow: wall.now, state: { simTs: utc('2026-11-24T12:00:00Z'), sessionDate: '2026-11-24' } });
    expect(early.now()).toBe(utc('2026-11-24T14:30:00Z'));
    const late = new SimSessionClock(cal, { wallNow: wall.now, state: { simTs: utc('2026-11-24T23:00:00Z'), sessionDate: '2026-11-24' } });
    expect(late.now()).toBe(utc('2026-11-24T21:00:00Z') - 1);
    const holiday = new SimSessionClock(cal, { wallNow: wall.now, state: { simTs: utc('2026-11-26T15:00:00Z'), sessionDate: '2026-11-26' } });
    expect(holiday.sessionDate).toBe('2026-11-23'); // falls back to the wall clock: Saturday → Monday's open
    expect(holiday.now()).toBe(utc('2026-11-23T14:30:00Z'));
  });
});
