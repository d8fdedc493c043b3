// The engine's composition root: wires the store, the simulated market and its clock, the
// paper broker, the order manager, valuation and the state publisher, and exposes the
// operations the Cockpit API commands call. Plain Node: never imports electron.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import demoPortfolio from '../../../resources/demo-portfolio.json' with { type: 'json' };
import type {
  Account,
  CockpitState,
  EquityPoint,
  Fill,
  Instrument,
  Order,
  OrderIntent,
  Quote,
  RiskEvent,
  Severity,
  Ticket,
  TradingMode,
} from '../../shared/domain.js';
import { CockpitError } from '../../shared/api/result.js';
import { STATE_LIMITS } from '../../shared/api/state.js';
import { occSymbol, parseOcc } from '../../shared/instruments.js';
import { Ledger, DEFAULT_COMMISSIONS } from '../brokers/sim/ledger.js';
import { PaperBroker } from '../brokers/sim/paper-broker.js';
import type { BrokerAdapter, OrderChange } from '../brokers/types.js';
import { BacktestService } from '../backtest/service.js';
import type { ConnectionTuning } from '../brokers/registry.js';
import { SecretsVault, type KeyProtector } from '../secrets/vault.js';
import { BrokerService } from './broker-service.js';
import { instrumentOf, LiveAccount } from './live-account.js';
import { VenueRepository } from '../store/venue-repository.js';
import { HedgeRepository } from '../store/hedge-repository.js';
import { HedgeService, type HedgeHost } from '../hedge/service.js';
import type { HedgeInput } from '../hedge/planner.js';
import { addDays, TradingCalendar, zonedTime } from '../marketdata/calendar.js';
import { SimSessionClock, type SimClockState } from '../marketdata/clock.js';
import { DEFAULT_SEED, DEFAULT_UNDERLYINGS } from '../marketdata/sim-config.js';
import { SimMarket, type SimMarketState, type UnderlyingSpec } from '../marketdata/sim-market.js';
import { OrderManager } from '../oms/oms.js';
import { expiryInstant, priceByStyle } from '../pricing/index.js';
import { markPrice, ValuationCache, valueBook, type Valuation } from '../risk/exposure.js';
import { gateOrder } from '../risk/gate-context.js';
import { RiskManager } from '../risk/risk-manager.js';
import { ScenarioError, type ScenarioPosition } from '../risk/scenario.js';
import { logReturns } from '../risk/var.js';
import { RiskWorkerPool } from '../risk/pool.js';
import { precomputeBook, type ScenarioJob, type VarJob } from '../risk/risk-jobs.js';
import { RiskRepository } from '../store/risk-repository.js';
import type { GateVerdict, RiskLimits, ScenarioGrid, TradingState, VarReport } from '../../shared/risk.js';
import { simulatedHistory } from '../marketdata/sim-history.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { DataDirLock } from '../store/lock.js';
import { prepareDataDir } from '../store/data-dir.js';
import { Repository } from '../store/repository.js';
import { createLogger } from './logger.js';
import { StatePublisher, type StateListener } from './publisher.js';

export const ENGINE_VERSION = '0.1.0';

export interface EngineOptions {
  dataDir: string;
  /** Seed of the simulated market on first start (kept in the database afterwards). */
  seed?: number;
  /** Simulated market step, ms of wall time (and of trading time) per tick. */
  tickIntervalMs?: number;
  /** Simulated clock speed: 1 = real time. */
  clockSpeed?: number;
  /**
   * Where the simulated clock starts on first start (that instant, or the next session open after
   * it); later starts continue from the saved clock. Default: the wall clock. Tests and demos pin it.
   */
  simStart?: number;
  /** Paper-broker latency. */
  paperLatencyMs?: number;
  /** How often an equity point is recorded. */
  equityIntervalMs?: number;
  /** Patch coalescing interval. */
  publishIntervalMs?: number;
  underlyings?: readonly UnderlyingSpec[];
  logLevel?: string;
  /** Wraps the secrets vault's data key at rest; default the plain key file (headless). */
  keyProtector?: KeyProtector;
  /** Broker adapter timeouts and backoff (tests shorten them). */
  brokerTuning?: ConnectionTuning;
  /** How often a used broker account's funds and positions are re-read (default 15 s). */
  liveRefreshMs?: number;
  /** The wall clock: ticket expiry, and trading time while a broker account is used (default the system clock; tests pin it). */
  wallClock?: () => number;
}

/** Daily closes kept for VaR and betas. */
const HISTORY_DAYS = 260;

interface DemoPosition {
  underlying: string;
  qty: number;
  avgPriceFactor: number;
  right?: 'C' | 'P';
  dte?: number;
  /** The contract comes from a daily expiry cycle (SPY, QQQ), not the weekly Fridays. */
  daily?: boolean;
  moneyness?: number;
}

export class Engine {
  readonly log: Logger;
  readonly publisher: StatePublisher;
  /** Backtests and sweeps on worker threads, runs stored in SQLite. */
  readonly backtests: BacktestService;
  /** Broker connections (Futu OpenD, Tiger): configs, encrypted secrets, connect/disconnect, status. */
  readonly brokers: BrokerService;
  /** Hedge runs, their execution as ticket groups, and the auto-hedge policy. */
  readonly hedge: HedgeService;
  /** The option chains of the last hedge planning run (contracts not listed, with their quotes). */
  private readonly chainCache = { instruments: new Map<string, Instrument>(), quotes: new Map<string, Quote>() };
  private readonly repo: Repository;
  private readonly calendar = new TradingCalendar();
  private readonly clock: SimSessionClock;
  private readonly market: SimMarket;
  private readonly instruments = new Map<string, Instrument>();
  /** The book on screen and under the risk monitors: the paper account, or the mirrored broker account in REAL/OFF. */
  private ledger: Ledger;
  /** DRY_RUN's paper ledger: the demo account, or a copy of the used broker account. */
  private paperLedger: Ledger;
  private paperAccountId: string;
  private readonly paper: PaperBroker;
  private readonly oms: OrderManager;
  private readonly riskRepo: RiskRepository;
  private readonly venueRepo: VenueRepository;
  private risk: RiskManager;
  /** The broker account used for trading (brokers.use), with its mirrored ledger. */
  private live: { account: LiveAccount; ledger: Ledger; connectionId: string; brokerAccountId: string } | null = null;
  private attaching: Promise<unknown> | null = null;
  private readonly valuationCache = new ValuationCache();
  /** The book changed (fill, settlement, new listing) since the last revaluation. */
  private valuationStale = true;
  private accountId: string;
  private currency: string;
  private mode: TradingMode;
  private sessionDate: string;
  private startOfDayNav: number;
  private valuation: Valuation;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private idCounter = 0;
  private closed = false;

