// The desktop app's KeyProtector for the secrets vault: the data key is wrapped with Electron's
// safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux). Where the OS offers no
// encryption (e.g. Linux without a keyring, where safeStorage would fall back to a hard-coded
// password), the plain key file is used instead and a warning says so: protect the data directory.
import { safeStorage } from 'electron';
import { plainKeyFile, type KeyProtector } from '../secrets/vault.js';

export function desktopKeyProtector(warn: (message: string) => void = console.warn): KeyProtector {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
    warn('[shell] OS encryption (safeStorage) is unavailable; broker secrets are protected only by the data directory’s permissions.');
    return plainKeyFile;
  }
  return {
    kind: 'electron-safe-storage',
    protect: (key) => safeStorage.encryptString(key.toString('base64')),
    unprotect: (stored) => Buffer.from(safeStorage.decryptString(stored), 'base64'),
  };
}
