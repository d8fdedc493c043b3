// Runs the real main.ts against a fake Electron (see fake-electron.testing.ts) with the real
// engine behind it: the shell's wiring is checked here because no Electron binary runs on CI.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CockpitClient } from '../../shared/api/client.js';
import { messagePortChannel } from '../engine/transports/message-port.js';
import { FakeOpenD, md5 } from '../brokers/futu/fake/server.js';
import { createFakeElectron, fakeEvent, type FakeElectron } from './fake-electron.testing.js';
import { ENGINE_PORT_CHANNEL, REQUEST_ENGINE_PORT_CHANNEL } from './ipc-channels.js';

const electron = vi.hoisted(() => ({ current: null as null | { electronModule: Record<string, unknown> } }));
// The factory runs once per file; its exports read through to the current test's fake.
vi.mock('electron', () => {
  const names = ['app', 'BrowserWindow', 'MessageChannelMain', 'ipcMain', 'dialog', 'shell', 'Menu', 'session', 'utilityProcess', 'safeStorage'];
  return Object.defineProperties(
    {},
    Object.fromEntries(names.map((name) => [name, { enumerable: true, get: () => electron.current!.electronModule[name] }])),
  );
});

let fake: FakeElectron | null = null;
let dataDir = '';
const clients: CockpitClient[] = [];

async function launch(setup: (fake: FakeElectron, dataDir: string) => void = () => {}): Promise<FakeElectron> {
  fake = createFakeElectron();
  electron.current = fake;
  dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-shell-'));
  process.env.DELTADECK_DATA_DIR = dataDir;
  setup(fake, dataDir);
  vi.resetModules();
  await import('./main.js');
  return fake;
}

const cockpitContents = (f: FakeElectron) => f.windows[0]!.webContents;

function requestPort(f: FakeElectron, sender = cockpitContents(f), senderFrame: unknown = sender.mainFrame): void {
  f.electronModule.ipcMain.emit(REQUEST_ENGINE_PORT_CHANNEL, { sender, senderFrame });
}

async function connectRenderer(f: FakeElectron): Promise<CockpitClient> {
  const contents = cockpitContents(f);
  const before = contents.portsReceived.length;
  requestPort(f);
  await vi.waitFor(() => expect(contents.portsReceived.length).toBe(before + 1), { timeout: 10_000 });
  const received = contents.portsReceived[before]!;
  expect(received.channel).toBe(ENGINE_PORT_CHANNEL);
  const client = new CockpitClient(messagePortChannel(received.port), 5_000);
  clients.push(client);
  return client;
}

