// The one way the renderer calls an engine command: `callEngine(cmd, req, { timeoutMs })` goes to
// the current engine client and always answers with the `{ ok, value | error }` Result — while
// there is no connection, the standard DISCONNECTED error, and nothing is sent. Reads a panel
// polls use `useEngineQuery`; commands whose answer the trader should see as a toast go through
// the action helpers in `actions.ts`, which are built on `callEngine`.
import type { CallOptions, CockpitClient } from '../../../shared/api/client.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/api/contract.js';
import type { ApiError, Result } from '../../../shared/api/result.js';
import { usePolledQuery, type PolledQuery } from '../lib/use-polled-query.js';
import { engineClient } from './runtime.js';

export type { CallOptions };

/** What every call answers while the cockpit has no engine connection. */
export const DISCONNECTED: Readonly<ApiError> = Object.freeze({
  code: 'DISCONNECTED',
  message: 'Not connected to the engine — the command was not sent. Wait for the reconnect and try again.',
});

export type EngineCaller = <K extends CommandName>(cmd: K, req: CommandRequest<K>, options?: CallOptions) => Promise<Result<CommandResponse<K>>>;

/** A caller bound to whatever client `getClient` returns at call time (the live one, or a test's). */
export function createEngineCaller(getClient: () => CockpitClient | null): EngineCaller {
  return (cmd, req, options) => {
    const client = getClient();
    if (!client) return Promise.resolve({ ok: false, error: { ...DISCONNECTED } });
    return client.call(cmd, req, options);
  };
}

/** Calls a command on the engine this cockpit is connected to; never throws. */
export const callEngine: EngineCaller = createEngineCaller(engineClient);

export interface EngineQueryOptions extends CallOptions {
  intervalMs: number;
  /** A change refreshes at once, as a change of `req` does (e.g. after the trader acted). */
  refreshKey?: string | number;
}

/** A read polled while the panel is mounted (see `usePolledQuery`); a new `req` refreshes at once. */
export function useEngineQuery<K extends CommandName>(cmd: K, req: CommandRequest<K>, options: EngineQueryOptions): PolledQuery<CommandResponse<K>> {
  const { intervalMs, refreshKey, ...callOptions } = options;
  const paramsKey = `${cmd} ${JSON.stringify(req)} ${refreshKey ?? ''}`;
  return usePolledQuery(() => callEngine(cmd, req, callOptions), intervalMs, paramsKey);
}
