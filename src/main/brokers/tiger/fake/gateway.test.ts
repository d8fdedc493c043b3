// The fake Tiger gateway itself, driven by hand-built requests: it must enforce Tiger's signing
// rules (so the adapter's signing is really tested by it), sign its replies like Tiger, and run
// standalone from the command line.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTigerJson, stringifyTigerJson } from '../json.js';
import { loadPrivateKey, loadPublicKey, rsaVerify, signRequest, tigerTimestamp } from '../signing.js';
import { TigerConnection } from '../connection.js';
import { FakeTigerGateway } from './gateway.js';
import { sharedLoopbackCert } from './testing.js';

const developer = generateKeyPairSync('rsa', { modulusLength: 2048 });
let gateway: FakeTigerGateway;

beforeAll(async () => {
  gateway = new FakeTigerGateway({ developerPublicKey: developer.publicKey, tls: await sharedLoopbackCert() });
  await gateway.start();
});

afterAll(async () => {
  await gateway.stop();
});

function params(method: string, biz: Record<string, unknown>, over: Record<string, string> = {}): Record<string, string> {
  return {
    tiger_id: gateway.tigerId,
    method,
    charset: 'UTF-8',
    sign_type: 'RSA',
    timestamp: tigerTimestamp(Date.now()),
    version: '2.0',
    biz_content: stringifyTigerJson(biz),
    ...over,
  };
}

async function post(body: Record<string, unknown>): Promise<{ status: number; envelope: Record<string, unknown> }> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: stringifyTigerJson(body) });
  return { status: res.status, envelope: parseTigerJson(await res.text()) as Record<string, unknown> };
}

describe('request signatures', () => {
  it('accepts a request signed with the developer key (PKCS#1 or PKCS#8 alike) and signs its reply over the request timestamp', async () => {
    for (const type of ['pkcs1', 'pkcs8'] as const) {
      const signed = signRequest(params('accounts', {}), loadPrivateKey(developer.privateKey.export({ type, format: 'pem' }).toString()));
      const { envelope } = await post(signed);
      expect(envelope.code).toBe(0);
      expect(typeof envelope.timestamp).toBe('number');
      expect(rsaVerify(loadPublicKey(gateway.tigerPublicKey), signed.timestamp!, envelope.sign as string)).toBe(true);
      expect(rsaVerify(loadPublicKey(gateway.tigerPublicKey), `${signed.timestamp}x`, envelope.sign as string)).toBe(false);
    }
  });

  it('rejects a tampered request (biz_content changed after signing) and acts on nothing', async () => {
    const orderNo = await post(signRequest(params('order_no', { account: 'U1234567' }), developer.privateKey));
    const orderId = (orderNo.envelope.data as { orderId: number }).orderId;
    const signed = signRequest(
      params('place_order', { account: 'U1234567', order_id: orderId, symbol: 'AAPL', sec_type: 'STK', action: 'BUY', order_type: 'LMT', total_quantity: 1, limit_price: 100, time_in_force: 'DAY' }),
      developer.privateKey,
    );
    const tampered = { ...signed, biz_content: signed.biz_content!.replace('"total_quantity":1', '"total_quantity":1000') };
    const before = gateway.orders().length;
    const { envelope } = await post(tampered);
    expect(envelope.code).toBe(1000);
    expect(envelope.message).toMatch(/failed to verify signature/);
    expect(gateway.orders().length).toBe(before);
    expect((await post(signed)).envelope.code).toBe(0); // the untampered one goes through
    expect(gateway.orders().length).toBe(before + 1);
  });

  it('rejects a request signed by another key, an unknown tiger_id, a bad timestamp, missing fields and non-RSA sign types', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [signRequest(params('accounts', {}), other), /failed to verify signature/],
      [signRequest(params('accounts', {}, { tiger_id: '1' }), developer.privateKey), /developer information/],
      [signRequest(params('accounts', {}, { timestamp: '2026/01/01 10:00' }), developer.privateKey), /time parse error/],
      [signRequest(params('accounts', {}, { sign_type: 'MD5' }), developer.privateKey), /sign_type/],
      [{ ...params('accounts', {}) }, /'sign' cannot be empty/],
    ];
    for (const [body, message] of cases) {
      const { envelope } = await post(body);
      expect(envelope.code).toBe(1000);
      expect(envelope.message).toMatch(message);
    }
    const notJson = await fetch(gateway.url, { method: 'POST', body: 'method=accounts' });
    expect(((await notJson.json()) as { code: number }).code).toBe(1000);
  });

  it('answers an unknown method with Tiger\'s "method does not support" error', async () => {
    const { envelope } = await post(signRequest(params('launch_rockets', {}), developer.privateKey));
    expect(envelope.code).toBe(1000);
    expect(envelope.message).toMatch(/does not support/);
  });
});

describe('standalone', () => {
  it('starts from the command line, prints its addresses and keys, and serves a TigerConnection', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/brokers/tiger/fake/main.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let dir: string | undefined;
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
      });
      const info = JSON.parse(line) as { gatewayUrl: string; pushHost: string; pushPort: number; tigerId: string; account: string; files: Record<string, string> };
      dir = info.files.privateKey!.replace(/\/[^/]+$/, '');
      const tiger = new TigerConnection({
        gatewayUrl: info.gatewayUrl,
        pushHost: info.pushHost,
        pushPort: info.pushPort,
        tigerId: info.tigerId,
        account: info.account,
        privateKey: () => readFileSync(info.files.privateKey!, 'utf8'),
        tigerPublicKey: readFileSync(info.files.tigerPublicKey!, 'utf8'),
        tls: { ca: readFileSync(info.files.ca!, 'utf8') },
      });
      await tiger.connect();
      expect((await tiger.accounts()).map((a) => a.id)).toContain(info.account);
      await tiger.subscribeQuotes(['AAPL']);
      const quote = await new Promise((resolve) => tiger.onEvent((e) => e.type === 'quote' && resolve(e.quote)));
      expect(quote).toMatchObject({ symbol: 'AAPL' });
      await tiger.disconnect();
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});