  private constructor(
    private readonly options: EngineOptions,
    private readonly db: Db,
    private readonly lock: DataDirLock,
  ) {
    this.log = createLogger(options.dataDir, options.logLevel);
    this.repo = new Repository(db);
    this.riskRepo = new RiskRepository(db);
    this.venueRepo = new VenueRepository(db);
    this.backtests = new BacktestService({ db, dataDir: options.dataDir, log: this.log });
    this.brokers = new BrokerService({
      db,
      vault: new SecretsVault(options.dataDir, options.keyProtector),
      log: this.log,
      audit: (action, details) => this.audit('user', action, details),
      connected: (id) => this.onBrokerConnected(id),
      stopped: (id) => this.onBrokerStopped(id),
      ...(options.brokerTuning ? { tuning: options.brokerTuning } : {}),
    });

    // Market and clock: continue where the last run stopped.
    const seed = Number(this.repo.getSetting('sim.seed') ?? options.seed ?? DEFAULT_SEED);
    this.repo.setSetting('sim.seed', String(seed));
    const clockState = this.readJsonSetting<SimClockState>('sim.clock');
    this.clock = new SimSessionClock(this.calendar, {
      state: clockState,
      speed: options.clockSpeed ?? 1,
      ...(options.simStart !== undefined ? { start: options.simStart } : {}),
    });
    this.market = new SimMarket({
      underlyings: options.underlyings ?? DEFAULT_UNDERLYINGS,
      seed,
      state: this.readJsonSetting<SimMarketState>('sim.market'),
    });
    for (const spec of this.market.underlyings) {
      this.registerInstrument({ symbol: spec.symbol, kind: spec.kind, underlying: spec.symbol, multiplier: 1 });
    }
    for (const instrument of this.repo.listInstruments()) this.registerInstrument(instrument);

    // Account: created with the demo portfolio on first start.
    this.accountId = demoPortfolio.accountId;
    let account = this.repo.getAccount(this.accountId);
    const firstStart = !account;
    if (!account) {
      this.seedDemoPortfolio();
      account = this.repo.getAccount(this.accountId)!;
    }
    this.currency = account.currency;
    this.sessionDate = account.sessionDate;
    this.startOfDayNav = account.startOfDayNav;
    this.ledger = this.loadLedger(this.accountId);
    this.paperLedger = this.ledger;
    this.paperAccountId = this.accountId;

    // REAL never survives a restart.
    const savedMode = this.repo.getSetting('mode') as TradingMode | undefined;
    this.mode = savedMode === 'OFF' ? 'OFF' : 'DRY_RUN';
    if (savedMode === 'REAL') this.audit('system', 'mode.restore', { from: 'REAL', to: 'DRY_RUN' });

    this.paper = new PaperBroker({
      ledger: this.ledger,
      quote: (symbol) => this.quote(symbol),
      instrument: (symbol) => this.instruments.get(symbol),
      now: () => this.now(),
      newId: () => this.newId('F'),
      latencyMs: options.paperLatencyMs,
      session: () => this.calendar.session(this.now()).state,
    });

    this.publisher = new StatePublisher(
      {
        snapshot: (seq) => this.snapshot(seq),
        valuationSlices: () => {
          // Every tick already revalued; only a fill, a settlement or a new listing since needs another pass.
          if (this.valuationStale) this.revalue();
          return { account: this.account(), positions: this.valuation.positions, greeks: this.valuation.greeks, risk: this.risk.summary(this.valuation) };
        },
        liveSlices: () => ({ mode: this.mode, broker: this.brokerState(), clock: this.clockState() }),
      },
      options.publishIntervalMs ?? 50,
    );

    // New orders are booked under the account they trade: the paper ledger's in DRY_RUN, the broker's in REAL.
    this.oms = new OrderManager(this.repo, () => this.orderAccountId(), {
      now: () => this.now(),
      wallNow: () => this.wallNow(),
      context: () => ({ mode: this.mode, venue: this.venueIdFor(this.mode), accountId: this.orderAccountId() }),
      newId: (prefix) => this.newId(prefix),
      mode: () => this.mode,
      venue: () => this.venue(),
      venueById: (id) => (id === this.paper.id ? this.paper : id === this.live?.account.venueId ? this.live.account.venue : undefined),
      isRemoteVenue: (id) => id !== this.paper.id,
      check: (intent, why) => this.check(intent, why),
      recordArrival: (orderId, price) => this.riskRepo.setArrivalPrice(orderId, price),
      bookFill: (fill) => this.bookFill(fill),
      ticketChanged: (ticket) => this.publisher.ticketChanged(ticket),
      orderChanged: (order) => {
        this.publisher.orderChanged(this.decorateOrder(order));
        this.hedge?.onOrder(order);
      },
      fillBooked: (fill) => {
        this.publisher.fillBooked(fill);
        this.risk.checkSlippage(fill, this.riskRepo.arrivalPrice(fill.orderId));
      },
      riskEvent: (severity, code, message, symbol) => this.riskEvent(severity, code, message, symbol),
    });
    this.oms.attach(this.paper);
    // The paper broker keeps its working orders over a restart, as a broker would (DAY ones expire at the roll below).
    this.restorePaperOrders('after the restart');

    this.market.quoteAll(this.clock.now());
    this.backfillHistory(seed);
    // Limits decide the short-dated window, so they load before the first valuation.
    this.valuation = this.computeValuation(this.riskRepo.limits().limits);
    if (firstStart) {
      // Day P&L counts from the book marked to market at first start, not from its cost.
      this.startOfDayNav = this.valuation.nav;
      this.repo.updateAccountSession(this.accountId, this.sessionDate, this.startOfDayNav);
    }
    this.risk = new RiskManager(
      this.riskRepo,
      this.accountId,
      {
        now: () => this.now(),
        riskEvent: (severity, code, message, symbol, details) => this.riskEvent(severity, code, message, symbol, details),
        audit: (actor, action, details) => this.audit(actor, action, details),
        changed: () => this.publisher.riskChanged(),
      },
      { nav: this.valuation.nav, startOfDayNav: this.startOfDayNav, sessionDate: this.sessionDate },
    );
    this.risk.monitor(this.valuation);
    if (this.sessionDate !== this.clock.sessionDate) this.startSession(this.clock.sessionDate);
    this.hedge = new HedgeService(this.hedgeHost(), new HedgeRepository(db), this.log);
    if (savedMode === 'REAL') this.hedge.disableAfterRealRestart();
    this.recordEquity();
  }

  /** Opens (or creates) the data directory and starts the engine. Fails with a StartupError a trader can act on. */
  static async open(options: EngineOptions): Promise<Engine> {
    prepareDataDir(options.dataDir);
    const lock = DataDirLock.acquire(options.dataDir);
    let db: Db | undefined;
    let engine: Engine | undefined;
    try {
      db = openDatabase(join(options.dataDir, 'deltadeck.db'));
      engine = new Engine(options, db, lock);
      engine.start();
      return engine;
    } catch (error) {
      try {
        if (engine) await engine.close();
        else if (db) closeDatabase(db);
      } catch {
        // the original error is the one the trader needs
      } finally {
        lock.release();
      }
      throw error;
    }
  }

  private start(): void {
    const tickMs = this.options.tickIntervalMs ?? 250;
    this.every(tickMs, () => this.tick(tickMs));
    this.every(this.options.equityIntervalMs ?? 5_000, () => this.recordEquity());
    this.every(1_000, () => this.oms.expireTickets());
    this.every(1_000, () => {
      void this.hedge.onTick(this.hasBreach()).catch((error: unknown) => this.log.warn({ err: (error as Error).message }, 'hedge planning failed'));
    });
    this.publisher.start();
    this.brokers.connectEnabled();
    this.log.info({ dataDir: this.options.dataDir, mode: this.mode, session: this.sessionDate }, 'engine started');
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(() => {
      try {
        fn();
      } catch (error) {
        this.fault(error);
      }
    }, ms);
    this.timers.push(timer);
  }

