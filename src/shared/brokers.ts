// Broker connections as the Cockpit API sees them: what a trader configures (venue, where the
// gateway is, trading environment, account) and a connection's live status. Secret values never
// appear here — a connection lists its secrets only by name with `stored: true|false`.
import { z } from 'zod';

export const BrokerVenue = z.enum(['futu', 'tiger']);
export type BrokerVenue = z.infer<typeof BrokerVenue>;

export const BrokerTradingEnv = z.enum(['SIMULATE', 'REAL']);
export type BrokerTradingEnv = z.infer<typeof BrokerTradingEnv>;

/** The secrets each venue takes, in form order. Futu: the trade password (REAL unlock). Tiger: the developer's RSA key and Tiger's public key. */
export const BROKER_SECRETS = {
  futu: ['tradePassword'],
  tiger: ['privateKey', 'tigerPublicKey'],
} as const satisfies Record<BrokerVenue, readonly string[]>;
export type BrokerSecretName = (typeof BROKER_SECRETS)[BrokerVenue][number];

export const BROKER_SECRET_LABELS: Record<BrokerSecretName, string> = {
  tradePassword: 'Trade password',
  privateKey: 'Private key (PEM, PKCS#1 or PKCS#8)',
  tigerPublicKey: 'Tiger public key (PEM)',
};

const pem = z.string().trim().max(20_000);

/** Settings that are not secrets and not worth a column. Each venue reads its own. */
export const BrokerSettings = z
  .object({
    /** Futu: which trading market's accounts (default US). */
    market: z.enum(['US', 'HK', 'CN']).optional(),
    /** Tiger: the REST gateway URL (default Tiger's production gateway). */
    gatewayUrl: z.string().trim().url().max(500).optional(),
    /** Tiger: an extra CA certificate to trust (PEM), e.g. a local test gateway's. */
    caCert: pem.optional(),
    /** The symbol `deltadeck doctor` asks a quote for (default AAPL). */
    doctorSymbol: z.string().trim().min(1).max(40).optional(),
  })
  .strict();
export type BrokerSettings = z.infer<typeof BrokerSettings>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((s) => (s ? s : null));

/** A connection's configuration, without secrets. */
export const BrokerConnectionConfig = z.object({
  id: z.string().min(1).max(64),
  venue: BrokerVenue,
  label: z.string().trim().min(1, 'Give the connection a name.').max(80),
  /** Futu: OpenD's host. Tiger: the push server's host. */
  host: z.string().trim().min(1, 'Enter a host.').max(255),
  port: z.number().int().min(1).max(65_535),
  env: BrokerTradingEnv,
  accountId: optionalText(64),
  tigerId: optionalText(64),
  settings: BrokerSettings,
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type BrokerConnectionConfig = z.infer<typeof BrokerConnectionConfig>;

/**
 * Where a connection sends its secrets, in words a trader recognises. Futu: OpenD's host and port
 * (the trade password's MD5 crosses that link unencrypted). Tiger: the REST gateway URL and the
 * push server's host and port (both get signed requests). Each secret is sealed together with
 * this address; when it changes, the secrets must be entered again (brokers.save refuses with
 * SECRETS_REQUIRED), and a secret sealed for another address never opens. Changing the format
 * makes every stored secret need re-entry.
 */
export function brokerAddress(c: { venue: BrokerVenue; host: string; port: number; settings?: { gatewayUrl?: string | undefined } | undefined }): string {
  const host = c.host.trim().toLowerCase();
  const hostPort = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${c.port}`;
  if (c.venue === 'futu') return `OpenD ${hostPort}`;
  return `gateway ${c.settings?.gatewayUrl?.trim() || 'Tiger production'}, push ${hostPort}`;
}

const isHttps = (url: string) => {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
};

export const BrokerLinkState = z.enum(['connected', 'connecting', 'disconnected']);

export const BrokerStatus = z.object({
  state: BrokerLinkState,
  /** Epoch ms of the last heartbeat the venue answered; null before the first. */
  lastHeartbeatTs: z.number().nullable(),
  /** Why the connection is down or degraded, in a trader's words. */
  error: z.string().nullable(),
});
export type BrokerStatus = z.infer<typeof BrokerStatus>;

export const BrokerConnectionView = BrokerConnectionConfig.extend({
  secrets: z.array(z.object({ name: z.string(), stored: z.boolean() })),
  /** What is missing before it can connect (e.g. the REAL trade password); empty when complete. */
  problems: z.array(z.string()),
  status: BrokerStatus,
});
export type BrokerConnectionView = z.infer<typeof BrokerConnectionView>;

/** Add (no id) or update (id) a connection. A secret left empty or absent keeps the stored one. */
/** The broker account used for trading (brokers.use). `attached` is false while its connection is down. */
export const UsedBroker = z.object({
  connectionId: z.string(),
  accountId: z.string().nullable(),
  attached: z.boolean(),
  label: z.string().nullable(),
});
export type UsedBroker = z.infer<typeof UsedBroker>;

export const BrokerSaveRequest = z
  .object({
    id: z.string().min(1).max(64).optional(),
    venue: BrokerVenue,
    label: z.string().trim().min(1, 'Give the connection a name.').max(80),
    host: z.string().trim().min(1, 'Enter a host.').max(255),
    port: z.number().int().min(1).max(65_535),
    env: BrokerTradingEnv,
    accountId: optionalText(64),
    tigerId: optionalText(64),
    settings: BrokerSettings.refine((s) => s.gatewayUrl === undefined || isHttps(s.gatewayUrl), {
      path: ['gatewayUrl'],
      message: 'Tiger’s gateway URL must start with https:// (signed requests never go over an unencrypted link).',
    }).optional(),
    enabled: z.boolean().optional(),
    secrets: z.record(z.string().max(40), z.string().max(20_000)).optional(),
  })
  .strict();
export type BrokerSaveRequest = z.input<typeof BrokerSaveRequest>;
