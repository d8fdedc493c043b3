// Test support: Node's worker_threads ports dressed as Electron's MessagePortMain, so the
// MessagePort transport and the utility entry run in plain Node exactly as in the desktop app.
import type { MessagePort } from 'node:worker_threads';
import type { MessagePortLike } from './message-port.js';

/** 'message' listeners receive `{ data }` like MessagePortMain, not the bare value Node passes. */
export function electronShapedPort(port: MessagePort): MessagePortLike {
  const shaped = {
    on(event: 'message' | 'close', listener: (event?: { data: unknown }) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => listener());
      return shaped;
    },
    postMessage: (message: string) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
  return shaped as MessagePortLike;
}
