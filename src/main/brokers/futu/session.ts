// One TCP connection to Futu OpenD: frames in and out, replies matched to requests by serial
// number, pushes handed to the owner, and KeepAlive at the interval OpenD gave in InitConnect.
// A session never reconnects: when it ends (socket closed, malformed frame, missed heartbeats,
// or close()), every request still waiting is rejected and `onClose` fires exactly once.
// FutuConnection builds a new session for each reconnect.
import { createConnection, type Socket } from 'node:net';
import { BrokerError } from '../venue.js';
import { encodeFrame, FrameDecoder, FrameError, type Frame } from './codec.js';
import { brokerErrorFromReply } from './errors.js';
import { decodeResponse, encodeRequest, PROTO, protoName, PUSH_IDS, type ProtoId } from './proto.js';
import { RetType, type KeepAliveS2C } from './wire.js';
import { systemTimers, type IntervalTimers } from '../../timers.js';

export interface FutuLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: FutuLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Hooks for latency benchmarks, called on the hot path only when set. */
export interface LatencyProbe {
  /** A frame has been fully read off the socket, before it is decoded. */
  frameRead(protoId: number): void;
  /** A frame has been handed to socket.write. */
  frameWritten(protoId: number): void;
}

/** Builds the error a request gets when its answer can no longer come. */
export type LostReply = (cause: 'disconnected' | 'timeout', reason: string) => BrokerError;

export interface SessionOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxBodyBytes?: number;
  logger: FutuLogger;
  probe?: LatencyProbe;
  now: () => number;
  /** Runs the KeepAlive heartbeat (default setInterval; tests step it together with `now`). */
  timers?: IntervalTimers;
  onPush: (frame: Frame) => void;
  onClose: (reason: string) => void;
}

export interface RequestOptions<S2C> {
  /** The error for a reply that can no longer come (default: plain DISCONNECTED / TIMEOUT). */
  lost?: LostReply;
  timeoutMs?: number;
  /**
   * Runs synchronously when the successful reply is read, before any later frame of the same
   * chunk (a push, say) is handled; promise continuations would run only after those.
   */
  onReply?: (s2c: S2C) => void;
}

interface Pending {
  protoId: ProtoId;
  onReply: ((s2c: unknown) => void) | undefined;
  resolve: (s2c: unknown) => void;
  reject: (error: BrokerError) => void;
  timer: ReturnType<typeof setTimeout>;
  lost: LostReply;
}

function defaultLost(protoId: number, timeoutMs: number): LostReply {
  return (cause, reason) =>
    cause === 'timeout'
      ? new BrokerError('TIMEOUT', `Futu OpenD did not answer ${protoName(protoId)} within ${timeoutMs} ms.`)
      : new BrokerError('DISCONNECTED', `The connection to Futu OpenD dropped before it answered ${protoName(protoId)}: ${reason}`);
}

