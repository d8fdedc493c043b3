// The test scheduler itself: timers fire at their due times, in order, with the clock at that time.
import { describe, expect, it } from 'vitest';
import { ManualTime } from './timers.testing.js';

describe('ManualTime', () => {
  it('fires each interval at each due time on the way, in time order, with now() at the due time', () => {
    const time = new ManualTime(1_000);
    const fired: string[] = [];
    time.every(30, () => fired.push(`a@${time.now()}`));
    time.every(50, () => fired.push(`b@${time.now()}`));
    time.advance(29);
    expect(fired).toEqual([]);
    expect(time.now()).toBe(1_029);
    time.advance(71);
    expect(fired).toEqual(['a@1030', 'b@1050', 'a@1060', 'a@1090', 'b@1100']);
    expect(time.now()).toBe(1_100);
  });

  it('a cancelled timer stops; a timer started in a tick first fires one interval later', () => {
    const time = new ManualTime(0);
    const fired: number[] = [];
    const cancel = time.every(10, () => {
      fired.push(time.now());
      if (time.now() === 20) time.every(5, () => fired.push(-time.now()));
    });
    time.advance(30);
    expect(fired).toEqual([10, 20, -25, 30, -30]);
    cancel();
    expect(time.intervals).toEqual([5]);
    time.advance(10);
    expect(fired.slice(5)).toEqual([-35, -40]);
  });

  it('refuses intervals and steps that would not move time forward', () => {
    const time = new ManualTime(0);
    expect(() => time.every(0, () => {})).toThrow(/never advances/);
    expect(() => time.advance(-1)).toThrow(/cannot advance/);
  });
});
