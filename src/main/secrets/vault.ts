// The secrets vault: broker trade passwords and private keys encrypted at rest.
//
// Each secret is sealed with AES-256-GCM under one data key: a random 12-byte IV per seal, the
// 16-byte auth tag kept beside the ciphertext, and associated data binding the ciphertext to its
// owner and to the address it was entered for ("<connection id>\0<secret name>\0<address>", the
// address as `brokerAddress` in src/shared/brokers.ts writes it), so a ciphertext copied onto
// another connection or another field, or a connection whose host, port or gateway was changed
// (in the app without re-entering the secret, or in the database behind Deltadeck's back), fails
// to open instead of handing the secret to an address it was not given for. Secrets sealed by an
// earlier Deltadeck (owner only, no address) no longer open: they must be entered again.
//
// The data key is 32 random bytes in `<dataDir>/secrets.key` (mode 0600), created atomically on
// first use (written to a temp file, then hard-linked into place, so two processes racing to
// create it agree on one key). A KeyProtector wraps the key at rest:
//   - headless / CLI: `plainKeyFile` — the key file holds the key itself. Whoever can read the
//     data directory can read the secrets, so keep the data directory readable only by you (the
//     key file itself is created 0600).
//   - desktop: the Electron main process can pass one built on `safeStorage` (the OS keychain);
//     see src/main/app/key-protector.ts.
// Tampering or a wrong key never yields garbage: GCM authentication fails and a VaultError says so.
// Nothing here logs a secret; callers must not either.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const KEY_FILE = 'secrets.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** UNBOUND: sealed by an earlier Deltadeck, before secrets were tied to an address. */
export type VaultErrorCode = 'KEY_UNREADABLE' | 'KEY_PROTECTED' | 'DECRYPT_FAILED' | 'BAD_SECRET' | 'UNBOUND';

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

/** Wraps the data key for storage on disk. `kind` is recorded in the key file. */
export interface KeyProtector {
  readonly kind: string;
  protect(key: Buffer): Buffer;
  unprotect(stored: Buffer): Buffer;
}

/** Headless: the key file holds the key as is; the data directory's permissions are the protection. */
export const plainKeyFile: KeyProtector = {
  kind: 'plain',
  protect: (key) => Buffer.from(key),
  unprotect: (stored) => Buffer.from(stored),
};

/**
 * The engine side of the desktop key handover: the shell unwrapped the key with safeStorage and
 * sent it over the utility process's parent port. It reads a key file wrapped by `kind` (the key
 * file exists: the shell created it) and never writes one.
 */
export function unwrappedKey(kind: string, key: Buffer): KeyProtector {
  return {
    kind,
    protect: () => {
      throw new VaultError('KEY_PROTECTED', 'The secrets key is held by the desktop shell; it cannot be re-created here.');
    },
    unprotect: () => Buffer.from(key),
  };
}

const KeyFile = z.object({
  format: z.literal('deltadeck-data-key'),
  version: z.literal(1),
  protector: z.string().min(1),
  key: z.string().min(1),
});

/** One sealed secret as stored: all three parts are needed to open it. */
export interface SealedSecret {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const associatedData = (connectionId: string, name: string, address: string) => Buffer.from(`${connectionId}\0${name}\0${address}`, 'utf8');
/** What an earlier Deltadeck bound secrets to: only used to say why such a secret no longer opens. */
const unboundAssociatedData = (connectionId: string, name: string) => Buffer.from(`${connectionId}\0${name}`, 'utf8');

/** The plaintext, or null when the key, the associated data or the sealed bytes do not match. */
function decrypt(key: Buffer, sealed: SealedSecret, aad: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export class SecretsVault {
  private key: Buffer | null = null;

  constructor(
    readonly dataDir: string,
    private readonly protector: KeyProtector = plainKeyFile,
  ) {}

  get keyFile(): string {
    return join(this.dataDir, KEY_FILE);
  }

  /**
   * The data key, unwrapped (created first when missing). The desktop shell calls this with the
   * safeStorage protector and hands the key to the engine's utility process (which has no
   * safeStorage) in memory; see `unwrappedKey`.
   */
  unlockKey(): Buffer {
    return Buffer.from(this.dataKey(true));
  }

  /** Whether the data key exists yet (it is created by the first seal). */
  hasKey(): boolean {
    try {
      statSync(this.keyFile);
      return true;
    } catch {
      return false;
    }
  }

  /** Seals a secret for one connection, one field and the one address it may be sent to. */
  seal(connectionId: string, name: string, plaintext: string, address: string): SealedSecret {
    if (typeof plaintext !== 'string' || plaintext.length === 0) throw new VaultError('BAD_SECRET', `The ${name} to store is empty.`);
    if (!address) throw new VaultError('BAD_SECRET', `The ${name} must be stored for an address.`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.dataKey(true), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(connectionId, name, address));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), ciphertext };
  }

