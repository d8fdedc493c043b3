// Shared plumbing for the renderer's Channel adapters: listener sets, a buffer for frames
// that arrive before the client attaches, and a close that fires exactly once.
import type { Channel } from '../../../shared/api/protocol.js';

export interface OpenedChannel {
  channel: Channel;
  /** The close code the peer sent (WebSocket), or null when unknown / not closed by the peer. */
  closeCode(): number | null;
}

/** A failed attempt to open a transport. `closeCode` carries the server's verdict when it sent one. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly closeCode: number | null = null,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export abstract class BaseChannel implements Channel {
  private readonly messageListeners = new Set<(frame: string) => void>();
  private readonly closeListeners = new Set<() => void>();
  private buffered: string[] = [];
  private closedFlag = false;

  abstract send(frame: string): void;
  protected abstract closeTransport(): void;

  get closed(): boolean {
    return this.closedFlag;
  }

  onMessage(listener: (frame: string) => void): void {
    this.messageListeners.add(listener);
    if (this.buffered.length > 0) {
      const frames = this.buffered;
      this.buffered = [];
      for (const frame of frames) listener(frame);
    }
  }

  onClose(listener: () => void): void {
    if (this.closedFlag) {
      listener();
      return;
    }
    this.closeListeners.add(listener);
  }

  close(): void {
    if (this.closedFlag) return;
    this.closeTransport();
    this.emitClose();
  }

  protected emitMessage(frame: string): void {
    if (this.closedFlag) return;
    if (this.messageListeners.size === 0) {
      this.buffered.push(frame);
      return;
    }
    for (const listener of [...this.messageListeners]) listener(frame);
  }

  protected emitClose(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.buffered = [];
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
    this.messageListeners.clear();
  }
}
