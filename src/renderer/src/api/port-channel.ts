// Desktop transport: a MessagePort to the engine, handed to the page by the preload
// (window.deltadeck.requestEnginePort() → window message PORT_MESSAGE_TYPE with the port).
import { PORT_MESSAGE_TYPE, type DeltadeckBridge } from '../../../shared/api/bridge.js';
import { BaseChannel, TransportError, type OpenedChannel } from './channel-base.js';

class MessagePortChannel extends BaseChannel {
  constructor(private readonly port: MessagePort) {
    super();
    port.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.emitMessage(event.data);
    };
    // Chromium fires `close` on a port whose other end went away; where it does not, the
    // connection's heartbeat notices instead.
    port.addEventListener('close', () => this.emitClose());
    port.start();
  }

  send(frame: string): void {
    this.port.postMessage(frame);
  }

  protected closeTransport(): void {
    this.port.onmessage = null;
    this.port.close();
  }
}

export function messagePortChannel(port: MessagePort): OpenedChannel {
  return { channel: new MessagePortChannel(port), closeCode: () => null };
}

/**
 * Hands out engine ports from the desktop shell. One window listener for the page's lifetime:
 * a port that arrives while nobody waits (e.g. after a timed-out request) is closed rather than
 * left open in the engine.
 */
export class DesktopPortSource {
  private waiter: ((port: MessagePort) => void) | null = null;

  constructor(
    private readonly bridge: DeltadeckBridge,
    private readonly target: Window,
  ) {
    target.addEventListener('message', this.onMessage);
  }

  /** Asks the shell for a fresh engine port and resolves with it as a channel. */
  open(timeoutMs = 10_000): Promise<OpenedChannel> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new TransportError(`The desktop shell did not hand over an engine port within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiter = (port) => {
        clearTimeout(timer);
        resolve(messagePortChannel(port));
      };
      try {
        this.bridge.requestEnginePort();
      } catch (error) {
        clearTimeout(timer);
        this.waiter = null;
        reject(new TransportError(`The desktop shell refused an engine port: ${(error as Error).message}`));
      }
    });
  }

  dispose(): void {
    this.target.removeEventListener('message', this.onMessage);
    this.waiter = null;
  }

  private readonly onMessage = (event: MessageEvent): void => {
    if (event.source !== this.target) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== PORT_MESSAGE_TYPE) return;
    const port = event.ports[0];
    if (!port) return;
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter(port);
    else port.close();
  };
}
