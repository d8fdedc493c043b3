// The vault against real files: round trip, tampering, a wrong key, swapped ciphertexts, the key
// file's mode and its one-time atomic creation, the binding to the address a secret was entered for.
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../engine/testing.js';
import { KEY_FILE, SecretsVault, VaultError, type KeyProtector } from './vault.js';

const ADDRESS = 'OpenD 127.0.0.1:11111';

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
    const a = vault.seal('futu-1', 'tradePassword', secret, ADDRESS);
    const b = vault.seal('futu-1', 'tradePassword', secret, ADDRESS);
    expect(vault.hasKey()).toBe(true);
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('123456');
    expect(vault.open('futu-1', 'tradePassword', a, ADDRESS)).toBe(secret);
    // A fresh vault on the same directory reads the same key.
    expect(new SecretsVault(temp.dir).open('futu-1', 'tradePassword', b, ADDRESS)).toBe(secret);
  });

  it('creates the key file once, mode 0600, holding 32 bytes; the secret is not in it', () => {
    const vault = new SecretsVault(temp.dir);
    vault.seal('c', 'n', 'value-xyz', ADDRESS);
    const file = join(temp.dir, KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { protector: string; key: string };
    expect(parsed.protector).toBe('plain');
    expect(Buffer.from(parsed.key, 'base64')).toHaveLength(32);
    const before = readFileSync(file, 'utf8');
    new SecretsVault(temp.dir).seal('c', 'n', 'other', ADDRESS);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a tampered ciphertext, IV or tag fails with DECRYPT_FAILED, never garbage', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('tiger-1', 'privateKey', 'placeholder private key (not a key)', ADDRESS);
    const flip = (buf: Buffer, i = 0) => {
      const copy = Buffer.from(buf);
      copy[i] = copy[i]! ^ 0x01;
      return copy;
    };
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, ciphertext: flip(sealed.ciphertext, 3) }, ADDRESS), 'DECRYPT_FAILED', /could not be decrypted.*Enter the privateKey again/);
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, iv: flip(sealed.iv) }, ADDRESS), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, tag: flip(sealed.tag, 15) }, ADDRESS), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('tiger-1', 'privateKey', { ...sealed, tag: sealed.tag.subarray(0, 8) }, ADDRESS), 'DECRYPT_FAILED');
  });

  it('a different key file fails with DECRYPT_FAILED', () => {
    const sealed = new SecretsVault(temp.dir).seal('futu-1', 'tradePassword', 'secret', ADDRESS);
    const other = makeTempDir('deltadeck-vault-other-');
    try {
      const otherVault = new SecretsVault(other.dir);
      otherVault.seal('x', 'y', 'creates another key', ADDRESS);
      expectVaultError(() => otherVault.open('futu-1', 'tradePassword', sealed, ADDRESS), 'DECRYPT_FAILED');
    } finally {
      other.remove();
    }
  });

  it('a ciphertext moved to another connection or another secret name fails (associated data)', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('futu-1', 'tradePassword', 'secret', ADDRESS);
    expectVaultError(() => vault.open('futu-2', 'tradePassword', sealed, ADDRESS), 'DECRYPT_FAILED');
    expectVaultError(() => vault.open('futu-1', 'privateKey', sealed, ADDRESS), 'DECRYPT_FAILED');
    // "a\0b" + "c" must not collide with "a" + "b\0c"-style concatenations.
    const joined = vault.seal('ab', 'c', 'v', ADDRESS);
    expectVaultError(() => vault.open('a', 'bc', joined, ADDRESS), 'DECRYPT_FAILED');
  });

  it('a secret opens only for the address it was sealed for', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('futu-1', 'tradePassword', 'digest', ADDRESS);
    for (const elsewhere of ['OpenD 127.0.0.2:11111', 'OpenD 127.0.0.1:11112', '']) {
      expectVaultError(() => vault.open('futu-1', 'tradePassword', sealed, elsewhere), 'DECRYPT_FAILED', /entered for another address/);
    }
    expectVaultError(() => vault.seal('futu-1', 'tradePassword', 'digest', ''), 'BAD_SECRET');
    expect(vault.open('futu-1', 'tradePassword', sealed, ADDRESS)).toBe('digest');
  });

  it('a secret sealed by an earlier Deltadeck (no address in its associated data) is refused with UNBOUND, asking for it again', () => {
    const vault = new SecretsVault(temp.dir);
    vault.seal('x', 'y', 'creates the key', ADDRESS);
    // Exactly what the previous vault wrote: AES-256-GCM, associated data "<connection id>\0<name>".
    const key = Buffer.from((JSON.parse(readFileSync(join(temp.dir, KEY_FILE), 'utf8')) as { key: string }).key, 'base64');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from('futu-1\0tradePassword', 'utf8'));
    const ciphertext = Buffer.concat([cipher.update('old-digest', 'utf8'), cipher.final()]);
    const legacy = { iv, tag: cipher.getAuthTag(), ciphertext };
    expectVaultError(() => vault.open('futu-1', 'tradePassword', legacy, ADDRESS), 'UNBOUND', /earlier Deltadeck.*Enter the tradePassword again.*OpenD 127\.0\.0\.1:11111/);
  });

  it('a missing or damaged key file is a clear error when opening, and an empty secret is refused', () => {
    const vault = new SecretsVault(temp.dir);
    const sealed = vault.seal('c', 'n', 'v', ADDRESS);
    expectVaultError(() => new SecretsVault(join(temp.dir, 'elsewhere')).open('c', 'n', sealed, ADDRESS), 'KEY_UNREADABLE', /missing/);
    writeFileSync(join(temp.dir, KEY_FILE), 'not json');
    expectVaultError(() => new SecretsVault(temp.dir).open('c', 'n', sealed, ADDRESS), 'KEY_UNREADABLE', /damaged/);
    expectVaultError(() => vault.seal('c', 'n', '', ADDRESS), 'BAD_SECRET');
  });

  it('uses the given protector to wrap the key at rest, and refuses a protected key it cannot unwrap', () => {
    const xor: KeyProtector = {
      kind: 'test-xor',
      protect: (key) => Buffer.from(key.map((b) => b ^ 0x5a)),
      unprotect: (stored) => Buffer.from(stored.map((b) => b ^ 0x5a)),
    };
    const vault = new SecretsVault(temp.dir, xor);
    const sealed = vault.seal('c', 'n', 'wrapped', ADDRESS);
    expect(JSON.parse(readFileSync(join(temp.dir, KEY_FILE), 'utf8')).protector).toBe('test-xor');
    expect(new SecretsVault(temp.dir, xor).open('c', 'n', sealed, ADDRESS)).toBe('wrapped');
    expectVaultError(() => new SecretsVault(temp.dir).open('c', 'n', sealed, ADDRESS), 'KEY_PROTECTED', /not available here/);
  });
});
