// The per-test engine of the Cockpit API tests: a fresh data directory, the engine on it and an
// in-process client before each test; all closed and removed after it (with hooks for a test file's
// own fixtures around it, e.g. futu-account.testing.ts). Also the commands of those tests: a call
// that must succeed and one that must be refused. Vitest only (benchmarks use testing.ts, which
// does not import vitest).
import { afterEach, beforeEach } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../shared/api/contract.js';
import type { Engine, EngineOptions } from './engine.js';
import { connect, makeTempDir, openTestEngine } from './testing.js';

export interface TestEngine extends Commands {
  readonly dir: string;
  readonly engine: Engine;
  readonly client: CockpitClient;
  /** Closes the engine, runs `between` (e.g. edits the database), and opens it again on the same directory. */
  reopen(between?: () => void | Promise<void>): Promise<void>;
}

/** What a test file's own fixtures do around the engine (e.g. a fake broker the engine connects to). */
export interface TestEngineHooks {
  /** The prefix of each test's data directory. */
  tempPrefix?: string;
  /** Before each test, with the data directory made, before the engine opens. */
  before?(): void | Promise<void>;
  /** Each time the engine has opened (before each test and on reopen), with its client. */
  opened?(client: CockpitClient): void | Promise<void>;
  /** Each time before the engine closes (on reopen and after each test). */
  closing?(): void;
  /** After each test, with the engine closed, before the data directory is removed. */
  after?(): void | Promise<void>;
}

export function useTestEngine(options: Partial<EngineOptions> = {}, hooks: TestEngineHooks = {}): TestEngine {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let engine: Engine | undefined;
  let client: CockpitClient | undefined;
  const open = async () => {
    engine = await openTestEngine(tmp!.dir, options);
    client = connect(engine);
    await hooks.opened?.(client);
  };
  const close = async () => {
    hooks.closing?.();
    client?.close();
    await engine?.close();
    client = undefined;
    engine = undefined;
  };
  beforeEach(async () => {
    tmp = makeTempDir(hooks.tempPrefix);
    await hooks.before?.();
    await open();
  });
  afterEach(async () => {
    await close();
    await hooks.after?.();
    tmp?.remove();
  });
  return {
    ...commandsOn(() => client!),
    get dir() {
      return tmp!.dir;
    },
    get engine() {
      return engine!;
    },
    get client() {
      return client!;
    },
    async reopen(between) {
      await close();
      await between?.();
      await open();
    },
  };
}

/** How long a test's command may take before the client gives up on it. */
const CALL_TIMEOUT_MS = 15_000;

/** What a refused command answered. */
export interface Refusal {
  code: string;
  message: string;
  details?: unknown;
}

/** Calls `cmd` and returns its value; a refusal is thrown as an Error with the refusal's `code`. */
export async function callOk<K extends CommandName>(client: CockpitClient, cmd: K, req: CommandRequest<K>): Promise<CommandResponse<K>> {
  const result = await client.call(cmd, req, { timeoutMs: CALL_TIMEOUT_MS });
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

/** Calls `cmd`, which must be refused, and returns the refusal; success is thrown. */
export async function callRefused<K extends CommandName>(client: CockpitClient, cmd: K, req: CommandRequest<K>): Promise<Refusal> {
  const result = await client.call(cmd, req, { timeoutMs: CALL_TIMEOUT_MS });
  if (result.ok) throw new Error(`${cmd} unexpectedly succeeded`);
  return result.error;
}

export interface Commands {
  /** See callOk. */
  call<K extends CommandName>(cmd: K, req: CommandRequest<K>): Promise<CommandResponse<K>>;
  /** See callRefused. */
  refused<K extends CommandName>(cmd: K, req: CommandRequest<K>): Promise<Refusal>;
}

/** callOk and callRefused on whatever client `client()` returns when called (a test's client changes from test to test). */
export function commandsOn(client: () => CockpitClient): Commands {
  return {
    call: (cmd, req) => callOk(client(), cmd, req),
    refused: (cmd, req) => callRefused(client(), cmd, req),
  };
}
