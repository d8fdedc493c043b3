// `deltadeck doctor [--data-dir DIR] [--json] [--timeout MS]`: checks every configured broker
// connection and says, per check, what works and what does not, in a trader's words:
//   secrets → TCP reach → handshake (Futu InitConnect / Tiger signed push login) → accounts
//   (Tiger: a signed REST call whose reply signature is verified) → funds → positions →
//   quote snapshot of one symbol → trade unlock (Futu REAL only).
// A check that cannot run because an earlier one failed is shown as skipped.
// Exit codes: 0 every check passed; 1 something failed; 2 no connection is configured.
// Reads the database read-only and opens its own broker sessions, so it runs beside a live engine.
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import type { BrokerConnectionConfig } from '../../shared/brokers.js';
import { buildConnection, checkSecrets, type SecretSource } from '../brokers/registry.js';
import type { BrokerConnection, VenueAccount } from '../brokers/venue.js';
import { TIGER_PRODUCTION_GATEWAY } from '../brokers/tiger/rest-client.js';
import { defaultDataDir } from '../paths.js';
import { storedSecrets } from '../secrets/connection-secrets.js';
import { SecretsVault, type KeyProtector } from '../secrets/vault.js';
import { BrokerRepository } from '../store/broker-repository.js';

export const EXIT_DOCTOR_FAILED = 1;
export const EXIT_NOTHING_CONFIGURED = 2;

export interface DoctorCheck {
  name: string;
  /** null: skipped because an earlier check failed. */
  ok: boolean | null;
  detail: string;
}

export interface DoctorConnectionReport {
  id: string;
  label: string;
  venue: BrokerConnectionConfig['venue'];
  env: BrokerConnectionConfig['env'];
  target: string;
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorReport {
  dataDir: string;
  ok: boolean;
  /** Set when nothing could be checked (no connections, unreadable database). */
  message: string | null;
  connections: DoctorConnectionReport[];
}

const VENUE_NAME = { futu: 'Futu OpenD', tiger: 'Tiger Open API' } as const;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function tcpReach(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms (firewall, wrong host?)`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolvePromise();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        error.code === 'ECONNREFUSED'
          ? `nothing is listening on ${host}:${port} (is it running? is the port right?)`
          : error.code === 'ENOTFOUND'
            ? `the host ${host} does not resolve`
            : `${host}:${port}: ${error.code ?? error.message}`;
      reject(new Error(why));
    });
  });
}

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

class Checklist {
  readonly checks: DoctorCheck[] = [];
  private blockedBy: string | null = null;

  /** Runs `fn` unless an earlier required check failed; a thrown error's message is the reason. */
  async run(name: string, fn: () => Promise<string>, required = true): Promise<boolean> {
    if (this.blockedBy) {
      this.checks.push({ name, ok: null, detail: `skipped: ${this.blockedBy} failed` });
      return false;
    }
    try {
      this.checks.push({ name, ok: true, detail: await fn() });
      return true;
    } catch (error) {
      this.checks.push({ name, ok: false, detail: (error as Error).message });
      if (required) this.blockedBy = name;
      return false;
    }
  }
}

function pickAccount(config: BrokerConnectionConfig, accounts: VenueAccount[]): VenueAccount {
  if (config.accountId) {
    const found = accounts.find((a) => a.id === config.accountId);
    if (!found) throw new Error(`account ${config.accountId} is not among the ${accounts.length} account(s) the broker lists (${accounts.map((a) => a.id).join(', ') || 'none'})`);
    return found;
  }
  const found = accounts.find((a) => a.env === config.env);
  if (!found) throw new Error(`the broker lists no ${config.env} account (${accounts.length} account(s) in total)`);
  return found;
}

async function checkConnection(config: BrokerConnectionConfig, secrets: SecretSource, timeoutMs: number): Promise<DoctorConnectionReport> {
  const list = new Checklist();
  let connection: BrokerConnection | undefined;
  let account: VenueAccount | undefined;
  const target = `${config.host}:${config.port}`;

  await list.run('secrets', async () => {
    const problems = checkSecrets(config, secrets);
    if (problems.length > 0) throw new Error(problems.join(' '));
    connection = buildConnection(config, secrets, {
      requestTimeoutMs: timeoutMs,
      connectTimeoutMs: timeoutMs,
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const stored = secrets.has('tradePassword') || secrets.has('privateKey');
    return stored ? 'stored secrets decrypt and are well-formed' : 'no secrets needed';
  });

  if (config.venue === 'tiger') {
    const gateway = new URL(config.settings.gatewayUrl ?? TIGER_PRODUCTION_GATEWAY);
    const gatewayPort = Number(gateway.port || (gateway.protocol === 'https:' ? 443 : 80));
    await list.run('reach gateway', async () => {
      await tcpReach(gateway.hostname, gatewayPort, timeoutMs);
      return `${gateway.host} accepts connections`;
    });
  }
  await list.run(config.venue === 'tiger' ? 'reach push' : 'reach', async () => {
    await tcpReach(config.host, config.port, timeoutMs);
    return `${target} accepts connections`;
  });

  try {
    await list.run('handshake', async () => {
      await withTimeout(connection!.connect(), timeoutMs * 3, `${VENUE_NAME[config.venue]} handshake`);
      return config.venue === 'futu' ? 'InitConnect answered; keep-alive running' : 'signed push login accepted';
    });
    await list.run('accounts', async () => {
      const accounts = await withTimeout(connection!.accounts(), timeoutMs, 'the account list');
      account = pickAccount(config, accounts);
      return `${accounts.length} account(s)${config.venue === 'tiger' ? ' (signed request, reply signature verified)' : ''}; using ${account.id} (${account.env}${account.label ? `, ${account.label}` : ''})`;
    });
    await list.run(
      'funds',
      async () => {
        const funds = await withTimeout(connection!.funds(account!.id), timeoutMs, 'funds');
        return `NAV ${money(funds.nav)} ${funds.currency}, cash ${money(funds.cash)}, buying power ${money(funds.buyingPower)}`;
      },
      false,
    );
    await list.run(
      'positions',
      async () => {
        const positions = await withTimeout(connection!.positions(account!.id), timeoutMs, 'positions');
        return `${positions.length} position(s)${positions.length ? `: ${positions.slice(0, 5).map((p) => `${p.symbol} ${p.qty}`).join(', ')}${positions.length > 5 ? ', …' : ''}` : ''}`;
      },
      false,
    );
    const symbol = config.settings.doctorSymbol ?? 'AAPL';
    await list.run(
      'quote',
      async () => {
        const [quote] = await withTimeout(connection!.quoteSnapshot([symbol]), timeoutMs, `a quote of ${symbol}`);
        if (!quote) throw new Error(`no quote for ${symbol}`);
        return `${symbol} last ${quote.last} (bid ${quote.bid} / ask ${quote.ask})`;
      },
      false,
    );
    if (config.venue === 'futu' && config.env === 'REAL') {
      await list.run(
        'unlock',
        async () => {
          const error = connection!.status().error;
          if (error) throw new Error(error);
          return 'REAL trading unlocked with the stored trade password';
        },
        false,
      );
    }
  } finally {
    await connection?.disconnect().catch(() => undefined);
  }

  return {
    id: config.id,
    label: config.label,
    venue: config.venue,
    env: config.env,
    target,
    ok: list.checks.every((c) => c.ok === true),
    checks: list.checks,
  };
}

/** Reads the configured connections (read-only) and checks each one. */
export async function runDoctor(options: { dataDir: string; timeoutMs: number; keyProtector?: KeyProtector }): Promise<DoctorReport> {
  const dataDir = resolve(options.dataDir);
  const file = join(dataDir, 'deltadeck.db');
  const nothing = (message: string): DoctorReport => ({ dataDir, ok: false, message, connections: [] });
  if (!existsSync(file)) return nothing(`No broker connections are configured: there is no Deltadeck database in ${dataDir}. Add a connection on the Brokers page first.`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`Cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'broker_connections'").get();
    if (!hasTable) return nothing(`No broker connections are configured in ${dataDir}. Add one on the Brokers page first.`);
    const repo = new BrokerRepository(db);
    const entries = repo.list();
    if (entries.length === 0) return nothing(`No broker connections are configured in ${dataDir}. Add one on the Brokers page first.`);
    const vault = new SecretsVault(dataDir, options.keyProtector);
    const reports: DoctorConnectionReport[] = [];
    for (const entry of entries) {
      if (!entry.ok) {
        reports.push({ id: entry.id, label: entry.id, venue: 'futu', env: 'SIMULATE', target: '?', ok: false, checks: [{ name: 'config', ok: false, detail: entry.error }] });
        continue;
      }
      // Each secret opens only for the address it was entered for (and never for an http:// Tiger gateway).
      const secrets = storedSecrets(repo, vault, entry.config);
      reports.push(await checkConnection(entry.config, secrets, options.timeoutMs));
    }
    return { dataDir, ok: reports.every((r) => r.ok), message: null, connections: reports };
  } finally {
    db.close();
  }
}

