// In-process transport: two connected Channels, delivering asynchronously like a real wire.
import type { Channel } from '../../../shared/api/protocol.js';

export function createChannelPair(): [Channel, Channel] {
  const make = () => {
    const messageListeners: ((frame: string) => void)[] = [];
    const closeListeners: (() => void)[] = [];
    return { messageListeners, closeListeners, closed: false };
  };
  const a = make();
  const b = make();
  const channel = (self: ReturnType<typeof make>, peer: ReturnType<typeof make>): Channel => ({
    send(frame) {
      if (self.closed) return;
      queueMicrotask(() => {
        if (!peer.closed) for (const l of peer.messageListeners) l(frame);
      });
    },
    onMessage(listener) {
      self.messageListeners.push(listener);
    },
    onClose(listener) {
      self.closeListeners.push(listener);
    },
    close() {
      for (const side of [self, peer]) {
        if (side.closed) continue;
        side.closed = true;
        for (const l of side.closeListeners) l();
      }
    },
  });
  return [channel(a, b), channel(b, a)];
}
