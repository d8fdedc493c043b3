import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCockpitStore, commitCockpitState, isReady, type CockpitStore } from '../stores/cockpit-store.js';
import { StateFeed } from '../stores/state-feed.js';
import { EngineConnection } from './connection.js';
import { TransportError, type OpenedChannel } from './channel-base.js';
import { FakeEngineChannel } from '../testing/fake-engine.js';
import { cockpitState, quote } from '../testing/fixtures.js';

const immediateFrames = { request: (cb: () => void) => (cb(), () => {}) };

function setup(openQueue: (() => Promise<OpenedChannel>)[], extra: { heartbeatMs?: number; onTokenRejected?: () => void } = {}) {
  const store: CockpitStore = createCockpitStore();
  const feed = new StateFeed((s, snap) => commitCockpitState(store, s, snap, Date.now()), immediateFrames);
  const open = vi.fn(() => {
    const next = openQueue.shift();
    if (!next) return Promise.reject(new TransportError('no more engines'));
    return next();
  });
  const connection = new EngineConnection({
    store,
    feed,
    transport: 'websocket',
    open,
    random: () => 0.5,
    heartbeatMs: extra.heartbeatMs ?? 0,
    heartbeatTimeoutMs: 1_000,
    ...(extra.onTokenRejected ? { onTokenRejected: extra.onTokenRejected } : {}),
  });
  return { store, connection, open };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('EngineConnection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('subscribes to state, goes live on the snapshot and applies patches', async () => {
    const engine = new FakeEngineChannel();
    const { store, connection } = setup([() => Promise.resolve(engine.opened)]);
    connection.start();
    await settle();
    expect(engine.subscriptions).toEqual(['state']);
    expect(store.getState().connection.phase).toBe('connecting');
    expect(isReady(store.getState())).toBe(false);

    engine.emit('state', { type: 'snapshot', state: cockpitState({ seq: 5 }) });
    expect(store.getState().connection.phase).toBe('live');
    expect(isReady(store.getState())).toBe(true);
    expect(store.getState().snapshotGeneration).toBe(1);

    engine.emit('state', { type: 'patch', patch: { seq: 6, quotes: { AAPL: quote('AAPL', 123.45) } } });
    expect(store.getState().cockpit?.quotes.AAPL?.last).toBe(123.45);
    expect(connection.currentClient).not.toBeNull();
  });

  it('shows reconnecting on close, keeps the last state, and a new snapshot replaces it', async () => {
    const first = new FakeEngineChannel();
    const second = new FakeEngineChannel();
    const { store, connection, open } = setup([() => Promise.resolve(first.opened), () => Promise.resolve(second.opened)]);
    connection.start();
    await settle();
    first.emit('state', { type: 'snapshot', state: cockpitState({ seq: 50, mode: 'REAL' }) });

    first.closeFromEngine(1006);
    const lost = store.getState();
    expect(lost.connection.phase).toBe('reconnecting');
    expect(isReady(lost)).toBe(false);
    expect(lost.cockpit?.mode).toBe('REAL'); // stale but still shown
    expect(lost.connection.nextRetryAt).not.toBeNull();
    expect(connection.currentClient).toBeNull();

    await vi.advanceTimersByTimeAsync(499);
    expect(open).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(open).toHaveBeenCalledTimes(2);
    expect(second.subscriptions).toEqual(['state']);

    // A patch before the new connection's snapshot must not touch the old state.
    second.emit('state', { type: 'patch', patch: { seq: 51, mode: 'OFF' } });
    expect(store.getState().cockpit?.mode).toBe('REAL');

    second.emit('state', { type: 'snapshot', state: cockpitState({ seq: 1, mode: 'DRY_RUN' }) });
    expect(store.getState().connection.phase).toBe('live');
    expect(store.getState().cockpit).toMatchObject({ seq: 1, mode: 'DRY_RUN' });
    expect(store.getState().snapshotGeneration).toBe(2);
  });

  it('backs off between failed attempts and resets after a live connection', async () => {
    const engine = new FakeEngineChannel();
    const fail = () => Promise.reject(new TransportError('refused', 1006));
    const { store, connection, open } = setup([fail, fail, fail, () => Promise.resolve(engine.opened)]);
    connection.start();
    await settle();
    expect(store.getState().connection).toMatchObject({ phase: 'connecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(500); // retry 1 after 500 ms
    expect(open).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(open).toHaveBeenCalledTimes(2); // retry 2 waits 1000 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(open).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(open).toHaveBeenCalledTimes(4);
    engine.emit('state', { type: 'snapshot', state: cockpitState() });
    expect(store.getState().connection).toMatchObject({ phase: 'live', attempt: 0, nextRetryAt: null });
  });

  it('stops on a rejected token (close code 4401) instead of retrying', async () => {
    const onTokenRejected = vi.fn();
    const { store, connection, open } = setup([() => Promise.reject(new TransportError('closed', 4401))], { onTokenRejected });
    connection.start();
    await settle();
    expect(store.getState().connection.phase).toBe('token-rejected'); // never live: a wrong token, not a restart
    expect(onTokenRejected).toHaveBeenCalledTimes(1);
    expect(onTokenRejected).toHaveBeenCalledWith(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('treats a 4401 close after the socket opened as a rejected token too', async () => {
    const engine = new FakeEngineChannel();
    const { store, connection, open } = setup([() => Promise.resolve(engine.opened)]);
    connection.start();
    await settle();
    engine.closeFromEngine(4401);
    expect(store.getState().connection.phase).toBe('token-rejected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('an engine that stops is noticed at once; while it is down every attempt fails with backoff, then it reconnects by itself', async () => {
    const before = new FakeEngineChannel();
    const after = new FakeEngineChannel();
    const down = () => Promise.reject(new TransportError('connection refused', 1006));
    const { store, connection, open } = setup([() => Promise.resolve(before.opened), down, down, () => Promise.resolve(after.opened)]);
    connection.start();
    await settle();
    before.emit('state', { type: 'snapshot', state: cockpitState({ seq: 9, mode: 'DRY_RUN' }) });
    expect(isReady(store.getState())).toBe(true);

    before.closeFromEngine(1001); // the server shutting down
    // No timer has run: the loss shows immediately, not at the next heartbeat.
    expect(store.getState().connection.phase).toBe('reconnecting');
    expect(isReady(store.getState())).toBe(false); // every money control keys off this
    expect(connection.currentClient).toBeNull();

    await vi.advanceTimersByTimeAsync(500); // attempt 1: refused
    await vi.advanceTimersByTimeAsync(1_000); // attempt 2: refused
    expect(open).toHaveBeenCalledTimes(3);
    expect(store.getState().connection).toMatchObject({ phase: 'reconnecting', attempt: 3 });
    expect(store.getState().cockpit?.seq).toBe(9); // the last figures stay on screen, marked stale
    await vi.advanceTimersByTimeAsync(1_999);
    expect(open).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1); // attempt 3: the engine is back with the same token
    expect(open).toHaveBeenCalledTimes(4);
    after.emit('state', { type: 'snapshot', state: cockpitState({ seq: 1 }) });
    expect(store.getState().connection).toMatchObject({ phase: 'live', attempt: 0 });
    expect(isReady(store.getState())).toBe(true);
  });

  it('a token refused after being live means the engine restarted with a new one: it says so and stops retrying', async () => {
    const onTokenRejected = vi.fn();
    const engine = new FakeEngineChannel();
    const { store, connection, open } = setup(
      [() => Promise.resolve(engine.opened), () => Promise.reject(new TransportError('closed', 4401))],
      { onTokenRejected },
    );
    connection.start();
    await settle();
    engine.emit('state', { type: 'snapshot', state: cockpitState() });
    engine.closeFromEngine(1001);
    await vi.advanceTimersByTimeAsync(500);
    expect(store.getState().connection.phase).toBe('engine-restarted');
    expect(onTokenRejected).toHaveBeenCalledWith(true);
    expect(isReady(store.getState())).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('closes a transport that stops answering pings and reconnects', async () => {
    const hung = new FakeEngineChannel(() => null); // never answers calls
    const next = new FakeEngineChannel();
    const { store, connection, open } = setup([() => Promise.resolve(hung.opened), () => Promise.resolve(next.opened)], {
      heartbeatMs: 5_000,
    });
    connection.start();
    await settle();
    hung.emit('state', { type: 'snapshot', state: cockpitState() });
    await vi.advanceTimersByTimeAsync(5_000); // ping sent
    expect(hung.callsOf('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000); // ping timed out → closed
    expect(store.getState().connection.phase).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(open).toHaveBeenCalledTimes(2);
    expect(next.subscriptions).toEqual(['state']);
  });

  it('stop() closes the client and cancels pending retries', async () => {
    const engine = new FakeEngineChannel();
    const { connection, open } = setup([() => Promise.resolve(engine.opened)]);
    connection.start();
    await settle();
    connection.stop();
    expect(engine.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(1);
  });
});