  /** A failure inside the engine's own loop: fail closed — stop trading and say why. */
  private fault(error: unknown): void {
    this.log.error({ err: error }, 'engine fault');
    if (this.mode !== 'OFF') {
      const from = this.mode;
      this.mode = 'OFF';
      try {
        this.tradingContextChanged(`an internal error switched trading from ${from} to OFF`);
      } catch {
        // the fault may be in the journal itself; trading is OFF either way
      }
      this.publisher.liveChanged();
      try {
        this.selectBook();
      } catch {
        // the fault may be in the book itself; trading is OFF either way
      }
    }
    try {
      this.riskEvent('critical', 'ENGINE_FAULT', `Internal error, trading switched OFF: ${(error as Error).message}`, null);
    } catch {
      // the database itself may be what failed; the log has it
    }
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  setLockUrl(url: string): void {
    this.lock.setUrl(url);
  }

  // ── the broker account in use ──────────────────────────────────────────────

  private loadLedger(accountId: string): Ledger {
    const account = this.repo.getAccount(accountId)!;
    return new Ledger(
      account.cash,
      account.realizedPnl,
      this.repo.listPositions(accountId).map((p) => [p.symbol, { qty: p.qty, avgPrice: p.avgPrice }] as const),
    );
  }

  /** Which broker account is used for trading, if any (settings `account.live`). */
  usedBroker(): { connectionId: string; accountId: string | null; attached: boolean; label: string | null } | null {
    const binding = this.readJsonSetting<{ connectionId: string; accountId?: string }>('account.live');
    if (!binding) return null;
    return {
      connectionId: binding.connectionId,
      accountId: this.live?.brokerAccountId ?? binding.accountId ?? null,
      attached: this.live !== null,
      label: this.live?.account.state().label ?? null,
    };
  }

  /**
   * Uses a connected broker connection's account for trading (null: back to the simulated market
   * and the demo paper account). Its positions, cash and quotes replace the simulated ones; REAL
   * orders go to it; DRY_RUN trades a paper copy of it. Remembered across restarts (attached again
   * whenever that connection comes up).
   */
  async useBroker(connectionId: string | null): Promise<ReturnType<Engine['usedBroker']>> {
    if (this.attaching) await this.attaching.catch(() => undefined);
    if (connectionId === null) {
      this.repo.deleteSetting('account.live');
      this.audit('user', 'account.use', { connectionId: null });
      this.detach('you stopped using the broker account');
      return null;
    }
    const config = this.brokers.settings(connectionId);
    const connection = this.brokers.connection(connectionId);
    if (!connection) throw new CockpitError('BROKER_NOT_CONNECTED', `${config.label} is not connected: connect it first, then use it for trading.`);
    const accounts = await connection.accounts();
    let accountId = config.accountId?.trim() || undefined;
    if (accountId && !accounts.some((a) => a.id === accountId)) {
      throw new CockpitError('ACCOUNT_NOT_FOUND', `${config.label} has no account ${accountId}; it has ${accounts.map((a) => a.id).join(', ') || 'none'}. Fix the account on the Brokers page.`);
    }
    if (!accountId) {
      const env = accounts.filter((a) => a.env === config.env);
      if (env.length !== 1) {
        throw new CockpitError(
          'ACCOUNT_REQUIRED',
          `${config.label} has ${env.length} ${config.env} accounts (${env.map((a) => a.id).join(', ') || 'none'}); enter the account to trade on the Brokers page.`,
        );
      }
      accountId = env[0]!.id;
    }
    if (this.live && (this.live.connectionId !== connectionId || this.live.brokerAccountId !== accountId)) this.detach('another broker account is used now');
    if (!this.live) await this.attach(connectionId, accountId);
    this.repo.setSetting('account.live', JSON.stringify({ connectionId, accountId }));
    this.audit('user', 'account.use', { connectionId, accountId });
    return this.usedBroker();
  }

  private attach(connectionId: string, brokerAccountId: string): Promise<void> {
    const run = this.attachNow(connectionId, brokerAccountId);
    this.attaching = run;
    return run.finally(() => {
      if (this.attaching === run) this.attaching = null;
    });
  }

  private async attachNow(connectionId: string, brokerAccountId: string): Promise<void> {
    const config = this.brokers.settings(connectionId);
    const connection = this.brokers.connection(connectionId);
    if (!connection) throw new CockpitError('BROKER_NOT_CONNECTED', `${config.label} is not connected.`);
    let first = true;
    const account = new LiveAccount({
      connectionId,
      label: config.label,
      connection,
      brokerAccountId,
      repo: this.repo,
      venueRepo: this.venueRepo,
      oms: this.oms,
      log: this.log,
      now: () => this.wallNow(),
      rate: this.market.rate,
      refreshEveryMs: this.options.liveRefreshMs,
      expiryTs: (i) => this.expiryTs(i),
      instrument: (symbol) => this.instruments.get(symbol),
      riskEvent: (severity, code, message, symbol) => this.riskEvent(severity, code, message, symbol),
      quotesChanged: (quotes) => {
        if (this.live?.account !== account) return;
        this.publisher.quotesChanged(quotes);
        this.paper.onQuotes(new Set(quotes.map((q) => q.symbol)));
        this.valuationStale = true;
      },
      accountChanged: () => {
        if (this.live?.account === account) this.mirrorBroker(first);
        first = false;
      },
      orderNoted: (orderId) => {
        const order = this.repo.getOrder(orderId);
        if (order) this.publisher.orderChanged(this.decorateOrder(order));
      },
    });
    const ledger = new Ledger(0);
    this.live = { account, ledger, connectionId, brokerAccountId };
    try {
      await account.start();
    } catch (error) {
      account.close();
      this.live = null;
      throw new CockpitError('BROKER_ACCOUNT_UNAVAILABLE', `${config.label}: could not read account ${brokerAccountId} (${(error as Error).message}).`);
    }
    if (this.closed) {
      account.close();
      this.live = null;
      return;
    }
    // DRY_RUN trades a paper copy of this account: seeded from its positions and cash the first time.
    const paperId = account.paperAccountId;
    if (!this.repo.getAccount(paperId)) this.seedPaperFromBroker();
    // Working paper orders belong to the ledger they were placed on.
    this.cancelPaperOrders('the paper ledger changed to a copy of the broker account');
    this.paperAccountId = paperId;
    this.tradingContextChanged(`${config.label}, account ${brokerAccountId}, is now the account in use`);
    this.paperLedger = this.loadLedger(paperId);
    this.paper.useLedger(this.paperLedger);
    this.restorePaperOrders(`of ${config.label}'s paper copy`);
    this.riskEvent('info', 'ACCOUNT_USED', `Trading ${config.label}, account ${brokerAccountId}: positions, cash and quotes come from the broker; DRY_RUN trades a paper copy of it.`, null);
    this.selectBook(true);
  }

  /** Stops using the broker account: back to the simulated market and the demo paper account. */
  private detach(why: string): void {
    const live = this.live;
    if (!live) return;
    live.account.close();
    this.live = null;
    if (this.mode === 'REAL') {
      this.mode = 'OFF';
      this.repo.setSetting('mode', 'OFF');
      this.audit('system', 'mode.set', { from: 'REAL', to: 'OFF', why });
      this.riskEvent('critical', 'MODE_CHANGED', `Trading mode REAL → OFF: ${why}. Orders still working at ${live.account.state().label} stay there; they are reconciled when it is used again.`, null);
    }
    this.tradingContextChanged(`${live.account.state().label} is no longer the account in use (${why})`);
    this.cancelPaperOrders('the broker account is no longer used');
    this.paperAccountId = demoPortfolio.accountId;
    this.paperLedger = this.loadLedger(this.paperAccountId);
    this.paper.useLedger(this.paperLedger);
    this.riskEvent('info', 'ACCOUNT_RELEASED', `Stopped trading ${live.account.state().label} (${why}); back to the simulated market and the demo account.`, null);
    this.selectBook(true);
  }

  /** Cancels the working orders of the paper ledger in use (it is being replaced by another). */
  private cancelPaperOrders(why: string): void {
    for (const order of this.repo.workingOrdersOf(this.paper.id, this.paperAccountId)) this.oms.cancelOrder(order.id, why);
  }

  /** The working orders of the paper ledger in use go (back) to the paper broker; those that cannot exist any more are closed. */
  private restorePaperOrders(when: string): void {
    const { restored } = this.oms.restorePaperOrders(this.paper, this.paperAccountId, (order) => this.paperOrderGone(order));
    if (restored.length === 0) return;
    const list = restored.map((o) => `${o.side} ${o.qty - o.filledQty} ${o.symbol} ${o.tif}`).join(', ');
    this.riskEvent('info', 'ORDERS_RESTORED', `${restored.length} order(s) still working on the paper ledger ${when}: ${list}.`, null);
  }

  /** Why a paper order cannot be working any more, if it cannot. */
  private paperOrderGone(order: Order): string | null {
    if (order.tif === 'IOC') return 'an IOC order never rests, so it cannot outlive the engine';
    const instrument = this.instruments.get(order.symbol);
    if (!instrument) return `${order.symbol} is no longer a known instrument`;
    const today = this.live ? this.calendar.session(this.now()).date : this.clock.sessionDate;
    if (instrument.kind === 'OPTION' && instrument.expiry && instrument.expiry < today) return `${order.symbol} expired on ${instrument.expiry}`;
    return null;
  }

  /** A copy of the broker account as DRY_RUN's paper ledger (its row replaced when it exists). */
  private seedPaperFromBroker(): void {
    const live = this.live!;
    const snapshot = live.account.account()!;
    const id = live.account.paperAccountId;
    const now = this.wallNow();
    this.repo.transaction(() => {
      if (this.repo.getAccount(id)) {
        this.repo.updateAccountCash(id, snapshot.funds.cash, 0);
        for (const p of this.repo.listPositions(id)) this.repo.savePosition(id, { symbol: p.symbol, qty: 0, avgPrice: 0 }, now);
      } else {
        this.repo.insertAccount({ id, currency: snapshot.funds.currency, cash: snapshot.funds.cash, realizedPnl: 0, sessionDate: this.calendar.session(now).date, startOfDayNav: snapshot.funds.nav, createdAt: now });
      }
      for (const p of snapshot.positions) this.repo.savePosition(id, { symbol: p.symbol, qty: p.qty, avgPrice: p.avgCost }, now);
    });
    this.audit('system', 'account.paperSeeded', { accountId: id, positions: snapshot.positions.length, cash: snapshot.funds.cash });
  }

  /** DRY_RUN's paper copy starts again from the broker account's positions and cash. */
  resetPaperToBroker(): { accountId: string; positions: number } {
    if (!this.live || !this.live.account.account()) throw new CockpitError('NO_BROKER_ACCOUNT', 'No broker account is in use: the paper ledger is the demo account.');
    this.cancelPaperOrders('the paper ledger was reset to the broker account');
    this.seedPaperFromBroker();
    this.paperLedger = this.loadLedger(this.paperAccountId);
    this.paper.useLedger(this.paperLedger);
    this.audit('user', 'account.resetPaper', { accountId: this.paperAccountId });
    this.riskEvent('info', 'PAPER_RESET', `The paper ledger was reset to ${this.live.account.state().label}'s positions and cash.`, null);
    this.selectBook(true);
    return { accountId: this.paperAccountId, positions: this.paperLedger.positions.size };
  }

  /**
   * The broker's funds and positions replace the mirror. A difference the journal did not expect
   * (no working order on that symbol) is raised as a risk event; the broker is always right.
   */
  private mirrorBroker(first: boolean): void {
    const live = this.live!;
    const snapshot = live.account.account();
    if (!snapshot) return;
    const id = live.account.mirrorAccountId;
    const now = this.wallNow();
    const working = new Set(this.repo.workingOrders().filter((o) => o.venue === live.account.venueId).map((o) => o.symbol));
    const before = new Map([...live.ledger.positions].map(([symbol, p]) => [symbol, p.qty] as const));
    const after = new Map(snapshot.positions.map((p) => [p.symbol, p] as const));
    for (const p of snapshot.positions) this.addInstrument(this.instruments.get(p.symbol) ?? instrumentOf(p.symbol));
    if (!first) {
      for (const symbol of new Set([...before.keys(), ...after.keys()])) {
        const was = before.get(symbol) ?? 0;
        const held = after.get(symbol)?.qty ?? 0;
        if (was !== held && !working.has(symbol)) {
          this.riskEvent('warning', 'POSITION_MISMATCH', `${live.account.state().label} holds ${held} ${symbol}; Deltadeck expected ${was}. The cockpit now shows the broker's position.`, symbol);
        }
      }
    }
    this.repo.transaction(() => {
      if (!this.repo.getAccount(id)) {
        this.repo.insertAccount({ id, currency: snapshot.funds.currency, cash: snapshot.funds.cash, realizedPnl: 0, sessionDate: this.calendar.session(now).date, startOfDayNav: snapshot.funds.nav, createdAt: now });
      }
      this.repo.updateAccountCash(id, snapshot.funds.cash, live.ledger.realizedPnl);
      for (const symbol of before.keys()) if (!after.has(symbol)) this.repo.savePosition(id, { symbol, qty: 0, avgPrice: 0 }, now);
      for (const p of snapshot.positions) this.repo.savePosition(id, { symbol: p.symbol, qty: p.qty, avgPrice: p.avgCost }, now);
    });
    live.ledger.cash = snapshot.funds.cash;
    live.ledger.positions.clear();
    for (const p of snapshot.positions) live.ledger.positions.set(p.symbol, { qty: p.qty, avgPrice: p.avgCost });
    this.valuationStale = true;
    this.publisher.valuationChanged();
  }

  /**
   * The book on screen and under the risk monitors follows the mode: the broker account itself in
   * REAL and OFF, its paper copy in DRY_RUN (the demo account when no broker account is in use).
   */
  private selectBook(force = false): void {
    const mirror = this.live && this.mode !== 'DRY_RUN' ? this.live : null;
    const accountId = mirror ? mirror.account.mirrorAccountId : this.paperAccountId;
    if (!force && accountId === this.accountId) return;
    const ledger = mirror ? mirror.ledger : this.paperLedger;
    const row = this.repo.getAccount(accountId);
    if (!row) return; // the mirror is written on the broker's first answer
    this.risk.flush();
    this.accountId = accountId;
    this.ledger = ledger;
    this.currency = row.currency;
    this.sessionDate = row.sessionDate;
    this.startOfDayNav = row.startOfDayNav;
    this.valuation = this.computeValuation(this.risk.limits);
    this.risk = new RiskManager(
      this.riskRepo,
      accountId,
      {
        now: () => this.now(),
        riskEvent: (severity, code, message, symbol, details) => this.riskEvent(severity, code, message, symbol, details),
        audit: (actor, action, details) => this.audit(actor, action, details),
        changed: () => this.publisher.riskChanged(),
      },
      { nav: this.valuation.nav, startOfDayNav: this.startOfDayNav, sessionDate: this.sessionDate },
    );
    this.revalue();
    this.hedge?.bookChanged(`the book shown is now ${accountId}`);
    this.publisher.resync();
  }

  private onBrokerConnected(connectionId: string): void {
    const used = this.usedBroker();
    if (!used || used.connectionId !== connectionId || this.live || this.attaching) return;
    void this.attach(connectionId, used.accountId ?? '').catch((error: unknown) =>
      this.riskEvent('warning', 'ACCOUNT_UNAVAILABLE', `Could not use the broker account again: ${(error as Error).message}`, null),
    );
  }

  /** Removes a broker connection; the account it traded is no longer used. */
  async removeBroker(connectionId: string): Promise<{ removed: boolean }> {
    const result = await this.brokers.remove(connectionId);
    if (this.usedBroker()?.connectionId === connectionId) this.repo.deleteSetting('account.live');
    return result;
  }

  private onBrokerStopped(connectionId: string): void {
    if (this.live?.connectionId === connectionId) this.detach('its broker connection was closed');
  }

  /** What waits for a broker's rate limit is shown on the order, with when it can go. */
  private decorateOrder(order: Order): Order {
    if (!this.live || order.venue !== this.live.account.venueId) return order;
    const queued = this.live.account.venue.queuedOrders().find((q) => q.orderId === order.id);
    return queued ? { ...order, queuedUntil: queued.eligibleAt } : order;
  }

  /** Orders waiting for a broker's rate limit, oldest first. */
  queuedOrders(): ReturnType<LiveAccount['venue']['queuedOrders']> {
    return this.live ? this.live.account.venue.queuedOrders() : [];
  }

  // ── market loop ────────────────────────────────────────────────────────────

  private tick(stepMs: number): void {
    if (this.live) {
      // A broker account: its quotes arrive as they come; the clock is the wall clock.
      const date = this.calendar.session(this.now()).date;
      if (date > this.sessionDate) this.startSession(date);
    } else {
      const roll = this.clock.advance();
      if (roll) this.startSession(roll.to);
      const quotes = this.market.step(this.clock.now(), stepMs);
      this.publisher.quotesChanged(quotes);
      this.paper.onQuotes(new Set(quotes.map((q) => q.symbol)));
    }
    // The circuit breakers and limit monitors watch every tick, whether or not anyone is looking.
    this.revalue();
  }

  private startSession(date: string): void {
    this.paper.endSession();
    if (!this.live) {
      this.recordCloses(this.sessionDate);
      this.market.rollSession();
    }
    this.expireOptions(date);
    this.revalue();
    this.sessionDate = date;
    this.startOfDayNav = this.valuation.nav;
    this.repo.updateAccountSession(this.accountId, date, this.startOfDayNav);
    this.risk.onSession(date, this.startOfDayNav);
    this.riskEvent('info', 'SESSION_OPEN', `Session ${date} opened; start-of-day NAV ${this.startOfDayNav.toFixed(2)}.`, null);
    this.publisher.liveChanged();
  }

  /**
   * Options whose expiry is before the session date settle in cash at intrinsic value on the paper
   * ledger (a broker settles its own; the mirror picks that up from the broker's positions).
   */
  private expireOptions(sessionDate: string): void {
    for (const [symbol, position] of [...this.paperLedger.positions]) {
      const instrument = this.instruments.get(symbol);
      if (instrument?.kind !== 'OPTION' || !instrument.expiry || instrument.expiry >= sessionDate) continue;
      const spot = this.spot(instrument.underlying) ?? 0;
      const intrinsic = Math.max(0, instrument.right === 'C' ? spot - instrument.strike! : instrument.strike! - spot);
      this.repo.transaction(() => {
        const effect = this.paperLedger.settle(symbol, intrinsic, instrument.multiplier);
        this.repo.savePosition(this.paperAccountId, { symbol, ...effect.position }, this.now());
        this.repo.updateAccountCash(this.paperAccountId, this.paperLedger.cash, this.paperLedger.realizedPnl);
      });
      this.riskEvent(
        'info',
        'OPTION_EXPIRED',
        `${symbol} expired ${intrinsic > 0 ? `in the money, settled at ${intrinsic.toFixed(2)}` : 'worthless'} (${position.qty} contracts).`,
        symbol,
      );
    }
    for (const order of this.repo.workingOrdersOf(this.paper.id, this.paperAccountId)) {
      const instrument = this.instruments.get(order.symbol);
      if (instrument?.kind === 'OPTION' && instrument.expiry && instrument.expiry < sessionDate) this.oms.cancelOrder(order.id, `${order.symbol} expired on ${instrument.expiry}`);
    }
    for (const instrument of this.instruments.values()) {
      if (instrument.kind === 'OPTION' && instrument.expiry && instrument.expiry < sessionDate && this.market.hasUnderlying(instrument.underlying)) {
        this.market.delistOption(instrument.symbol);
      }
    }
    this.valuationStale = true;
    this.publisher.valuationChanged();
  }

  private recordEquity(): void {
    this.revalue();
    const point: EquityPoint = { ts: this.now(), nav: this.valuation.nav, cash: this.ledger.cash };
    this.repo.transaction(() => {
      this.repo.insertEquityPoint(point);
      this.repo.setSetting('sim.clock', JSON.stringify(this.clock.state));
      this.repo.setSetting('sim.market', JSON.stringify(this.market.state));
      this.risk.flush();
    });
    this.publisher.equityPoint(point);
  }

  // ── instruments ────────────────────────────────────────────────────────────

  private registerInstrument(instrument: Instrument): void {
    if (this.instruments.has(instrument.symbol)) return;
    this.instruments.set(instrument.symbol, instrument);
    if (instrument.kind === 'OPTION' && this.market.hasUnderlying(instrument.underlying)) this.market.listOption(instrument, this.expiryTs(instrument));
  }

  /** The exchange's expiry instant: the close of the expiry date, or of the trading day before when it is a holiday. */
  private expiryTs(instrument: Instrument): number {
    return expiryInstant(instrument.expiry!, this.calendar);
  }

  /** Known instrument, or an OCC option symbol on a quoted underlying with a future expiry. */
  private resolveInstrument(symbol: string): Instrument | undefined {
    const known = this.instruments.get(symbol);
    if (known) {
      if (this.live) void this.live.account.watch([symbol]);
      return known;
    }
    if (this.live) return this.resolveAtBroker(symbol);
    const occ = parseOcc(symbol);
    if (!occ || !this.market.hasUnderlying(occ.underlying)) return undefined;
    if (!this.calendar.isTradingDay(occ.expiry) || occ.expiry < this.clock.sessionDate) return undefined;
    const instrument: Instrument = {
      symbol,
      kind: 'OPTION',
      underlying: occ.underlying,
      multiplier: 100,
      right: occ.right,
      strike: occ.strike,
      expiry: occ.expiry,
      style: 'american',
    };
    this.repo.upsertInstrument(instrument);
    this.registerInstrument(instrument);
    this.publisher.quotesChanged(this.market.requote(instrument.underlying, this.clock.now()));
    this.valuationStale = true;
    this.publisher.instrumentAdded(instrument);
    return instrument;
  }

  /**
   * With a broker account in use, any ticker or OCC option (with a future expiry) is an instrument;
   * its quotes are requested from the broker, and until they arrive the gate sees no quote (red).
   */
  private resolveAtBroker(symbol: string): Instrument | undefined {
    if (!/^[A-Z][A-Z0-9.]{0,11}$/.test(symbol) && !parseOcc(symbol)) return undefined;
    const instrument = instrumentOf(symbol);
    if (instrument.kind === 'OPTION' && (!this.calendar.isTradingDay(instrument.expiry!) || instrument.expiry! < this.sessionDate)) return undefined;
    this.addInstrument(instrument);
    void this.live!.account.watch([symbol]);
    return instrument;
  }

  private addInstrument(instrument: Instrument): void {
    if (this.instruments.has(instrument.symbol)) return;
    this.repo.upsertInstrument(instrument);
    this.registerInstrument(instrument);
    this.valuationStale = true;
    this.publisher.instrumentAdded(instrument);
  }

  private seedDemoPortfolio(): void {
    const now = this.clock.now();
    const date = this.clock.sessionDate;
    this.market.quoteAll(now);
    const positions: { symbol: string; qty: number; avgPrice: number }[] = [];
    for (const p of demoPortfolio.positions as DemoPosition[]) {
      const spot = this.market.spot(p.underlying);
      if (spot === undefined) continue;
      if (!p.right) {
        positions.push({ symbol: p.underlying, qty: p.qty, avgPrice: round2(spot * p.avgPriceFactor) });
        continue;
      }
      const grid = spot >= 100 ? 5 : 1;
      const strike = Math.round((spot * (p.moneyness ?? 1)) / grid) * grid;
      const expiry = demoExpiry(this.calendar, date, p.dte ?? 30, p.daily);
      const instrument: Instrument = {
        symbol: occSymbol(p.underlying, expiry, p.right, strike),
        kind: 'OPTION',
        underlying: p.underlying,
        multiplier: 100,
        right: p.right,
        strike,
        expiry,
        style: 'american',
      };
      this.registerInstrument(instrument);
      const years = (this.expiryTs(instrument) - now) / (365 * 86_400_000);
      const vol = this.market.impliedVol(p.underlying, strike, years);
      const model = priceByStyle(instrument, spot, vol, years, this.market.rate, this.market.dividendYield(p.underlying));
      positions.push({ symbol: instrument.symbol, qty: p.qty, avgPrice: Math.max(0.01, round2(model.price * p.avgPriceFactor)) });
    }
    this.repo.transaction(() => {
      for (const instrument of this.instruments.values()) this.repo.upsertInstrument(instrument);
      this.repo.insertAccount({
        id: demoPortfolio.accountId,
        currency: demoPortfolio.currency,
        cash: demoPortfolio.cash,
        realizedPnl: 0,
        sessionDate: date,
        startOfDayNav: demoPortfolio.cash, // replaced by the marked NAV once the book is valued
        createdAt: now,
      });
      for (const p of positions) this.repo.savePosition(demoPortfolio.accountId, p, now);
      this.repo.setSetting('mode', 'DRY_RUN');
    });
    this.audit('system', 'account.seeded', { accountId: demoPortfolio.accountId, positions: positions.length });
  }

  // ── valuation and state ────────────────────────────────────────────────────

  private computeValuation(limits: RiskLimits = this.risk.limits): Valuation {
    return valueBook(
      {
      positions: [...this.ledger.positions].map(([symbol, p]) => ({ symbol, ...p })),
      instruments: this.instruments,
      quotes: this.quoteMap(),
      cash: this.ledger.cash,
      now: this.now(),
      rate: this.market.rate,
      dividendYield: (u) => this.dividendYield(u),
      expiryTs: (i) => this.expiryTs(i),
      shortDatedDays: limits.shortDated.days,
      benchmark: limits.beta.benchmark,
      beta: (u) => (this.risk ? this.risk.beta(u, (sym) => this.closes(sym)) : 1),
      },
      this.valuationCache,
    );
  }

  private revalue(): void {
    this.valuation = this.computeValuation();
    this.valuationStale = false;
    this.risk.monitor(this.valuation);
  }

  /** The clock trading runs on: the simulated session clock, or the wall clock with a broker account in use. */
  private now(): number {
    return this.live ? this.wallNow() : this.clock.now();
  }

  private wallNow(): number {
    return this.options.wallClock?.() ?? Date.now();
  }

  /** A quote from the broker in use, else from the simulated market — never one standing in for the other. */
  private quote(symbol: string): Quote | undefined {
    return this.live ? this.live.account.quote(symbol) : this.market.quote(symbol);
  }

  private spot(symbol: string): number | undefined {
    if (!this.live) return this.market.spot(symbol);
    const q = this.live.account.quote(symbol);
    if (!q) return undefined;
    return q.bid > 0 && q.ask > 0 ? (q.bid + q.ask) / 2 : q.last > 0 ? q.last : undefined;
  }

  private dividendYield(underlying: string): number {
    return this.live ? 0 : this.market.dividendYield(underlying);
  }

  private quoteMap(): Map<string, Quote> {
    const quotes = new Map<string, Quote>();
    for (const symbol of this.instruments.keys()) {
      const q = this.quote(symbol);
      if (q) quotes.set(symbol, q);
    }
    return quotes;
  }

  private account(): Account {
    const v = this.valuation;
    return {
      id: this.accountId,
      currency: this.currency,
      nav: v.nav,
      cash: this.ledger.cash,
      marketValue: v.marketValue,
      startOfDayNav: this.startOfDayNav,
      dayPnl: v.nav - this.startOfDayNav,
      unrealizedPnl: v.unrealizedPnl,
      realizedPnl: this.ledger.realizedPnl,
    };
  }

  private clockState(): CockpitState['clock'] {
    const now = this.now();
    return {
      ts: now,
      sessionDate: this.live ? this.calendar.session(now).date : this.clock.sessionDate,
      session: this.calendar.session(now).state,
      timezone: this.calendar.timezone,
      simulated: !this.live,
    };
  }

  snapshot(seq = 0): CockpitState {
    this.revalue();
    return {
      seq,
      mode: this.mode,
      broker: this.brokerState(),
      clock: this.clockState(),
      account: this.account(),
      quotes: Object.fromEntries(this.quoteMap()),
      instruments: Object.fromEntries(this.instruments),
      positions: this.valuation.positions,
      greeks: this.valuation.greeks,
      tickets: this.repo.recentTickets(STATE_LIMITS.tickets),
      orders: this.repo.recentOrders(STATE_LIMITS.orders).map((o) => this.decorateOrder(o)),
      fills: this.repo.recentFills(STATE_LIMITS.fills),
      riskEvents: this.repo.recentRiskEvents(STATE_LIMITS.riskEvents),
      equity: this.repo.equityHistory(0, STATE_LIMITS.equity),
      risk: this.risk.summary(this.valuation),
    };
  }

  subscribeState(listener: StateListener): () => void {
    return this.publisher.subscribe(listener);
  }

  // ── trading ────────────────────────────────────────────────────────────────

  /** The account new orders book under: the broker account's mirror in REAL, else the paper ledger. */
  private orderAccountId(): string {
    return this.mode === 'REAL' && this.live ? this.live.account.mirrorAccountId : this.paperAccountId;
  }

  /** The venue a mode sends to, connected or not (a ticket is bound to it). */
  private venueIdFor(mode: TradingMode): string | null {
    if (mode === 'DRY_RUN') return this.paper.id;
    return mode === 'REAL' && this.live ? this.live.account.venueId : null;
  }

  /**
   * The mode or the account in use changed: what was reviewed no longer describes where an order
   * would go. Every pending ticket and every proposed hedge plan is cancelled, each with the reason,
   * and a plan being executed sends no further leg.
   */
  private tradingContextChanged(why: string): void {
    const tickets = this.oms.cancelPendingTickets(why);
    const hedge = this.hedge?.contextChanged(why) ?? { cancelled: 0, stopped: 0 };
    if (tickets + hedge.cancelled + hedge.stopped === 0) return;
    const parts = [
      tickets ? `${tickets} pending ticket(s) cancelled` : '',
      hedge.cancelled ? 'the proposed hedge plan cancelled' : '',
      hedge.stopped ? 'the hedge being executed stopped (no further legs)' : '',
    ].filter(Boolean);
    this.riskEvent('warning', 'APPROVALS_CANCELLED', `${parts.join(', ')}: ${why}. Review them again under the new mode.`, null);
  }

  private venue(): BrokerAdapter | undefined {
    if (this.mode === 'DRY_RUN') return this.paper;
    if (this.mode === 'REAL' && this.live && this.live.account.state().connection === 'connected') return this.live.account.venue;
    return undefined;
  }

  private brokerState(): CockpitState['broker'] {
    return this.live ? this.live.account.state() : this.paper.state();
  }

  /** The risk gate's facts, gathered from the live book; their assembly (risk/gate-context.ts) and the verdict (risk/gate.ts) are pure. */
  private gate(intent: OrderIntent): GateVerdict & { price: number | null } {
    // A hedge leg may be a chain contract not listed yet: its instrument and quote come from the planning run.
    const instrument = this.instruments.get(intent.symbol) ?? this.chainCache.instruments.get(intent.symbol);
    const quote = this.quoteFor(intent.symbol);
    this.revalue();
    const now = this.now();
    const nav = this.valuation.nav;
    return gateOrder({
      intent,
      instrument,
      quote,
      underlyingQuote: instrument ? this.quote(instrument.underlying) : undefined,
      mode: this.mode,
      venueConnected: this.venue() !== undefined,
      session: this.calendar.session(now).state,
      now,
      tradingState: this.risk.tradingState,
      dailyLossPct: this.risk.dailyLossPct(nav),
      drawdownPct: this.risk.drawdownPct(nav),
      valuation: this.valuation,
      cash: this.ledger.cash,
      positionQty: this.ledger.position(intent.symbol).qty,
      quotes: this.quoteMap(),
      pricing: { rate: this.market.rate, dividendYield: (u) => this.dividendYield(u), expiryTs: (i) => this.expiryTs(i) },
      commissions: DEFAULT_COMMISSIONS,
      ordersLastMinute: this.riskRepo.ordersSince(now - 60_000),
      limits: this.risk.limits,
    });
  }

  private check(intent: OrderIntent, why: { phase: 'create' | 'approve'; ticketId: string }) {
    const verdict = this.gate(intent);
    // Every verdict is journaled: which order, at which step, what the gate said and why.
    const reasons = verdict.checks.filter((c) => c.level !== 'green').map((c) => c.code);
    const severity: Severity = verdict.level === 'green' ? 'info' : 'warning';
    this.riskEvent(
      severity,
      `GATE_${verdict.level.toUpperCase()}`,
      `Risk gate ${verdict.level} at ${why.phase} of ${why.ticketId}: ${intent.side} ${intent.qty} ${intent.symbol}${reasons.length ? ` (${reasons.join(', ')})` : ''}.`,
      intent.symbol,
      { ticketId: why.ticketId, phase: why.phase, checks: verdict.checks, whatIf: verdict.whatIf },
    );
    return { checks: verdict.checks, estNotional: verdict.estNotional, whatIf: verdict.whatIf, price: verdict.price };
  }

  /**
   * A quote for the gate: the market's; for a chain contract not listed yet, the simulator prices it
   * now, and a broker's chain quote from the last planning run is used while fresh.
   */
  private quoteFor(symbol: string): Quote | undefined {
    const quote = this.quote(symbol);
    if (quote) return quote;
    const instrument = this.chainCache.instruments.get(symbol);
    if (instrument && !this.live) return this.market.chainQuote(instrument, this.expiryTs(instrument), this.now());
    const chain = this.chainCache.quotes.get(symbol);
    return chain && this.now() - chain.ts <= this.risk.limits.quotes.staleAfterSec * 1000 ? chain : undefined;
  }

  // ── hedging ────────────────────────────────────────────────────────────────

  private hasBreach(): boolean {
    return this.risk.summary(this.valuation).limits.some((l) => l.level === 'red' && (l.group === 'portfolio' || l.group === 'short-dated' || l.group === 'tier'));
  }

  /** Near-the-money chain contracts of the nearest expiries, with quotes: from the broker in use, else priced by the simulator. */
  private async optionChain(underlying: string, now: number): Promise<{ instruments: Instrument[]; quotes: Quote[] }> {
    const spot = this.spot(underlying);
    if (spot === undefined) return { instruments: [], quotes: [] };
    if (this.live) {
      const connection = this.brokers.connection(this.live.connectionId);
      if (!connection) return { instruments: [], quotes: [] };
      const today = this.calendar.session(now).date;
      const expiries = (await connection.optionExpirations(underlying)).filter((e) => e > today).sort().slice(0, 2);
      const instruments: Instrument[] = [];
      const quotes: Quote[] = [];
      for (const expiry of expiries) {
        for (const c of await connection.optionChain(underlying, expiry)) {
          if (Math.abs(c.strike / spot - 1) > 0.15) continue;
          instruments.push({ symbol: c.symbol, kind: 'OPTION', underlying, multiplier: c.multiplier, right: c.right, strike: c.strike, expiry: c.expiry, style: 'american' });
          if (c.quote) quotes.push({ ...c.quote, ...(c.greeks && c.greeks.iv > 0 ? { iv: c.greeks.iv } : {}) });
        }
      }
      return { instruments, quotes };
    }
    if (!this.market.hasUnderlying(underlying)) return { instruments: [], quotes: [] };
    const date = this.clock.sessionDate;
    // The nearest weekly, the next one and a monthly, ±8% around spot: what a hedge would trade (pricing every listed strike would cost more than planning).
    const expiries = [...new Set([1, 7, 30].map((d) => this.calendar.fridayExpiryOnOrAfter(addDays(date, d))))];
    const grid = spot >= 100 ? 5 : 1;
    const instruments: Instrument[] = [];
    const quotes: Quote[] = [];
    for (const expiry of expiries) {
      for (let k = Math.ceil((spot * 0.92) / grid) * grid; k <= spot * 1.08; k += grid) {
        for (const right of ['C', 'P'] as const) {
          const instrument: Instrument = { symbol: occSymbol(underlying, expiry, right, k), kind: 'OPTION', underlying, multiplier: 100, right, strike: k, expiry, style: 'american' };
          const listed = this.market.quote(instrument.symbol);
          const quote = listed ?? this.market.chainQuote(instrument, this.expiryTs(instrument), now);
          if (!quote) continue;
          instruments.push(this.instruments.get(instrument.symbol) ?? instrument);
          quotes.push(quote);
        }
      }
    }
    return { instruments, quotes };
  }

  /** The planner's inputs from the live book, with the chains of every underlying held. */
  private async hedgeInput(): Promise<Omit<HedgeInput, 'trigger' | 'weights' | 'underlying'>> {
    this.revalue();
    const now = this.now();
    const underlyings = [...new Set(this.valuation.positions.map((p) => p.instrument.underlying))];
    const chains = new Map<string, Instrument[]>();
    this.chainCache.instruments.clear();
    this.chainCache.quotes.clear();
    for (const u of underlyings) {
      const chain = await this.optionChain(u, now).catch((error: unknown) => {
        this.log.warn({ underlying: u, err: (error as Error).message }, 'option chain unavailable for hedging');
        return { instruments: [], quotes: [] };
      });
      chains.set(u, chain.instruments);
      for (const i of chain.instruments) if (!this.instruments.has(i.symbol)) this.chainCache.instruments.set(i.symbol, i);
      for (const q of chain.quotes) this.chainCache.quotes.set(q.symbol, q);
    }
    this.revalue();
    const quotes = this.quoteMap();
    for (const u of underlyings) {
      const q = this.quote(u);
      if (q) quotes.set(u, q);
    }
    for (const [symbol, q] of this.chainCache.quotes) if (!quotes.has(symbol)) quotes.set(symbol, q);
    return {
      positions: this.valuation.positions,
      quotes,
      now: this.now(),
      rate: this.market.rate,
      dividendYield: (u) => this.dividendYield(u),
      expiryTs: (i) => this.expiryTs(i),
      limits: this.risk.limits,
      nav: this.valuation.nav,
      cash: this.ledger.cash,
      chain: (u) => chains.get(u) ?? [],
      commissions: DEFAULT_COMMISSIONS,
      underlyingKind: (u) => (this.instruments.get(u)?.kind === 'ETF' ? 'ETF' : 'STOCK'),
      gate: (intent) => this.gate(intent),
      cache: this.valuationCache,
    };
  }

  private hedgeHost(): HedgeHost {
    return {
      now: () => this.now(),
      mode: () => this.mode,
      tradingState: () => this.risk.tradingState,
      session: () => this.calendar.session(this.now()).state,
      planInput: () => this.hedgeInput(),
      quote: (symbol) => this.quoteFor(symbol),
      staleAfterMs: () => this.risk.limits.quotes.staleAfterSec * 1000,
      gate: (intent) => this.gate(intent),
      createTicket: (intent, reason) => this.createTicket(intent, reason, 'hedge'),
      approveTicket: (ticket, approvedBy) => this.oms.approveTicket(ticket.id, ticket.contentHash, approvedBy).order,
      submitByPolicy: (intent, reason, policy) => {
        // As createTicket admits an intent: the instrument known (and journaled) before the one commit.
        const symbol = intent.symbol.trim().toUpperCase();
        if (!this.resolveInstrument(symbol)) throw new CockpitError('UNKNOWN_SYMBOL', `${symbol} is not a known instrument.`);
        return this.oms.submitByPolicy({ ...intent, symbol }, 'hedge', reason, policy);
      },
      order: (orderId) => this.repo.getOrder(orderId),
      workingHedgeOrders: () => this.repo.workingOrders().filter((o) => o.ticketId !== null && this.repo.getTicket(o.ticketId)?.source === 'hedge'),
      brokerAccount: () => (this.live ? { accountId: this.live.brokerAccountId, label: this.live.account.state().label } : null),
      underlyingOf: (symbol) => this.instruments.get(symbol)?.underlying ?? this.chainCache.instruments.get(symbol)?.underlying ?? parseOcc(symbol)?.underlying ?? symbol,
      scenario: async (extra) => {
        // Both jobs are assembled in this turn of the loop (same clock, same quotes); the risk workers compute them.
        const [before, after] = await Promise.all([this.scenarioWith([]), this.scenarioWith(extra, {}, `hedge: ${extra.map((e) => `${e.side} ${e.qty} ${e.symbol}`).join(', ')}`)]);
        return { before, after };
      },
      riskEvent: (severity, code, message, symbol) => this.riskEvent(severity, code, message, symbol),
      audit: (actor, action, details) => this.audit(actor, action, details),
      getSetting: (key) => this.repo.getSetting(key),
      setSetting: (key, value) => this.repo.setSetting(key, value),
      dayStart: () => zonedTime(this.sessionDate, '00:00', this.calendar.timezone),
    };
  }

  /** What the gate would say about an intent, without creating a ticket (the ticket form's live preview). */
  previewTicket(intent: OrderIntent): GateVerdict {
    const symbol = intent.symbol.trim().toUpperCase();
    this.resolveInstrument(symbol);
    const { price: _price, ...verdict } = this.gate({ ...intent, symbol });
    return verdict;
  }

  // ── risk ───────────────────────────────────────────────────────────────────

  riskLimits(): RiskLimits {
    return this.risk.limits;
  }

  setRiskLimits(limits: unknown): RiskLimits {
    const saved = this.risk.setLimits(limits, 'user');
    this.revalue();
    return saved;
  }

  resetTradingState(): TradingState {
    this.revalue();
    const state = this.risk.reset('user', this.valuation.nav);
    this.publisher.riskChanged();
    return state;
  }

  /** VaR and scenario grids run on these worker threads, never on the engine loop (risk/pool.ts). */
  readonly riskWorkers = new RiskWorkerPool();

  private scenarioPositions(extras: readonly OrderIntent[] = []): ScenarioPosition[] {
    const positions: ScenarioPosition[] = this.valuation.positions.map((p) => ({ instrument: p.instrument, qty: p.qty }));
    for (const extra of extras) {
      const instrument = this.instruments.get(extra.symbol) ?? this.chainCache.instruments.get(extra.symbol);
      if (!instrument) throw new CockpitError('UNKNOWN_SYMBOL', `${extra.symbol} is not a known instrument.`);
      positions.push({ instrument, qty: extra.side === 'BUY' ? extra.qty : -extra.qty });
    }
    return positions;
  }

  async scenario(opts: { intent?: OrderIntent; spotPcts?: number[]; volPts?: number[]; days?: number }): Promise<ScenarioGrid> {
    const intent = opts.intent ? { ...opts.intent, symbol: opts.intent.symbol.trim().toUpperCase() } : undefined;
    if (intent) this.resolveInstrument(intent.symbol);
    return this.scenarioWith(intent ? [intent] : [], opts, intent ? `${intent.side} ${intent.qty} ${intent.symbol}` : null);
  }

  /** The scenario grid of the book with extra positions (an order, or a hedge plan's legs): assembled now, computed on a risk worker. */
  private async scenarioWith(extras: readonly OrderIntent[], opts: { spotPcts?: number[]; volPts?: number[]; days?: number } = {}, label: string | null = null): Promise<ScenarioGrid> {
    const job = this.scenarioJob(extras, opts, label);
    try {
      return await this.riskWorkers.scenario(job);
    } catch (error) {
      if (error instanceof ScenarioError) throw new CockpitError('SCENARIO_UNAVAILABLE', error.message);
      throw error;
    }
  }

  /** A scenario grid's inputs as plain data: the book as it stands, plus extra positions (an order, a hedge plan's legs). */
  scenarioJob(extras: readonly OrderIntent[] = [], opts: { spotPcts?: number[]; volPts?: number[]; days?: number } = {}, label: string | null = null): ScenarioJob {
    this.revalue();
    const quotes = this.quoteMap();
    for (const e of extras) {
      const q = this.quoteFor(e.symbol);
      if (q && !quotes.has(e.symbol)) quotes.set(e.symbol, q);
    }
    return { book: this.riskBook(this.scenarioPositions(extras), quotes), spotPcts: opts.spotPcts, volPts: opts.volPts, days: opts.days, withOrder: label };
  }

  async valueAtRisk(): Promise<VarReport> {
    const job = this.varJob();
    try {
      return await this.riskWorkers.valueAtRisk(job);
    } catch (error) {
      if (error instanceof ScenarioError) throw new CockpitError('SCENARIO_UNAVAILABLE', error.message);
      throw error;
    }
  }

  /** VaR's inputs as plain data: the book as it stands, each underlying's daily returns and the account's daily NAVs. */
  varJob(): VarJob {
    this.revalue();
    const positions = this.scenarioPositions();
    const returns = new Map<string, number[]>();
    for (const u of new Set(positions.map((p) => p.instrument.underlying))) returns.set(u, logReturns(this.closes(u)));
    return {
      book: this.riskBook(positions, this.quoteMap()),
      returns,
      dailyNavs: this.repo.dailyNavs(HISTORY_DAYS),
      exposures: this.valuation.greeks.byUnderlying.map((r) => ({ underlying: r.underlying, deltaCash: r.deltaCash, gammaCash1Pct: r.gammaCash1Pct })),
    };
  }

  /** The positions with what pricing them looks up (quotes, dividend yields, expiries), read now on the engine loop. */
  private riskBook(positions: ScenarioPosition[], quotes: ReadonlyMap<string, Quote>) {
    return precomputeBook({
      positions,
      quotes,
      now: this.now(),
      rate: this.market.rate,
      nav: this.valuation.nav,
      dividendYield: (u) => this.dividendYield(u),
      expiryTs: (i) => this.expiryTs(i),
    });
  }

  private closes(symbol: string): number[] {
    return this.riskRepo.closes(symbol, HISTORY_DAYS).map((c) => c.close);
  }

  /** Daily closes of each underlying at the end of a session, for VaR and betas. */
  private recordCloses(sessionDate: string): void {
    for (const spec of this.market.underlyings) {
      const spot = this.market.spot(spec.symbol);
      if (spot !== undefined && spot > 0) this.riskRepo.saveClose(spec.symbol, sessionDate, spot, true);
    }
  }

  /** A new data directory gets a year of simulated daily closes ending at today's prices (marked simulated). */
  private backfillHistory(seed: number): void {
    const missing = this.market.underlyings.filter((u) => this.riskRepo.countCloses(u.symbol) === 0);
    if (missing.length === 0) return;
    const history = simulatedHistory({
      underlyings: missing.map((u) => ({ ...u, price: this.market.spot(u.symbol) ?? u.price })),
      seed,
      days: HISTORY_DAYS,
      before: this.clock.sessionDate,
      calendar: this.calendar,
    });
    this.repo.transaction(() => {
      for (const [symbol, rows] of history) for (const r of rows) this.riskRepo.saveClose(symbol, r.date, r.close, true);
    });
  }

  /** Books a fill into the account its order trades: the mirrored broker account for a live venue, else the paper ledger. */
  private bookFill(fill: Fill): void {
    const instrument = this.instruments.get(fill.symbol) ?? instrumentOf(fill.symbol);
    this.addInstrument(instrument);
    const venue = this.repo.getOrder(fill.orderId)?.venue;
    const live = this.live && venue === this.live.account.venueId ? this.live : null;
    const ledger = live ? live.ledger : this.paperLedger;
    const accountId = live ? live.account.mirrorAccountId : this.paperAccountId;
    const effect = ledger.applyFill(fill.symbol, fill.side, fill.qty, fill.price, instrument.multiplier, fill.commission);
    this.repo.savePosition(accountId, { symbol: fill.symbol, ...effect.position }, fill.ts);
    this.repo.updateAccountCash(accountId, ledger.cash, ledger.realizedPnl);
    this.valuationStale = true;
  }

  /** Every order intent becomes a ticket here: manual ones from the cockpit, strategy ones from the live strategy runner. */
  createTicket(intent: OrderIntent, reason: string | undefined, source: Ticket['source'] = 'manual'): Ticket {
    if (this.mode === 'OFF') {
      throw new CockpitError('MODE_OFF', 'Trading is OFF: no ticket can be created or sent. Switch to DRY_RUN first.');
    }
    const symbol = intent.symbol.trim().toUpperCase();
    if (!this.resolveInstrument(symbol)) {
      throw new CockpitError('UNKNOWN_SYMBOL', `${symbol} is not a known instrument. Use an underlying (e.g. SPY) or an OCC option symbol (e.g. SPY261218C00600000).`);
    }
    return this.oms.createTicket({ ...intent, symbol }, source, reason?.trim() || (source === 'manual' ? 'Manual order' : `${source} order`));
  }

  approveTicket(ticketId: string, contentHash: string) {
    return this.oms.approveTicket(ticketId, contentHash);
  }

  rejectTicket(ticketId: string, reason: string | undefined): Ticket {
    return this.oms.rejectTicket(ticketId, reason?.trim() ?? '');
  }

  cancelOrder(orderId: string) {
    return this.oms.cancelOrder(orderId, 'cancelled by user');
  }

  modifyOrder(orderId: string, change: OrderChange) {
    return this.oms.modifyOrder(orderId, change);
  }

  orderEvents(orderId: string) {
    if (!this.repo.getOrder(orderId)) throw new CockpitError('NOT_FOUND', `No order ${orderId}.`);
    return this.repo.orderEvents(orderId);
  }

  equityHistory(sinceTs: number, maxPoints: number): EquityPoint[] {
    return this.repo.equityHistory(sinceTs, maxPoints);
  }

  fills(limit: number): Fill[] {
    return this.repo.recentFills(limit);
  }

  riskEvents(limit: number): RiskEvent[] {
    return this.repo.recentRiskEvents(limit);
  }

  getMode(): TradingMode {
    return this.mode;
  }

  setMode(mode: TradingMode, confirm: string | undefined, actor = 'user'): TradingMode {
    if (mode === this.mode) return mode;
    if (mode === 'REAL') {
      if (!this.live) {
        throw new CockpitError(
          'REAL_UNAVAILABLE',
          'REAL trading needs a connected live broker with real-time quotes; only the simulated broker is connected. Stay in DRY_RUN, or connect a broker and use it for trading on the Brokers page.',
        );
      }
      const broker = this.live.account.state();
      if (broker.connection !== 'connected' || !broker.realtimeQuotes) {
        throw new CockpitError('REAL_UNAVAILABLE', `REAL trading needs ${broker.label} connected with real-time quotes; it is ${broker.connection}.`);
      }
      if (broker.tradeLocked) {
        throw new CockpitError('TRADE_LOCKED', `REAL trading is refused: ${broker.label} does not accept trades — ${broker.tradeLocked}`);
      }
      // The confirmation names the account the orders will go to.
      if (confirm?.trim() !== broker.accountId) {
        throw new CockpitError(
          'CONFIRMATION_REQUIRED',
          `Switching to REAL sends approved orders to ${broker.label}, account ${broker.accountId}: type that account number to confirm.`,
          { accountId: broker.accountId, label: broker.label },
        );
      }
    }
    const from = this.mode;
    this.mode = mode;
    this.repo.setSetting('mode', mode);
    this.tradingContextChanged(`the mode changed from ${from} to ${mode}`);
    const account = mode === 'REAL' && this.live ? { account: this.live.brokerAccountId, broker: this.live.account.state().label } : {};
    this.audit(actor, 'mode.set', { from, to: mode, ...account });
    this.riskEvent(
      'info',
      'MODE_CHANGED',
      `Trading mode ${from} → ${mode} (${actor})${mode === 'REAL' && this.live ? `: orders go to ${this.live.account.state().label}, account ${this.live.brokerAccountId}` : ''}.`,
      null,
    );
    this.selectBook();
    if (mode === 'REAL' && this.live) this.hedge.confirmedReal(this.live.brokerAccountId);
    this.publisher.liveChanged();
    return mode;
  }

  /** One click: mode OFF and every working order and pending ticket cancelled, journaled. */
  activateKillSwitch(): { mode: TradingMode; cancelledOrders: number; cancelledTickets: number } {
    const from = this.mode;
    this.mode = 'OFF';
    this.repo.setSetting('mode', 'OFF');
    this.selectBook();
    this.audit('user', 'killSwitch.activate', { from });
    const result = this.oms.cancelEverything('kill switch');
    this.hedge.contextChanged('kill switch');
    this.risk.halt('kill switch activated');
    this.riskEvent(
      'critical',
      'KILL_SWITCH',
      // A broker confirms a cancel later: the count is of cancels sent, and a refused one is raised on its own (CANCEL_FAILED).
      `Kill switch: mode ${from} → OFF; cancel sent for ${result.cancelledOrders} working order(s); ${result.cancelledTickets} pending ticket(s) cancelled.`,
      null,
    );
    this.publisher.liveChanged();
    return { mode: 'OFF', ...result };
  }

  // ── journals ───────────────────────────────────────────────────────────────

  private riskEvent(severity: Severity, code: string, message: string, symbol: string | null, details?: unknown): void {
    if (this.closed) {
      this.log.warn({ code, severity, symbol }, `after shutdown: ${message}`);
      return;
    }
    const event = this.repo.insertRiskEvent({ ts: this.now(), severity, code, message, symbol }, details);
    this.publisher.riskEvent(event);
    this.log.info({ code, severity, symbol }, message);
  }

  private audit(actor: string, action: string, details: unknown): void {
    this.repo.audit(Date.now(), actor, action, details);
  }

  private readJsonSetting<T>(key: string): T | undefined {
    const raw = this.repo.getSetting(key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.log?.warn({ key }, 'ignoring unreadable setting');
      return undefined;
    }
  }

  private newId(prefix: string): string {
    this.idCounter = (this.idCounter + 1) % 1_000_000;
    return `${prefix}-${Date.now().toString(36)}${this.idCounter.toString(36).padStart(3, '0')}${randomBytes(3).toString('hex')}`;
  }

  /** Stops the loops, saves the simulator's position and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.publisher.flush();
    this.publisher.stop();
    this.paper.dispose();
    // The broker account stops listening before its connection and the database close.
    this.live?.account.close();
    this.live = null;
    await this.attaching?.catch(() => undefined);
    await this.backtests.close();
    await this.riskWorkers.close();
    await this.brokers.close();
    try {
      this.recordEquity();
    } catch (error) {
      this.log.error({ err: error }, 'could not save state on close');
    }
    try {
      const optimizeFailure = closeDatabase(this.db);
      if (optimizeFailure) this.log.warn({ err: optimizeFailure }, 'PRAGMA optimize failed on close');
    } finally {
      this.lock.release();
    }
    this.log.info('engine stopped');
  }
}

/** Days to expiry that make a demo position short-dated (the default short-dated bucket). */
const DEMO_SHORT_DATED_DAYS = 7;

/**
 * The demo book's expiry for a position `dte` calendar days out. A daily-listed contract (SPY and
 * QQQ list an expiry every trading day) expires on the trading day on or after that day; a weekly
 * one on the Friday on or after it — except that a short-dated position (dte ≤ 7) always lands in
 * the first week, on the nearest Friday after the first session. So the demo starts inside the
 * short-dated bucket whatever the weekday of its first session.
 */
export function demoExpiry(calendar: TradingCalendar, sessionDate: string, dte: number, daily = false): string {
  const target = addDays(sessionDate, dte);
  if (daily) return calendar.onOrAfter(target);
  const expiry = calendar.fridayExpiryOnOrAfter(target);
  if (dte > DEMO_SHORT_DATED_DAYS || daysBetween(sessionDate, expiry) <= DEMO_SHORT_DATED_DAYS) return expiry;
  return calendar.fridayExpiryOnOrAfter(addDays(sessionDate, 1));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

