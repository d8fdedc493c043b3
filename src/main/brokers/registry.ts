// Builds a live BrokerConnection (FutuConnection / TigerConnection) from a stored connection
// config and its secrets, after checking every piece is there and well-formed. Secrets are read
// through a SecretSource at the moment the adapter needs them (Futu: each unlock; Tiger: each
// signature), so no decrypted copy is kept in a long-lived object.
//
// Futu's trade password is stored as its lowercase hex MD5 (what UnlockTrade sends), never as
// the password itself: `futuTradePasswordDigest` is applied when the trader types it.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { BrokerConnectionConfig, BrokerSecretName } from '../../shared/brokers.js';
import { BROKER_SECRETS } from '../../shared/brokers.js';
import { FutuConnection, newFutuClientId, type BackoffOptions } from './futu/connection.js';
import type { FutuLogger } from './futu/session.js';
import { TigerConnection } from './tiger/connection.js';
import { TIGER_PRODUCTION_GATEWAY } from './tiger/rest-client.js';
import type { BrokerConnection } from './venue.js';

export interface SecretSource {
  has(name: BrokerSecretName): boolean;
  /** The decrypted value; throws (e.g. VaultError) when it cannot be read. */
  get(name: BrokerSecretName): string;
}

export interface ConnectionTuning {
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Futu reconnect backoff. */
  reconnect?: Partial<BackoffOptions>;
  /** Tiger push heartbeat. */
  heartbeatMs?: number;
  logger?: FutuLogger;
  /** Futu InitConnect client id (default: a fresh one per connection). */
  clientId?: string;
}

export class BrokerSetupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'BrokerSetupError';
  }
}

export function futuTradePasswordDigest(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex');
}

/** Whether a secret value is well-formed for its field; a trader-readable reason when not. */
export function secretFormatProblem(name: BrokerSecretName, value: string): string | null {
  switch (name) {
    case 'tradePassword':
      return /^[0-9a-f]{32}$/.test(value) ? null : 'The stored trade password is not an MD5 digest; enter it again.';
    case 'privateKey':
      try {
        const key = createPrivateKey(value);
        return key.asymmetricKeyType === 'rsa' ? null : 'The private key is not an RSA key (Tiger signs with RSA).';
      } catch {
        return 'The private key is not a PEM RSA private key (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY").';
      }
    case 'tigerPublicKey':
      try {
        createPublicKey(value);
        return null;
      } catch {
        return 'The Tiger public key is not a PEM public key ("BEGIN PUBLIC KEY").';
      }
  }
}

/** Tiger keys are often pasted as bare base64 from Tiger's developer page: give them PEM armour. */
/** A PEM pasted into a one-line password field loses its line breaks: restore them. */
export function normalizePem(name: BrokerSecretName, value: string): string {
  if (name === 'tradePassword') return value;
  const text = value.trim();
  const armoured = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(text);
  if (armoured) {
    const body = armoured[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=]+$/.test(body)) return text;
    return `-----BEGIN ${armoured[1]}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${armoured[1]}-----`;
  }
  if (text.startsWith('-----BEGIN')) return text;
  const body = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]+$/.test(body)) return text;
  const label = name === 'privateKey' ? (isPkcs8(body) ? 'PRIVATE KEY' : 'RSA PRIVATE KEY') : 'PUBLIC KEY';
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----`;
}

function isPkcs8(base64: string): boolean {
  try {
    createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
    return true;
  } catch {
    return false;
  }
}

/** What is missing before this connection can connect; empty when complete. Checks presence only. */
export function missingPieces(config: BrokerConnectionConfig, secrets: Pick<SecretSource, 'has'>): string[] {
  const problems: string[] = [];
  if (config.venue === 'futu') {
    if (config.env === 'REAL' && !secrets.has('tradePassword')) problems.push('REAL trading needs the trade password (to unlock trading).');
  } else {
    if (!config.tigerId) problems.push('Enter the Tiger ID (from Tiger’s developer page).');
    if (!config.accountId) problems.push('Enter the Tiger account to trade.');
    if (!secrets.has('privateKey')) problems.push('Store the developer private key.');
    if (!secrets.has('tigerPublicKey')) problems.push('Store Tiger’s public key (to verify its replies).');
  }
  return problems;
}

/** Reads every stored secret once: a missing, undecryptable or malformed one is reported before any socket opens. */
export function checkSecrets(config: BrokerConnectionConfig, secrets: SecretSource): string[] {
  const problems = missingPieces(config, secrets);
  for (const name of BROKER_SECRETS[config.venue]) {
    if (!secrets.has(name)) continue;
    try {
      const problem = secretFormatProblem(name, secrets.get(name));
      if (problem) problems.push(problem);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** A BrokerConnection for the config, not yet connected; throws BrokerSetupError listing what is missing. */
export function buildConnection(config: BrokerConnectionConfig, secrets: SecretSource, tuning: ConnectionTuning = {}): BrokerConnection {
  const problems = checkSecrets(config, secrets);
  if (problems.length > 0) throw new BrokerSetupError(problems);
  if (config.venue === 'futu') {
    return new FutuConnection({
      id: config.id,
      host: config.host,
      port: config.port,
      env: config.env,
      market: config.settings.market ?? 'US',
      clientId: tuning.clientId ?? newFutuClientId(),
      ...(config.env === 'REAL' ? { tradePasswordMd5: () => secrets.get('tradePassword') } : {}),
      ...(tuning.reconnect ? { reconnect: tuning.reconnect } : {}),
      ...(tuning.requestTimeoutMs ? { requestTimeoutMs: tuning.requestTimeoutMs } : {}),
      ...(tuning.connectTimeoutMs ? { connectTimeoutMs: tuning.connectTimeoutMs } : {}),
      ...(tuning.logger ? { logger: tuning.logger } : {}),
    });
  }
  return new TigerConnection({
    id: config.id,
    gatewayUrl: config.settings.gatewayUrl ?? TIGER_PRODUCTION_GATEWAY,
    pushHost: config.host,
    pushPort: config.port,
    tigerId: config.tigerId!,
    account: config.accountId!,
    privateKey: () => secrets.get('privateKey'),
    tigerPublicKey: secrets.get('tigerPublicKey'),
    ...(config.settings.caCert ? { tls: { ca: config.settings.caCert } } : {}),
    ...(tuning.requestTimeoutMs ? { requestTimeoutMs: tuning.requestTimeoutMs } : {}),
    ...(tuning.connectTimeoutMs ? { connectTimeoutMs: tuning.connectTimeoutMs } : {}),
    ...(tuning.heartbeatMs ? { heartbeatMs: tuning.heartbeatMs } : {}),
  });
}
