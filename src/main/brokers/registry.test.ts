// The registry's input handling: PEM keys however they were pasted, and what is missing.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BrokerConnectionConfig } from '../../shared/brokers.js';
import { futuTradePasswordDigest, missingPieces, normalizePem, secretFormatProblem } from './registry.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const spki = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const bare = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');

describe('normalizePem', () => {
  it('accepts PKCS#1 and PKCS#8 keys as PEM, as one line (password field), or as bare base64', () => {
    for (const pem of [pkcs1, pkcs8]) {
      for (const pasted of [pem, pem.replace(/\n/g, ''), pem.replace(/\n/g, ' '), bare(pem)]) {
        const normal = normalizePem('privateKey', pasted);
        expect(secretFormatProblem('privateKey', normal), pasted.slice(0, 40)).toBeNull();
      }
    }
    expect(normalizePem('privateKey', bare(pkcs1))).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(normalizePem('privateKey', bare(pkcs8))).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(secretFormatProblem('tigerPublicKey', normalizePem('tigerPublicKey', bare(spki)))).toBeNull();
  });

  it('reports garbage clearly and never alters a password', () => {
    expect(secretFormatProblem('privateKey', normalizePem('privateKey', 'hello world'))).toMatch(/not a PEM RSA private key/);
    expect(secretFormatProblem('tigerPublicKey', 'nope')).toMatch(/not a PEM public key/);
    expect(normalizePem('tradePassword', '  spaced  ')).toBe('  spaced  ');
    expect(futuTradePasswordDigest('123456')).toBe('e10adc3949ba59abbe56e057f20f883e');
    expect(secretFormatProblem('tradePassword', '123456')).toMatch(/not an MD5/);
  });
});

describe('missingPieces', () => {
  const base: BrokerConnectionConfig = { id: 'x', venue: 'futu', label: 'x', host: 'h', port: 1, env: 'SIMULATE', accountId: null, tigerId: null, settings: {}, enabled: false, createdAt: 0, updatedAt: 0 };
  it('Futu SIMULATE needs nothing, REAL needs the trade password; Tiger needs its ID, account and both keys', () => {
    const none = { has: () => false };
    const all = { has: () => true };
    expect(missingPieces(base, none)).toEqual([]);
    expect(missingPieces({ ...base, env: 'REAL' }, none)).toEqual([expect.stringMatching(/trade password/)]);
    expect(missingPieces({ ...base, env: 'REAL' }, all)).toEqual([]);
    expect(missingPieces({ ...base, venue: 'tiger' }, none)).toHaveLength(4);
    expect(missingPieces({ ...base, venue: 'tiger', tigerId: '1', accountId: 'A' }, all)).toEqual([]);
  });
});
