// The fake Tiger push server: TLS on loopback speaking the varint-delimited protobuf protocol.
// It checks CONNECT's signature over the tiger_id with the developer's public key, answers
// heartbeats, acknowledges (un)subscriptions with Tiger's MESSAGE codes 112/113 and sends
// quote, order-status and transaction pushes to the sessions subscribed to them. Faults for
// tests: duplicate every push, hold pushes and release them in reverse order, freeze (stop
// answering anything while keeping the socket open), refuse logins, kill every connection.
import type { KeyObject } from 'node:crypto';
import tls from 'node:tls';
import { Command, DataType, decodeRequest, encodeResponse, FrameReader, ResponseCode, type PushRequest } from '../proto.js';
import { rsaVerify } from '../signing.js';

interface Session {
  socket: tls.TLSSocket;
  loggedIn: boolean;
  quotes: Map<number, Set<string>>;
  accounts: Set<string>;
  held: Uint8Array[];
  holdTimer?: ReturnType<typeof setTimeout>;
}

export interface PushFaults {
  /** Send every push twice. */
  duplicate: boolean;
  /** Hold pushes for `reorderWindowMs`, then send them newest first. */
  reorder: boolean;
  reorderWindowMs: number;
  /** Read nothing and send nothing (a hung server behind a live TCP connection). */
  frozen: boolean;
  /** Refuse logins as if the signature were wrong. */
  rejectLogin: boolean;
  /** Refuse quote subscriptions as Tiger does when the account's symbol quota is used up. */
  refuseQuoteSubscriptions: boolean;
}

export interface FakePushServerOptions {
  key: string;
  cert: string;
  tigerId: string;
  developerKey: KeyObject;
}

export class FakePushServer {
  readonly faults: PushFaults = { duplicate: false, reorder: false, reorderWindowMs: 30, frozen: false, rejectLogin: false, refuseQuoteSubscriptions: false };
  /** Counters for tests: logins accepted, subscriptions acknowledged, heartbeats answered. */
  readonly stats = { logins: 0, subscribes: 0, heartbeats: 0, pushes: 0 };
  private readonly sessions = new Set<Session>();
  private server: tls.Server | undefined;

