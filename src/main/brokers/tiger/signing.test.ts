import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '../venue.js';
import { loadPrivateKey, loadPublicKey, rsaSign, rsaVerify, signContent, signRequest, tigerTimestamp, verifyRequest, TIGER_TIMESTAMP } from './signing.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const spki = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('signContent', () => {
  it('sorts parameters by name and joins key=value with &', () => {
    const params = {
      version: '2.0',
      tiger_id: '20150001',
      timestamp: '2026-03-02 09:30:00',
      sign_type: 'RSA',
      method: 'place_order',
      charset: 'UTF-8',
      biz_content: '{"account":"U1","symbol":"AAPL"}',
    };
    expect(signContent(params)).toBe(
      'biz_content={"account":"U1","symbol":"AAPL"}&charset=UTF-8&method=place_order&sign_type=RSA&tiger_id=20150001&timestamp=2026-03-02 09:30:00&version=2.0',
    );
  });

  it('leaves out an existing sign parameter and orders by code unit (uppercase before lowercase, _ after letters)', () => {
    expect(signContent({ b: '2', a_b: '3', a: '1', B: '0', sign: 'xyz' })).toBe('B=0&a=1&a_b=3&b=2');
  });
});

describe('RSA keys and signatures', () => {
  it('signs with a PKCS#1 and a PKCS#8 key alike, verifiable as SHA1withRSA by an independent verifier', () => {
    const content = 'method=accounts&tiger_id=1';
    for (const pem of [pkcs1, pkcs8]) {
      const signature = rsaSign(loadPrivateKey(pem), content);
      expect(createVerify('RSA-SHA1').update(content).verify(pair.publicKey, signature, 'base64')).toBe(true);
      expect(rsaVerify(loadPublicKey(spki), content, signature)).toBe(true);
      expect(rsaVerify(loadPublicKey(spki), `${content}x`, signature)).toBe(false);
    }
    // SHA1withRSA with PKCS#1 v1.5 padding is deterministic: both encodings give the same bytes.
    expect(rsaSign(loadPrivateKey(pkcs1), content)).toBe(rsaSign(loadPrivateKey(pkcs8), content));
  });

  it('reads the bare base64 bodies Tiger hands out, for private (PKCS#1 and PKCS#8) and public keys', () => {
    const body = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const k1 = loadPrivateKey(body(pkcs1));
    const k8 = loadPrivateKey(body(pkcs8));
    expect(k1.asymmetricKeyType).toBe('rsa');
    expect(rsaSign(k1, 'x')).toBe(rsaSign(k8, 'x'));
    expect(rsaVerify(loadPublicKey(body(spki)), 'x', rsaSign(k1, 'x'))).toBe(true);
    expect(loadPublicKey(body(spki)).export({ type: 'spki', format: 'pem' })).toBe(spki);
    expect(k8.export({ type: 'pkcs8', format: 'pem' })).toBe(pkcs8);
  });

  it('refuses an unreadable or non-RSA key with a clear AUTH_FAILED and no key material in the message', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const lines = pkcs1.trim().split('\n');
    const truncated = [...lines.slice(0, 5), lines.at(-1)!].join('\n'); // header, four body lines, footer
    for (const bad of ['', 'not a key', truncated, ec]) {
      const error = (() => {
        try {
          loadPrivateKey(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(BrokerError);
      expect((error as BrokerError).code).toBe('AUTH_FAILED');
      expect((error as BrokerError).message).toMatch(/private key could not be read/);
      expect((error as BrokerError).message).not.toContain('MII');
    }
    expect(() => loadPublicKey('garbage')).toThrow(/public key/);
  });

  it('rejects a signature made by another key, and a malformed signature without throwing', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pub = loadPublicKey(spki);
    expect(rsaVerify(pub, 'x', rsaSign(other, 'x'))).toBe(false);
    expect(rsaVerify(pub, 'x', '!!!not base64!!!')).toBe(false);
    expect(rsaVerify(pub, 'x', '')).toBe(false);
  });

  it('signs whole requests, and a tampered parameter no longer verifies', () => {
    const key = loadPrivateKey(pkcs8);
    const pub = loadPublicKey(spki);
    const signed = signRequest({ method: 'place_order', biz_content: '{"total_quantity":1}', tiger_id: '1' }, key);
    expect(verifyRequest(signed, pub)).toBe(true);
    expect(verifyRequest({ ...signed, biz_content: '{"total_quantity":100}' }, pub)).toBe(false);
    expect(verifyRequest({ ...signed, extra: 'x' }, pub)).toBe(false);
    const { sign: _sign, ...unsigned } = signed;
    expect(verifyRequest(unsigned, pub)).toBe(false);
  });
});

describe('tigerTimestamp', () => {
  it('formats yyyy-MM-dd HH:mm:ss in the requested zone, 24-hour', () => {
    const ts = Date.UTC(2026, 2, 2, 14, 5, 9); // 2026-03-02 14:05:09Z
    expect(tigerTimestamp(ts, 'UTC')).toBe('2026-03-02 14:05:09');
    expect(tigerTimestamp(ts, 'Asia/Shanghai')).toBe('2026-03-02 22:05:09');
    expect(tigerTimestamp(Date.UTC(2026, 0, 1, 0, 0, 0), 'UTC')).toBe('2026-01-01 00:00:00');
    expect(tigerTimestamp(Date.now())).toMatch(TIGER_TIMESTAMP);
  });
});
