// Tiger's push socket, client side: TLS to the push host, CONNECT signed over the tiger_id,
// subscriptions (quotes by Tiger symbol, option quotes by identifier, order status and fills by
// account), a heartbeat every `heartbeatMs`, and a watchdog that declares the server dead when
// nothing at all arrived for `deadAfterMs` (a half-open TCP connection never errors on its own).
// A lost connection is re-established with exponential backoff; every subscription is sent again
// and, once the server acknowledged each one, `resynced` fires so the owner can reconcile what it
// may have missed. Frames are varint-length-delimited protobuf (see proto.ts).
import { EventEmitter } from 'node:events';
import tls from 'node:tls';
import {
  Command,
  DataType,
  decodeResponse,
  encodeRequest,
  FrameReader,
  ResponseCode,
  type PushDataMessage,
  type PushRequest,
  type PushResponse,
} from './proto.js';
import { loadPrivateKey, rsaSign } from './signing.js';
import { systemTimers, type IntervalTimers } from '../../timers.js';

export const TIGER_PRODUCTION_PUSH = { host: 'openapi.tigerfintech.com', port: 9883 };

export interface TigerPushOptions {
  host: string;
  port: number;
  tigerId: string;
  privateKey: () => string;
  /** Extra CA certificates to trust (the fake's self-signed certificate in tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** TLS server name; defaults to the host. */
  servername?: string;
  heartbeatMs?: number;
  /** Silence longer than this means the server is dead; default 3 × heartbeatMs. */
  deadAfterMs?: number;
  connectTimeoutMs?: number;
  /** How long to wait for the server to acknowledge each subscription after a reconnect. */
  subscribeAckTimeoutMs?: number;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  now?: () => number;
  /** Runs the heartbeat and the dead-server watchdog (default setInterval; tests step it with `now`). */
  timers?: IntervalTimers;
}

export type PushState = 'connected' | 'connecting' | 'disconnected';

export interface TigerPushEvents {
  state: [state: PushState, error: string | null];
  push: [data: PushDataMessage];
  heartbeat: [ts: number];
  /** After a reconnect, once every subscription has been acknowledged again. */
  resynced: [ts: number];
}

type SubscriptionKey = `${number}|${string}`;

const SDK_VERSION = 'deltadeck-1';

