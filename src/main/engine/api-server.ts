// The engine side of the Cockpit API, for any transport: every frame is size-checked, parsed and
// validated against the contract before anything runs; every answer is an { ok, value | error } envelope.
// No client can stall the engine or grow its memory without bound: a connection has at most
// MAX_CALLS_IN_FLIGHT calls awaiting work (further ones are answered BUSY at once, except the calls
// that stop or check trading), and a state subscriber whose socket backs up loses its patches until
// it drains, then gets a fresh snapshot.
import type { z } from 'zod';
import { commands, isCommandName, isStreamName, type CommandName, type StateStreamMessage } from '../../shared/api/contract.js';
import { ClientFrame, MAX_FRAME_BYTES, type Channel, type ServerFrame } from '../../shared/api/protocol.js';
import { CockpitError, type ApiError } from '../../shared/api/result.js';
import type { Engine } from './engine.js';
import { createHandlers, type Handlers } from './handlers.js';

const handlersByEngine = new WeakMap<Engine, Handlers>();

/** Calls of one connection that may await work (a risk worker, a broker) at once. */
export const MAX_CALLS_IN_FLIGHT = 16;

/**
 * Never refused, never counted: a liveness check and the calls that stop trading must get through
 * however busy the connection is. They do not queue behind anything (they run at once on the engine
 * loop, which the heavy calls leave free).
 */
export const NEVER_REFUSED: ReadonlySet<CommandName> = new Set<CommandName>(['ping', 'killSwitch.activate', 'mode.set', 'order.cancel']);

/** A transport that can say how many bytes it has accepted but not yet written out (a WebSocket). */
export interface BufferedChannel extends Channel {
  bufferedAmount(): number;
}

export interface ServeOptions {
  maxCallsInFlight?: number;
  /** Above this many unsent bytes, state patches for the connection are dropped (default 1 MiB). */
  streamHighWaterBytes?: number;
  /** At or below this many unsent bytes, a dropped subscriber gets a fresh snapshot (default 64 KiB). */
  streamResumeBytes?: number;
  /** How often a backed-up connection is checked for draining (default 25 ms). */
  drainCheckMs?: number;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(request)'}: ${issue.message}`)
    .join('; ');
}

export interface ServedChannel {
  close(): void;
}

