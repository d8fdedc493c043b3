// BrokerService against the real fakes (FakeOpenD, FakeTigerGateway) on loopback, through the
// Cockpit API where it matters: configs and secrets persist, secrets never come back in any
// command result nor reach the log, edits keep stored secrets, bad input loses nothing, remove
// disconnects first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../shared/api/contract.js';
import type { BrokerConnectionView } from '../../shared/brokers.js';
import { FakeOpenD, md5 } from '../brokers/futu/fake/server.js';
import { startFakeTiger, type FakeTigerHarness } from '../brokers/tiger/fake/testing.js';
import type { Engine } from './engine.js';
import { connect, makeTempDir, openTestEngine, waitFor } from './testing.js';

const PASSWORD = 'open-sesame-4711';
const TUNING = { requestTimeoutMs: 2_000, connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 }, heartbeatMs: 100 };

let temp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: CockpitClient;
let fake: FakeOpenD;
let port: number;
/** Every command result of the test, as JSON, to search for leaked secrets. */
let transcript: string[];

async function call<K extends CommandName>(cmd: K, req: CommandRequest<K>): Promise<CommandResponse<K>> {
  const result = await client.call(cmd, req, { timeoutMs: 15_000 });
  transcript.push(JSON.stringify(result));
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value;
}

async function callError<K extends CommandName>(cmd: K, req: CommandRequest<K>): Promise<{ code: string; message: string }> {
  const result = await client.call(cmd, req, { timeoutMs: 15_000 });
  transcript.push(JSON.stringify(result));
  if (result.ok) throw new Error(`${cmd} unexpectedly succeeded`);
  return result.error;
}

const futuReal = (over: Record<string, unknown> = {}) => ({
  venue: 'futu' as const,
  label: 'Futu live',
  host: '127.0.0.1',
  port,
  env: 'REAL' as const,
  secrets: { tradePassword: PASSWORD },
  ...over,
});

beforeEach(async () => {
  temp = makeTempDir('deltadeck-brokers-');
  fake = new FakeOpenD({ tradePasswordMd5: md5(PASSWORD), recordRequests: false });
  port = (await fake.start()).port;
  engine = await openTestEngine(temp.dir, { brokerTuning: TUNING, logLevel: 'info' });
  client = connect(engine);
  transcript = [];
});

afterEach(async () => {
  await engine.close();
  await fake.stop();
  // No secret, nor its MD5, in any command result or in the engine log.
  const log = readFileSync(join(temp.dir, 'logs', 'engine.log'), 'utf8');
  for (const text of [...transcript, log]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(md5(PASSWORD));
  }
  temp.remove();
});

describe('BrokerService through the Cockpit API', () => {
  it('adds a Futu REAL connection, connects (unlocked, with a heartbeat), edits it without retyping the password, disconnects, removes', async () => {
    const added = await call('brokers.save', futuReal());
    expect(added).toMatchObject({ venue: 'futu', env: 'REAL', port, enabled: false, secrets: [{ name: 'tradePassword', stored: true }], problems: [] });
    expect(added.status.state).toBe('disconnected');
    expect(added.id).toMatch(/^futu-[0-9a-f]{8}$/);

    const connected = await call('brokers.connect', { id: added.id });
    expect(connected.status.state).toBe('connected');
    expect(connected.status.error).toBeNull(); // the fake accepted the stored password's MD5
    expect(connected.status.lastHeartbeatTs).toEqual(expect.any(Number));
    expect(connected.enabled).toBe(true);
    expect(fake.connectionCount).toBe(1);
    expect(engine.brokers.connection(added.id)?.venue).toBe('futu');

    // Edit the label with the password left empty: the stored one is kept, and the rebuilt connection unlocks again.
    const edited = await call('brokers.save', { ...futuReal({ id: added.id, label: 'Futu main', secrets: { tradePassword: '' } }) });
    expect(edited.label).toBe('Futu main');
    expect(edited.secrets).toEqual([{ name: 'tradePassword', stored: true }]);
    const afterEdit = await waitFor(() => {
      const view = engine.brokers.get(added.id);
      return view.status.state === 'connected' ? view : undefined;
    }, 'the edited connection to reconnect');
    expect(afterEdit.status.error).toBeNull();

    const [listed] = await call('brokers.list', {});
    expect(listed).toMatchObject({ id: added.id, label: 'Futu main', status: { state: 'connected' } });

    const disconnected = await call('brokers.disconnect', { id: added.id });
    expect(disconnected).toMatchObject({ enabled: false, status: { state: 'disconnected', error: null } });
    await waitFor(() => fake.connectionCount === 0 || undefined, 'OpenD to see the disconnect');

    await call('brokers.connect', { id: added.id });
    await waitFor(() => fake.connectionCount === 1 || undefined, 'the reconnect');
    // Remove disconnects first.
    expect(await call('brokers.remove', { id: added.id })).toEqual({ removed: true });
    await waitFor(() => fake.connectionCount === 0 || undefined, 'remove to disconnect');
    expect(await call('brokers.list', {})).toEqual([]);
    expect((await callError('brokers.connect', { id: added.id })).code).toBe('NOT_FOUND');
  });

  it('a wrong stored password connects for quotes but reports the refused unlock', async () => {
    const added = await call('brokers.save', futuReal({ secrets: { tradePassword: 'not-the-password' } }));
    const view = await call('brokers.connect', { id: added.id });
    expect(view.status.state).toBe('connected');
    expect(view.status.error).toMatch(/password|unlock/i);
  });

  it('REAL without a password is incomplete and cannot connect; SIMULATE needs none', async () => {
    const added = await call('brokers.save', futuReal({ secrets: {} }));
    expect(added.problems).toEqual([expect.stringMatching(/trade password/)]);
    expect(added.secrets).toEqual([{ name: 'tradePassword', stored: false }]);
    const error = await callError('brokers.connect', { id: added.id });
    expect(error.code).toBe('BROKER_SETUP_INCOMPLETE');
    expect(error.message).toMatch(/trade password/);
    expect(fake.connectionCount).toBe(0);

    const sim = await call('brokers.save', futuReal({ id: added.id, env: 'SIMULATE', secrets: {} }));
    expect(sim.problems).toEqual([]);
    expect((await call('brokers.connect', { id: sim.id })).status.state).toBe('connected');
  });

  it('an unreachable OpenD fails the connect with a reason shown in the status', async () => {
    const deadPort = 1; // nothing listens on loopback port 1; a just-freed port could be taken by a parallel test
    const added = await call('brokers.save', futuReal({ port: deadPort, env: 'SIMULATE', secrets: {} }));
    const error = await callError('brokers.connect', { id: added.id });
    expect(error.code).toBe('BROKER_CONNECT_FAILED');
    expect(error.message).toMatch(/Futu live/);
    const [view] = await call('brokers.list', {});
    expect(view!.status.state).not.toBe('connected');
    expect(view!.status.error).toEqual(expect.any(String));
    const stopped = await call('brokers.disconnect', { id: added.id });
    expect(stopped.status).toEqual({ state: 'disconnected', lastHeartbeatTs: null, error: null });
  });

  it('bad input gets a clear error and changes nothing', async () => {
    const added = await call('brokers.save', futuReal());
    const before = await call('brokers.list', {});
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [futuReal({ id: added.id, port: 0 }), /port/],
      [futuReal({ id: added.id, label: '' }), /name/],
      [futuReal({ id: added.id, venue: 'tiger', secrets: {} }), /cannot become/],
      [futuReal({ id: added.id, secrets: { privateKey: 'x' } }), /no secret called privateKey/],
      [futuReal({ id: 'futu-nope' }), /No broker connection/],
    ];
    for (const [req, message] of cases) {
      const error = await callError('brokers.save', req as CommandRequest<'brokers.save'>);
      expect(error.message).toMatch(message);
    }
    expect(await call('brokers.list', {})).toEqual(before);
  });
});