  /** Opens a secret for the address the connection points at now; one sealed for any other address does not open. */
  open(connectionId: string, name: string, sealed: SealedSecret, address: string): string {
    const failed = () =>
      new VaultError(
        'DECRYPT_FAILED',
        `The stored ${name} of broker connection ${connectionId} could not be decrypted for ${address}: it was entered for another address, the key file (${KEY_FILE}) is not the one it was stored with, or the stored value was altered. Enter the ${name} again.`,
      );
    if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw failed();
    const key = this.dataKey(false);
    const plaintext = decrypt(key, sealed, associatedData(connectionId, name, address));
    if (plaintext !== null) return plaintext;
    if (decrypt(key, sealed, unboundAssociatedData(connectionId, name)) !== null) {
      throw new VaultError(
        'UNBOUND',
        `The stored ${name} of broker connection ${connectionId} was saved by an earlier Deltadeck, which did not record the address it was entered for. Enter the ${name} again (it will only be sent to ${address}).`,
      );
    }
    throw failed();
  }

  /** Loads the data key, creating it when `create` and it does not exist yet. */
  private dataKey(create: boolean): Buffer {
    if (this.key) return this.key;
    let raw: string | undefined;
    try {
      raw = readFileSync(this.keyFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new VaultError('KEY_UNREADABLE', `Cannot read the secrets key ${this.keyFile}: ${(error as Error).message}`);
      }
      if (!create) {
        throw new VaultError('KEY_UNREADABLE', `The secrets key ${this.keyFile} is missing, so stored secrets cannot be decrypted. Enter them again.`);
      }
      raw = this.createKeyFile();
    }
    this.key = this.parseKeyFile(raw);
    return this.key;
  }

  private parseKeyFile(raw: string): Buffer {
    let file: z.infer<typeof KeyFile>;
    try {
      file = KeyFile.parse(JSON.parse(raw));
    } catch {
      throw new VaultError('KEY_UNREADABLE', `The secrets key ${this.keyFile} is damaged (not a Deltadeck key file). Stored secrets cannot be decrypted.`);
    }
    if (file.protector !== this.protector.kind && file.protector !== plainKeyFile.kind) {
      throw new VaultError(
        'KEY_PROTECTED',
        `The secrets key in ${this.dataDir} is protected by "${file.protector}" (the desktop app's OS keychain), which is not available here. Use the desktop app, or re-enter the secrets.`,
      );
    }
    const protector = file.protector === this.protector.kind ? this.protector : plainKeyFile;
    let key: Buffer;
    try {
      key = protector.unprotect(Buffer.from(file.key, 'base64'));
    } catch (error) {
      throw new VaultError('KEY_UNREADABLE', `The secrets key could not be unwrapped by "${file.protector}": ${(error as Error).message}`);
    }
    if (key.length !== KEY_BYTES) throw new VaultError('KEY_UNREADABLE', `The secrets key ${this.keyFile} has the wrong length.`);
    try {
      if (process.platform !== 'win32' && (statSync(this.keyFile).mode & 0o077) !== 0) chmodSync(this.keyFile, 0o600);
    } catch {
      // best effort: a read-only data directory still lets secrets be read
    }
    return key;
  }

  /** Writes a new key to a temp file and links it into place; whoever links first wins, the others read theirs. */
  private createKeyFile(): string {
    const contents = JSON.stringify({
      format: 'deltadeck-data-key',
      version: 1,
      protector: this.protector.kind,
      key: this.protector.protect(randomBytes(KEY_BYTES)).toString('base64'),
    });
    const temp = `${this.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, this.keyFile);
      return contents;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(this.keyFile, 'utf8');
      throw new VaultError('KEY_UNREADABLE', `Cannot create the secrets key ${this.keyFile}: ${(error as Error).message}`);
    } finally {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}
