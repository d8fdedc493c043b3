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

/** Asks the shell for a fresh engine port and resolves with it as a channel. */
export function openDesktopChannel(bridge: DeltadeckBridge, target: Window, timeoutMs = 10_000): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== target) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== PORT_MESSAGE_TYPE) return;
      const port = event.ports[0];
      if (!port) return;
      cleanup();
      resolve(messagePortChannel(port));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new TransportError(`The desktop shell did not hand over an engine port within ${timeoutMs} ms.`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      target.removeEventListener('message', onMessage);
    };
    target.addEventListener('message', onMessage);
    try {
      bridge.requestEnginePort();
    } catch (error) {
      cleanup();
      reject(new TransportError(`The desktop shell refused an engine port: ${(error as Error).message}`));
    }
  });
}
