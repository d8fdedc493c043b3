// The vault against real files: round trip, tampering, a wrong key, swapped ciphertexts, the key
// file's mode and its one-time atomic creation.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../engine/testing.js';
import { KEY_FILE, SecretsVault, VaultError, type KeyProtector } from './vault.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('deltadeck-vault-');
});
afterEach(() => temp.remove());

const expectVaultError = (fn: () => unknown, code: VaultError['code'], message?: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultError);
  expect((caught as VaultError).code).toBe(code);
  if (message) expect((caught as VaultError).message).toMatch(message);
};

describe('SecretsVault', () => {
  it('round-trips a secret; the ciphertext does not contain it and two seals differ (random IV)', () => {
    const vault = new SecretsVault(temp.dir);
    expect(vault.hasKey()).toBe(false);
    const secret = 'trade-pässwörd-123456';
    const a = vault.seal('futu-1', 'tradePassword', secret);
    const b = vault.seal('futu-1', 'tradePassword', secret);
    expect(vault.hasKey()).toBe(true);
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('123456');
    expect(vault.open('futu-1', 'tradePassword', a)).toBe(secret);
    // A fresh vault on the same directory reads the same key.
    expect(new SecretsVault(temp.dir).open('futu-1', 'tradePassword', b)).toBe(secret);
  });

  it('creates the key file once, mode 0600, holding 32 bytes; the secret is not in it', () => {
    const vault = new SecretsVault(temp.dir);
    vault.seal('c', 'n', 'value-xyz');
    const file = join(temp.dir, KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { protector: string; key: string };
    expect(parsed.protector).toBe('plain');
    expect(Buffer.from(parsed.key, 'base64')).toHaveLength(32);
    const before = readFileSync(file, 'utf8');
    new SecretsVault(temp.dir).seal('c', 'n', 'other');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a tampered ciphertext, IV or tag fails with DECRYPT_FAILED, never garbage', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('tiger-1', 'privateKey', '-----BEGIN PRIVATE KEY-----abc');
    const flip = (buf: Buffer, i = 0) => {
      const copy = Buffer.from(buf);
      copy[i] = copy[i]! ^ 0x01;
      return copy;
    };
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, ciphertext: flip(sealed.ciphertext, 3) }), 'DECRYPT_FAILED', /could not be decrypted.*Enter the privateKey again/);
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, iv: flip(sealed.iv) }), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, tag: flip(sealed.tag, 15) }), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, tag: sealed.tag.subarray(0, 8) }), 'DECRYPT_FAILED');
  });

  it('a different key file fails with DECRYPT_FAILED', () => {
    const sealed = new SecretsVault(temp.dir).seal('futu-1', 'tradePassword', 'secret');
    const other = makeTempDir('deltadeck-vault-other-');
    try {
      const otherVault = new SecretsVault(other.dir);
      otherVault.seal('x', 'y', 'creates another key');
      expectVaultError(() => otherVault.open('futu-1', 'tradePassword', sealed), 'DECRYPT_FAILED');
    } finally {
      other.remove();
    }
  });

  it('a ciphertext moved to another connection or another secret name fails (associated data)', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('futu-1', 'tradePassword', 'secret');
    expectVaultError(() => vault.open('futu-2', 'tradePassword', sealed), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('futu-1', 'privateKey', sealed), 'DECRYPT_FAILED');
    // "a\0b" + "c" must not collide with "a" + "b\0c"-style concatenations.
    const joined = vault.seal('ab', 'c', 'v');
    expectVaultError(() => vault.open('a', 'bc', joined), 'DECRYPT_FAILED');
  });

  it('a missing or damaged key file is a clear error when opening, and an empty secret is refused', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('c', 'n', 'v');
    expectVaultError(() => new SecretsVault(join(temp.dir, 'elsewhere')).open('c', 'n', sealed), 'KEY_UNREADABLE', /missing/);
    writeFileSync(join(temp.dir, KEY_FILE), 'not json');
    expectVaultError(() => new SecretsVault(temp.dir).open('c', 'n', sealed), 'KEY_UNREADABLE', /damaged/);
    expectVaultError(() => vault.seal('c', 'n', ''), 'BAD_SECRET');
  });

  it('uses the given protector to wrap the key at rest, and refuses a protected key it cannot unwrap', () => {
    const xor: KeyProtector = {
      kind: 'test-xor',
      protect: (key) => Buffer.from(key.map((b) => b ^ 0x5a)),
      unprotect: (stored) => Buffer.from(stored.map((b) => b ^ 0x5a)),
    };
    const vault = new SecretsVault(temp.dir, xor);
    const sealed = vault.seal('c', 'n', 'wrapped');
    expect(JSON.parse(readFileSync(join(temp.dir, KEY_FILE), 'utf8')).protector).toBe('test-xor');
    expect(new SecretsVault(temp.dir, xor).open('c', 'n', sealed)).toBe('wrapped');
    expectVaultError(() => new SecretsVault(temp.dir).open('c', 'n', sealed), 'KEY_PROTECTED', /not available here/);
  });
});
