// Test support: a temp data directory, an engine tuned for fast tests, a connected client and a
// mirror of the state stream (snapshot + patches applied exactly as the renderer applies them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CockpitClient } from '../../shared/api/client.js';
import { applyPatch } from '../../shared/api/state.js';
import type { CockpitState } from '../../shared/domain.js';
import { serveChannel } from './api-server.js';
import { Engine, type EngineOptions } from './engine.js';
import { createChannelPair } from './transports/in-process.js';

export function makeTempDir(prefix = 'deltadeck-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Where every test's simulated market starts: a Monday morning session (10:00 New York), so no test
 * depends on the day or hour it runs. Tests of other days pass their own `simStart`.
 */
export const TEST_SIM_START = Date.parse('2026-06-08T14:00:00Z');

export const FAST: Partial<EngineOptions> = {
  simStart: TEST_SIM_START,
  tickIntervalMs: 40,
  paperLatencyMs: 5,
  equityIntervalMs: 200,
  publishIntervalMs: 20,
  seed: 7,
  logLevel: 'warn',
};

export function openTestEngine(dataDir: string, options: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.open({ dataDir, ...FAST, ...options });
}

export function connect(engine: Engine): CockpitClient {
  const [clientSide, engineSide] = createChannelPair();
  serveChannel(engine, engineSide);
  return new CockpitClient(clientSide, 5_000);
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Follows the state stream like a renderer does. */
export class StateMirror {
  state: CockpitState | undefined;
  patches = 0;
  private readonly unsubscribe: () => void;

  constructor(client: CockpitClient) {
    this.unsubscribe = client.subscribe('state', (message) => {
      if (message.type === 'snapshot') this.state = message.state;
      else if (this.state) {
        this.state = applyPatch(this.state, message.patch);
        this.patches++;
      }
    });
  }

  ready(): Promise<CockpitState> {
    return waitFor(() => this.state, 'the first snapshot');
  }

  get current(): CockpitState {
    if (!this.state) throw new Error('no snapshot yet');
    return this.state;
  }

  stop(): void {
    this.unsubscribe();
  }
}