describe('BrokerService with Tiger', () => {
  let tiger: FakeTigerHarness;
  beforeEach(async () => {
    tiger = await startFakeTiger({ keyFormat: 'pkcs1' });
  });
  afterEach(async () => {
    await tiger.close();
  });

  const tigerReq = (over: Record<string, unknown> = {}) => ({
    venue: 'tiger' as const,
    label: 'Tiger paper',
    host: '127.0.0.1',
    port: tiger.gateway.pushPort,
    env: 'SIMULATE' as const,
    tigerId: tiger.gateway.tigerId,
    accountId: tiger.account,
    settings: { gatewayUrl: tiger.gateway.url, caCert: tiger.gateway.caCert },
    secrets: { privateKey: tiger.privateKeyPem, tigerPublicKey: tiger.gateway.tigerPublicKey },
    ...over,
  });

  it('stores the keys, connects with signed calls, and never returns the private key', async () => {
    const added = await call('brokers.save', tigerReq());
    expect(added.secrets).toEqual([
      { name: 'privateKey', stored: true },
      { name: 'tigerPublicKey', stored: true },
    ]);
    const view = await call('brokers.connect', { id: added.id });
    expect(view.status.state).toBe('connected');
    expect(tiger.gateway.push.connectionCount).toBe(1);
    const keyBody = tiger.privateKeyPem.split('\n')[1]!;
    for (const text of transcript) expect(text).not.toContain(keyBody);
    await call('brokers.disconnect', { id: added.id });
  });

  it('rejects a private key that is not a PEM RSA key, keeping the stored one', async () => {
    const added = await call('brokers.save', tigerReq());
    const error = await callError('brokers.save', tigerReq({ id: added.id, label: 'changed', secrets: { privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' } }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/not a PEM RSA private key/);
    const [view] = await call('brokers.list', {});
    expect(view).toMatchObject({ label: 'Tiger paper', secrets: [{ name: 'privateKey', stored: true }, { name: 'tigerPublicKey', stored: true }] });
    // The kept key still signs.
    expect((await call('brokers.connect', { id: added.id })).status.state).toBe('connected');
    await call('brokers.disconnect', { id: added.id });
  });

  it('a missing Tiger ID and keys are listed as problems', async () => {
    const added = (await call('brokers.save', tigerReq({ tigerId: '', secrets: {} }))) as BrokerConnectionView;
    expect(added.problems).toEqual([expect.stringMatching(/Tiger ID/), expect.stringMatching(/private key/), expect.stringMatching(/public key/)]);
    expect((await callError('brokers.connect', { id: added.id })).code).toBe('BROKER_SETUP_INCOMPLETE');
  });
});