export function serveChannel(engine: Engine, channel: Channel | BufferedChannel, options: ServeOptions = {}): ServedChannel {
  let handlers = handlersByEngine.get(engine);
  if (!handlers) {
    handlers = createHandlers(engine);
    handlersByEngine.set(engine, handlers);
  }
  const maxInFlight = options.maxCallsInFlight ?? MAX_CALLS_IN_FLIGHT;
  const subscriptions = new Map<string, () => void>();
  let open = true;
  let inFlight = 0;

  const send = (frame: ServerFrame) => {
    if (!open) return;
    try {
      channel.send(JSON.stringify(frame));
    } catch (error) {
      engine.log.warn({ err: error }, 'could not send to a client');
    }
  };
  const sendError = (error: ApiError) => send({ t: 'error', error });

  const call = async (id: number, cmd: string, rawReq: unknown) => {
    if (!isCommandName(cmd)) {
      send({ t: 'result', id, result: { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `Unknown command "${cmd}".` } } });
      return;
    }
    const parsed = commands[cmd].request.safeParse(rawReq ?? {});
    if (!parsed.success) {
      send({
        t: 'result',
        id,
        result: { ok: false, error: { code: 'INVALID_REQUEST', message: `Invalid ${cmd} request: ${issuesText(parsed.error)}` } },
      });
      return;
    }
    const counted = !NEVER_REFUSED.has(cmd);
    if (counted && inFlight >= maxInFlight) {
      send({
        t: 'result',
        id,
        result: {
          ok: false,
          error: { code: 'BUSY', message: `${maxInFlight} calls of this connection are still running; ${cmd} was not run. Wait for their answers, then retry.`, details: { maxInFlight } },
        },
      });
      return;
    }
    // Only a call that awaits work holds a slot: one answered on the spot cannot pile up.
    let holdsSlot = false;
    try {
      const handler = handlers[cmd as CommandName] as (req: unknown) => unknown;
      let value = handler(parsed.data);
      if (counted && isThenable(value)) {
        holdsSlot = true;
        inFlight++;
      }
      value = await value;
      send({ t: 'result', id, result: { ok: true, value } });
    } catch (error) {
      if (error instanceof CockpitError) {
        const err: ApiError = { code: error.code, message: error.message };
        if (error.details !== undefined) err.details = error.details;
        send({ t: 'result', id, result: { ok: false, error: err } });
      } else {
        engine.log.error({ err: error, cmd }, 'command failed');
        send({ t: 'result', id, result: { ok: false, error: { code: 'INTERNAL', message: `${cmd} failed inside the engine; nothing was sent. See the engine log.` } } });
      }
    } finally {
      if (holdsSlot) inFlight--;
    }
  };

  channel.onMessage((raw) => {
    if (!open) return;
    if (typeof raw !== 'string') {
      sendError({ code: 'BAD_MESSAGE', message: 'Frames must be JSON text.' });
      return;
    }
    if (raw.length > MAX_FRAME_BYTES || Buffer.byteLength(raw, 'utf8') > MAX_FRAME_BYTES) {
      sendError({ code: 'PAYLOAD_TOO_LARGE', message: `Frame of ${Buffer.byteLength(raw, 'utf8')} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit; ignored.` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      sendError({ code: 'BAD_MESSAGE', message: 'Frame is not valid JSON; ignored.' });
      return;
    }
    const frame = ClientFrame.safeParse(json);
    if (!frame.success) {
      // Answer the call if we can tell which one it was.
      const id = (json as { id?: unknown })?.id;
      const error: ApiError = { code: 'BAD_MESSAGE', message: `Malformed frame: ${issuesText(frame.error)}` };
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) send({ t: 'result', id, result: { ok: false, error } });
      else sendError(error);
      return;
    }
    const f = frame.data;
    if (f.t === 'call') {
      void call(f.id, f.cmd, f.req);
    } else if (f.t === 'sub') {
      if (!isStreamName(f.stream)) {
        sendError({ code: 'UNKNOWN_STREAM', message: `Unknown stream "${f.stream}".` });
        return;
      }
      if (subscriptions.has(f.stream)) return;
      subscriptions.set(
        f.stream,
        followState(engine, channel, options, (data) => send({ t: 'event', stream: 'state', data })),
      );
    } else {
      subscriptions.get(f.stream)?.();
      subscriptions.delete(f.stream);
    }
  });

  const close = () => {
    if (!open) return;
    open = false;
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  };
  channel.onClose(close);
  return { close };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * The state stream of one connection. On a transport that reports its backlog, a subscriber that
 * stops reading is not buffered for without bound: once more than the high-water mark is waiting,
 * patches (and snapshots) are dropped; when the backlog has drained, the subscription restarts,
 * which sends a fresh snapshot first, so the client never applies a patch over a gap.
 */
function followState(engine: Engine, channel: Channel | BufferedChannel, options: ServeOptions, deliver: (data: StateStreamMessage) => void): () => void {
  if (!('bufferedAmount' in channel)) return engine.subscribeState(deliver);
  const highWater = options.streamHighWaterBytes ?? 1024 * 1024;
  const resumeAt = options.streamResumeBytes ?? 64 * 1024;
  let unsubscribe: () => void;
  let drainCheck: ReturnType<typeof setInterval> | undefined;
  let dropped = 0;
  const onMessage = (data: StateStreamMessage) => {
    if (drainCheck) {
      dropped++;
      return;
    }
    const backlog = channel.bufferedAmount();
    if (backlog <= highWater) {
      deliver(data);
      return;
    }
    dropped = 1;
    engine.log.info({ backlog }, 'a state subscriber is not reading: patches dropped until it catches up');
    drainCheck = setInterval(() => {
      if (channel.bufferedAmount() > resumeAt) return;
      clearInterval(drainCheck);
      drainCheck = undefined;
      unsubscribe();
      try {
        unsubscribe = engine.subscribeState(onMessage);
        engine.log.info({ dropped }, 'a state subscriber caught up: resynced from a snapshot');
      } catch (error) {
        // The engine is shutting down: nothing more to send.
        unsubscribe = () => undefined;
        engine.log.warn({ err: error }, 'could not resync a state subscriber');
      }
    }, options.drainCheckMs ?? 25);
    drainCheck.unref?.();
  };
  unsubscribe = engine.subscribeState(onMessage);
  return () => {
    clearInterval(drainCheck);
    drainCheck = undefined;
    unsubscribe();
  };
}
