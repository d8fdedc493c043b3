// Owns the engine utilityProcess: spawns it on the data directory, waits for it to report ready,
// hands each renderer that asks a fresh MessagePort to it, restarts it with backoff after a crash,
// and shuts it down on quit. Ports go out only on request: a renderer whose port closed (engine
// restarted) asks again, and a request made while the engine is starting is answered once it is ready.
import { MessageChannelMain, utilityProcess, type MessagePortMain, type UtilityProcess, type WebContents } from 'electron';
import type { ShellToEngineMessage } from '../engine/utility-entry.js';
import { ENGINE_PORT_CHANNEL } from './ipc-channels.js';
import { ENGINE_RESTART_POLICY, nextRestartDelay, parseEngineMessage } from './policy.js';

export interface EngineFailure {
  code: string;
  message: string;
}

export interface EngineHostOptions {
  /** Built utility entry, out/main/engine.js. */
  modulePath: string;
  dataDir: string;
  /**
   * The secrets vault's data key, unwrapped here with safeStorage (the utility process has none):
   * sent to each engine process as its first message, never through env or argv.
   */
  vaultKey?: () => { kind: string; key: Buffer } | null;
  /** The engine cannot run (fatal start report, or crashed too often); the app should tell the trader and quit. */
  onFailure(failure: EngineFailure): void;
}

export class EngineHost {
  private child: UtilityProcess | null = null;
  private ready = false;
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly crashTimes: number[] = [];
  /** Renderers that asked for a port while the engine was not ready. */
  private readonly waiting = new Set<WebContents>();
  private readonly watched = new WeakSet<WebContents>();

  constructor(private readonly options: EngineHostOptions) {}

  start(): void {
    if (this.child || this.stopping) return;
    const vaultKey = this.options.vaultKey?.() ?? null;
    const child = utilityProcess.fork(this.options.modulePath, [], {
      serviceName: 'Deltadeck Engine',
      env: { ...process.env, DELTADECK_DATA_DIR: this.options.dataDir, ...(vaultKey ? { DELTADECK_VAULT_KEY: 'message' } : {}) },
      stdio: 'inherit',
    });
    this.child = child;
    if (vaultKey) this.post(child, { type: 'vaultKey', kind: vaultKey.kind, key: vaultKey.key.toString('base64') });
    this.ready = false;
    child.on('message', (data: unknown) => this.handleMessage(child, data));
    child.on('exit', (code) => this.handleExit(child, code));
  }

  /** Gives `contents` a MessagePort to the engine now, or as soon as the engine is ready. */
  connect(contents: WebContents): void {
    if (this.ready) {
      this.handOverPort(contents);
    } else {
      this.waiting.add(contents);
      if (!this.watched.has(contents)) {
        this.watched.add(contents);
        contents.once('destroyed', () => this.waiting.delete(contents));
      }
    }
  }

  /** Asks the engine to close (drains, closes SQLite), killing it if it takes longer than `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        console.warn(`[shell] engine did not stop within ${timeoutMs} ms; killing it`);
        child.kill();
        resolve();
      }, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post(child, { type: 'shutdown' });
    });
  }

  private post(child: UtilityProcess, message: ShellToEngineMessage, transfer?: MessagePortMain[]): void {
    child.postMessage(message, transfer);
  }

  private handOverPort(contents: WebContents): void {
    const child = this.child;
    if (!child || contents.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    this.post(child, { type: 'port' }, [port1]);
    contents.postMessage(ENGINE_PORT_CHANNEL, null, [port2]);
  }

  private handleMessage(child: UtilityProcess, data: unknown): void {
    if (child !== this.child) return;
    const message = parseEngineMessage(data);
    if (!message) return;
    if (message.type === 'ready') {
      this.ready = true;
      for (const contents of this.waiting) this.handOverPort(contents);
      this.waiting.clear();
    } else {
      // A fatal start failure (locked data dir, corrupt or too-new database…) will not fix itself.
      this.stopping = true;
      this.options.onFailure({ code: message.code, message: message.message });
    }
  }

  private handleExit(child: UtilityProcess, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    this.ready = false;
    if (this.stopping) return;
    const now = Date.now();
    this.crashTimes.push(now);
    // Forget crashes that no longer count against the restart budget.
    while (this.crashTimes.length > 0 && now - this.crashTimes[0]! >= ENGINE_RESTART_POLICY.windowMs) this.crashTimes.shift();
    const delay = nextRestartDelay(this.crashTimes, now, ENGINE_RESTART_POLICY);
    if (delay === null) {
      this.stopping = true;
      this.options.onFailure({
        code: 'ENGINE_CRASHED',
        message: `The Deltadeck engine stopped unexpectedly ${this.crashTimes.length} times within a minute (last exit code ${code}). Your data is on disk; please start Deltadeck again.`,
      });
      return;
    }
    console.error(`[shell] engine exited with code ${code}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delay);
  }
}
