import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  const opts = { baseMs: 500, maxMs: 10_000, jitter: 0.2 };
  const mid = () => 0.5; // jitter centred: exactly the nominal delay

  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => reconnectDelay(a, opts, mid))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(reconnectDelay(1000, opts, mid)).toBe(10_000);
  });

  it('spreads delays by the jitter fraction either way', () => {
    expect(reconnectDelay(2, opts, () => 0)).toBe(1600);
    expect(reconnectDelay(2, opts, () => 0.999999)).toBe(2400);
  });
});
