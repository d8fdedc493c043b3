import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CockpitClient } from '../../shared/api/client.js';
import type { Channel } from '../../shared/api/protocol.js';
import type { Engine } from './engine.js';
import { messagePortChannel } from './transports/message-port.js';
import { electronShapedPort } from './transports/message-port.testing.js';
import { runEngineUtility, type EngineModules, type EngineToShellMessage, type ParentPortLike } from './utility-entry.js';

/** Plays the shell's side of `process.parentPort`. */
function fakeShell() {
  const listeners: Array<Parameters<ParentPortLike['on']>[1]> = [];
  const received: EngineToShellMessage[] = [];
  const parentPort: ParentPortLike = {
    on(_event, listener) {
      listeners.push(listener);
    },
    postMessage(message) {
      received.push(message);
    },
  };
  return {
    parentPort,
    received,
    send(data: unknown, ports: MessagePort[] = []) {
      for (const listener of listeners) listener({ data, ports: ports.map(electronShapedPort) });
    },
    /** Hands the engine a port, like main does, and returns the renderer's end as a Channel. */
    connectRenderer(): Channel {
      const { port1, port2 } = new MessageChannel();
      openPorts.push(port1, port2);
      this.send({ type: 'port' }, [port1]);
      return messagePortChannel(electronShapedPort(port2));
    },
  };
}

/** A stand-in engine: answers ping; records sessions and close. */
function fakeModules(open: () => Promise<void> = () => Promise.resolve()) {
  const engine = { close: vi.fn(() => Promise.resolve()) };
  const sessions: Array<{ close: ReturnType<typeof vi.fn> }> = [];
  const modules: EngineModules = {
    openEngine: async () => {
      await open();
      return engine as unknown as Engine;
    },
    serveChannel(_engine, channel) {
      channel.onMessage((raw) => {
        const frame = JSON.parse(raw) as { id: number };
        channel.send(JSON.stringify({ t: 'result', id: frame.id, result: { ok: true, value: { ts: 1, version: 'fake' } } }));
      });
      const session = { close: vi.fn() };
      sessions.push(session);
      return session;
    },
  };
  return { engine, sessions, modules };
}

const openPorts: MessagePort[] = [];
afterEach(() => {
  for (const port of openPorts.splice(0)) port.close();
  vi.useRealTimers();
});

