// `deltadeck doctor` as the real binary against FakeOpenD and FakeTigerGateway on loopback:
// everything passing, a wrong port, a wrong trade password, a wrong Tiger key, nothing configured.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenD, md5 } from '../brokers/futu/fake/server.js';
import { startFakeTiger, type FakeTigerHarness } from '../brokers/tiger/fake/testing.js';
import { BrokerService } from '../engine/broker-service.js';
import { makeTempDir } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { SecretsVault } from '../secrets/vault.js';
import { closeDatabase, openDatabase } from '../store/database.js';
import { EXIT_DOCTOR_FAILED, EXIT_NOTHING_CONFIGURED, type DoctorReport } from './doctor.js';

const PASSWORD = 'doctor-pass-99';

/** Runs the CLI without blocking this process's event loop (the fakes answer from here). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'deltadeck.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function configure(dataDir: string, requests: Record<string, unknown>[]): Promise<void> {
  const db = openDatabase(join(dataDir, 'deltadeck.db'));
  try {
    const service = new BrokerService({ db, vault: new SecretsVault(dataDir), log: pino({ level: 'silent' }) });
    for (const req of requests) await service.save(req);
  } finally {
    closeDatabase(db);
  }
}

let futu: FakeOpenD;
let futuPort: number;
/** Port 1 on loopback: nothing listens there, and unlike a just-freed port no parallel test can take it. */
const deadPort = 1;
let tiger: FakeTigerHarness;

beforeAll(async () => {
  futu = new FakeOpenD({ tradePasswordMd5: md5(PASSWORD), recordRequests: false });
  futuPort = (await futu.start()).port;
  tiger = await startFakeTiger({ gateway: { restTls: true } }); // Deltadeck saves only https:// Tiger gateways
});
afterAll(async () => {
  await futu.stop();
  await tiger.close();
});

const futuReq = (over: Record<string, unknown> = {}) => ({ venue: 'futu', label: 'Futu live', host: '127.0.0.1', port: futuPort, env: 'REAL', secrets: { tradePassword: PASSWORD }, ...over });
const tigerReq = (over: Record<string, unknown> = {}) => ({
  venue: 'tiger',
  label: 'Tiger paper',
  host: '127.0.0.1',
  port: tiger.gateway.pushPort,
  env: 'SIMULATE',
  tigerId: tiger.gateway.tigerId,
  accountId: tiger.account,
  settings: { gatewayUrl: tiger.gateway.url, caCert: tiger.gateway.caCert },
  secrets: { privateKey: tiger.privateKeyPem, tigerPublicKey: tiger.gateway.tigerPublicKey },
  ...over,
});

describe('deltadeck doctor', () => {
  it('passes every check on a working Futu REAL and Tiger connection (exit 0), readable and as JSON', async () => {
    const temp = makeTempDir('deltadeck-doctor-');
    try {
      await configure(temp.dir, [futuReq(), tigerReq()]);
      const json = await cli('doctor', '--data-dir', temp.dir, '--json', '--timeout', '3000');
      expect(json.stderr).toBe('');
      const report = JSON.parse(json.stdout) as DoctorReport;
      expect(json.status, json.stdout).toBe(0);
      expect(report.ok).toBe(true);
      const f = report.connections.find((c) => c.venue === 'futu');
      const t = report.connections.find((c) => c.venue === 'tiger');
      expect(f!.checks.map((c) => c.name)).toEqual(['secrets', 'reach', 'handshake', 'accounts', 'funds', 'positions', 'quote', 'unlock']);
      expect(t!.checks.map((c) => c.name)).toEqual(['secrets', 'reach gateway', 'reach push', 'handshake', 'accounts', 'funds', 'positions', 'quote']);
      for (const c of [...f!.checks, ...t!.checks]) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
      expect(f!.checks.find((c) => c.name === 'quote')!.detail).toMatch(/AAPL last \d/);
      expect(t!.checks.find((c) => c.name === 'accounts')!.detail).toMatch(/signature verified/);

      const text = await cli('doctor', '--data-dir', temp.dir, '--timeout', '3000');
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(/Futu OpenD · Futu live/);
      expect(text.stdout).toMatch(/✓ unlock\s+REAL trading unlocked/);
      expect(text.stdout).not.toMatch(/✗/);
      expect(text.stdout).toMatch(/All 2 connection\(s\) pass\./);
      for (const out of [json.stdout, text.stdout]) {
        expect(out).not.toContain(PASSWORD);
        expect(out).not.toContain(md5(PASSWORD));
      }
    } finally {
      temp.remove();
    }
  });

  it('fails (exit 1) with a reason per check: wrong port, wrong trade password, wrong Tiger key', async () => {
    const temp = makeTempDir('deltadeck-doctor-');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      await configure(temp.dir, [
        futuReq({ label: 'Wrong port', port: deadPort, env: 'SIMULATE', secrets: {} }),
        futuReq({ label: 'Wrong password', secrets: { tradePassword: 'guess' } }),
        tigerReq({ label: 'Wrong key', secrets: { privateKey: otherKey, tigerPublicKey: tiger.gateway.tigerPublicKey } }),
      ]);
      const r = await cli('doctor', '--data-dir', temp.dir, '--json', '--timeout', '3000');
      expect(r.status, r.stdout + r.stderr).toBe(EXIT_DOCTOR_FAILED);
      const report = JSON.parse(r.stdout) as DoctorReport;
      const byLabel = (label: string) => report.connections.find((c) => c.label === label);
      const [port, password, key] = [byLabel('Wrong port'), byLabel('Wrong password'), byLabel('Wrong key')];
      const check = (c: typeof port, name: string) => c!.checks.find((k) => k.name === name)!;

      expect(check(port, 'reach')).toMatchObject({ ok: false, detail: expect.stringMatching(/nothing is listening on 127\.0\.0\.1:\d+/) });
      expect(check(port, 'handshake')).toMatchObject({ ok: null, detail: 'skipped: reach failed' });

      expect(check(password, 'accounts').ok).toBe(true);
      expect(check(password, 'unlock')).toMatchObject({ ok: false, detail: expect.stringMatching(/password|unlock/i) });

      expect(check(key, 'reach push').ok).toBe(true);
      expect(check(key, 'handshake')).toMatchObject({ ok: false, detail: expect.stringMatching(/refused|login|sign/i) });
      expect(check(key, 'accounts').ok).toBeNull();

      const text = await cli('doctor', '--data-dir', temp.dir, '--timeout', '3000');
      expect(text.status).toBe(EXIT_DOCTOR_FAILED);
      expect(text.stdout).toMatch(/✗ reach\s+nothing is listening/);
      expect(text.stdout).toMatch(/– handshake\s+skipped: reach failed/);
      expect(text.stdout).toMatch(/3 of 3 connection\(s\) have problems\./);
    } finally {
      temp.remove();
    }
  });

  it('says so and exits 2 when nothing is configured', async () => {
    const temp = makeTempDir('deltadeck-doctor-');
    try {
      const empty = await cli('doctor', '--data-dir', temp.dir);
      expect(empty.status).toBe(EXIT_NOTHING_CONFIGURED);
      expect(empty.stdout).toMatch(/No broker connections are configured/);
      await configure(temp.dir, []); // a database without connections
      const json = await cli('doctor', '--data-dir', temp.dir, '--json');
      expect(json.status).toBe(EXIT_NOTHING_CONFIGURED);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, connections: [], message: expect.stringMatching(/No broker connections/) });
      const bad = await cli('doctor', '--data-dir', temp.dir, '--timeout', 'soon');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/--timeout/);
    } finally {
      temp.remove();
    }
  });
});
