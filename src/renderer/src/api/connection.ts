// Keeps one live CockpitClient to the engine: opens a transport, subscribes to the state
// stream, feeds the store, and reconnects with backoff when the transport closes.
// A new connection gets a new client and a fresh snapshot that replaces what was shown.
// A refused token ends the retries: before the first live connection it was wrong; after one,
// the engine restarted and issued a new token, which only the trader can bring (the new URL).
import { CockpitClient } from '../../../shared/api/client.js';
import type { CockpitStore, TransportKind } from '../stores/cockpit-store.js';
import { setConnection } from '../stores/cockpit-store.js';
import type { StateFeed } from '../stores/state-feed.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffOptions } from './backoff.js';
import { TransportError, type OpenedChannel } from './channel-base.js';
import { TOKEN_REJECTED_CLOSE_CODE } from './websocket-channel.js';

export interface ConnectionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface EngineConnectionOptions {
  store: CockpitStore;
  feed: StateFeed;
  transport: TransportKind;
  open(): Promise<OpenedChannel>;
  /** Called once when the server rejects the session token (then no more retries), with whether this cockpit had been live. */
  onTokenRejected?(afterLive: boolean): void;
  timers?: ConnectionTimers;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffOptions;
  /** Ping interval to notice a dead transport that never reported closing; 0 disables. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
}

const defaultTimers: ConnectionTimers = {
  setTimeout: (cb, ms) => globalThis.setTimeout(cb, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (cb, ms) => globalThis.setInterval(cb, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
};

export class EngineConnection {
  private client: CockpitClient | null = null;
  private attempt = 0;
  private everLive = false;
  private stopped = false;
  private retryHandle: unknown = null;
  private heartbeatHandle: unknown = null;
  private readonly timers: ConnectionTimers;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly listeners = new Set<(client: CockpitClient | null) => void>();

  constructor(private readonly options: EngineConnectionOptions) {
    this.timers = options.timers ?? defaultTimers;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** The client of the open connection, or null while disconnected. */
  get currentClient(): CockpitClient | null {
    return this.client;
  }

  /** Notified whenever the current client changes (connected / lost). */
  onClientChange(listener: (client: CockpitClient | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryHandle !== null) this.timers.clearTimeout(this.retryHandle);
    this.retryHandle = null;
    this.stopHeartbeat();
    const client = this.client;
    this.setClient(null);
    client?.close();
  }

  private async connect(): Promise<void> {
    this.retryHandle = null;
    if (this.stopped) return;
    setConnection(this.options.store, {
      phase: this.everLive ? 'reconnecting' : 'connecting',
      transport: this.options.transport,
      attempt: this.attempt,
      nextRetryAt: null,
    });

    let opened: OpenedChannel;
    try {
      opened = await this.options.open();
    } catch (error) {
      if (error instanceof TransportError && error.closeCode === TOKEN_REJECTED_CLOSE_CODE) {
        this.tokenRejected();
      } else {
        this.scheduleRetry();
      }
      return;
    }
    if (this.stopped) {
      opened.channel.close();
      return;
    }

    const client = new CockpitClient(opened.channel);
    let gotSnapshot = false;
    client.subscribe('state', (message) => {
      if (this.client !== client) return;
      if (message.type === 'snapshot') {
        this.options.feed.snapshot(message.state);
        if (!gotSnapshot) {
          gotSnapshot = true;
          this.attempt = 0;
          this.everLive = true;
          setConnection(this.options.store, { phase: 'live', attempt: 0, nextRetryAt: null });
        }
      } else if (gotSnapshot) {
        // A patch before this connection's snapshot would apply to the previous connection's state.
        this.options.feed.patch(message.patch);
      }
    });
    client.onClose(() => {
      if (this.client !== client) return;
      this.stopHeartbeat();
      this.setClient(null);
      if (opened.closeCode() === TOKEN_REJECTED_CLOSE_CODE) {
        this.tokenRejected();
        return;
      }
      if (this.stopped) return;
      this.scheduleRetry();
    });
    this.setClient(client);
    this.startHeartbeat(client);
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = reconnectDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.random);
    this.attempt += 1;
    setConnection(this.options.store, {
      phase: this.everLive ? 'reconnecting' : 'connecting',
      attempt: this.attempt,
      nextRetryAt: this.now() + delay,
    });
    this.retryHandle = this.timers.setTimeout(() => void this.connect(), delay);
  }

  private tokenRejected(): void {
    this.stopped = true;
    this.stopHeartbeat();
    setConnection(this.options.store, { phase: this.everLive ? 'engine-restarted' : 'token-rejected', nextRetryAt: null });
    this.options.onTokenRejected?.(this.everLive);
  }

  private startHeartbeat(client: CockpitClient): void {
    const every = this.options.heartbeatMs ?? 15_000;
    if (every <= 0) return;
    const timeoutMs = this.options.heartbeatTimeoutMs ?? 8_000;
    this.heartbeatHandle = this.timers.setInterval(() => {
      void client.call('ping', {}, { timeoutMs }).then((result) => {
        if (!result.ok && result.error.code === 'TIMEOUT' && this.client === client) client.close();
      });
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatHandle !== null) this.timers.clearInterval(this.heartbeatHandle);
    this.heartbeatHandle = null;
  }

  private setClient(client: CockpitClient | null): void {
    this.client = client;
    for (const listener of [...this.listeners]) listener(client);
  }
}
