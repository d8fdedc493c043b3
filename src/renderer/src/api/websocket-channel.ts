// Browser / headless transport: the engine's WebSocket at ws://<host>/api?token=…
import { BaseChannel, TransportError, type OpenedChannel } from './channel-base.js';

/** The headless server closes with this code when the session token is wrong. */
export const TOKEN_REJECTED_CLOSE_CODE = 4401;

class WebSocketChannel extends BaseChannel {
  peerCloseCode: number | null = null;

  constructor(private readonly socket: WebSocket) {
    super();
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') this.emitMessage(event.data);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      this.peerCloseCode = event.code;
      this.emitClose();
    });
    // An `error` is always followed by `close`, which is where it is handled.
    socket.addEventListener('error', () => {});
  }

  send(frame: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  protected closeTransport(): void {
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(1000, 'client closing');
    }
  }
}

/** Opens the socket and resolves once it is open; rejects with the close code if it never opens. */
export function openWebSocketChannel(url: string, timeoutMs = 10_000): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      reject(new TransportError(`Cannot open the engine socket: ${(error as Error).message}`));
      return;
    }
    // Attach the channel before `open` so no early frame is missed; it buffers until the client listens.
    const channel = new WebSocketChannel(socket);
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      channel.close();
      reject(new TransportError(`The engine socket did not open within ${timeoutMs} ms.`));
    }, timeoutMs);
    socket.addEventListener('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ channel, closeCode: () => channel.peerCloseCode });
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransportError(`The engine socket closed before opening (code ${event.code}).`, event.code));
    });
  });
}