export class TigerPushClient extends EventEmitter<TigerPushEvents> {
  private socket: tls.TLSSocket | undefined;
  private stateValue: PushState = 'disconnected';
  private errorValue: string | null = null;
  private lastHeartbeat: number | null = null;
  private lastReceived = 0;
  private nextId = 1;
  private stopped = true;
  private everConnected = false;
  private stopHeartbeatTimer: (() => void) | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay: number;
  /** Quote subscriptions: data type → Tiger symbols; account subscriptions: data type|account. */
  private readonly quoteSubs = new Map<number, Set<string>>();
  private readonly accountSubs = new Set<SubscriptionKey>();
  private readonly pendingAcks = new Map<number, { resolve: () => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TigerPushOptions) {
    super();
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.deadAfterMs = options.deadAfterMs ?? this.heartbeatMs * 3;
    this.reconnectDelay = options.reconnectDelayMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  get state(): PushState {
    return this.stateValue;
  }

  get error(): string | null {
    return this.errorValue;
  }

  get lastHeartbeatTs(): number | null {
    return this.lastHeartbeat;
  }

  /** Connects and logs in; rejects if the first connection fails. Later drops reconnect on their own. */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.connectOnce();
    } catch (e) {
      this.stopped = true;
      this.setState('disconnected', (e as Error).message);
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      try {
        socket.write(encodeRequest({ command: Command.DISCONNECT, id: this.nextId++ }));
      } catch {
        // closing anyway
      }
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 200).unref();
      });
    }
    this.rejectPendingAcks(new Error('push connection stopped'));
    this.setState('disconnected', null);
  }

  /** Subscribes to quotes (DataType.Quote for stocks, DataType.Option for option identifiers). */
  async subscribe(dataType: number, symbols: readonly string[]): Promise<void> {
    const set = this.quoteSubs.get(dataType) ?? new Set<string>();
    const fresh = symbols.filter((s) => !set.has(s));
    for (const s of fresh) set.add(s);
    this.quoteSubs.set(dataType, set);
    if (fresh.length > 0 && this.stateValue === 'connected') {
      try {
        await this.sendSubscribe({ command: Command.SUBSCRIBE, id: this.nextId++, subscribe: { dataType, symbols: fresh.join(',') } });
      } catch (e) {
        // Dropped before the ack: the subscription is held and goes out again on reconnect.
        if (this.stateValue !== 'connected') return;
        for (const s of fresh) set.delete(s);
        throw e;
      }
    }
  }

  async unsubscribe(dataType: number, symbols: readonly string[]): Promise<void> {
    const set = this.quoteSubs.get(dataType);
    if (!set) return;
    const gone = symbols.filter((s) => set.delete(s));
    if (gone.length > 0 && this.stateValue === 'connected') {
      this.send({ command: Command.UNSUBSCRIBE, id: this.nextId++, subscribe: { dataType, symbols: gone.join(',') } });
    }
  }

  /** Subscribes to an account's pushes (OrderStatus, OrderTransaction). */
  async subscribeAccount(dataType: number, account: string): Promise<void> {
    const key: SubscriptionKey = `${dataType}|${account}`;
    if (this.accountSubs.has(key)) return;
    this.accountSubs.add(key);
    if (this.stateValue === 'connected') {
      try {
        await this.sendSubscribe({ command: Command.SUBSCRIBE, id: this.nextId++, subscribe: { dataType, account } });
      } catch (e) {
        if (this.stateValue !== 'connected') return;
        this.accountSubs.delete(key);
        throw e;
      }
    }
  }

  private connectOnce(): Promise<void> {
    this.setState('connecting', this.errorValue);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let loggedIn = false;
      const reader = new FrameReader();
      const socket = tls.connect({
        host: this.options.host,
        port: this.options.port,
        servername: this.options.servername ?? (isIp(this.options.host) ? undefined : this.options.host),
        ca: this.options.ca,
        rejectUnauthorized: true,
      });
      this.socket = socket;
      const connectTimer = setTimeout(() => finish(new Error(`no answer from Tiger's push server within ${this.options.connectTimeoutMs ?? 10_000} ms`)), this.options.connectTimeoutMs ?? 10_000);
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        if (error) {
          socket.destroy();
          reject(error);
        } else resolve();
      };
      socket.once('secureConnect', () => {
        let sign: string;
        try {
          sign = rsaSign(loadPrivateKey(this.options.privateKey()), this.options.tigerId);
        } catch (e) {
          finish(e as Error);
          return;
        }
        this.lastReceived = this.now();
        this.send({
          command: Command.CONNECT,
          id: this.nextId++,
          connect: {
            tigerId: this.options.tigerId,
            sign,
            sdkVersion: SDK_VERSION,
            acceptVersion: '3',
            sendInterval: this.heartbeatMs,
            receiveInterval: this.heartbeatMs,
          },
        });
      });
      socket.on('data', (chunk: Buffer) => {
        if (socket !== this.socket) return;
        let frames: Uint8Array[];
        try {
          frames = reader.push(chunk);
        } catch (e) {
          socket.destroy(new Error(`Tiger's push stream is corrupt: ${(e as Error).message}`));
          return;
        }
        for (const frame of frames) {
          let response: PushResponse;
          try {
            response = decodeResponse(frame);
          } catch {
            socket.destroy(new Error("Tiger's push server sent a frame Deltadeck cannot read"));
            return;
          }
          this.lastReceived = this.now();
          if (!settled) {
            if (response.command === Command.CONNECTED) {
              loggedIn = true;
              finish();
              this.onLoggedIn();
            } else if (response.command === Command.ERROR) {
              finish(new Error(`Tiger's push server refused the login: ${response.msg ?? `code ${response.code ?? '?'}`}`));
            }
            continue;
          }
          this.onResponse(response);
        }
      });
      socket.on('error', (err) => {
        if (!settled) finish(new Error(`Could not connect to Tiger's push server (${this.options.host}:${this.options.port}): ${err.message}`));
        else if (socket === this.socket) this.errorValue = `Tiger's push connection failed: ${err.message}`;
      });
      socket.on('close', () => {
        if (!loggedIn) {
          finish(new Error(`Tiger's push server closed the connection during login (${this.options.host}:${this.options.port})`));
          if (socket === this.socket) this.socket = undefined;
          return;
        }
        if (socket === this.socket) this.onDropped(this.errorValue ?? "Tiger's push server closed the connection");
      });
    });
  }

  private onLoggedIn(): void {
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.reconnectDelay = this.options.reconnectDelayMs ?? 1_000;
    this.errorValue = null;
    this.setState('connected', null);
    this.startHeartbeat();
    void this.resubscribe(reconnect);
  }

  /** Sends every held subscription (after a login); after a re-login, announces `resynced` once all are acknowledged. */
  private async resubscribe(announce: boolean): Promise<void> {
    const socket = this.socket;
    const acks: Promise<void>[] = [];
    for (const [dataType, symbols] of this.quoteSubs) {
      if (symbols.size > 0) acks.push(this.sendSubscribe({ command: Command.SUBSCRIBE, id: this.nextId++, subscribe: { dataType, symbols: [...symbols].join(',') } }));
    }
    for (const key of this.accountSubs) {
      const [dataType, account] = key.split('|') as [string, string];
      acks.push(this.sendSubscribe({ command: Command.SUBSCRIBE, id: this.nextId++, subscribe: { dataType: Number(dataType), account } }));
    }
    try {
      await Promise.all(acks);
    } catch {
      return; // the connection dropped again (or never acknowledged); the next reconnect retries
    }
    if (announce && socket === this.socket && this.stateValue === 'connected') this.emit('resynced', this.now());
  }

  private sendSubscribe(request: PushRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(request.id);
        reject(new Error("Tiger's push server did not acknowledge a subscription"));
      }, this.options.subscribeAckTimeoutMs ?? 10_000);
      this.pendingAcks.set(request.id, { resolve, reject, timer });
      this.send(request);
    });
  }

  private onResponse(response: PushResponse): void {
    switch (response.command) {
      case Command.HEARTBEAT:
        this.lastHeartbeat = this.now();
        this.emit('heartbeat', this.lastHeartbeat);
        return;
      case Command.MESSAGE:
        if (response.code === ResponseCode.SUBSCRIBE_END || response.code === ResponseCode.UNSUBSCRIBE_END) {
          this.settleAck(response.id, null);
          return;
        }
        if (response.code === ResponseCode.ERROR_END) {
          this.settleAck(response.id, new Error(response.msg ?? 'subscription refused'));
          this.errorValue = `Tiger's push server refused a subscription: ${response.msg ?? ''}`.trim();
          return;
        }
        if (response.body) this.emit('push', response.body);
        return;
      case Command.ERROR:
        this.errorValue = `Tiger's push server reported an error: ${response.msg ?? `code ${response.code ?? '?'}`}`;
        this.settleAck(response.id, new Error(this.errorValue));
        return;
      case Command.DISCONNECT:
        this.socket?.destroy();
        return;
      default:
        return;
    }
  }

  private settleAck(id: number | undefined, error: Error | null): void {
    if (id === undefined) return;
    const pending = this.pendingAcks.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingAcks.delete(id);
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private rejectPendingAcks(error: Error): void {
    for (const [id, pending] of this.pendingAcks) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pendingAcks.delete(id);
    }
  }

  private onDropped(reason: string): void {
    this.socket = undefined;
    this.stopHeartbeat();
    this.rejectPendingAcks(new Error(reason));
    if (this.stopped) {
      this.setState('disconnected', null);
      return;
    }
    this.setState('disconnected', reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, this.options.maxReconnectDelayMs ?? 30_000);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      this.connectOnce().catch((e: Error) => {
        this.errorValue = e.message;
        if (!this.stopped) {
          this.setState('disconnected', e.message);
          this.scheduleReconnect();
        }
      });
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const tick = Math.max(10, Math.min(this.heartbeatMs, Math.floor(this.deadAfterMs / 3)));
    let sinceBeat = 0;
    this.stopHeartbeatTimer = (this.options.timers ?? systemTimers).every(tick, () => {
      const socket = this.socket;
      if (!socket) return;
      if (this.now() - this.lastReceived > this.deadAfterMs) {
        this.errorValue = `Tiger's push server stopped answering (nothing for ${this.deadAfterMs} ms)`;
        socket.destroy();
        return;
      }
      sinceBeat += tick;
      if (sinceBeat >= this.heartbeatMs) {
        sinceBeat = 0;
        this.send({ command: Command.HEARTBEAT, id: this.nextId++ });
      }
    });
  }

  private stopHeartbeat(): void {
    this.stopHeartbeatTimer?.();
    this.stopHeartbeatTimer = undefined;
  }

  private send(request: PushRequest): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    socket.write(encodeRequest(request));
  }

  private setState(state: PushState, error: string | null): void {
    if (this.stateValue === state && this.errorValue === error) return;
    this.stateValue = state;
    this.errorValue = error;
    this.emit('state', state, error);
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

export { DataType };
