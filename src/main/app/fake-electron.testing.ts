// Test support: just enough of Electron's main-process API for main.ts to run in plain Node.
// The "utility process" runs the real engine entry in-process over worker_threads MessagePorts,
// so the shell's wiring (spawn, ready, port hand-off, sender checks, fatal, restart, quit) is
// exercised end to end without an Electron binary.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { MessagePortLike } from '../engine/transports/message-port.js';
import { electronShapedPort } from '../engine/transports/message-port.testing.js';
import { runEngineUtility, type ParentPortLike } from '../engine/utility-entry.js';

export interface FakeEvent {
  url?: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(fields: { url?: string } = {}): FakeEvent {
  return {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = { processId: 1, routingId: 1, parent: null as unknown, url: '' };
  readonly portsReceived: Array<{ channel: string; port: MessagePortLike }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  postMessage(channel: string, _message: unknown, transfer: MessagePortLike[] = []): void {
    for (const port of transfer) this.portsReceived.push({ channel, port });
    this.emit('test:ports');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeUtilityProcess extends EventEmitter {
  private readonly shellListeners: Array<Parameters<ParentPortLike['on']>[1]> = [];
  private exited = false;
  private crashing = false;

  constructor(
    readonly modulePath: string,
    readonly options: { serviceName?: string; env?: Record<string, string | undefined> },
  ) {
    super();
    const parentPort: ParentPortLike = {
      on: (_event, listener) => void this.shellListeners.push(listener),
      postMessage: (message) => setImmediate(() => this.emit('message', message)),
    };
    void runEngineUtility(parentPort, {
      dataDir: options.env?.DELTADECK_DATA_DIR,
      awaitVaultKey: options.env?.DELTADECK_VAULT_KEY === 'message',
      exit: (code) => this.terminate(code),
    });
  }

  postMessage(message: unknown, transfer: MessagePortLike[] = []): void {
    setImmediate(() => {
      for (const listener of this.shellListeners) listener({ data: message, ports: transfer });
    });
  }
  kill(): boolean {
    this.terminate(143);
    return true;
  }
  /** The engine dies unexpectedly (it closes its database first so the restart can reopen it). */
  crash(): void {
    this.crashing = true;
    this.postMessage({ type: 'shutdown' });
  }
  private terminate(code: number): void {
    if (this.exited) return;
    this.exited = true;
    setImmediate(() => this.emit('exit', this.crashing ? 1 : code));
  }
}

export function createFakeElectron() {
  const openPorts: MessagePort[] = [];
  const forks: FakeUtilityProcess[] = [];
  const keychainSecret = randomBytes(16);
  const windows: FakeBrowserWindow[] = [];
  const errorBoxes: Array<{ title: string; content: string }> = [];
  const openedExternally: string[] = [];
  const paths = new Map<string, string>([['userData', '/tmp/deltadeck-fake-default']]);
  let headersListener: ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: unknown) => void) => void) | null = null;
  let permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;

  class FakeApp extends EventEmitter {
    isPackaged = false;
    hasSingleInstanceLock = true;
    quitted = false;
    private readyFlag = false;
    requestSingleInstanceLock(): boolean {
      return this.hasSingleInstanceLock;
    }
    setPath(name: string, value: string): void {
      paths.set(name, value);
    }
    getPath(name: string): string {
      return paths.get(name) ?? `/tmp/${name}`;
    }
    getVersion(): string {
      return '0.1.0-test';
    }
    setAppUserModelId(): void {}
    isReady(): boolean {
      return this.readyFlag;
    }
    whenReady(): Promise<void> {
      this.readyFlag = true;
      return Promise.resolve();
    }
    quit(): void {
      const event = fakeEvent();
      this.emit('before-quit', event);
      if (!event.defaultPrevented) this.quitted = true;
    }
  }
  const app = new FakeApp();

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    visible = false;
    focusCount = 0;
    constructor(readonly options: { webPreferences?: Record<string, unknown>; backgroundColor?: string }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((window) => !window.webContents.destroyed);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.mainFrame.url = url;
      setImmediate(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    show(): void {
      this.visible = true;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {
      this.focusCount++;
    }
    isDestroyed(): boolean {
      return this.webContents.destroyed;
    }
  }

  class FakeMessageChannelMain {
    readonly port1: MessagePortLike;
    readonly port2: MessagePortLike;
    constructor() {
      const { port1, port2 } = new MessageChannel();
      openPorts.push(port1, port2);
      this.port1 = electronShapedPort(port1);
      this.port2 = electronShapedPort(port2);
    }
  }

  const electronModule = {
    app,
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: FakeMessageChannelMain,
    ipcMain: new EventEmitter(),
    dialog: { showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }) },
    shell: { openExternal: (url: string) => (openedExternally.push(url), Promise.resolve()) },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => {} },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (listener: typeof headersListener) => void (headersListener = listener) },
        setPermissionRequestHandler: (handler: typeof permissionRequestHandler) => void (permissionRequestHandler = handler),
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
      },
    },
    /** An OS keychain stand-in: reversible, keyed by a per-fake secret, never the identity. */
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(Buffer.from(text, 'utf8').map((b, i) => b ^ keychainSecret[i % keychainSecret.length]!)),
      decryptString: (data: Buffer) => Buffer.from(data.map((b, i) => b ^ keychainSecret[i % keychainSecret.length]!)).toString('utf8'),
    },
    utilityProcess: {
      fork(modulePath: string, _args: string[], options: FakeUtilityProcess['options']) {
        const child = new FakeUtilityProcess(modulePath, options);
        forks.push(child);
        return child;
      },
    },
  };

  return {
    electronModule,
    app,
    forks,
    windows,
    errorBoxes,
    openedExternally,
    headers(responseHeaders: Record<string, string[]> = {}): Record<string, string[]> {
      let result: Record<string, string[]> = {};
      headersListener?.({ responseHeaders }, (r) => (result = (r as { responseHeaders: Record<string, string[]> }).responseHeaders));
      return result;
    },
    askPermission(permission: string): Promise<boolean> {
      return new Promise((resolve) => permissionRequestHandler?.(null, permission, resolve));
    },
    dispose(): void {
      for (const port of openPorts.splice(0)) port.close();
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