  constructor(private readonly options: FakePushServerOptions) {}

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = tls.createServer({ key: this.options.key, cert: this.options.cert }, (socket) => this.accept(socket));
    server.on('tlsClientError', () => {
      // a client that gave up during the handshake; nothing to do
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.killConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every push connection at once (clients must reconnect and resubscribe). */
  killConnections(): void {
    for (const session of this.sessions) {
      clearTimeout(session.holdTimer);
      session.socket.destroy();
    }
    this.sessions.clear();
  }

  get connectionCount(): number {
    return [...this.sessions].filter((s) => s.loggedIn).length;
  }

  /** Every symbol some session is subscribed to under a data type. */
  subscribedSymbols(dataType: number): Set<string> {
    const out = new Set<string>();
    for (const session of this.sessions) for (const s of session.quotes.get(dataType) ?? []) out.add(s);
    return out;
  }

  /** Sends a quote push to sessions subscribed to `tigerSymbol` under `dataType` (Quote or Option). */
  pushQuote(dataType: number, tigerSymbol: string, quoteData: Record<string, unknown>): void {
    for (const session of this.sessions) {
      if (session.quotes.get(dataType)?.has(tigerSymbol)) this.push(session, { command: Command.MESSAGE, body: { dataType, quoteData } });
    }
  }

  /** Sends an account push (OrderStatus or OrderTransaction) to sessions subscribed to it. */
  pushAccount(dataType: number, account: string, field: 'orderStatusData' | 'orderTransactionData', data: Record<string, unknown>): void {
    for (const session of this.sessions) {
      if (session.accounts.has(`${dataType}|${account}`)) this.push(session, { command: Command.MESSAGE, body: { dataType, [field]: data } });
    }
  }

  private accept(socket: tls.TLSSocket): void {
    const session: Session = { socket, loggedIn: false, quotes: new Map(), accounts: new Set(), held: [] };
    this.sessions.add(session);
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      if (this.faults.frozen) return;
      let frames: Uint8Array[];
      try {
        frames = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        let request: PushRequest;
        try {
          request = decodeRequest(frame);
        } catch {
          socket.destroy();
          return;
        }
        this.handle(session, request);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(session.holdTimer);
      this.sessions.delete(session);
    });
  }

  private handle(session: Session, request: PushRequest): void {
    const { socket } = session;
    if (!session.loggedIn) {
      const connect = request.connect;
      const ok =
        request.command === Command.CONNECT &&
        connect !== undefined &&
        !this.faults.rejectLogin &&
        connect.tigerId === this.options.tigerId &&
        rsaVerify(this.options.developerKey, connect.tigerId, connect.sign);
      if (!ok) {
        socket.end(encodeResponse({ command: Command.ERROR, id: request.id, code: 4, msg: 'access forbidden: sign verify failed' }));
        return;
      }
      session.loggedIn = true;
      this.stats.logins++;
      socket.write(encodeResponse({ command: Command.CONNECTED, id: request.id, msg: 'connected' }));
      return;
    }
    switch (request.command) {
      case Command.HEARTBEAT:
        this.stats.heartbeats++;
        socket.write(encodeResponse({ command: Command.HEARTBEAT, id: request.id }));
        return;
      case Command.SUBSCRIBE:
      case Command.UNSUBSCRIBE: {
        const sub = request.subscribe;
        const subscribing = request.command === Command.SUBSCRIBE;
        if (!sub) {
          socket.write(encodeResponse({ command: Command.MESSAGE, id: request.id, code: ResponseCode.ERROR_END, msg: 'subscribe body missing' }));
          return;
        }
        if (sub.dataType === DataType.OrderStatus || sub.dataType === DataType.OrderTransaction || sub.dataType === DataType.Asset || sub.dataType === DataType.Position) {
          const key = `${sub.dataType}|${sub.account ?? ''}`;
          if (subscribing) session.accounts.add(key);
          else session.accounts.delete(key);
        } else {
          if (subscribing && this.faults.refuseQuoteSubscriptions) {
            socket.write(encodeResponse({ command: Command.MESSAGE, id: request.id, code: ResponseCode.ERROR_END, msg: 'According to your user level, you can only subscribe to 0 symbols' }));
            return;
          }
          const set = session.quotes.get(sub.dataType) ?? new Set<string>();
          for (const s of (sub.symbols ?? '').split(',').filter(Boolean)) {
            if (subscribing) set.add(s);
            else set.delete(s);
          }
          session.quotes.set(sub.dataType, set);
        }
        if (subscribing) this.stats.subscribes++;
        socket.write(encodeResponse({ command: Command.MESSAGE, id: request.id, code: subscribing ? ResponseCode.SUBSCRIBE_END : ResponseCode.UNSUBSCRIBE_END, msg: 'success' }));
        return;
      }
      case Command.DISCONNECT:
        socket.end();
        return;
      default:
        socket.write(encodeResponse({ command: Command.ERROR, id: request.id, code: 1000, msg: `unsupported command ${request.command}` }));
    }
  }

  private push(session: Session, response: Record<string, unknown>): void {
    if (this.faults.frozen || !session.loggedIn) return;
    const frame = encodeResponse(response);
    this.stats.pushes++;
    const copies = this.faults.duplicate ? [frame, frame] : [frame];
    if (!this.faults.reorder) {
      for (const f of copies) session.socket.write(f);
      return;
    }
    session.held.push(...copies);
    if (!session.holdTimer) {
      session.holdTimer = setTimeout(() => {
        session.holdTimer = undefined;
        const held = session.held.splice(0).reverse();
        if (!this.faults.frozen) for (const f of held) session.socket.write(f);
      }, this.faults.reorderWindowMs);
    }
  }
}
