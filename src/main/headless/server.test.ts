import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CockpitClient } from '../../shared/api/client.js';
import { MAX_FRAME_BYTES } from '../../shared/api/protocol.js';
import { FAST, makeTempDir } from '../engine/testing.js';
import { startHeadless, WS_CLOSE_UNAUTHORIZED, wsChannel, type HeadlessHost } from './server.js';
import { StartupError } from '../store/errors.js';
import { projectRoot } from '../paths.js';

let tmp: ReturnType<typeof makeTempDir>;
let ui: ReturnType<typeof makeTempDir>;
let host: HeadlessHost;

beforeAll(async () => {
  tmp = makeTempDir();
  ui = makeTempDir('deltadeck-ui-');
  writeFileSync(join(ui.dir, 'index.html'), '<!doctype html><title>Deltadeck</title>');
  mkdirSync(join(ui.dir, 'assets'));
  writeFileSync(join(ui.dir, 'assets', 'app.js'), 'console.log(1)');
  host = await startHeadless({ ...FAST, dataDir: tmp.dir, port: 0, rendererDir: ui.dir });
});

afterAll(async () => {
  await host.close();
  tmp.remove();
  ui.remove();
});

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** A GET to the host with the Host header a browser would send for `hostHeader` (fetch cannot set it). */
function getWithHost(path: string, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('headless host', () => {
  it('prints a 127.0.0.1 URL with a session token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('serves the UI with a strict CSP and no referrer, and refuses path traversal', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('Deltadeck');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(403);
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('closes the API socket with 4401 on a wrong or missing token', async () => {
    const wrong = await open(`ws://127.0.0.1:${host.port}/api?token=nope`);
    expect(await closeCode(wrong)).toBe(WS_CLOSE_UNAUTHORIZED);
    const missing = await open(`ws://127.0.0.1:${host.port}/api`);
    expect(await closeCode(missing)).toBe(WS_CLOSE_UNAUTHORIZED);
  });

  it('answers only requests addressed to 127.0.0.1 or localhost on its port (DNS rebinding)', async () => {
    const port = host.port;
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const page = await getWithHost('/', name);
      expect(page.status, name).toBe(200);
      expect(page.body).toContain('Deltadeck');
    }
    // A page on attacker.example whose name now resolves to 127.0.0.1 sends its own name as Host.
    for (const name of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`, `127.0.0.1.attacker.example:${port}`]) {
      for (const path of ['/', '/healthz', '/assets/app.js']) {
        const refused = await getWithHost(path, name);
        expect(refused.status, `${name} ${path}`).toBe(421);
        expect(refused.body).not.toContain('<title>');
        expect(refused.body).not.toContain('"ok"');
      }
    }
    // No Host at all (HTTP/1.0): refused too.
    const raw = connect(port, '127.0.0.1');
    raw.end('GET /healthz HTTP/1.0\r\n\r\n');
    let reply = '';
    for await (const chunk of raw) reply += String(chunk);
    expect(reply).toMatch(/^HTTP\/1\.1 421 /);
  });

  it('/healthz says only that the server is up', async () => {
    const health = await fetch(`http://127.0.0.1:${host.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('{"ok":true}');
  });

  it('refuses the API WebSocket when the Host is not this server, even with the right token', async () => {
    const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
    await expect(open(url, { Host: `attacker.example:${host.port}` })).rejects.toThrow(/403/);
    await expect(open(url, { Host: `attacker.example:${host.port}`, Origin: `http://attacker.example:${host.port}` })).rejects.toThrow(/403/);
    const local = await open(`ws://localhost:${host.port}/api?token=${host.token}`, { Origin: `http://localhost:${host.port}` });
    const client = new CockpitClient(wsChannel(local));
    expect((await client.invoke('ping', {})).version).toBeTruthy();
    client.close();
  });

  it('refuses a WebSocket from a foreign origin', async () => {
    await expect(open(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers commands over the WebSocket and survives oversized and malformed frames', async () => {
    const ws = await open(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` });
    const client = new CockpitClient(wsChannel(ws));
    const errors: string[] = [];
    client.onError((e) => errors.push(e.code));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 10));
    ws.send('{"t":"call"');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const pong = await client.invoke('ping', {});
    expect(pong.version).toBeTruthy();
    expect(errors).toEqual(['PAYLOAD_TOO_LARGE', 'BAD_MESSAGE', 'BAD_MESSAGE']);
    // Far beyond the transport cap: ws closes that connection (1009), the host keeps serving others.
    const huge = await open(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    const code = closeCode(huge);
    huge.send('y'.repeat(8 * MAX_FRAME_BYTES));
    expect(await code).toBe(1009);
    const state = await client.invoke('state.get', {});
    expect(state.account.nav).toBeGreaterThan(0);
    client.close();
  });

  it('refuses a busy port with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const dir = makeTempDir();
    try {
      await expect(startHeadless({ ...FAST, dataDir: dir.dir, port, rendererDir: ui.dir })).rejects.toSatisfy(
        (e: unknown) => e instanceof StartupError && e.code === 'PORT_IN_USE' && e.message.includes(`Port ${port}`),
      );
      // The engine it opened was closed again: the data directory is free.
      const again = await startHeadless({ ...FAST, dataDir: dir.dir, port: 0, rendererDir: ui.dir });
      await again.close();
    } finally {
      blocker.close();
      dir.remove();
    }
  });
});

describe('deltadeck CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot(), 'bin', 'deltadeck.mjs'), ...args], { encoding: 'utf8', timeout: 30_000 });

  it('prints help listing serve', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('serve');
    expect(cli('serve', '--help').stdout).toContain('--data-dir');
  });

  it('a second serve on the same data directory says what is running, without a stack trace', () => {
    const r = cli('serve', '--port', '0', '--no-build', '--data-dir', tmp.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^deltadeck: Deltadeck is already running on .* serves http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad port argument in one line', () => {
    const r = cli('serve', '--port', 'eighty');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/must be a whole number/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
