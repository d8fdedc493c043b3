import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SlidingWindowLimiter } from './rate-limiter.js';

// Futu: 15 place-order calls per 30 s per account.
const futu = () => new SlidingWindowLimiter<string>((key) => (key.startsWith('futu:') ? { max: 15, windowMs: 30_000 } : undefined));

describe('SlidingWindowLimiter', () => {
  it('sends up to the limit, then queues — nothing is dropped — and drains as the window frees', () => {
    const l = futu();
    const decisions = Array.from({ length: 20 }, (_, i) => l.request(`o${i}`, 'futu:ACC1:place', `o${i}`, 1_000 + i * 100));
    expect(decisions.filter((d) => d === 'send')).toHaveLength(15);
    expect(l.queued().map((q) => q.id)).toEqual(['o15', 'o16', 'o17', 'o18', 'o19']);
    expect(l.queued()[0]!.eligibleAt).toBe(31_000); // when the first send leaves the window
    expect(l.drain(30_999)).toEqual([]);
    expect(l.drain(31_000).map((q) => q.id)).toEqual(['o15']);
    expect(l.drain(31_400).map((q) => q.id)).toEqual(['o16', 'o17', 'o18', 'o19']);
    expect(l.queued()).toHaveLength(0);
  });

  it('keeps limits per account and per method, and leaves unlimited keys alone', () => {
    const l = futu();
    for (let i = 0; i < 15; i++) l.request(`a${i}`, 'futu:ACC1:place', '', 0);
    expect(l.request('b0', 'futu:ACC2:place', '', 0)).toBe('send');
    expect(l.request('a15', 'futu:ACC1:place', '', 0)).toBe('queued');
    for (let i = 0; i < 100; i++) expect(l.request(`s${i}`, 'sim:PAPER:place', '', 0)).toBe('send');
  });

  it('keeps order: a new call never overtakes queued ones for the same key', () => {
    const l = futu();
    for (let i = 0; i < 16; i++) l.request(`o${i}`, 'futu:A:place', '', 0);
    // Window frees at 30 s, but o15 waits ahead: o16 queues behind it even though a slot is free.
    expect(l.request('o16', 'futu:A:place', '', 30_000)).toBe('queued');
    expect(l.drain(30_000).map((q) => q.id)).toEqual(['o15', 'o16']);
  });

  it('a queued call can be withdrawn', () => {
    const l = futu();
    for (let i = 0; i < 16; i++) l.request(`o${i}`, 'futu:A:place', '', 0);
    expect(l.remove('o15')).toBe(true);
    expect(l.remove('o15')).toBe(false);
    expect(l.queued()).toHaveLength(0);
  });

  it('property: no window of 30 s ever holds more than 15 sends, and every request is eventually sent', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 80 }), (times) => {
        const l = futu();
        const sendTimes: number[] = [];
        const sorted = [...times].sort((a, b) => a - b);
        sorted.forEach((t, i) => {
          for (const q of l.drain(t)) sendTimes.push(t), void q;
          if (l.request(`o${i}`, 'futu:A:place', '', t) === 'send') sendTimes.push(t);
        });
        for (let t = sorted[sorted.length - 1]!; l.queued().length > 0; t += 1_000) for (const _ of l.drain(t)) sendTimes.push(t);
        if (sendTimes.length !== sorted.length) return false;
        for (let i = 15; i < sendTimes.length; i++) if (sendTimes[i]! - sendTimes[i - 15]! < 30_000) return false;
        return true;
      }),
    );
  });
});
