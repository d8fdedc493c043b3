// Test support for the Tiger adapter: a started fake gateway with a developer key pair generated
// for the test (PKCS#1 or PKCS#8), a TigerConnection configured against it with short timers,
// and an event recorder with waits. Everything runs on loopback sockets; nothing is mocked.
import { generateKeyPairSync } from 'node:crypto';
import type { VenueEvent } from '../../venue.js';
import { TigerConnection, type TigerConnectionConfig } from '../connection.js';
import { FakeTigerGateway, type FakeTigerGatewayOptions } from './gateway.js';
import { generateLoopbackCert, type LoopbackCert } from './tls.js';

export interface FakeTigerHarness {
  gateway: FakeTigerGateway;
  /** The developer private key as the vault would hand it over. */
  privateKeyPem: string;
  account: string;
  connect(overrides?: Partial<TigerConnectionConfig>): Promise<TigerConnection>;
  /** A connection configured but not yet connected. */
  connection(overrides?: Partial<TigerConnectionConfig>): TigerConnection;
  close(): Promise<void>;
}

let certPromise: Promise<LoopbackCert> | undefined;

/** One self-signed certificate per test file: generating RSA keys is the slow part. */
export function sharedLoopbackCert(): Promise<LoopbackCert> {
  certPromise ??= generateLoopbackCert();
  return certPromise;
}

export async function startFakeTiger(options: { keyFormat?: 'pkcs1' | 'pkcs8'; gateway?: Partial<FakeTigerGatewayOptions> } = {}): Promise<FakeTigerHarness> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = pair.privateKey.export({ type: options.keyFormat ?? 'pkcs8', format: 'pem' }).toString();
  const gateway = new FakeTigerGateway({ developerPublicKey: pair.publicKey, tls: await sharedLoopbackCert(), ...options.gateway });
  await gateway.start();
  const account = [...gateway.market.accounts.keys()][0]!;
  const made: TigerConnection[] = [];
  const connection = (overrides: Partial<TigerConnectionConfig> = {}) => {
    const c = new TigerConnection({
      gatewayUrl: gateway.url,
      pushHost: '127.0.0.1',
      pushPort: gateway.pushPort,
      tigerId: gateway.tigerId,
      account,
      privateKey: () => privateKeyPem,
      tigerPublicKey: gateway.tigerPublicKey,
      tls: { ca: gateway.caCert },
      requestTimeoutMs: 2_000,
      heartbeatMs: 100,
      deadAfterMs: 600,
      connectTimeoutMs: 2_000,
      reconnectDelayMs: 50,
      maxReconnectDelayMs: 400,
      ...overrides,
    });
    made.push(c);
    return c;
  };
  return {
    gateway,
    privateKeyPem,
    account,
    connection,
    async connect(overrides) {
      const c = connection(overrides);
      await c.connect();
      return c;
    },
    async close() {
      await Promise.all(made.map((c) => c.disconnect()));
      await gateway.stop();
    },
  };
}

/** Records a connection's events and waits for the ones a test expects. */
export class EventLog {
  readonly events: VenueEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(connection: TigerConnection) {
    connection.onEvent((event) => {
      this.events.push(event);
      for (const w of [...this.waiters]) w();
    });
  }

  of<K extends VenueEvent['type']>(type: K): Array<Extract<VenueEvent, { type: K }>> {
    return this.events.filter((e): e is Extract<VenueEvent, { type: K }> => e.type === type);
  }

  /** Resolves with the first recorded event (from `since` on) matching `match`. */
  waitFor<K extends VenueEvent['type']>(type: K, match: (e: Extract<VenueEvent, { type: K }>) => boolean = () => true, timeoutMs = 5_000, since = 0): Promise<Extract<VenueEvent, { type: K }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(since).find((e): e is Extract<VenueEvent, { type: K }> => e.type === type && match(e as Extract<VenueEvent, { type: K }>));
        if (!found) return false;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }
}

export async function waitUntil(probe: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets pending socket traffic drain so "nothing more arrived" assertions mean something. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