async function quit(f: FakeElectron): Promise<void> {
  f.app.quit();
  await vi.waitFor(() => expect(f.app.quitted).toBe(true), { timeout: 10_000 });
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  if (fake && !fake.app.quitted) await quit(fake);
  fake?.dispose();
  fake = null;
  delete process.env.DELTADECK_DATA_DIR;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('Electron shell wiring (fake Electron, real engine)', () => {
  it('starts the engine on the data dir and hands the renderer a working port, even if asked before ready', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    expect(f.app.getPath('userData')).toBe(dataDir);
    expect(f.forks).toHaveLength(1);
    expect(f.forks[0]!.modulePath).toMatch(/[/\\]main[/\\]engine\.js$/);
    expect(f.forks[0]!.options.serviceName).toBe('Deltadeck Engine');
    expect(f.forks[0]!.options.env?.DELTADECK_DATA_DIR).toBe(dataDir);

    const prefs = f.windows[0]!.options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(prefs.additionalArguments).toEqual(['--deltadeck-app-version=0.1.0-test']);
    expect(f.windows[0]!.options.backgroundColor).toMatch(/^#/);

    const client = await connectRenderer(f); // requested while the engine is still opening
    expect((await client.call('ping', {})).ok).toBe(true);
    const state = await client.invoke('state.get', {});
    expect(state.account.nav).toBeGreaterThan(0);

    // A reload asks again and gets a fresh, working port.
    const again = await connectRenderer(f);
    expect((await again.call('ping', {})).ok).toBe(true);
  });

  it('unwraps the secrets key with the OS keychain and hands it to the engine in memory: secrets sealed in one engine process open in the next', async () => {
    const password = 'keychain-pw-2291';
    const openD = new FakeOpenD({ tradePasswordMd5: md5(password), recordRequests: false });
    const { port } = await openD.start();
    try {
      const f = await launch();
      await vi.waitFor(() => expect(f.windows).toHaveLength(1));
      const env = f.forks[0]!.options.env!;
      expect(env.DELTADECK_VAULT_KEY).toBe('message'); // the key itself is never in env or argv
      const client = await connectRenderer(f);
      const saved = await client.invoke('brokers.save', { venue: 'futu', label: 'Futu', host: '127.0.0.1', port, env: 'REAL', secrets: { tradePassword: password } });
      // The key file is wrapped by the keychain, not stored as is.
      const keyFile = JSON.parse(readFileSync(join(dataDir, 'secrets.key'), 'utf8')) as { protector: string; key: string };
      expect(keyFile.protector).toBe('electron-safe-storage');
      for (const value of Object.values(env)) expect(value ?? '').not.toContain(keyFile.key);

      // The engine process dies; the next one gets the key again and decrypts the stored password (OpenD unlocks with it).
      f.forks[0]!.crash();
      await vi.waitFor(() => expect(f.forks).toHaveLength(2), { timeout: 5_000 });
      const again = await connectRenderer(f);
      const connected = await again.invoke('brokers.connect', { id: saved.id }, { timeoutMs: 15_000 });
      expect(connected.status).toMatchObject({ state: 'connected', error: null });
      await again.invoke('brokers.disconnect', { id: saved.id });
    } finally {
      await openD.stop();
    }
  });

  it('ignores port requests from subframes, other pages and other senders', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    await connectRenderer(f); // engine ready
    const contents = cockpitContents(f);
    const top = contents.mainFrame;
    requestPort(f, contents, { ...top, parent: top });
    requestPort(f, contents, { ...top, url: 'https://evil.example/' });
    requestPort(f, contents, { ...top, url: 'file:///tmp/other.html' });
    requestPort(f, contents, null);
    const { FakeWebContents } = await import('./fake-electron.testing.js');
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = top.url;
    requestPort(f, stranger as never, stranger.mainFrame);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(contents.portsReceived).toHaveLength(1);
    expect(stranger.portsReceived).toHaveLength(0);
  });

  it('blocks navigation away, denies new windows, and opens only https links outside', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    const contents = cockpitContents(f);

    const away = fakeEvent({ url: 'https://example.com/' });
    contents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    const otherFile = fakeEvent({ url: 'file:///etc/passwd' });
    contents.emit('will-navigate', otherFile);
    expect(otherFile.defaultPrevented).toBe(true);
    const ownPage = fakeEvent({ url: `${contents.mainFrame.url}#/orders` });
    contents.emit('will-navigate', ownPage);
    expect(ownPage.defaultPrevented).toBe(false);

    expect(contents.windowOpenHandler?.({ url: 'https://www.cboe.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/hosts' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(f.openedExternally).toEqual(['https://www.cboe.com/']);

    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('sets the strict CSP on responses and denies permission requests', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    const headers = f.headers({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers['Content-Security-Policy']).toEqual([expect.stringContaining("script-src 'self';")]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(await f.askPermission('media')).toBe(false);
    expect(await f.askPermission('geolocation')).toBe(false);
  });

  it('on quit asks the engine to close and waits for it before quitting', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    const client = await connectRenderer(f);
    expect(existsSync(join(dataDir, 'deltadeck.lock'))).toBe(true);
    f.app.quit();
    expect(f.app.quitted).toBe(false); // held until the engine has closed
    await vi.waitFor(() => expect(f.app.quitted).toBe(true), { timeout: 10_000 });
    expect(existsSync(join(dataDir, 'deltadeck.lock'))).toBe(false);
    await vi.waitFor(() => expect(client.isClosed).toBe(true));
  });

  it("shows the engine's fatal start error in a dialog and quits", async () => {
    const f = await launch((_fake, dir) => {
      writeFileSync(join(dir, 'deltadeck.lock'), JSON.stringify({ pid: process.ppid, startedAt: Date.now() }));
    });
    await vi.waitFor(() => expect(f.errorBoxes).toHaveLength(1), { timeout: 10_000 });
    const box = f.errorBoxes[0]!;
    expect(box.content).toContain('(DATA_DIR_LOCKED)');
    expect(box.content).toContain('already running');
    expect(box.content).not.toMatch(/\n\s+at /);
    await vi.waitFor(() => expect(f.app.quitted).toBe(true), { timeout: 10_000 });
    expect(f.forks).toHaveLength(1); // a fatal report is never retried
  });

  it('restarts a crashed engine and serves the renderer again', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    const client = await connectRenderer(f);
    f.forks[0]!.crash();
    await vi.waitFor(() => expect(client.isClosed).toBe(true), { timeout: 5_000 });
    await vi.waitFor(() => expect(f.forks).toHaveLength(2), { timeout: 5_000 });
    const reconnected = await connectRenderer(f);
    expect((await reconnected.call('ping', {})).ok).toBe(true);
    expect(f.errorBoxes).toHaveLength(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const f = await launch();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    f.app.emit('second-instance');
    expect(f.windows[0]!.focusCount).toBe(1);
  });

  it('quits at once, opening nothing, when another instance holds the lock', async () => {
    const f = await launch((fakeElectron) => {
      fakeElectron.app.hasSingleInstanceLock = false;
    });
    expect(f.app.quitted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.windows).toHaveLength(0);
    expect(f.forks).toHaveLength(0);
  });
});
