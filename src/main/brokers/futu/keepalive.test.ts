// KeepAlive at the interval OpenD announces, and detection of an OpenD that stopped answering.
import { afterEach, describe, expect, it } from 'vitest';
import { PROTO } from './proto.js';
import { harness, waitFor, type Harness } from './testing.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('KeepAlive', () => {
  it('heartbeats at the interval OpenD gave in InitConnect, and records the answers', async () => {
    h = await harness({}, { keepAliveIntervalSec: 1 });
    expect(h.connection.keepAliveIntervalMs).toBe(1_000);
    const firstHeartbeat = h.connection.status().lastHeartbeatTs!;
    const beats = await waitFor(() => {
      const sent = h.fake.requestsOf(PROTO.KeepAlive, h.fake.lastConnection);
      return sent.length >= 3 && sent;
    }, 'three KeepAlives', 8_000);
    const gaps = beats.slice(1).map((b, i) => b.ts - beats[i]!.ts);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900); // not faster than asked
    expect((beats[0]!.c2s as { time: { toNumber(): number } }).time.toNumber()).toBeCloseTo(Date.now() / 1000, -1);
    await waitFor(() => h.connection.status().lastHeartbeatTs! > firstHeartbeat, 'a heartbeat answer');
    expect(h.connection.status().state).toBe('connected');
  });

  it('declares OpenD dead after two unanswered KeepAlives, says so, and reconnects once it answers again', async () => {
    h = await harness({}, { keepAliveIntervalSec: 1 });
    h.log.clear();
    h.fake.silenceKeepAlive();
    const down = await waitFor(() => h.log.of('status').find((e) => e.status.state === 'connecting'), 'dead-server detection', 10_000);
    expect(down.status.error).toMatch(/Futu OpenD stopped answering heartbeats \(2 KeepAlives of 1000 ms unanswered\)/);
    expect(h.fake.requestsOf(PROTO.KeepAlive, 1).length).toBeGreaterThanOrEqual(2);
    h.fake.silenceKeepAlive(false);
    await waitFor(() => h.log.of('resynced')[0], 'resync after the hang', 10_000);
    expect(h.connection.status()).toMatchObject({ state: 'connected', error: null });
  });
});
