// The one way into and out of the vault for a broker connection's secrets (the engine's
// BrokerService and `deltadeck doctor` both use it). A secret is sealed for the address the
// connection points at (`brokerAddress`) and opened only for the address it points at now, so a
// secret entered for one host is never handed to an adapter talking to another one. A Tiger
// connection whose gateway is not https:// gets no secret at all (connections saved before
// https:// was required are caught here, before any socket opens).
import { brokerAddress, type BrokerConnectionConfig, type BrokerSecretName } from '../../shared/brokers.js';
import type { SecretSource } from '../brokers/registry.js';
import type { BrokerRepository } from '../store/broker-repository.js';
import { VaultError, type SealedSecret, type SecretsVault } from './vault.js';

/** Why this connection may not be given its secrets at all, or null. */
export function insecureAddressProblem(config: BrokerConnectionConfig): string | null {
  const url = config.venue === 'tiger' ? config.settings.gatewayUrl : undefined;
  if (url === undefined) return null;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  return protocol === 'https:' ? null : `Tiger’s gateway URL must start with https:// (got ${url}); signed requests never go over an unencrypted link. Edit the connection.`;
}

export function sealSecret(vault: SecretsVault, config: BrokerConnectionConfig, name: BrokerSecretName, value: string): SealedSecret {
  return vault.seal(config.id, name, value, brokerAddress(config));
}

/** The stored secrets of `config`, each opened for the address `config` points at (see the module header). */
export function storedSecrets(repo: BrokerRepository, vault: SecretsVault, config: BrokerConnectionConfig): SecretSource {
  const address = brokerAddress(config);
  return {
    has: (name) => repo.getSecret(config.id, name) !== undefined,
    get: (name) => {
      const insecure = insecureAddressProblem(config);
      if (insecure) throw new Error(insecure);
      const sealed = repo.getSecret(config.id, name);
      if (!sealed) throw new VaultError('DECRYPT_FAILED', `No ${name} is stored for broker connection ${config.id}.`);
      return vault.open(config.id, name, sealed, address);
    },
  };
}
