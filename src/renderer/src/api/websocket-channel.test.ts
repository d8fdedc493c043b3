// Runs the browser WebSocket transport against a real `ws` server on loopback, with the `ws`
// client standing in for the browser's WebSocket (same event API: open/message/close, code).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { TransportError } from './channel-base.js';
import { openWebSocketChannel, TOKEN_REJECTED_CLOSE_CODE } from './websocket-channel.js';

let server: WebSocketServer;
let base: string;

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WsClient;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (socket, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('token') !== 'good') {
      socket.close(TOKEN_REJECTED_CLOSE_CODE, 'Session token rejected');
      return;
    }
    socket.send('{"t":"hello"}'); // sent right away: must not be lost before the client listens
    socket.on('message', (data) => {
      const text = data.toString();
      if (text === 'bye') socket.close(1011, 'server going away');
      else socket.send(`echo:${text}`);
    });
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('openWebSocketChannel', () => {
  it('opens, keeps early frames until the client listens, and exchanges strings', async () => {
    const { channel, closeCode } = await openWebSocketChannel(`${base}/api?token=good`, 2_000);
    await new Promise((r) => setTimeout(r, 50));
    const received: string[] = [];
    channel.onMessage((frame) => received.push(frame));
    expect(received).toEqual(['{"t":"hello"}']);
    channel.send('ping');
    await vi.waitFor(() => expect(received).toContain('echo:ping'));

    const closed = vi.fn();
    channel.onClose(closed);
    channel.send('bye');
    await vi.waitFor(() => expect(closed).toHaveBeenCalledTimes(1));
    expect(closeCode()).toBe(1011);
  });

  it('surfaces the 4401 close code of a rejected token', async () => {
    // The server accepts the upgrade then closes with 4401: depending on timing the client sees
    // the close after `open` (channel closes with the code) or before it (open rejects with it).
    try {
      const { channel, closeCode } = await openWebSocketChannel(`${base}/api?token=bad`, 2_000);
      await new Promise<void>((resolve) => channel.onClose(resolve));
      expect(closeCode()).toBe(TOKEN_REJECTED_CLOSE_CODE);
    } catch (error) {
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).closeCode).toBe(TOKEN_REJECTED_CLOSE_CODE);
    }
  });

  it('rejects when nothing listens', async () => {
    const probe = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => probe.once('listening', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(openWebSocketChannel(`ws://127.0.0.1:${port}/api?token=good`, 2_000)).rejects.toBeInstanceOf(TransportError);
  });

  it('closing locally fires close once', async () => {
    const { channel } = await openWebSocketChannel(`${base}/api?token=good`, 2_000);
    const closed = vi.fn();
    channel.onClose(closed);
    channel.close();
    channel.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toHaveBeenCalledTimes(1);
  });
});
