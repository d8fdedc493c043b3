// Wire messages shared by every transport (in-process, MessagePort, WebSocket).
// Frames are JSON strings so every transport is validated and size-checked the same way.
import { z } from 'zod';
import { ApiError } from './result.js';

/** Frames larger than this are answered with PAYLOAD_TOO_LARGE and otherwise ignored. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const ClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), cmd: z.string().max(64), req: z.unknown() }),
  z.object({ t: z.literal('sub'), stream: z.string().max(64) }),
  z.object({ t: z.literal('unsub'), stream: z.string().max(64) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { t: 'result'; id: number; result: { ok: true; value: unknown } | { ok: false; error: ApiError } }
  | { t: 'event'; stream: string; data: unknown }
  /** A frame the engine could not attribute to a call (malformed, oversized). */
  | { t: 'error'; error: ApiError };

/** A bidirectional text channel. Each transport adapts itself to this. */
export interface Channel {
  send(frame: string): void;
  onMessage(listener: (frame: string) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}