export class OpenDSession {
  /** Set from InitConnect; used in every trade write's PacketID. */
  connId = '0';
  keepAliveIntervalMs = 0;
  lastHeartbeatTs: number | null = null;
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder: FrameDecoder;
  private stopKeepAlive: (() => void) | null = null;
  private unansweredHeartbeats = 0;
  private ended = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: SessionOptions,
  ) {
    this.decoder = new FrameDecoder(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.end(`socket error: ${error.code ?? error.message}`));
    socket.on('close', () => this.end('OpenD closed the connection'));
  }

  /** Opens the TCP connection; rejects with DISCONNECTED when OpenD cannot be reached. */
  static open(options: SessionOptions): Promise<OpenDSession> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: options.host, port: options.port });
      const fail = (why: string) => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          new BrokerError(
            'DISCONNECTED',
            `Cannot reach Futu OpenD at ${options.host}:${options.port} (${why}). Is OpenD running and logged in, and is the port right?`,
          ),
        );
      };
      const timer = setTimeout(() => fail(`no answer within ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new OpenDSession(socket, options));
      });
    });
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /**
   * Sends a request and resolves with the reply's s2c. `c2s` may be built from the serial number
   * and connection id (trade writes put both in their PacketID). Everything up to socket.write
   * runs synchronously, so a caller on the hot path writes its frame before it yields.
   */
  request<S2C>(protoId: ProtoId, c2s: object | ((serialNo: number, connId: string) => object), options: RequestOptions<S2C> = {}): Promise<S2C> {
    if (this.ended) return Promise.reject(new BrokerError('DISCONNECTED', 'The connection to Futu OpenD is closed.'));
    const serialNo = this.nextSerial();
    let body: Uint8Array;
    try {
      body = encodeRequest(protoId, typeof c2s === 'function' ? c2s(serialNo, this.connId) : c2s);
    } catch (error) {
      return Promise.reject(new BrokerError('BAD_REQUEST', `Could not build the ${protoName(protoId)} request; nothing was sent.`, String(error)));
    }
    const ms = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<S2C>((resolve, reject) => {
      const timer = setTimeout(() => {
        const entry = this.pending.get(serialNo);
        if (!entry) return;
        this.pending.delete(serialNo);
        entry.reject(entry.lost('timeout', `no reply within ${ms} ms`));
      }, ms);
      this.pending.set(serialNo, {
        protoId,
        onReply: options.onReply as ((s2c: unknown) => void) | undefined,
        resolve: resolve as (s2c: unknown) => void,
        reject,
        timer,
        lost: options.lost ?? defaultLost(protoId, ms),
      });
      this.socket.write(encodeFrame(protoId, serialNo, body));
      this.options.probe?.frameWritten(protoId);
    });
  }

  /** Heartbeats every `intervalMs`; after `missLimit` unanswered ones the server is declared dead and the session ends. */
  startKeepAlive(intervalMs: number, missLimit: number): void {
    this.keepAliveIntervalMs = intervalMs;
    this.lastHeartbeatTs = this.options.now();
    this.stopKeepAlive = (this.options.timers ?? systemTimers).every(intervalMs, () => {
      if (this.unansweredHeartbeats >= missLimit) {
        this.end(`Futu OpenD stopped answering heartbeats (${missLimit} KeepAlives of ${intervalMs} ms unanswered)`);
        return;
      }
      this.unansweredHeartbeats++;
      this.request<KeepAliveS2C>(PROTO.KeepAlive, { time: Math.floor(this.options.now() / 1000) }, { timeoutMs: intervalMs * (missLimit + 1) }).then(
        () => {
          this.unansweredHeartbeats = 0;
          this.lastHeartbeatTs = this.options.now();
        },
        () => {},
      );
    });
  }

  /** Ends the session (idempotent). */
  close(reason: string): void {
    this.end(reason);
  }

  private nextSerial(): number {
    this.serial = this.serial >= 0xffffffff ? 1 : this.serial + 1;
    return this.serial;
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const message = error instanceof FrameError ? error.message : String(error);
      this.options.logger.error({ err: message }, 'futu: malformed frame from OpenD; dropping the connection');
      this.end(`malformed data from OpenD: ${message}`);
      return;
    }
    for (const frame of frames) {
      if (this.ended) return;
      this.options.probe?.frameRead(frame.protoId);
      const entry = PUSH_IDS.has(frame.protoId) ? undefined : this.pending.get(frame.serialNo);
      if (entry) this.settle(frame, entry);
      else if (PUSH_IDS.has(frame.protoId)) this.options.onPush(frame);
      else this.options.logger.debug({ protoId: frame.protoId, serialNo: frame.serialNo }, 'futu: reply to no pending request (timed out earlier?)');
    }
  }

  private settle(frame: Frame, entry: Pending): void {
    this.pending.delete(frame.serialNo);
    clearTimeout(entry.timer);
    if (frame.protoId !== entry.protoId) {
      entry.reject(new BrokerError('BAD_RESPONSE', `Futu OpenD answered ${protoName(entry.protoId)} with ${protoName(frame.protoId)}.`));
      return;
    }
    let response: { retType: number; retMsg?: string; errCode?: number; s2c?: unknown };
    try {
      response = decodeResponse(entry.protoId, frame.body);
    } catch (error) {
      entry.reject(new BrokerError('BAD_RESPONSE', `Futu OpenD sent an unreadable ${protoName(entry.protoId)} reply.`, String(error)));
      return;
    }
    if (response.retType !== RetType.Succeed) {
      entry.reject(brokerErrorFromReply(entry.protoId, response.retType, response.retMsg, response.errCode));
      return;
    }
    const s2c = response.s2c ?? {};
    try {
      entry.onReply?.(s2c);
    } catch (error) {
      entry.reject(error instanceof BrokerError ? error : new BrokerError('BAD_RESPONSE', `Could not read the ${protoName(entry.protoId)} reply.`, String(error)));
      return;
    }
    entry.resolve(s2c);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive?.();
    this.stopKeepAlive = null;
    this.socket.destroy();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const entry of waiting) {
      clearTimeout(entry.timer);
      entry.reject(entry.lost('disconnected', reason));
    }
    this.options.onClose(reason);
  }
}
