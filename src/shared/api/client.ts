// The Cockpit API client: typed calls with time-outs and stream subscriptions over any Channel.
import type { Channel, ServerFrame } from './protocol.js';
import type { CommandName, CommandRequest, CommandResponse, StreamMessage, StreamName } from './contract.js';
import { CockpitError, type ApiError, type Result } from './result.js';

interface Pending {
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface CallOptions {
  timeoutMs?: number;
}

export class CockpitClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private readonly errorListeners = new Set<(error: ApiError) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly channel: Channel,
    private readonly defaultTimeoutMs = 10_000,
  ) {
    channel.onMessage((frame) => this.receive(frame));
    channel.onClose(() => this.handleClose());
  }

  /** Calls a command; never throws — transport problems come back as failed Results. */
  call<K extends CommandName>(
    cmd: K,
    req: CommandRequest<K>,
    options: CallOptions = {},
  ): Promise<Result<CommandResponse<K>>> {
    if (this.closed) {
      return Promise.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'Not connected to the engine.' } });
    }
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'TIMEOUT', message: `The engine did not answer ${cmd} within ${timeoutMs} ms.` } });
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer });
      this.channel.send(JSON.stringify({ t: 'call', id, cmd, req }));
    });
  }

  /** Like call, but throws a CockpitError on failure. */
  async invoke<K extends CommandName>(cmd: K, req: CommandRequest<K>, options?: CallOptions): Promise<CommandResponse<K>> {
    const result = await this.call(cmd, req, options);
    if (!result.ok) throw new CockpitError(result.error.code, result.error.message, result.error.details);
    return result.value;
  }

  subscribe<K extends StreamName>(stream: K, listener: (message: StreamMessage<K>) => void): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
      this.channel.send(JSON.stringify({ t: 'sub', stream }));
    }
    const fn = listener as (data: unknown) => void;
    set.add(fn);
    return () => {
      const current = this.listeners.get(stream);
      if (!current) return;
      current.delete(fn);
      if (current.size === 0) {
        this.listeners.delete(stream);
        if (!this.closed) this.channel.send(JSON.stringify({ t: 'unsub', stream }));
      }
    };
  }

  /** Errors the engine could not attribute to a call (e.g. a frame it rejected). */
  onError(listener: (error: ApiError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.channel.close();
    this.handleClose();
  }

  private receive(raw: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(raw) as ServerFrame;
    } catch {
      return; // the engine only sends JSON; a garbled frame is dropped
    }
    if (frame.t === 'result') {
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      this.pending.delete(frame.id);
      clearTimeout(pending.timer);
      pending.resolve(frame.result);
    } else if (frame.t === 'event') {
      const set = this.listeners.get(frame.stream);
      if (set) for (const listener of [...set]) listener(frame.data);
    } else if (frame.t === 'error') {
      for (const listener of [...this.errorListeners]) listener(frame.error);
    }
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'The connection to the engine closed.' } });
      this.pending.delete(id);
    }
    for (const listener of [...this.closeListeners]) listener();
  }
}
