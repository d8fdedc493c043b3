import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel, type MessagePort as NodeMessagePort } from 'node:worker_threads';
import { PORT_MESSAGE_TYPE, type DeltadeckBridge } from '../../../shared/api/bridge.js';
import { TransportError } from './channel-base.js';
import { DesktopPortSource } from './port-channel.js';

/** Stands in for `window`: records its message listener so the test can deliver preload messages. */
function fakeWindow() {
  let listener: ((event: MessageEvent) => void) | null = null;
  const win = {
    addEventListener: (type: string, l: (event: MessageEvent) => void) => {
      if (type === 'message') listener = l;
    },
    removeEventListener: () => {
      listener = null;
    },
  };
  const deliver = (event: { source: unknown; data: unknown; ports: unknown[] }) => listener?.(event as unknown as MessageEvent);
  return { win: win as unknown as Window, deliver, hasListener: () => listener !== null };
}

const asDomPort = (p: NodeMessagePort) => p as unknown as MessagePort;
const nextMessage = (port: NodeMessagePort) => new Promise<unknown>((resolve) => port.once('message', resolve));

describe('DesktopPortSource', () => {
  const open: NodeMessagePort[] = [];
  afterEach(() => {
    for (const p of open.splice(0)) p.close();
    vi.useRealTimers();
  });

  it('requests a port and wraps the one the preload posts as a string channel', async () => {
    const { win, deliver } = fakeWindow();
    const bridge: DeltadeckBridge = { platform: 'desktop', appVersion: 't', requestEnginePort: vi.fn() };
    const source = new DesktopPortSource(bridge, win);
    const pending = source.open(1_000);
    expect(bridge.requestEnginePort).toHaveBeenCalledTimes(1);

    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    deliver({ source: {}, data: { type: PORT_MESSAGE_TYPE }, ports: [asDomPort(port2)] }); // not from this window: ignored
    deliver({ source: win, data: { type: 'something-else' }, ports: [asDomPort(port2)] }); // wrong type: ignored
    deliver({ source: win, data: { type: PORT_MESSAGE_TYPE }, ports: [asDomPort(port2)] });
    const { channel } = await pending;

    const received: string[] = [];
    channel.onMessage((frame) => received.push(frame));
    const fromRenderer = nextMessage(port1);
    channel.send('{"t":"sub","stream":"state"}');
    expect(await fromRenderer).toBe('{"t":"sub","stream":"state"}');

    port1.postMessage('{"t":"event"}');
    await vi.waitFor(() => expect(received).toEqual(['{"t":"event"}']));
  });

  it('reports the engine end closing', async () => {
    const { win, deliver } = fakeWindow();
    const source = new DesktopPortSource({ platform: 'desktop', appVersion: 't', requestEnginePort: () => {} }, win);
    const pending = source.open(1_000);
    const { port1, port2 } = new MessageChannel();
    open.push(port2);
    deliver({ source: win, data: { type: PORT_MESSAGE_TYPE }, ports: [asDomPort(port2)] });
    const { channel } = await pending;
    const closed = vi.fn();
    channel.onClose(closed);
    port1.close();
    await vi.waitFor(() => expect(closed).toHaveBeenCalledTimes(1));
  });

  it('times out when the shell never answers, and closes a port that arrives late', async () => {
    const { win, deliver } = fakeWindow();
    const source = new DesktopPortSource({ platform: 'desktop', appVersion: 't', requestEnginePort: () => {} }, win);
    await expect(source.open(20)).rejects.toBeInstanceOf(TransportError);

    const { port1, port2 } = new MessageChannel();
    const engineSideClosed = new Promise<void>((resolve) => port1.once('close', () => resolve()));
    deliver({ source: win, data: { type: PORT_MESSAGE_TYPE }, ports: [asDomPort(port2)] });
    await engineSideClosed; // the orphan port was closed, so the engine can drop its end
  });

  it('stops listening when disposed', () => {
    const { win, hasListener } = fakeWindow();
    const source = new DesktopPortSource({ platform: 'desktop', appVersion: 't', requestEnginePort: () => {} }, win);
    expect(hasListener()).toBe(true);
    source.dispose();
    expect(hasListener()).toBe(false);
  });
});
