// Adapts a MessagePort as the engine receives it inside Electron's utilityProcess (MessagePortMain)
// to the Cockpit API Channel. Typed structurally so the engine never imports electron and the
// adapter runs in plain Node tests over worker_threads ports shaped the same way.
import type { Channel } from '../../../shared/api/protocol.js';

/** The part of Electron's MessagePortMain this adapter relies on. */
export interface MessagePortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: string): void;
  start(): void;
  close(): void;
}

/**
 * Wraps the port as a Channel and starts it (MessagePortMain queues messages until start()).
 * Only string frames travel; anything else on the port is dropped, since every frame is JSON
 * text the API server validates. Close listeners fire once, whichever side closes first.
 */
export function messagePortChannel(port: MessagePortLike): Channel {
  const messageListeners: Array<(frame: string) => void> = [];
  const closeListeners: Array<() => void> = [];
  let closed = false;

  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners.splice(0)) listener();
    messageListeners.length = 0;
  };

  port.on('message', (event) => {
    if (closed || typeof event.data !== 'string') return;
    for (const listener of [...messageListeners]) listener(event.data);
  });
  port.on('close', markClosed);
  port.start();

  return {
    send(frame) {
      if (closed) return;
      port.postMessage(frame);
    },
    onMessage(listener) {
      if (!closed) messageListeners.push(listener);
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
    close() {
      if (closed) return;
      port.close();
      markClosed();
    },
  };
}
