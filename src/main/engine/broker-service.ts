// BrokerService: the trader's broker connections — add, edit, remove, connect, disconnect — and
// each one's live status (state, last heartbeat, error). Configs live in SQLite, secrets in the
// vault; secrets go in (save) and out only to the adapter that needs them: nothing this service
// returns or logs carries a secret's value, only `{ name, stored }`.
//
// A secret belongs to the address it was entered for (see `brokerAddress`): an edit that changes a
// connection's host, port or gateway must carry every stored secret again (SECRETS_REQUIRED
// otherwise), and a secret sealed for another address never opens (connection-secrets.ts).
//
// `enabled` means "connect when the engine starts": connect sets it, disconnect clears it.
// `connection(id)` hands a connected adapter to the engine's live account (orders, positions, quotes).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  BROKER_SECRETS,
  BrokerSaveRequest,
  brokerAddress,
  type BrokerConnectionConfig,
  type BrokerConnectionView,
  type BrokerSecretName,
  type BrokerStatus,
} from '../../shared/brokers.js';
import { CockpitError } from '../../shared/api/result.js';
import { BrokerSetupError, buildConnection, futuTradePasswordDigest, missingPieces, normalizePem, secretFormatProblem, type ConnectionTuning } from '../brokers/registry.js';
import type { BrokerConnection, VenueStatus } from '../brokers/venue.js';
import { insecureAddressProblem, sealSecret, storedSecrets } from '../secrets/connection-secrets.js';
import { SecretsVault, VaultError, type SealedSecret } from '../secrets/vault.js';
import { BrokerRepository } from '../store/broker-repository.js';
import type { Db } from '../store/database.js';

export interface BrokerServiceOptions {
  db: Db;
  vault: SecretsVault;
  log: Logger;
  now?: () => number;
  /** Timeouts and backoff for the adapters (tests shorten them). */
  tuning?: ConnectionTuning;
  /** Journal of configuration changes (never with secret values). */
  audit?: (action: string, details: unknown) => void;
  /** A connection came up (connect, or the engine start's background connect). */
  connected?: (id: string) => void;
  /** A connection was taken down on purpose (disconnect, remove, edit, shutdown). */
  stopped?: (id: string) => void;
}

interface Live {
  connection: BrokerConnection;
  unsubscribe: () => void;
}

const VENUE_NAME = { futu: 'Futu OpenD', tiger: 'Tiger Open API' } as const;
/** Secret names as they read mid-sentence ("enter the trade password again"). */
const SECRET_NAMES: Record<BrokerSecretName, string> = { tradePassword: 'trade password', privateKey: 'private key', tigerPublicKey: 'Tiger public key' };

