// Entry of the engine utilityProcess (plain Node, never electron): opens the Engine on the data
// directory the shell names, reports ready/fatal to the shell, and serves the Cockpit API on every
// MessagePort the shell hands over. Also runnable in plain Node tests through runEngineUtility.
import { pathToFileURL } from 'node:url';
import type { Channel } from '../../shared/api/protocol.js';
import type { Engine } from './engine.js';
import { messagePortChannel, type MessagePortLike } from './transports/message-port.js';
import { unwrappedKey, type KeyProtector } from '../secrets/vault.js';

/** Messages the shell sends; a 'port' message carries one MessagePort in `ports`. */
export type ShellToEngineMessage =
  | { type: 'port' }
  | { type: 'shutdown' }
  /** The secrets vault's data key, unwrapped by the shell with safeStorage (sent first, in memory only). */
  | { type: 'vaultKey'; kind: string; key: string };

/** Messages the engine sends to the shell. A fatal start failure is never retried. */
export type EngineToShellMessage = { type: 'ready' } | { type: 'fatal'; code: string; message: string };

/** The part of Electron's `process.parentPort` this entry relies on. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly MessagePortLike[] }) => void): unknown;
  postMessage(message: EngineToShellMessage): void;
}

export interface EngineModules {
  openEngine(options: { dataDir: string; seed?: number; keyProtector?: KeyProtector }): Promise<Engine>;
  serveChannel(engine: Engine, channel: Channel): { close(): void };
}

export interface EngineUtilityOptions {
  dataDir: string | undefined;
  seed?: number;
  /** Ends the process; tests pass a spy. */
  exit(code: number): void;
  /** Loads the engine code; replaceable in tests. */
  load?: () => Promise<EngineModules>;
  /** The shell sends the vault key (DELTADECK_VAULT_KEY=message): the engine waits for it before opening. */
  awaitVaultKey?: boolean;
  /** How long to wait for the key (default 10 s). */
  vaultKeyTimeoutMs?: number;
}

/** Lets the fatal report reach the shell before the process goes away. */
const FATAL_EXIT_DELAY_MS = 250;

async function loadEngineModules(): Promise<EngineModules> {
  // Loaded dynamically so a broken install (e.g. a native module built for the wrong ABI)
  // becomes a readable fatal report instead of a silent crash before any code runs.
  const [{ Engine: EngineClass }, { serveChannel }] = await Promise.all([
    import('./engine.js'),
    import('./api-server.js'),
  ]);
  return { openEngine: (options) => EngineClass.open(options), serveChannel };
}

function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : fallback;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // First line only: a trader sees this in a dialog, never a stack.
  return message.split('\n', 1)[0]!.trim();
}

export async function runEngineUtility(parentPort: ParentPortLike, options: EngineUtilityOptions): Promise<void> {
  const { exit, load = loadEngineModules } = options;
  const waitingPorts: MessagePortLike[] = [];
  const sessions = new Map<{ close(): void }, Channel>();
  let modules: EngineModules | null = null;
  let engine: Engine | null = null;
  let shuttingDown = false;
  let vaultKey: ((protector: KeyProtector) => void) | null = null;
  const keyArrived = new Promise<KeyProtector>((resolve) => (vaultKey = resolve));

  const serve = (port: MessagePortLike): void => {
    if (!engine || !modules) {
      waitingPorts.push(port);
      return;
    }
    const channel = messagePortChannel(port);
    const session = modules.serveChannel(engine, channel);
    sessions.set(session, channel);
    channel.onClose(() => {
      session.close();
      sessions.delete(session);
    });
  };

  const closeEngine = async (openEngine: Engine): Promise<void> => {
    for (const [session, channel] of sessions) {
      session.close();
      channel.close();
    }
    sessions.clear();
    try {
      await openEngine.close();
    } catch (error) {
      console.error(`[engine] close failed: ${errorMessage(error)}`);
    }
    exit(0);
  };

  const shutdown = async (): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const port of waitingPorts.splice(0)) port.close();
    // Still opening: the engine is closed below once Engine.open settles.
    if (engine) await closeEngine(engine);
  };

  const fail = (code: string, message: string): void => {
    if (shuttingDown) {
      exit(0);
      return;
    }
    parentPort.postMessage({ type: 'fatal', code, message });
    setTimeout(() => exit(1), FATAL_EXIT_DELAY_MS);
  };

  // Registered first: the parent port queues messages until a listener exists.
  parentPort.on('message', (event) => {
    const type = (event.data as { type?: unknown } | null)?.type;
    if (type === 'port') {
      const port = event.ports[0];
      if (!port) return;
      if (shuttingDown) port.close();
      else serve(port);
    } else if (type === 'shutdown') {
      void shutdown();
    } else if (type === 'vaultKey') {
      const { kind, key } = event.data as { kind?: unknown; key?: unknown };
      const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : null;
      if (typeof kind === 'string' && bytes && bytes.length === 32) vaultKey?.(unwrappedKey(kind, bytes));
    }
  });

  if (!options.dataDir) {
    fail('ENGINE_MISCONFIGURED', 'The engine was started without a data directory.');
    return;
  }
  try {
    modules = await load();
  } catch (error) {
    fail(
      'ENGINE_LOAD_FAILED',
      `The engine could not be loaded (${errorMessage(error)}). Reinstalling Deltadeck should fix this.`,
    );
    return;
  }
  if (shuttingDown) {
    exit(0); // asked to stop before anything was opened
    return;
  }
  let keyProtector: KeyProtector | undefined;
  if (options.awaitVaultKey) {
    const timeoutMs = options.vaultKeyTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    keyProtector = await Promise.race([keyArrived, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]);
    clearTimeout(timer);
    if (!keyProtector) {
      fail('VAULT_KEY_MISSING', 'The desktop app did not hand the engine its secrets key; stored broker secrets cannot be read. Restart Deltadeck.');
      return;
    }
  }
  try {
    engine = await modules.openEngine({ dataDir: options.dataDir, seed: options.seed, ...(keyProtector ? { keyProtector } : {}) });
  } catch (error) {
    const code = errorCode(error, 'ENGINE_START_FAILED');
    const message = code === 'ENGINE_START_FAILED' ? `The engine could not start: ${errorMessage(error)}` : errorMessage(error);
    fail(code, message);
    return;
  }
  if (shuttingDown) {
    await closeEngine(engine);
    return;
  }
  parentPort.postMessage({ type: 'ready' });
  for (const port of waitingPorts.splice(0)) serve(port);
}

function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const seed = Number(raw);
  return Number.isSafeInteger(seed) ? seed : undefined;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort;
if (parentPort) {
  void runEngineUtility(parentPort, {
    dataDir: process.env.DELTADECK_DATA_DIR,
    seed: parseSeed(process.env.DELTADECK_SEED),
    awaitVaultKey: process.env.DELTADECK_VAULT_KEY === 'message',
    exit: (code) => process.exit(code),
  });
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.error('The Deltadeck engine entry runs inside the desktop app. For the headless cockpit: deltadeck serve');
  process.exitCode = 2;
}
