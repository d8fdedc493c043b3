import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/api/protocol.js';
import { MAX_FRAME_BYTES } from '../../shared/api/protocol.js';
import { serveChannel } from './api-server.js';
import type { Engine } from './engine.js';
import { makeTempDir, openTestEngine, waitFor } from './testing.js';
import { createChannelPair } from './transports/in-process.js';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;

beforeAll(async () => {
  tmp = makeTempDir();
  engine = await openTestEngine(tmp.dir);
});
afterAll(async () => {
  await engine.close();
  tmp.remove();
});

/** A raw client that sends arbitrary frames and records every reply. */
function rawClient(): { send(frame: unknown): void; frames: any[]; channel: Channel } {
  const [client, server] = createChannelPair();
  serveChannel(engine, server);
  const frames: any[] = [];
  client.onMessage((f) => frames.push(JSON.parse(f)));
  return { send: (frame) => client.send(frame as string), frames, channel: client };
}

describe('Cockpit API server: every frame validated, bad input answered, nothing crashes', () => {
  it('rejects non-JSON, oversized, non-string and malformed frames with clear errors and keeps serving', async () => {
    const c = rawClient();
    c.send('{not json');
    c.send('x'.repeat(MAX_FRAME_BYTES + 1));
    c.send(42 as unknown as string);
    c.send(JSON.stringify({ t: 'call', id: 'seven', cmd: 'ping' }));
    c.send(JSON.stringify({ t: 'call', id: 9, cmd: 'ping', extra: { deep: [1, 2, 3] }, req: 5 }));
    c.send(JSON.stringify({ t: 'teleport' }));
    await waitFor(() => c.frames.length >= 6, 'six replies');
    const codes = c.frames.map((f) => (f.t === 'error' ? f.error.code : f.result.error?.code));
    expect(codes).toEqual(['BAD_MESSAGE', 'PAYLOAD_TOO_LARGE', 'BAD_MESSAGE', 'BAD_MESSAGE', 'INVALID_REQUEST', 'BAD_MESSAGE']);
    // Still alive: a good call after the garbage is answered.
    c.send(JSON.stringify({ t: 'call', id: 10, cmd: 'ping', req: {} }));
    const pong = await waitFor(() => c.frames.find((f) => f.t === 'result' && f.id === 10), 'pong');
    expect(pong.result.ok).toBe(true);
    expect(pong.result.value.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('answers unknown commands and streams, and invalid requests, with their codes', async () => {
    const c = rawClient();
    c.send(JSON.stringify({ t: 'call', id: 1, cmd: 'orders.nuke', req: {} }));
    c.send(JSON.stringify({ t: 'call', id: 2, cmd: 'ticket.create', req: { intent: { symbol: 'SPY', side: 'BUY', qty: -5, orderType: 'MARKET' } } }));
    c.send(JSON.stringify({ t: 'call', id: 3, cmd: 'mode.set', req: { mode: 'YOLO' } }));
    c.send(JSON.stringify({ t: 'call', id: 4, cmd: '__proto__', req: {} }));
    c.send(JSON.stringify({ t: 'sub', stream: 'secrets' }));
    await waitFor(() => c.frames.length >= 5, 'five replies');
    const byId = (id: number) => c.frames.find((f) => f.id === id).result;
    expect(byId(1).error.code).toBe('UNKNOWN_COMMAND');
    expect(byId(2).error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(byId(2).error.message).toMatch(/intent\.qty/);
    expect(byId(3).error.code).toBe('INVALID_REQUEST');
    expect(byId(4).error.code).toBe('UNKNOWN_COMMAND');
    expect(c.frames.find((f) => f.t === 'error').error.code).toBe('UNKNOWN_STREAM');
    expect(engine.getMode()).toBe('DRY_RUN');
  });

  it('sends a snapshot on subscribe and stops sending after unsubscribe or close', async () => {
    const c = rawClient();
    c.send(JSON.stringify({ t: 'sub', stream: 'state' }));
    await waitFor(() => c.frames.some((f) => f.t === 'event' && f.data.type === 'patch'), 'a patch');
    expect(c.frames[0]).toMatchObject({ t: 'event', stream: 'state', data: { type: 'snapshot' } });
    const before = engine.publisher.subscriberCount;
    c.send(JSON.stringify({ t: 'unsub', stream: 'state' }));
    await waitFor(() => engine.publisher.subscriberCount === before - 1, 'unsubscribe');
    const c2 = rawClient();
    c2.send(JSON.stringify({ t: 'sub', stream: 'state' }));
    await waitFor(() => engine.publisher.subscriberCount === before, 'second subscriber');
    c2.channel.close();
    expect(engine.publisher.subscriberCount).toBe(before - 1);
  });
});
