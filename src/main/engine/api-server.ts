// The engine side of the Cockpit API, for any transport: every frame is size-checked, parsed and
// validated against the contract before anything runs; every answer is an { ok, value | error } envelope.
import type { z } from 'zod';
import { commands, isCommandName, isStreamName, type CommandName } from '../../shared/api/contract.js';
import { ClientFrame, MAX_FRAME_BYTES, type Channel, type ServerFrame } from '../../shared/api/protocol.js';
import { CockpitError, type ApiError } from '../../shared/api/result.js';
import type { Engine } from './engine.js';
import { createHandlers, type Handlers } from './handlers.js';

const handlersByEngine = new WeakMap<Engine, Handlers>();

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(request)'}: ${issue.message}`)
    .join('; ');
}

export interface ServedChannel {
  close(): void;
}

export function serveChannel(engine: Engine, channel: Channel): ServedChannel {
  let handlers = handlersByEngine.get(engine);
  if (!handlers) {
    handlers = createHandlers(engine);
    handlersByEngine.set(engine, handlers);
  }
  const subscriptions = new Map<string, () => void>();
  let open = true;

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
    try {
      const handler = handlers[cmd as CommandName] as (req: unknown) => unknown;
      const value = await handler(parsed.data);
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
        engine.subscribeState((data) => send({ t: 'event', stream: 'state', data })),
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