describe('runEngineUtility', () => {
  it('reports ready and serves the Cockpit API on each port the shell hands over', async () => {
    const shell = fakeShell();
    const { modules, sessions } = fakeModules();
    const exit = vi.fn();
    await runEngineUtility(shell.parentPort, { dataDir: '/tmp/deltadeck-test', exit, load: async () => modules });
    expect(shell.received).toEqual([{ type: 'ready' }]);

    const first = new CockpitClient(shell.connectRenderer(), 2_000);
    const second = new CockpitClient(shell.connectRenderer(), 2_000);
    expect(await first.call('ping', {})).toEqual({ ok: true, value: { ts: 1, version: 'fake' } });
    expect((await second.call('ping', {})).ok).toBe(true);
    expect(sessions).toHaveLength(2);
    expect(exit).not.toHaveBeenCalled();
  });

  it('serves a port that arrived while the engine was still opening', async () => {
    const shell = fakeShell();
    let finishOpening!: () => void;
    const { modules } = fakeModules(() => new Promise<void>((resolve) => (finishOpening = resolve)));
    const running = runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit: vi.fn(), load: async () => modules });
    await vi.waitFor(() => expect(finishOpening).toBeTypeOf('function'));
    const client = new CockpitClient(shell.connectRenderer(), 2_000);
    const pong = client.call('ping', {});
    finishOpening();
    await running;
    expect((await pong).ok).toBe(true);
  });

  it('reports an Engine.open failure with its code and a one-line message, then exits 1', async () => {
    vi.useFakeTimers();
    const shell = fakeShell();
    const exit = vi.fn();
    const locked = Object.assign(new Error('Another Deltadeck is using this data folder.\n    at open (engine.ts:1)'), {
      code: 'DATA_DIR_LOCKED',
    });
    const { modules } = fakeModules(() => Promise.reject(locked));
    await runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit, load: async () => modules });
    expect(shell.received).toEqual([
      { type: 'fatal', code: 'DATA_DIR_LOCKED', message: 'Another Deltadeck is using this data folder.' },
    ]);
    expect(exit).not.toHaveBeenCalled();
    await vi.runAllTimersAsync();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('turns an uncoded start error and a load failure into readable fatal reports', async () => {
    const shell = fakeShell();
    const { modules } = fakeModules(() => Promise.reject(new Error('disk full')));
    await runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit: vi.fn(), load: async () => modules });
    expect(shell.received[0]).toEqual({ type: 'fatal', code: 'ENGINE_START_FAILED', message: 'The engine could not start: disk full' });

    const shell2 = fakeShell();
    await runEngineUtility(shell2.parentPort, {
      dataDir: '/tmp/x',
      exit: vi.fn(),
      load: () => Promise.reject(new Error('The module was compiled against a different Node.js version')),
    });
    expect(shell2.received[0]).toMatchObject({ type: 'fatal', code: 'ENGINE_LOAD_FAILED' });

    const shell3 = fakeShell();
    await runEngineUtility(shell3.parentPort, { dataDir: undefined, exit: vi.fn(), load: async () => modules });
    expect(shell3.received[0]).toMatchObject({ type: 'fatal', code: 'ENGINE_MISCONFIGURED' });
  });

  it('waits for the shell’s vault key when told to, opens the engine with it, and fails readably when it never comes', async () => {
    const shell = fakeShell();
    const { modules } = fakeModules();
    const opened: unknown[] = [];
    const open = modules.openEngine;
    modules.openEngine = (options) => {
      opened.push(options);
      return open(options);
    };
    const key = Buffer.alloc(32, 7);
    const running = runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit: vi.fn(), load: async () => modules, awaitVaultKey: true });
    shell.send({ type: 'vaultKey', kind: 'short', key: Buffer.alloc(8).toString('base64') }); // malformed: ignored
    shell.send({ type: 'vaultKey', kind: 'electron-safe-storage', key: key.toString('base64') });
    await running;
    expect(shell.received).toEqual([{ type: 'ready' }]);
    const protector = (opened[0] as { keyProtector: { kind: string; unprotect(b: Buffer): Buffer } }).keyProtector;
    expect(protector.kind).toBe('electron-safe-storage');
    expect(protector.unprotect(Buffer.from('wrapped'))).toEqual(key);

    const silent = fakeShell();
    await runEngineUtility(silent.parentPort, { dataDir: '/tmp/x', exit: vi.fn(), load: async () => fakeModules().modules, awaitVaultKey: true, vaultKeyTimeoutMs: 50 });
    expect(silent.received[0]).toMatchObject({ type: 'fatal', code: 'VAULT_KEY_MISSING' });
  });

  it('on shutdown closes every session and the engine, then exits 0', async () => {
    const shell = fakeShell();
    const { modules, engine, sessions } = fakeModules();
    const exit = vi.fn();
    await runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit, load: async () => modules });
    const renderer = shell.connectRenderer();
    const rendererClosed = new Promise<void>((resolve) => renderer.onClose(resolve));
    await vi.waitFor(() => expect(sessions).toHaveLength(1));
    shell.send({ type: 'shutdown' });
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(sessions[0]!.close).toHaveBeenCalled();
    expect(engine.close).toHaveBeenCalledOnce();
    await rendererClosed;
  });

  it('on shutdown while still opening, closes the engine once it is open and never reports ready', async () => {
    const shell = fakeShell();
    let finishOpening!: () => void;
    const { modules, engine } = fakeModules(() => new Promise<void>((resolve) => (finishOpening = resolve)));
    const exit = vi.fn();
    const running = runEngineUtility(shell.parentPort, { dataDir: '/tmp/x', exit, load: async () => modules });
    await vi.waitFor(() => expect(finishOpening).toBeTypeOf('function'));
    shell.send({ type: 'shutdown' });
    finishOpening();
    await running;
    expect(shell.received).toEqual([]);
    expect(engine.close).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(0);
  });
});

describe('runEngineUtility with the real engine', () => {
  const dataDirs: string[] = [];
  const tempDataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'deltadeck-utility-'));
    dataDirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the engine, serves a renderer, and shuts down cleanly', async () => {
    const shell = fakeShell();
    const exit = vi.fn();
    await runEngineUtility(shell.parentPort, { dataDir: tempDataDir(), seed: 11, exit });
    expect(shell.received).toEqual([{ type: 'ready' }]);
    const client = new CockpitClient(shell.connectRenderer(), 5_000);
    const state = await client.invoke('state.get', {});
    expect(state.account.nav).toBeGreaterThan(0);
    shell.send({ type: 'shutdown' });
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0), { timeout: 5_000 });
    await vi.waitFor(() => expect(client.isClosed).toBe(true));
  });

  it('reports DATA_DIR_LOCKED when another live process holds the data directory', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'deltadeck.lock'), JSON.stringify({ pid: process.ppid, startedAt: Date.now() }));
    const shell = fakeShell();
    await runEngineUtility(shell.parentPort, { dataDir, exit: vi.fn() });
    expect(shell.received).toHaveLength(1);
    expect(shell.received[0]).toMatchObject({ type: 'fatal', code: 'DATA_DIR_LOCKED' });
    const report = shell.received[0] as { message: string };
    expect(report.message).not.toContain('\n');
    expect(report.message).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
