// BrokerService against the real fakes (FakeOpenD, FakeTigerGateway) on loopback, through the
// Cockpit API where it matters: configs and secrets persist, secrets never come back in any
// command result nor reach the log, edits keep stored secrets, bad input loses nothing, remove
// disconnects first. A secret goes only to the address it was entered for: moving a connection
// needs the secrets again, and an OpenD at the new address never sees the old password's MD5 —
// not even when the database is edited behind the engine's back. Tiger's gateway must be https://.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CockpitClient } from '../../shared/api/client.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../shared/api/contract.js';
import type { BrokerConnectionView } from '../../shared/brokers.js';
import { FakeOpenD, md5 } from '../brokers/futu/fake/server.js';
import { PROTO } from '../brokers/futu/proto.js';
import { startFakeTiger, type FakeTigerHarness } from '../brokers/tiger/fake/testing.js';
import type { Engine } from './engine.js';
import { connect, makeTempDir, openTestEngine, waitFor } from './testing.js';

const PASSWORD = 'open-sesame-4711';
/** The trade password entered again when a connection moves to another OpenD. */
const NEW_PASSWORD = 'moved-along-0815';
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
    for (const secret of [PASSWORD, NEW_PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(md5(secret));
    }
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

/** Edits the stored database as another program would, while the engine runs. */
function editDatabase(sql: string, ...params: unknown[]): void {
  const db = new Database(join(temp.dir, 'deltadeck.db'), { timeout: 5_000 });
  try {
    expect(db.prepare(sql).run(...params).changes).toBe(1);
  } finally {
    db.close();
  }
}

/**
 * A second OpenD at another address, recording every request. 127.0.0.2 on the same port (a change
 * of host only, the measured defect) where the loopback range has it (Linux, Windows); elsewhere
 * (macOS has only 127.0.0.1) another port on 127.0.0.1.
 */
async function startOtherOpenD(tradePasswordMd5: string): Promise<{ other: FakeOpenD; host: string; port: number }> {
  try {
    const other = new FakeOpenD({ host: '127.0.0.2', port, tradePasswordMd5 });
    return { other, ...(await other.start()) };
  } catch {
    const other = new FakeOpenD({ tradePasswordMd5 });
    return { other, ...(await other.start()) };
  }
}

describe('a secret goes only to the address it was entered for', () => {
  it('moving a connection without the trade password is refused (SECRETS_REQUIRED, nothing saved); the new OpenD never hears from it, even after a database edit', async () => {
    const added = await call('brokers.save', futuReal());
    expect((await call('brokers.connect', { id: added.id })).status).toMatchObject({ state: 'connected', error: null });
    const { other, host: otherHost, port: otherPort } = await startOtherOpenD(md5(PASSWORD));
    try {
      const moves: Array<Record<string, unknown>> = [
        { host: otherHost, port: otherPort, secrets: {} },
        { host: otherHost, port: otherPort, secrets: { tradePassword: '' } },
        { host: otherHost, port: otherPort, secrets: undefined },
        { port: 1, secrets: {} }, // a port change is an address change too
        { host: 'LOCALHOST', secrets: {} },
      ];
      for (const move of moves) {
        const error = (await callError('brokers.save', futuReal({ id: added.id, label: 'Moved', ...move }) as CommandRequest<'brokers.save'>)) as { code: string; message: string; details?: unknown };
        expect(error.code).toBe('SECRETS_REQUIRED');
        expect(error.message).toMatch(/enter the trade password again/);
        expect(error.message).toContain(`OpenD 127.0.0.1:${port}`);
        expect(error.details).toEqual({ secrets: ['tradePassword'] });
      }
      // Nothing was saved: same address, same label, still connected and unlocked where it was.
      const [view] = await call('brokers.list', {});
      expect(view).toMatchObject({ label: 'Futu live', host: '127.0.0.1', port, problems: [], status: { state: 'connected', error: null } });
      expect(other.requests).toEqual([]);
      expect(other.connectionCount).toBe(0);

      // Someone points the stored connection at the other OpenD behind the engine's back: the
      // password sealed for 127.0.0.1 does not open for the new address, so nothing is sent there.
      await call('brokers.disconnect', { id: added.id });
      editDatabase('UPDATE broker_connections SET host = ?, port = ? WHERE id = ?', otherHost, otherPort, added.id);
      const [tampered] = await call('brokers.list', {});
      expect(tampered!.problems).toEqual([expect.stringMatching(/entered for another address.*Enter the tradePassword again/)]);
      const refused = await callError('brokers.connect', { id: added.id });
      expect(refused.code).toBe('BROKER_SETUP_INCOMPLETE');
      expect(refused.message).toMatch(/could not be decrypted for OpenD .*: it was entered for another address/);
      expect(other.requestsOf(PROTO.TrdUnlockTrade)).toEqual([]);
      expect(other.requests).toEqual([]);
      expect(other.connectionCount).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('moving a connection with the trade password entered again saves and reconnects; only the new password’s MD5 reaches the new OpenD', async () => {
    const added = await call('brokers.save', futuReal());
    await call('brokers.connect', { id: added.id });
    const { other, host: otherHost, port: otherPort } = await startOtherOpenD(md5(NEW_PASSWORD));
    try {
      const moved = await call('brokers.save', futuReal({ id: added.id, host: otherHost, port: otherPort, secrets: { tradePassword: NEW_PASSWORD } }));
      expect(moved).toMatchObject({ host: otherHost, port: otherPort, secrets: [{ name: 'tradePassword', stored: true }], problems: [] });
      // The live connection was rebuilt for the new address and unlocked there with the new password.
      const reconnected = await waitFor(() => {
        const view = engine.brokers.get(added.id);
        return view.status.state === 'connected' && other.requestsOf(PROTO.TrdUnlockTrade).length > 0 ? view : undefined;
      }, 'the moved connection to unlock at the new OpenD');
      expect(reconnected.status.error).toBeNull();
      const unlocks = other.requestsOf(PROTO.TrdUnlockTrade).map((r) => (r.c2s as { pwdMD5?: string }).pwdMD5);
      expect(unlocks.length).toBeGreaterThan(0);
      for (const digest of unlocks) expect(digest).toBe(md5(NEW_PASSWORD));
      expect(JSON.stringify(other.requests)).not.toContain(md5(PASSWORD));
      await waitFor(() => fake.connectionCount === 0 || undefined, 'the old OpenD to be left');
      await call('brokers.disconnect', { id: added.id });
    } finally {
      await other.stop();
    }
  });
});

describe('BrokerService with Tiger', () => {
  let tiger: FakeTigerHarness;
  beforeEach(async () => {
    tiger = await startFakeTiger({ keyFormat: 'pkcs1', gateway: { restTls: true } }); // Deltadeck saves only https:// Tiger gateways
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

  it('a gateway URL that is not https:// is refused at save; a stored one gets no keys and sends nothing', async () => {
    const plainHttp = tiger.gateway.url.replace(/^https:/, 'http:');
    const refused = await callError('brokers.save', tigerReq({ settings: { gatewayUrl: plainHttp, caCert: tiger.gateway.caCert } }));
    expect(refused.code).toBe('INVALID_REQUEST');
    expect(refused.message).toMatch(/gatewayUrl.*must start with https:\/\//);
    expect(await call('brokers.list', {})).toEqual([]);

    // One saved before https:// was required (or edited in the database) is held back before any socket opens.
    const added = await call('brokers.save', tigerReq());
    editDatabase('UPDATE broker_connections SET settings = ? WHERE id = ?', JSON.stringify({ gatewayUrl: plainHttp, caCert: tiger.gateway.caCert }), added.id);
    const [view] = await call('brokers.list', {});
    expect(view!.problems).toEqual([expect.stringMatching(/must start with https:\/\//)]);
    const error = await callError('brokers.connect', { id: added.id });
    expect(error.code).toBe('BROKER_SETUP_INCOMPLETE');
    expect(error.message).toMatch(/https:\/\//);
    expect(tiger.gateway.requests).toEqual([]);
    expect(tiger.gateway.push.connectionCount).toBe(0);
  });

  it('a changed gateway URL or push address needs both keys again; with them it saves, bound to the new address', async () => {
    const added = await call('brokers.save', tigerReq());
    const otherGateway = tiger.gateway.url.replace('127.0.0.1', 'localhost');
    const onlyOne = (await callError('brokers.save', tigerReq({ id: added.id, settings: { gatewayUrl: otherGateway, caCert: tiger.gateway.caCert }, secrets: { privateKey: tiger.privateKeyPem } }))) as {
      code: string;
      message: string;
      details?: unknown;
    };
    expect(onlyOne.code).toBe('SECRETS_REQUIRED');
    expect(onlyOne.message).toMatch(/enter the Tiger public key again/);
    expect(onlyOne.details).toEqual({ secrets: ['tigerPublicKey'] });
    const pushMoved = await callError('brokers.save', tigerReq({ id: added.id, port: tiger.gateway.pushPort + 1, secrets: {} }));
    expect(pushMoved.code).toBe('SECRETS_REQUIRED');
    expect(pushMoved.message).toMatch(/enter the private key and the Tiger public key again/);
    // Nothing was saved; and another CA certificate alone is not another address (the keys stay).
    const [before] = await call('brokers.list', {});
    expect(before).toMatchObject({ port: tiger.gateway.pushPort, settings: { gatewayUrl: tiger.gateway.url }, problems: [] });
    const newCa = await call('brokers.save', tigerReq({ id: added.id, settings: { gatewayUrl: tiger.gateway.url }, secrets: {} }));
    expect(newCa).toMatchObject({ secrets: [{ name: 'privateKey', stored: true }, { name: 'tigerPublicKey', stored: true }], problems: [] });

    const moved = await call('brokers.save', tigerReq({ id: added.id, settings: { gatewayUrl: otherGateway, caCert: tiger.gateway.caCert } }));
    expect(moved).toMatchObject({ settings: { gatewayUrl: otherGateway }, problems: [] }); // both keys open for the new address
  });

  it('a missing Tiger ID and keys are listed as problems', async () => {
    const added = (await call('brokers.save', tigerReq({ tigerId: '', secrets: {} }))) as BrokerConnectionView;
    expect(added.problems).toEqual([expect.stringMatching(/Tiger ID/), expect.stringMatching(/private key/), expect.stringMatching(/public key/)]);
    expect((await callError('brokers.connect', { id: added.id })).code).toBe('BROKER_SETUP_INCOMPLETE');
  });
});