export function formatDoctorReport(report: DoctorReport): string {
  if (report.message) return `${report.message}\n`;
  const lines: string[] = [];
  for (const c of report.connections) {
    lines.push(`${VENUE_NAME[c.venue]} · ${c.label} (${c.id}) · ${c.target} · ${c.env}`);
    const width = Math.max(...c.checks.map((k) => k.name.length));
    for (const check of c.checks) {
      const mark = check.ok === true ? '✓' : check.ok === false ? '✗' : '–';
      lines.push(`  ${mark} ${check.name.padEnd(width)}  ${check.detail}`);
    }
    lines.push('');
  }
  const failing = report.connections.filter((c) => !c.ok).length;
  lines.push(failing === 0 ? `All ${report.connections.length} connection(s) pass.` : `${failing} of ${report.connections.length} connection(s) have problems.`);
  return `${lines.join('\n')}\n`;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 120_000) throw new InvalidArgumentError('must be a whole number of milliseconds from 100 to 120000.');
  return ms;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check every configured broker connection: reach, handshake, accounts, funds, positions, a quote, unlock.')
    .option('-d, --data-dir <dir>', 'data directory (database, secrets key)', defaultDataDir())
    .option('--json', 'print one JSON object')
    .option('--timeout <ms>', 'time limit per check', parseTimeout, 5_000)
    .action(async (o: { dataDir: string; json?: boolean; timeout: number }) => {
      const report = await runDoctor({ dataDir: o.dataDir, timeoutMs: o.timeout });
      process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : formatDoctorReport(report));
      process.exitCode = report.message ? EXIT_NOTHING_CONFIGURED : report.ok ? 0 : EXIT_DOCTOR_FAILED;
    });
}
