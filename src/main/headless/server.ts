// The headless host: the engine, the built renderer over HTTP and the Cockpit API over a
// WebSocket, all bound to 127.0.0.1. A session token (in the page URL) is required for the API.
// Only requests addressed to this host by a loopback name are answered (a page on another site
// that re-points its own name at 127.0.0.1 — DNS rebinding — is refused), and /healthz tells a
// caller without the token nothing but that the server is up.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Channel } from '../../shared/api/protocol.js';
import { MAX_FRAME_BYTES } from '../../shared/api/protocol.js';
import { serveChannel, type BufferedChannel } from '../engine/api-server.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { StartupError } from '../store/errors.js';
import { securityHeaders, serveStatic } from './static.js';

export const DEFAULT_PORT = 7717;
/** Close code the renderer shows as "session token rejected". */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** Frames above this are dropped by ws itself (the API answers PAYLOAD_TOO_LARGE below it). */
const WS_MAX_PAYLOAD = 4 * MAX_FRAME_BYTES;

export interface HeadlessOptions extends EngineOptions {
  port?: number;
  rendererDir: string;
  /** Fixed token (tests, scripts); a random one otherwise. */
  token?: string;
}

export interface HeadlessHost {
  engine: Engine;
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The Cockpit API over a WebSocket; its backlog lets the server resync a subscriber that stops reading. */
export function wsChannel(socket: WebSocket): BufferedChannel {
  return {
    send: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    },
    bufferedAmount: () => socket.bufferedAmount,
    onMessage: (listener) =>
      socket.on('message', (data, isBinary) => {
        listener(isBinary ? (null as unknown as string) : data.toString());
      }),
    onClose: (listener) => socket.on('close', () => listener()),
    close: () => socket.close(),
  };
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host names a browser on this machine uses for the server; anything else is a rebinding attempt. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

/** True when the Host header names this server by a loopback name and its port (HTTP/1.1 always sends Host). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const given = host.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => given === `${name}:${port}` || (port === 80 && given === name));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new StartupError('PORT_IN_USE', `Port ${port} on 127.0.0.1 is already in use (another Deltadeck or another program). Pass --port N, or --port 0 for any free port.`));
      } else if (error.code === 'EACCES') {
        reject(new StartupError('PORT_IN_USE', `Not allowed to listen on port ${port}. Pass --port N with N above 1024, or --port 0.`));
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export async function startHeadless(options: HeadlessOptions): Promise<HeadlessHost> {
  const engine = await Engine.open(options);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const uiBuilt = existsSync(join(options.rendererDir, 'index.html'));

  let port = 0;
  const server = createServer((req, res) => {
    securityHeaders(res);
    if (!isLoopbackHost(req.headers.host, port)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        .end(`This Deltadeck only answers http://127.0.0.1:${port}/ and http://localhost:${port}/.`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (req.url === '/healthz') {
      // Liveness only: no version, mode, data folder or process id for a caller without the token.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"ok":true}');
      return;
    }
    if (!uiBuilt) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The cockpit UI is not built. Run `npm run build` and start again.');
      return;
    }
    serveStatic(options.rendererDir, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    if (url.pathname !== '/api' || !isLoopbackHost(req.headers.host, port) || (origin !== undefined && !allowedOrigins.includes(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'Session token rejected');
        return;
      }
      ws.on('error', (error) => engine.log.warn({ err: error }, 'websocket error'));
      serveChannel(engine, wsChannel(ws));
    });
  });

  try {
    port = await listen(server, options.port ?? DEFAULT_PORT);
  } catch (error) {
    await engine.close();
    throw error;
  }
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  engine.setLockUrl(`http://127.0.0.1:${port}/`);

  let closing: Promise<void> | undefined;
  return {
    engine,
    url,
    port,
    token,
    close: () =>
      (closing ??= (async () => {
        for (const client of wss.clients) client.close(1001, 'Deltadeck is shutting down');
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await engine.close();
      })()),
  };
}
