// The per-test engine of the Cockpit API tests: a fresh data directory, the engine on it and an
// in-process client before each test; all closed and removed after it. Vitest only (benchmarks use
// testing.ts, which does not import vitest).
import { afterEach, beforeEach } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { Engine, EngineOptions } from './engine.js';
import { connect, makeTempDir, openTestEngine } from './testing.js';

export interface TestEngine {
  readonly dir: string;
  readonly engine: Engine;
  readonly client: CockpitClient;
  /** Closes the engine, runs `between` (e.g. edits the database), and opens it again on the same directory. */
  reopen(between?: () => void): Promise<void>;
}

export function useTestEngine(options: Partial<EngineOptions> = {}): TestEngine {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let engine: Engine | undefined;
  let client: CockpitClient | undefined;
  const open = async () => {
    engine = await openTestEngine(tmp!.dir, options);
    client = connect(engine);
  };
  const close = async () => {
    client?.close();
    await engine?.close();
    client = undefined;
    engine = undefined;
  };
  beforeEach(async () => {
    tmp = makeTempDir();
    await open();
  });
  afterEach(async () => {
    await close();
    tmp?.remove();
  });
  return {
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
      between?.();
      await open();
    },
  };
}