export class BrokerService {
  private readonly repo: BrokerRepository;
  private readonly vault: SecretsVault;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly live = new Map<string, Live>();
  /** The last connect failure per connection, shown until the next successful connect or a disconnect. */
  private readonly lastError = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: BrokerServiceOptions) {
    this.repo = new BrokerRepository(options.db);
    this.vault = options.vault;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  // ── reads ────────────────────────────────────────────────────────────────

  list(): BrokerConnectionView[] {
    const views: BrokerConnectionView[] = [];
    for (const entry of this.repo.list()) {
      if (entry.ok) views.push(this.view(entry.config));
      else this.log.warn({ connection: entry.id }, entry.error);
    }
    return views;
  }

  get(id: string): BrokerConnectionView {
    return this.view(this.config(id));
  }

  status(id: string): BrokerStatus {
    const live = this.live.get(id);
    if (!live) return { state: 'disconnected', lastHeartbeatTs: null, error: this.lastError.get(id) ?? null };
    const s: VenueStatus = live.connection.status();
    return { state: s.state, lastHeartbeatTs: s.lastHeartbeatTs, error: s.error ?? this.lastError.get(id) ?? null };
  }

  /** The adapter of a connected connection, for order routing; undefined when not connected. */
  connection(id: string): BrokerConnection | undefined {
    const live = this.live.get(id);
    return live && live.connection.status().state === 'connected' ? live.connection : undefined;
  }

  /** A connection's settings (never its secrets). */
  settings(id: string): BrokerConnectionConfig {
    return this.config(id);
  }

  // ── writes ───────────────────────────────────────────────────────────────

  /**
   * Adds (no id) or updates a connection. Empty secrets keep the stored ones — unless the address
   * changed: then every stored secret must be entered again (SECRETS_REQUIRED, nothing saved).
   * A live connection is rebuilt with the new settings.
   */
  async save(input: unknown): Promise<BrokerConnectionView> {
    const parsed = BrokerSaveRequest.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The issue names the field, never its value (which may be a secret).
      throw new CockpitError('INVALID_REQUEST', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
    }
    const req = parsed.data;
    const existing = req.id ? this.repo.get(req.id) : undefined;
    if (req.id && !existing) throw new CockpitError('NOT_FOUND', `No broker connection ${req.id}.`);
    if (existing && existing.venue !== req.venue) {
      throw new CockpitError('INVALID_REQUEST', `A ${VENUE_NAME[existing.venue]} connection cannot become ${VENUE_NAME[req.venue]}; add a new connection instead.`);
    }
    const ts = this.now();
    const id = existing?.id ?? `${req.venue}-${randomBytes(4).toString('hex')}`;
    const config: BrokerConnectionConfig = {
      id,
      venue: req.venue,
      label: req.label,
      host: req.host,
      port: req.port,
      env: req.env,
      accountId: req.accountId,
      tigerId: req.tigerId,
      settings: req.settings ?? existing?.settings ?? {},
      enabled: req.enabled ?? existing?.enabled ?? false,
      createdAt: existing?.createdAt ?? ts,
      updatedAt: ts,
    };

    // Every new secret is checked and sealed before anything is written: bad input loses nothing.
    const sealed: Array<[BrokerSecretName, SealedSecret]> = [];
    const allowed: readonly string[] = BROKER_SECRETS[req.venue];
    const entered = new Set<string>();
    for (const [name, raw] of Object.entries(req.secrets ?? {})) {
      if (!allowed.includes(name)) throw new CockpitError('INVALID_REQUEST', `${VENUE_NAME[req.venue]} has no secret called ${name}.`);
      if (raw.trim() === '') continue; // left empty: keep the stored one
      entered.add(name);
    }
    if (existing) this.refuseAddressChangeWithoutSecrets(existing, config, entered);
    for (const [name, raw] of Object.entries(req.secrets ?? {})) {
      if (!entered.has(name)) continue;
      const secretName = name as BrokerSecretName;
      const value = secretName === 'tradePassword' ? futuTradePasswordDigest(raw) : normalizePem(secretName, raw);
      const problem = secretFormatProblem(secretName, value);
      if (problem) throw new CockpitError('INVALID_REQUEST', problem);
      sealed.push([secretName, this.seal(config, secretName, value)]);
    }
    this.repo.transaction(() => {
      this.repo.save(config);
      for (const [name, secret] of sealed) this.repo.putSecret(id, name, secret, ts);
    });
    const changed = sealed.map(([name]) => name);
    const address = brokerAddress(config);
    this.options.audit?.(existing ? 'broker.update' : 'broker.add', { id, venue: config.venue, label: config.label, env: config.env, address, secretsChanged: changed });
    this.log.info({ connection: id, venue: config.venue, env: config.env, address, secretsChanged: changed }, existing ? 'broker connection updated' : 'broker connection added');

    if (this.live.has(id)) {
      // Rebuild with the new settings and secrets; a failure shows in the status, the save stands.
      await this.stop(id);
      await this.start(id).catch(() => undefined);
    }
    return this.view(config);
  }

  /** Disconnects (if connected), then removes the connection and its secrets. */
  async remove(id: string): Promise<{ removed: boolean }> {
    const config = this.config(id);
    await this.stop(id);
    const removed = this.repo.remove(id);
    this.lastError.delete(id);
    this.options.audit?.('broker.remove', { id, venue: config.venue, label: config.label });
    this.log.info({ connection: id }, 'broker connection removed');
    return { removed };
  }

  /** Connects and remembers to connect on the next start. Fails with a trader-readable reason. */
  async connect(id: string): Promise<BrokerConnectionView> {
    const config = this.config(id);
    if (!config.enabled) this.repo.save({ ...config, enabled: true, updatedAt: this.now() });
    await this.start(id);
    return this.get(id);
  }

  /** Disconnects and stays disconnected across restarts. */
  async disconnect(id: string): Promise<BrokerConnectionView> {
    const config = this.config(id);
    if (config.enabled) this.repo.save({ ...config, enabled: false, updatedAt: this.now() });
    await this.stop(id);
    this.lastError.delete(id);
    return this.get(id);
  }

  /** Engine start: connect every enabled connection in the background; failures show in their status. */
  connectEnabled(): void {
    for (const entry of this.repo.list()) {
      if (entry.ok && entry.config.enabled) void this.start(entry.config.id).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live.keys()].map((id) => this.stop(id)));
  }

  // ── internals ────────────────────────────────────────────────────────────

  private config(id: string): BrokerConnectionConfig {
    const config = this.repo.get(id);
    if (!config) throw new CockpitError('NOT_FOUND', `No broker connection ${id}.`);
    return config;
  }

  private view(config: BrokerConnectionConfig): BrokerConnectionView {
    const stored = new Set(this.repo.secretNames(config.id));
    const problems = new Set(missingPieces(config, { has: (name) => stored.has(name) }));
    const insecure = insecureAddressProblem(config);
    if (insecure) problems.add(insecure);
    else {
      // A stored secret that does not open for this address (entered for another one, or by an
      // earlier Deltadeck) is as good as missing: say so before the trader presses Connect.
      const secrets = storedSecrets(this.repo, this.vault, config);
      for (const name of BROKER_SECRETS[config.venue]) {
        if (!stored.has(name)) continue;
        try {
          secrets.get(name);
        } catch (error) {
          problems.add((error as Error).message);
        }
      }
    }
    return {
      ...config,
      secrets: BROKER_SECRETS[config.venue].map((name) => ({ name, stored: stored.has(name) })),
      problems: [...problems],
      status: this.status(config.id),
    };
  }

  /**
   * A secret is sent only to the address it was entered for: an edit that points the connection
   * somewhere else must bring every stored secret again. Refusing (rather than dropping them)
   * keeps the trader's connection working where it was until the secrets are at hand.
   */
  private refuseAddressChangeWithoutSecrets(existing: BrokerConnectionConfig, next: BrokerConnectionConfig, entered: ReadonlySet<string>): void {
    const before = brokerAddress(existing);
    const after = brokerAddress(next);
    if (before === after) return;
    const missing = this.repo.secretNames(existing.id).filter((name): name is BrokerSecretName => !entered.has(name) && (BROKER_SECRETS[existing.venue] as readonly string[]).includes(name));
    if (missing.length === 0) return;
    const names = missing.map((name) => SECRET_NAMES[name]);
    throw new CockpitError(
      'SECRETS_REQUIRED',
      `${existing.label} would move from ${before} to ${after}: enter the ${names.join(' and the ')} again. ` +
        'Deltadeck only sends a secret to the address it was entered for. Nothing was saved.',
      { secrets: missing },
    );
  }

  private seal(config: BrokerConnectionConfig, name: BrokerSecretName, value: string): SealedSecret {
    try {
      return sealSecret(this.vault, config, name, value);
    } catch (error) {
      if (error instanceof VaultError) throw new CockpitError('SECRETS_UNAVAILABLE', error.message);
      throw error;
    }
  }

  private async start(id: string): Promise<void> {
    if (this.closed) throw new CockpitError('DISCONNECTED', 'The engine is shutting down.');
    const existing = this.live.get(id);
    if (existing && existing.connection.status().state === 'connected') return;
    if (existing) await this.stop(id);
    const config = this.config(id);
    // Opened for the address this config points at: one entered for another address fails here, before any socket opens.
    const secrets = storedSecrets(this.repo, this.vault, config);
    let connection: BrokerConnection;
    try {
      connection = buildConnection(config, secrets, this.options.tuning);
    } catch (error) {
      const message = error instanceof BrokerSetupError ? error.problems.join(' ') : (error as Error).message;
      this.lastError.set(id, message);
      this.log.warn({ connection: id, problems: error instanceof BrokerSetupError ? error.problems : undefined }, 'broker connection is not set up completely');
      throw new CockpitError('BROKER_SETUP_INCOMPLETE', `${config.label}: ${message}`);
    }
    const unsubscribe = connection.onEvent((event) => {
      if (event.type !== 'status') return;
      this.log.info({ connection: id, state: event.status.state, error: event.status.error }, 'broker connection status');
    });
    this.live.set(id, { connection, unsubscribe });
    this.lastError.delete(id);
    try {
      await connection.connect();
      this.log.info({ connection: id, venue: config.venue }, 'broker connected');
      this.options.connected?.(id);
    } catch (error) {
      const reason = (error as Error).message;
      this.lastError.set(id, reason);
      // Futu keeps retrying in the background (state "connecting"); Tiger stops. Either way the status says why.
      if (connection.status().state === 'disconnected') await this.stop(id, false);
      throw new CockpitError('BROKER_CONNECT_FAILED', `${config.label}: ${reason}`);
    }
  }

  private async stop(id: string, clearError = true): Promise<void> {
    const live = this.live.get(id);
    if (!live) return;
    this.live.delete(id);
    live.unsubscribe();
    this.options.stopped?.(id);
    try {
      await live.connection.disconnect();
    } catch (error) {
      this.log.warn({ connection: id, err: (error as Error).message }, 'broker disconnect failed');
    }
    if (clearError) this.lastError.delete(id);
  }
}
