import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { CockpitClient } from '../../../shared/api/client.js';
import type { StreamMessage } from '../../../shared/api/contract.js';
import type { Channel } from '../../../shared/api/protocol.js';
import { serveChannel } from '../api-server.js';
import { Engine } from '../engine.js';
import { messagePortChannel } from './message-port.js';
import { electronShapedPort } from './message-port.testing.js';

const nextMessage = (channel: Channel): Promise<string> => new Promise((resolve) => channel.onMessage(resolve));
const closed = (channel: Channel): Promise<void> => new Promise((resolve) => channel.onClose(resolve));

const openPorts: MessagePort[] = [];
function channelPair(): { shell: MessagePort; engine: Channel; renderer: Channel } {
  const { port1, port2 } = new MessageChannel();
  openPorts.push(port1, port2);
  return { shell: port2, engine: messagePortChannel(electronShapedPort(port1)), renderer: messagePortChannel(electronShapedPort(port2)) };
}

afterEach(() => {
  for (const port of openPorts.splice(0)) port.close();
});

describe('messagePortChannel', () => {
  it('carries string frames both ways', async () => {
    const { engine, renderer } = channelPair();
    const atEngine = nextMessage(engine);
    renderer.send('{"t":"sub","stream":"state"}');
    expect(await atEngine).toBe('{"t":"sub","stream":"state"}');
    const atRenderer = nextMessage(renderer);
    engine.send('{"t":"event","stream":"state","data":1}');
    expect(await atRenderer).toBe('{"t":"event","stream":"state","data":1}');
  });

  it('drops anything that is not a string frame', async () => {
    const { port1, port2 } = new MessageChannel();
    openPorts.push(port1, port2);
    const engine = messagePortChannel(electronShapedPort(port1));
    const received: string[] = [];
    engine.onMessage((frame) => received.push(frame));
    port2.postMessage({ t: 'call', id: 1, cmd: 'ping', req: {} });
    port2.postMessage(42);
    port2.postMessage('{"t":"call","id":2,"cmd":"ping","req":{}}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(['{"t":"call","id":2,"cmd":"ping","req":{}}']);
  });

  it('reports a close from the other side once, and stops sending', async () => {
    const { engine, renderer } = channelPair();
    let closes = 0;
    engine.onClose(() => closes++);
    const engineClosed = closed(engine);
    renderer.close();
    await engineClosed;
    engine.send('{"t":"error"}'); // must not throw on a closed port
    engine.close();
    expect(closes).toBe(1);
    let lateListenerCalled = false;
    engine.onClose(() => (lateListenerCalled = true));
    expect(lateListenerCalled).toBe(true);
  });

  it('carries a CockpitClient call and an event stream', async () => {
    const { engine, renderer } = channelPair();
    // A stand-in server: answers ping and pushes one state event on subscribe.
    engine.onMessage((raw) => {
      const frame = JSON.parse(raw) as { t: string; id?: number; stream?: string };
      if (frame.t === 'call') {
        engine.send(JSON.stringify({ t: 'result', id: frame.id, result: { ok: true, value: { ts: 1, version: 'test' } } }));
      } else if (frame.t === 'sub') {
        engine.send(JSON.stringify({ t: 'event', stream: frame.stream, data: { type: 'patch', patch: {} } }));
      }
    });
    const client = new CockpitClient(renderer, 2_000);
    const pong = await client.call('ping', {});
    expect(pong).toEqual({ ok: true, value: { ts: 1, version: 'test' } });
    const event = await new Promise<unknown>((resolve) => client.subscribe('state', resolve));
    expect(event).toEqual({ type: 'patch', patch: {} });
    client.close();
    expect(client.isClosed).toBe(true);
  });

  it('fails pending calls when the engine side goes away', async () => {
    const { engine, renderer } = channelPair();
    const client = new CockpitClient(renderer, 5_000);
    const call = client.call('ping', {});
    await nextMessage(engine);
    engine.close();
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('DISCONNECTED');
  });
});

describe('Cockpit API over a MessagePort, against the real engine', () => {
  it('answers calls, streams state, and survives one client leaving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-port-'));
    const engine = await Engine.open({ dataDir, seed: 7, logLevel: 'silent' });
    try {
      const { engine: engineSide, renderer } = channelPair();
      const served = serveChannel(engine, engineSide);
      engineSide.onClose(() => served.close());
      const client = new CockpitClient(renderer, 5_000);

      const pong = await client.invoke('ping', {});
      expect(pong.version).toMatch(/\d+\.\d+\.\d+/);

      const state = await client.invoke('state.get', {});
      expect(Number.isFinite(state.account.nav)).toBe(true);

      const snapshot = await new Promise<Extract<StreamMessage<'state'>, { type: 'snapshot' }>>((resolve) => {
        const stop = client.subscribe('state', (message) => {
          if (message.type === 'snapshot') {
            stop();
            resolve(message);
          }
        });
      });
      expect(snapshot.state.account.nav).toBeGreaterThan(0);

      const invalid = await client.call('mode.set', { mode: 'REAL' });
      expect(invalid.ok).toBe(false);

      // A second renderer (e.g. after a reload) keeps working when the first one goes away.
      client.close();
      const { engine: engineSide2, renderer: renderer2 } = channelPair();
      serveChannel(engine, engineSide2);
      const second = new CockpitClient(renderer2, 5_000);
      expect((await second.call('ping', {})).ok).toBe(true);
      second.close();
    } finally {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
