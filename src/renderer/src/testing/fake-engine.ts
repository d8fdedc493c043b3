// Test-only: an in-memory Channel with a scripted engine on the other end, speaking the real
// wire frames (call/sub → result/event). Not imported by the app.
import type { Channel, ClientFrame } from '../../../shared/api/protocol.js';
import type { OpenedChannel } from '../api/channel-base.js';

export type CallHandler = (cmd: string, req: unknown) => { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } | null;

export class FakeEngineChannel implements Channel {
  readonly received: ClientFrame[] = [];
  private messageListener: ((frame: string) => void) | null = null;
  private readonly closeListeners: (() => void)[] = [];
  closed = false;
  peerCloseCode: number | null = null;

  constructor(private readonly onCall: CallHandler = () => null) {}

  get opened(): OpenedChannel {
    return { channel: this, closeCode: () => this.peerCloseCode };
  }

  send(frame: string): void {
    if (this.closed) return;
    const parsed = JSON.parse(frame) as ClientFrame;
    this.received.push(parsed);
    if (parsed.t === 'call') {
      const result = this.onCall(parsed.cmd, parsed.req);
      // null: the engine never answers (a hung transport)
      if (result) queueMicrotask(() => this.push({ t: 'result', id: parsed.id, result }));
    }
  }

  onMessage(listener: (frame: string) => void): void {
    this.messageListener = listener;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    this.closeFromEngine(null);
  }

  /** The engine pushes a frame to the client. */
  push(frame: unknown): void {
    if (!this.closed) this.messageListener?.(JSON.stringify(frame));
  }

  emit(stream: string, data: unknown): void {
    this.push({ t: 'event', stream, data });
  }

  /** The engine side goes away, optionally with a WebSocket close code. */
  closeFromEngine(code: number | null): void {
    if (this.closed) return;
    this.closed = true;
    this.peerCloseCode = code;
    for (const l of this.closeListeners) l();
  }

  get subscriptions(): string[] {
    return this.received.filter((f) => f.t === 'sub').map((f) => (f as { stream: string }).stream);
  }

  callsOf(cmd: string): unknown[] {
    return this.received.filter((f) => f.t === 'call' && f.cmd === cmd).map((f) => (f as { req: unknown }).req);
  }
}
