// KeepAlive at the interval OpenD announces, and detection of an OpenD that stopped answering.
// The connection and the fake share an injected clock and the heartbeat runs on a manual
// scheduler: the test steps time ("one interval later: one KeepAlive") and never measures it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualTime } from '../../timers.testing.js';
import { PROTO } from './proto.js';
import { harness, waitFor, type Harness } from './testing.js';

/** A Monday 10:00 New York. */
const T0 = Date.parse('2026-06-08T14:00:00Z');
const INTERVAL_MS = 1_000;

let h: Harness;
let time: ManualTime;
let firstConnection: number;

beforeEach(async () => {
  time = new ManualTime(T0);
  h = await harness({ now: time.now, timers: time }, { keepAliveIntervalSec: INTERVAL_MS / 1000, now: time.now });
  firstConnection = h.fake.lastConnection;
});

afterEach(async () => {
  await h.close();
});

const keepAlives = (conn = firstConnection) => h.fake.requestsOf(PROTO.KeepAlive, conn);
const heartbeatAnsweredAt = (ts: number) => waitFor(() => h.connection.status().lastHeartbeatTs === ts, `the KeepAlive answer at T0 + ${ts - T0} ms`);
const wentDown = () => h.log.of('status').find((e) => e.status.state === 'connecting');

describe('KeepAlive', () => {
  it('heartbeats at the interval OpenD gave in InitConnect, with the clock’s time, and records each answer', async () => {
    expect(h.connection.keepAliveIntervalMs).toBe(INTERVAL_MS);
    expect(time.intervals).toEqual([INTERVAL_MS]);
    expect(h.connection.status().lastHeartbeatTs).toBe(T0); // counted from the handshake
    for (let i = 1; i <= 3; i++) {
      time.advance(INTERVAL_MS);
      await heartbeatAnsweredAt(T0 + i * INTERVAL_MS);
      expect(keepAlives()).toHaveLength(i);
      const sent = keepAlives()[i - 1]!;
      expect(sent.ts).toBe(T0 + i * INTERVAL_MS);
      expect((sent.c2s as { time: { toNumber(): number } }).time.toNumber()).toBe((T0 + i * INTERVAL_MS) / 1000);
    }
    expect(h.connection.status().state).toBe('connected');
  });

  it('declares OpenD dead at the check after two unanswered KeepAlives, says so, and reconnects once it answers again', async () => {
    h.log.clear();
    h.fake.silenceKeepAlive();
    time.advance(INTERVAL_MS);
    time.advance(INTERVAL_MS);
    await waitFor(() => keepAlives().length === 2 || undefined, 'two KeepAlives at OpenD');
    expect(h.connection.status()).toMatchObject({ state: 'connected', lastHeartbeatTs: T0 });
    expect(wentDown()).toBeUndefined();

    h.fake.silenceKeepAlive(false); // OpenD would answer again; this session is judged at the next check
    time.advance(INTERVAL_MS);
    const down = await waitFor(wentDown, 'dead-server detection');
    expect(down.status.error).toMatch(/Futu OpenD stopped answering heartbeats \(2 KeepAlives of 1000 ms unanswered\)/);
    expect(keepAlives()).toHaveLength(2); // the third check ended the session instead of sending a third

    await waitFor(() => h.log.of('resynced')[0], 'resync after the hang');
    expect(h.connection.status()).toMatchObject({ state: 'connected', error: null });
    expect(h.fake.lastConnection).toBe(firstConnection + 1);
    expect(time.intervals).toEqual([INTERVAL_MS]); // the dead session's heartbeat stopped; the new one's runs
    time.advance(INTERVAL_MS);
    await heartbeatAnsweredAt(time.now());
    expect(keepAlives(firstConnection + 1)).toHaveLength(1);
  });

  it('an answered KeepAlive resets the count: only misses in a row declare OpenD dead', async () => {
    h.log.clear();
    h.fake.silenceKeepAlive();
    time.advance(INTERVAL_MS); // #1 unanswered
    await waitFor(() => keepAlives().length === 1 || undefined, 'KeepAlive 1');
    h.fake.silenceKeepAlive(false);
    time.advance(INTERVAL_MS); // #2 answered
    await heartbeatAnsweredAt(T0 + 2 * INTERVAL_MS);
    h.fake.silenceKeepAlive();
    time.advance(INTERVAL_MS); // #3 unanswered
    time.advance(INTERVAL_MS); // #4 unanswered
    await waitFor(() => keepAlives().length === 4 || undefined, 'KeepAlives 3 and 4');
    expect(wentDown()).toBeUndefined();
    expect(h.connection.status().state).toBe('connected');
    time.advance(INTERVAL_MS); // two in a row now
    await waitFor(wentDown, 'dead-server detection');
    expect(keepAlives()).toHaveLength(4);
    h.fake.silenceKeepAlive(false);
  });
});
