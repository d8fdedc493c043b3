// FutuConnection: Deltadeck's BrokerConnection over Futu OpenD's TCP API (default 127.0.0.1:11111).
// It owns the reconnect loop and everything that must survive a reconnect:
//   each new TCP session runs InitConnect → (REAL) UnlockTrade → GetAccList → SubAccPush →
//   Qot_Sub for every wanted symbol, then reports `connected` and, after a reconnect, `resynced`;
//   reconnects back off exponentially with jitter until disconnect().
// Trading: a PacketID (connection id + serial number) on every write; the clientOrderId rides
// in Futu's `remark` and is read back from order lists and pushes. A place order whose reply is
// lost is never retried here: it fails with DISCONNECTED/TIMEOUT saying the order MAY have been
// placed, and the OMS reconciles through openOrders()/fills() by clientOrderId.
// Pushes: fills are deduplicated by fill id and an order's status never moves backwards, so
// duplicated or reordered pushes are harmless.
import { randomUUID } from 'node:crypto';
import type {
  BrokerConnection,
  TradingEnv,
  VenueAccount,
  VenueBar,
  VenueEvent,
  VenueFill,
  VenueFunds,
  VenueOptionContract,
  VenueOrder,
  VenueOrderRequest,
  VenuePosition,
  VenueQuote,
  VenueStatus,
} from '../venue.js';
import { BrokerError } from '../venue.js';
import type { Frame } from './codec.js';
import { currencyOfMarket, futuTimeMs, isFinal, mapFill, mapFunds, mapOrder, mapPosition, statusRank } from './mapping.js';
import { decodeResponse, PROTO } from './proto.js';
import { OpenDSession, SILENT_LOGGER, type FutuLogger, type LatencyProbe, type LostReply } from './session.js';
import type { IntervalTimers } from '../../timers.js';
import { fromFutuSecurity, toFutuSecurity, toFutuTradeCode, TRD_MARKET_OF, type FutuMarket } from './symbols.js';
import {
  int64Number,
  int64String,
  KLType,
  ModifyOrderOp,
  OptionType,
  OrderFillStatus,
  OrderType,
  PacketEncAlgoNone,
  ProtoFmtProtobuf,
  RehabType,
  SubType,
  TimeInForce,
  TrdEnv,
  TrdSide,
  type BasicQot,
  type Funds,
  type InitConnectS2C,
  type Int64,
  type KLine,
  type NotifyS2C,
  type OptionChainS2C,
  type Order,
  type OrderBookPush,
  type OrderFill,
  type Position,
  type Security,
  type Snapshot,
  type TrdAcc,
  type TrdHeader,
  present,
} from './wire.js';

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** ± fraction of each delay, so many clients do not reconnect in lockstep. */
  jitter: number;
}

export interface FutuConfig {
  /** Connection id for the engine (default `futu-simulate` / `futu-real`). */
  id?: string;
  host?: string;
  port?: number;
  env: TradingEnv;
  /** Which trading market's accounts this connection uses (default US). */
  market?: FutuMarket;
  /** Lowercase hex MD5 of the trade password (from the secrets vault); needed to unlock REAL trading. */
  tradePasswordMd5?: () => string;
  /** Unique per client; sent in InitConnect. */
  clientId: string;
  reconnect?: Partial<BackoffOptions>;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Unanswered KeepAlives before OpenD is declared dead (default 2). */
  keepAliveMissLimit?: number;
  maxBodyBytes?: number;
  logger?: FutuLogger;
  probe?: LatencyProbe;
  now?: () => number;
  /** Runs the KeepAlive heartbeat (default setInterval; tests step it together with `now`). */
  timers?: IntervalTimers;
}

/** InitConnect clientVer: "major*100 + minor" of the API generation the protos come from (futu-api 10.11). */
const CLIENT_VER = 1011;
const SNAPSHOT_BATCH = 400;
const MAX_KLINES = 1000;
const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.2 };
const QUOTE_SUB_TYPES = [SubType.Basic, SubType.OrderBook];

interface TradeAccount {
  id: string;
  header: TrdHeader;
  label: string;
}

interface KnownOrder {
  rank: number;
  filledQty: number;
  updatedTs: number;
  order: VenueOrder;
}

const validNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export class FutuConnection implements BrokerConnection {
  readonly id: string;
  readonly venue = 'futu' as const;
  readonly env: TradingEnv;
  private readonly host: string;
  private readonly port: number;
  private readonly trdMarket: number;
  private readonly marketName: FutuMarket;
  private readonly backoff: BackoffOptions;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly missLimit: number;
  private readonly log: FutuLogger;
  private readonly now: () => number;

  private desired = false;
  private session: OpenDSession | null = null;
  /** A session still running its handshake. */
  private pendingSession: OpenDSession | null = null;
  /** Sessions that completed their handshake; the second and later ones emit `resynced`. */
  private sessionsEstablished = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private connectWaiters: { resolve: () => void; reject: (error: BrokerError) => void }[] = [];
  private state: VenueStatus = { state: 'disconnected', lastHeartbeatTs: null, error: null };
  private unlockError: BrokerError | null = null;
  private readonly listeners = new Set<(event: VenueEvent) => void>();

  /** Symbols the caller wants quotes for; restored on every reconnect. */
  private readonly wanted = new Set<string>();
  /** Wanted symbols already subscribed on the current (or handshaking) session. */
  private sessionSubscribed = new Set<string>();
  /** K-line subscriptions made in the current session (GetKL needs one). */
  private klSubscribed = new Set<string>();
  private readonly quotes = new Map<string, VenueQuote>();
  private readonly tradeAccounts = new Map<string, TradeAccount>();
  private readonly knownOrders = new Map<string, KnownOrder>();
  private readonly orderIdByClientId = new Map<string, string>();
  private readonly clientIdByOrderId = new Map<string, string>();
  private readonly placing = new Set<string>();
  /** Place orders awaiting their reply, per account. */
  private readonly placingPerAccount = new Map<string, number>();
  /** Fills of orders not yet known, held while a place order of that account is in flight (Futu may push before it replies). */
  private heldFills: { accountId: string; fill: OrderFill; trdMarket: number }[] = [];
  private readonly seenFills = new Set<string>();

  constructor(private readonly config: FutuConfig) {
    this.env = config.env;
    this.id = config.id ?? `futu-${config.env.toLowerCase()}`;
    this.host = config.host ?? '127.0.0.1';
    this.port = config.port ?? 11111;
    this.marketName = config.market ?? 'US';
    this.trdMarket = TRD_MARKET_OF[this.marketName];
    this.backoff = { ...DEFAULT_BACKOFF, ...config.reconnect };
    this.requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
    this.connectTimeoutMs = config.connectTimeoutMs ?? 5_000;
    this.missLimit = config.keepAliveMissLimit ?? 2;
    this.log = config.logger ?? SILENT_LOGGER;
    this.now = config.now ?? Date.now;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts connecting. Settles with the outcome of the next connection attempt: resolves once
   * connected (unlocked, subscribed), rejects with DISCONNECTED when that attempt failed — and
   * keeps retrying with backoff in the background until disconnect().
   */
  connect(): Promise<void> {
    if (this.session && this.state.state === 'connected') return Promise.resolve();
    const settled = new Promise<void>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (!this.desired) {
      this.desired = true;
      this.attempt = 0;
      void this.establish();
    }
    return settled;
  }

  async disconnect(): Promise<void> {
    this.desired = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const session = this.session;
    this.session = null;
    session?.close('disconnected on request');
    this.pendingSession?.close('disconnected on request');
    this.flushWaiters(new BrokerError('DISCONNECTED', 'Disconnected from Futu OpenD on request.'));
    this.setStatus('disconnected', null);
  }

  status(): VenueStatus {
    return { ...this.state, lastHeartbeatTs: this.session?.lastHeartbeatTs ?? this.state.lastHeartbeatTs, tradeLocked: this.tradeLocked() };
  }

  /** REAL trading at Futu needs the trade unlock: why it is not in force on the current session, if it is not. */
  private tradeLocked(): string | null {
    if (this.env !== 'REAL' || this.state.state !== 'connected') return null;
    if (this.unlockError) return this.unlockError.message;
    return this.config.tradePasswordMd5?.() === undefined ? 'No Futu trade password is stored, so trading was not unlocked; enter it on the Brokers page.' : null;
  }

  onEvent(listener: (event: VenueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The KeepAlive interval OpenD asked for in InitConnect (0 before the first connection). */
  get keepAliveIntervalMs(): number {
    return this.session?.keepAliveIntervalMs ?? 0;
  }

  private async establish(): Promise<void> {
    if (!this.desired) return;
    this.setStatus('connecting', this.state.error);
    let session: OpenDSession | null = null;
    try {
      session = await OpenDSession.open({
        host: this.host,
        port: this.port,
        connectTimeoutMs: this.connectTimeoutMs,
        requestTimeoutMs: this.requestTimeoutMs,
        ...(this.config.maxBodyBytes === undefined ? {} : { maxBodyBytes: this.config.maxBodyBytes }),
        logger: this.log,
        ...(this.config.probe ? { probe: this.config.probe } : {}),
        now: this.now,
        ...(this.config.timers ? { timers: this.config.timers } : {}),
        onPush: (frame) => this.onPush(frame),
        onClose: (reason) => this.onSessionClosed(session!, reason),
      });
      if (!this.desired) {
        session.close('disconnected on request');
        return;
      }
      this.pendingSession = session;
      await this.handshake(session);
      // Symbols wanted while the handshake ran: subscribe them before declaring the session live
      // (nothing can slip in between this check and `this.session = session` below).
      while (this.desired && session.isOpen && this.unsubscribedWanted().length > 0) await this.restoreQuoteSubscriptions(session);
      this.pendingSession = null;
      if (!this.desired || !session.isOpen) throw new BrokerError('DISCONNECTED', 'The connection to Futu OpenD dropped while setting up.');
      this.session = session;
      this.attempt = 0;
      this.sessionsEstablished++;
      this.setStatus('connected', this.unlockError?.message ?? null);
      this.log.info({ connId: session.connId, keepAliveMs: session.keepAliveIntervalMs, symbols: this.wanted.size }, 'futu: connected');
      this.flushWaiters(null);
      if (this.sessionsEstablished > 1) this.emit({ type: 'resynced', ts: this.now() });
    } catch (error) {
      this.pendingSession = null;
      const brokerError = error instanceof BrokerError ? error : new BrokerError('VENUE_ERROR', `Futu OpenD setup failed: ${String(error)}`);
      session?.close(brokerError.message);
      this.log.warn({ err: brokerError.message, detail: brokerError.venueDetail }, 'futu: connection attempt failed');
      this.flushWaiters(brokerError);
      if (this.desired) {
        this.setStatus('connecting', brokerError.message);
        this.scheduleReconnect();
      }
    }
  }

  /** InitConnect, unlock, accounts, trade-push subscription, quote re-subscription. */
  private async handshake(session: OpenDSession): Promise<void> {
    const init = await session.request<InitConnectS2C>(PROTO.InitConnect, {
      clientVer: CLIENT_VER,
      clientID: this.config.clientId,
      recvNotify: true,
      packetEncAlgo: PacketEncAlgoNone,
      pushProtoFmt: ProtoFmtProtobuf,
      programmingLanguage: 'TypeScript',
    });
    session.connId = int64String(init.connID);
    const intervalMs = Math.max(1, init.keepAliveInterval) * 1000;
    session.startKeepAlive(intervalMs, this.missLimit);

    this.unlockError = null;
    const password = this.env === 'REAL' ? this.config.tradePasswordMd5?.() : undefined;
    if (password !== undefined && !/^[0-9a-f]{32}$/.test(password)) {
      // Never send something that may be the password itself.
      this.unlockError = new BrokerError('UNLOCK_FAILED', 'The stored Futu trade password is not a lowercase hex MD5, so it was not sent; store it again.');
      this.log.error({}, 'futu: trade password is not an MD5 digest; unlock skipped');
    } else if (password !== undefined) {
      try {
        await session.request(PROTO.TrdUnlockTrade, { unlock: true, pwdMD5: password });
      } catch (error) {
        if (!(error instanceof BrokerError) || error.code !== 'UNLOCK_FAILED') throw error;
        // Quotes and queries still work; trade writes fail closed until a later unlock succeeds.
        this.unlockError = error;
        this.log.error({ detail: error.venueDetail }, 'futu: trade unlock refused');
      }
    }

    const accounts = await this.loadAccounts(session);
    await session.request(PROTO.TrdSubAccPush, { accIDList: accounts.map((a) => a.header.accID) });

    this.klSubscribed = new Set();
    this.sessionSubscribed = new Set();
    if (this.wanted.size > 0) await this.restoreQuoteSubscriptions(session);
  }

  private unsubscribedWanted(): string[] {
    return [...this.wanted].filter((s) => !this.sessionSubscribed.has(s));
  }

  private async restoreQuoteSubscriptions(session: OpenDSession): Promise<void> {
    const symbols = this.unsubscribedWanted();
    if (symbols.length === 0) return;
    try {
      await session.request(PROTO.QotSub, this.subRequest(symbols, true));
      for (const symbol of symbols) this.sessionSubscribed.add(symbol);
    } catch (error) {
      if (!(error instanceof BrokerError) || error.code === 'DISCONNECTED' || error.code === 'TIMEOUT') throw error;
      // One refused symbol fails the whole batch: retry one by one and drop only the refused ones.
      for (const symbol of symbols) {
        try {
          await session.request(PROTO.QotSub, this.subRequest([symbol], true));
          this.sessionSubscribed.add(symbol);
        } catch (single) {
          if (!(single instanceof BrokerError) || single.code === 'DISCONNECTED' || single.code === 'TIMEOUT') throw single;
          this.wanted.delete(symbol);
          this.log.error({ symbol, err: single.message }, 'futu: quote subscription refused after reconnect; dropped');
        }
      }
    }
  }

  private onSessionClosed(session: OpenDSession, reason: string): void {
    if (this.session !== session) return; // a session that never finished its handshake, or an old one
    this.session = null;
    this.log.warn({ reason }, 'futu: connection lost');
    if (!this.desired) return;
    this.setStatus('connecting', `Lost the connection to Futu OpenD (${reason}); reconnecting.`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || !this.desired) return;
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.backoff;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** this.attempt);
    const delay = Math.max(0, Math.round(base * (1 + jitter * (2 * Math.random() - 1))));
    this.attempt++;
    this.log.info({ attempt: this.attempt, delayMs: delay }, 'futu: reconnecting after a delay');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.establish();
    }, delay);
  }

  private flushWaiters(error: BrokerError | null): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private setStatus(state: VenueStatus['state'], error: string | null): void {
    const lastHeartbeatTs = this.session?.lastHeartbeatTs ?? this.state.lastHeartbeatTs;
    if (this.state.state === state && this.state.error === error) return;
    this.state = { state, lastHeartbeatTs, error };
    this.emit({ type: 'status', status: { ...this.state } });
  }

  private emit(event: VenueEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: String(error), event: event.type }, 'futu: event listener threw');
      }
    }
  }

  /** The live session, or DISCONNECTED. */
  private live(): OpenDSession {
    const session = this.session;
    if (!session?.isOpen) {
      throw new BrokerError(
        'DISCONNECTED',
        this.desired ? 'Futu OpenD is not connected right now (reconnecting); nothing was sent.' : 'Not connected to Futu OpenD; connect first. Nothing was sent.',
      );
    }
    return session;
  }

  // ---------------------------------------------------------------- pushes

  private onPush(frame: Frame): void {
    try {
      switch (frame.protoId) {
        case PROTO.QotUpdateBasicQot:
          this.onBasicQuotes(decodeResponse<{ basicQotList: BasicQot[] }>(PROTO.QotUpdateBasicQot, frame.body).s2c?.basicQotList ?? []);
          break;
        case PROTO.QotUpdateOrderBook: {
          const book = decodeResponse<OrderBookPush>(PROTO.QotUpdateOrderBook, frame.body).s2c;
          if (book) this.onOrderBook(book);
          break;
        }
        case PROTO.TrdUpdateOrder: {
          const push = decodeResponse<{ header: TrdHeader; order: Order }>(PROTO.TrdUpdateOrder, frame.body).s2c;
          if (push) this.onOrderPush(push.header, push.order);
          break;
        }
        case PROTO.TrdUpdateOrderFill: {
          const push = decodeResponse<{ header: TrdHeader; orderFill: OrderFill }>(PROTO.TrdUpdateOrderFill, frame.body).s2c;
          if (push) this.onFillPush(push.header, push.orderFill);
          break;
        }
        case PROTO.Notify: {
          const notify = decodeResponse<NotifyS2C>(PROTO.Notify, frame.body).s2c;
          if (notify) this.onNotify(notify);
          break;
        }
      }
    } catch (error) {
      this.log.error({ protoId: frame.protoId, err: String(error) }, 'futu: unreadable push ignored');
    }
  }

  private onBasicQuotes(list: BasicQot[]): void {
    const now = this.now();
    for (const q of list) {
      const symbol = fromFutuSecurity(q.security);
      if (!this.wanted.has(symbol)) continue;
      const prev = this.quotes.get(symbol);
      const quote: VenueQuote = {
        symbol,
        bid: prev?.bid ?? 0,
        ask: prev?.ask ?? 0,
        bidSize: prev?.bidSize ?? 0,
        askSize: prev?.askSize ?? 0,
        last: q.curPrice,
        prevClose: q.lastClosePrice,
        volume: int64Number(q.volume),
        ts: q.updateTimestamp ? Math.round(q.updateTimestamp * 1000) : now,
      };
      this.quotes.set(symbol, quote);
      this.emit({ type: 'quote', quote: { ...quote } });
    }
  }

  private onOrderBook(book: OrderBookPush): void {
    const symbol = fromFutuSecurity(book.security);
    if (!this.wanted.has(symbol)) return;
    const prev = this.quotes.get(symbol);
    const bid = book.orderBookBidList[0];
    const ask = book.orderBookAskList[0];
    const quote: VenueQuote = {
      symbol,
      bid: bid?.price ?? 0,
      ask: ask?.price ?? 0,
      bidSize: bid ? int64Number(bid.volume) : 0,
      askSize: ask ? int64Number(ask.volume) : 0,
      last: prev?.last ?? 0,
      prevClose: prev?.prevClose ?? 0,
      volume: prev?.volume ?? 0,
      ts: this.now(),
    };
    this.quotes.set(symbol, quote);
    this.emit({ type: 'quote', quote: { ...quote } });
  }

  private onOrderPush(header: TrdHeader, order: Order): void {
    const accountId = int64String(header.accID);
    const mapped = mapOrder(order, header.trdMarket, this.now());
    if (this.recordOrder(accountId, mapped)) this.emit({ type: 'order', accountId, order: mapped });
    this.releaseHeldFills(accountId);
  }

  private onFillPush(header: TrdHeader, fill: OrderFill): void {
    const accountId = int64String(header.accID);
    const fillId = int64String(fill.fillID);
    if (present(fill, 'status') && fill.status !== OrderFillStatus.OK) {
      // A cancelled or corrected fill: VenueEvent has no way to say so yet; the OMS's reconciliation sees it in fills().
      this.log.warn({ accountId, fillId, status: fill.status }, 'futu: fill cancelled or changed by the venue');
      return;
    }
    const key = `${accountId}:${fillId}`;
    if (this.seenFills.has(key)) return;
    this.seenFills.add(key);
    if (!this.clientOrderIdOf(accountId, fill) && (this.placingPerAccount.get(accountId) ?? 0) > 0) {
      this.heldFills.push({ accountId, fill, trdMarket: header.trdMarket });
      return;
    }
    this.emitFill(accountId, fill, header.trdMarket);
  }

  private clientOrderIdOf(accountId: string, fill: OrderFill): string | undefined {
    return present(fill, 'orderID') ? this.clientIdByOrderId.get(`${accountId}:${int64String(fill.orderID)}`) : undefined;
  }

  private emitFill(accountId: string, fill: OrderFill, trdMarket: number): void {
    this.emit({ type: 'fill', accountId, fill: mapFill(fill, trdMarket, this.clientOrderIdOf(accountId, fill) ?? null, this.now()) });
  }

  /** Emits held fills whose order is now known, or all of an account's once none of its place orders is in flight. */
  private releaseHeldFills(accountId: string): void {
    if (this.heldFills.length === 0) return;
    const idle = (this.placingPerAccount.get(accountId) ?? 0) === 0;
    const keep: typeof this.heldFills = [];
    for (const held of this.heldFills) {
      if (held.accountId === accountId && (idle || this.clientOrderIdOf(accountId, held.fill))) this.emitFill(accountId, held.fill, held.trdMarket);
      else keep.push(held);
    }
    this.heldFills = keep;
  }

  private onNotify(notify: NotifyS2C): void {
    this.log.info({ notify }, 'futu: OpenD notification');
    if (notify.event?.desc && this.state.state === 'connected') this.setStatus('connected', `Futu OpenD: ${notify.event.desc}`);
    if (notify.connectStatus && (!notify.connectStatus.qotLogined || !notify.connectStatus.trdLogined)) {
      const which = !notify.connectStatus.trdLogined ? 'trading' : 'quote';
      this.setStatus(this.state.state, `Futu OpenD lost its ${which} server login; data may be stale until it recovers.`);
    }
  }

  /** Updates what we know of an order; true when the update moves it forward (and should be reported). */
  private recordOrder(accountId: string, order: VenueOrder): boolean {
    const key = `${accountId}:${order.brokerOrderId}`;
    if (order.clientOrderId) {
      this.clientIdByOrderId.set(key, order.clientOrderId);
      this.orderIdByClientId.set(`${accountId}:${order.clientOrderId}`, order.brokerOrderId);
    } else {
      const known = this.clientIdByOrderId.get(key);
      if (known) order.clientOrderId = known;
    }
    const rank = statusRank(order.status);
    const prev = this.knownOrders.get(key);
    if (prev) {
      if (rank < prev.rank || order.filledQty < prev.filledQty) return false; // stale or reordered
      if (isFinal(prev.order.status)) return false; // one final state never replaces another
      const newer = rank > prev.rank || order.filledQty > prev.filledQty || order.updatedTs > prev.updatedTs;
      if (!newer) return false; // duplicate
    }
    this.knownOrders.set(key, { rank, filledQty: order.filledQty, updatedTs: order.updatedTs, order: { ...order } });
    return true;
  }

  // ---------------------------------------------------------------- accounts and queries

  private async loadAccounts(session: OpenDSession): Promise<TradeAccount[]> {
    const s2c = await session.request<{ accList: TrdAcc[] }>(PROTO.TrdGetAccList, { userID: 0, trdCategory: 1, needGeneralSecAccount: true });
    const wantEnv = this.env === 'REAL' ? TrdEnv.Real : TrdEnv.Simulate;
    const accounts = (s2c.accList ?? [])
      .filter((a) => a.trdEnv === wantEnv && (a.trdMarketAuthList ?? []).includes(this.trdMarket) && (a.accStatus ?? 0) === 0)
      .map<TradeAccount>((a) => ({
        id: int64String(a.accID),
        header: { trdEnv: a.trdEnv, accID: a.accID, trdMarket: this.trdMarket },
        label: [this.env === 'REAL' ? 'Futu' : 'Futu paper', this.marketName, a.accType === 2 ? 'margin' : a.accType === 1 ? 'cash' : '', a.cardNum ? `…${a.cardNum.slice(-4)}` : '']
          .filter(Boolean)
          .join(' '),
      }));
    this.tradeAccounts.clear();
    for (const account of accounts) this.tradeAccounts.set(account.id, account);
    return accounts;
  }

  private account(accountId: string): TradeAccount {
    const account = this.tradeAccounts.get(accountId);
    if (!account) {
      throw new BrokerError('NOT_FOUND', `Futu account ${accountId} is not a ${this.env === 'REAL' ? 'real' : 'paper'} ${this.marketName} account on this OpenD.`);
    }
    return account;
  }

  async accounts(): Promise<VenueAccount[]> {
    const accounts = await this.loadAccounts(this.live());
    return accounts.map((a) => ({ id: a.id, env: this.env, label: a.label }));
  }

  async funds(accountId: string): Promise<VenueFunds> {
    const account = this.account(accountId);
    const currency = currencyOfMarket(this.trdMarket);
    const s2c = await this.live().request<{ funds?: Funds }>(PROTO.TrdGetFunds, { header: account.header, currency });
    if (!s2c.funds) throw new BrokerError('BAD_RESPONSE', 'Futu OpenD answered the funds query without funds.');
    return mapFunds(s2c.funds, currency);
  }

  async positions(accountId: string): Promise<VenuePosition[]> {
    const account = this.account(accountId);
    const s2c = await this.live().request<{ positionList: Position[] }>(PROTO.TrdGetPositionList, { header: account.header });
    return (s2c.positionList ?? []).filter((p) => p.qty !== 0).map((p) => mapPosition(p, this.trdMarket));
  }

  /** Today's orders as Futu lists them (working and final); also refreshes the clientOrderId map. */
  async todaysOrders(accountId: string): Promise<VenueOrder[]> {
    const account = this.account(accountId);
    const s2c = await this.live().request<{ orderList: Order[] }>(PROTO.TrdGetOrderList, { header: account.header });
    const now = this.now();
    const orders = (s2c.orderList ?? []).map((o) => mapOrder(o, this.trdMarket, now));
    for (const order of orders) this.recordOrder(accountId, order);
    return orders;
  }

  async openOrders(accountId: string): Promise<VenueOrder[]> {
    return (await this.todaysOrders(accountId)).filter((o) => !isFinal(o.status));
  }

  async fills(accountId: string): Promise<VenueFill[]> {
    const account = this.account(accountId);
    const s2c = await this.live().request<{ orderFillList: OrderFill[] }>(PROTO.TrdGetOrderFillList, { header: account.header });
    const list = (s2c.orderFillList ?? []).filter((f) => !present(f, 'status') || f.status === OrderFillStatus.OK);
    const clientOf = (f: OrderFill) => this.clientOrderIdOf(accountId, f);
    // Fills carry no remark: learn clientOrderIds from today's orders when some are unknown.
    if (list.some((f) => present(f, 'orderID') && !clientOf(f))) await this.todaysOrders(accountId);
    const now = this.now();
    return list.map((f) => mapFill(f, this.trdMarket, clientOf(f) ?? null, now)).sort((a, b) => a.ts - b.ts || a.fillId.localeCompare(b.fillId));
  }

  // ---------------------------------------------------------------- trading

  private lostWrite(what: string): LostReply {
    return (cause, reason) =>
      new BrokerError(
        cause === 'timeout' ? 'TIMEOUT' : 'DISCONNECTED',
        `${what} was sent to Futu but ${cause === 'timeout' ? 'no answer came back in time' : 'the connection dropped before Futu answered'} (${reason}). It MAY have reached the market: check open orders and fills before retrying.`,
      );
  }

  private assertUnlocked(): void {
    if (this.env === 'REAL' && this.unlockError) {
      throw new BrokerError('UNLOCK_FAILED', `Trading is locked: ${this.unlockError.message} Nothing was sent.`, this.unlockError.venueDetail);
    }
  }

  placeOrder(accountId: string, request: VenueOrderRequest): Promise<{ brokerOrderId: string }> {
    // No await before the frame is written: the tick-to-order path stays synchronous.
    try {
      const account = this.account(accountId);
      const order = validateOrder(request);
      this.assertUnlocked();
      const trade = toFutuTradeCode(request.symbol);
      if (trade.trdMarket !== account.header.trdMarket) {
        throw new BrokerError('BAD_REQUEST', `${request.symbol} does not trade in the market of Futu account ${accountId}.`);
      }
      const clientKey = `${accountId}:${request.clientOrderId}`;
      const existing = this.orderIdByClientId.get(clientKey);
      if (existing) return Promise.resolve({ brokerOrderId: existing });
      if (this.placing.has(clientKey)) {
        throw new BrokerError('BAD_REQUEST', `Order ${request.clientOrderId} is already being placed; wait for its answer instead of sending it twice.`);
      }
      const session = this.live();
      const what = `Order ${request.clientOrderId} (${request.side} ${request.qty} ${request.symbol})`;
      this.placing.add(clientKey);
      this.placingPerAccount.set(accountId, (this.placingPerAccount.get(accountId) ?? 0) + 1);
      const done = () => {
        this.placing.delete(clientKey);
        this.placingPerAccount.set(accountId, (this.placingPerAccount.get(accountId) ?? 1) - 1);
        this.releaseHeldFills(accountId);
      };
      let brokerOrderId = '';
      const sent = session.request<{ orderID?: Int64 }>(
        PROTO.TrdPlaceOrder,
        (serialNo, connId) => ({
          packetID: { connID: connId, serialNo },
          header: account.header,
          trdSide: request.side === 'BUY' ? TrdSide.Buy : TrdSide.Sell,
          orderType: order.type,
          code: trade.code,
          qty: request.qty,
          price: order.price,
          ...(order.auxPrice === undefined ? {} : { auxPrice: order.auxPrice }),
          secMarket: trade.secMarket,
          remark: request.clientOrderId,
          timeInForce: order.tif,
          fillOutsideRTH: request.outsideRth,
        }),
        {
          lost: this.lostWrite(what),
          // Synchronously, so a fill push right behind the reply already knows its clientOrderId.
          onReply: (s2c) => {
            if (!present(s2c, 'orderID')) {
              throw new BrokerError('BAD_RESPONSE', `Futu accepted ${what} but sent no order id; reconcile open orders by clientOrderId.`);
            }
            brokerOrderId = int64String(s2c.orderID);
            this.orderIdByClientId.set(clientKey, brokerOrderId);
            this.clientIdByOrderId.set(`${accountId}:${brokerOrderId}`, request.clientOrderId);
            done();
          },
        },
      );
      return sent.then(
        () => ({ brokerOrderId }),
        (error: unknown) => {
          if (!brokerOrderId) done();
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async knownOrder(accountId: string, brokerOrderId: string): Promise<VenueOrder> {
    const key = `${accountId}:${brokerOrderId}`;
    let known = this.knownOrders.get(key);
    if (!known) {
      await this.todaysOrders(accountId);
      known = this.knownOrders.get(key);
    }
    if (!known) throw new BrokerError('NOT_FOUND', `Futu has no order ${brokerOrderId} in account ${accountId} today.`);
    return known.order;
  }

  async modifyOrder(accountId: string, brokerOrderId: string, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Promise<void> {
    const account = this.account(accountId);
    if (change.qty !== undefined && !(validNumber(change.qty) && change.qty > 0)) throw new BrokerError('BAD_REQUEST', 'The new quantity must be a positive number.');
    if (change.limitPrice !== undefined && !(validNumber(change.limitPrice) && change.limitPrice > 0)) throw new BrokerError('BAD_REQUEST', 'The new limit price must be a positive number.');
    if (change.stopPrice !== undefined && !(validNumber(change.stopPrice) && change.stopPrice > 0)) throw new BrokerError('BAD_REQUEST', 'The new stop price must be a positive number.');
    this.assertUnlocked();
    const current = await this.knownOrder(accountId, brokerOrderId);
    if (isFinal(current.status)) throw new BrokerError('BAD_REQUEST', `Order ${brokerOrderId} is already ${current.status}; there is nothing to change.`);
    const price = change.limitPrice ?? current.limitPrice ?? 0;
    const auxPrice = change.stopPrice ?? current.stopPrice ?? undefined;
    await this.live().request(
      PROTO.TrdModifyOrder,
      (serialNo, connId) => ({
        packetID: { connID: connId, serialNo },
        header: account.header,
        orderID: brokerOrderId,
        modifyOrderOp: ModifyOrderOp.Normal,
        qty: change.qty ?? current.qty,
        price,
        ...(auxPrice === undefined ? {} : { auxPrice }),
      }),
      { lost: this.lostWrite(`The change to order ${brokerOrderId}`) },
    );
  }

  async cancelOrder(accountId: string, brokerOrderId: string): Promise<void> {
    const account = this.account(accountId);
    this.assertUnlocked();
    if (!/^\d+$/.test(brokerOrderId)) throw new BrokerError('BAD_REQUEST', `"${brokerOrderId}" is not a Futu order id.`);
    await this.live().request(
      PROTO.TrdModifyOrder,
      (serialNo, connId) => ({
        packetID: { connID: connId, serialNo },
        header: account.header,
        orderID: brokerOrderId,
        modifyOrderOp: ModifyOrderOp.Cancel,
        qty: 0,
        price: 0,
      }),
      { lost: this.lostWrite(`The cancel of order ${brokerOrderId}`) },
    );
  }

  // ---------------------------------------------------------------- quotes

  private subRequest(symbols: readonly string[], subscribe: boolean, subTypes: readonly number[] = QUOTE_SUB_TYPES): object {
    return {
      securityList: symbols.map((s) => toFutuSecurity(s)),
      subTypeList: subTypes,
      isSubOrUnSub: subscribe,
      isRegOrUnRegPush: true,
      isFirstPush: true,
    };
  }

  async subscribeQuotes(symbols: readonly string[]): Promise<void> {
    const fresh = [...new Set(symbols)].filter((s) => !this.wanted.has(s));
    for (const symbol of fresh) toFutuSecurity(symbol); // BAD_REQUEST before anything is sent
    if (fresh.length === 0) return;
    for (const symbol of fresh) this.wanted.add(symbol);
    const session = this.session;
    if (!session?.isOpen || this.state.state !== 'connected') return; // subscribed by the running or next handshake
    try {
      await session.request(PROTO.QotSub, this.subRequest(fresh, true));
      if (this.session === session) for (const symbol of fresh) this.sessionSubscribed.add(symbol);
    } catch (error) {
      if (error instanceof BrokerError && (error.code === 'DISCONNECTED' || error.code === 'TIMEOUT')) return; // kept; restored on reconnect
      for (const symbol of fresh) this.wanted.delete(symbol);
      throw error;
    }
  }

  async unsubscribeQuotes(symbols: readonly string[]): Promise<void> {
    for (const symbol of symbols) toFutuSecurity(symbol); // BAD_REQUEST for nonsense
    const gone = [...new Set(symbols)].filter((s) => this.wanted.has(s));
    if (gone.length === 0) return;
    for (const symbol of gone) {
      this.wanted.delete(symbol);
      this.sessionSubscribed.delete(symbol);
      this.quotes.delete(symbol);
    }
    const session = this.session;
    if (!session?.isOpen || this.state.state !== 'connected') return;
    try {
      await session.request(PROTO.QotSub, this.subRequest(gone, false));
    } catch (error) {
      // Pushes for these symbols are already ignored, so the caller got what it asked for. OpenD
      // refuses unsubscribing within a minute of subscribing; the quota frees at the next reconnect.
      this.log.warn({ symbols: gone, err: error instanceof Error ? error.message : String(error) }, 'futu: OpenD kept a quote subscription');
    }
  }

  async quoteSnapshot(symbols: readonly string[]): Promise<VenueQuote[]> {
    const snapshots = await this.snapshots(symbols);
    return snapshots.map((s) => snapshotQuote(s, this.now()));
  }

  private async snapshots(symbols: readonly string[]): Promise<Snapshot[]> {
    const securities = symbols.map((s) => toFutuSecurity(s));
    const session = this.live();
    const out: Snapshot[] = [];
    for (let i = 0; i < securities.length; i += SNAPSHOT_BATCH) {
      const s2c = await session.request<{ snapshotList: Snapshot[] }>(PROTO.QotGetSecuritySnapshot, { securityList: securities.slice(i, i + SNAPSHOT_BATCH) });
      out.push(...(s2c.snapshotList ?? []));
    }
    return out;
  }

  /** Latest bars via Qot_GetKL (3006), which needs a K-line subscription first; at most the latest 1000 bars. */
  async bars(symbol: string, period: '1d' | '1m', fromTs: number, toTs: number): Promise<VenueBar[]> {
    if (!(validNumber(fromTs) && validNumber(toTs) && fromTs <= toTs)) throw new BrokerError('BAD_REQUEST', 'Bars need a time range with from ≤ to.');
    const security = toFutuSecurity(symbol);
    const session = this.live();
    const subType = period === '1d' ? SubType.KL_Day : SubType.KL_1Min;
    const subKey = `${symbol}|${subType}`;
    if (!this.klSubscribed.has(subKey)) {
      await session.request(PROTO.QotSub, { securityList: [security], subTypeList: [subType], isSubOrUnSub: true, isRegOrUnRegPush: false });
      this.klSubscribed.add(subKey);
    }
    const spanMs = Math.max(0, this.now() - fromTs);
    const wanted = Math.ceil(spanMs / (period === '1d' ? 86_400_000 : 60_000)) + 1;
    const s2c = await session.request<{ klList: KLine[] }>(PROTO.QotGetKL, {
      rehabType: RehabType.Forward,
      klType: period === '1d' ? KLType.Day : KLType.Min1,
      security,
      reqNum: Math.min(MAX_KLINES, Math.max(1, wanted)),
    });
    const bars: VenueBar[] = [];
    for (const k of s2c.klList ?? []) {
      if (k.isBlank) continue;
      const ts = futuTimeMs(k.timestamp, k.time, toFutuTradeCode(symbol).trdMarket, Number.NaN);
      if (!Number.isFinite(ts)) continue;
      if (ts < fromTs || ts > toTs) continue;
      bars.push({ ts, open: k.openPrice ?? 0, high: k.highPrice ?? 0, low: k.lowPrice ?? 0, close: k.closePrice ?? 0, volume: int64Number(k.volume) });
    }
    return bars.sort((a, b) => a.ts - b.ts);
  }

  async optionExpirations(underlying: string): Promise<string[]> {
    const owner = toFutuSecurity(underlying);
    const s2c = await this.live().request<{ dateList: { strikeTime?: string; optionExpiryDateDistance: number }[] }>(PROTO.QotGetOptionExpirationDate, { owner });
    const dates = (s2c.dateList ?? []).filter((d) => d.optionExpiryDateDistance >= 0 && d.strikeTime).map((d) => d.strikeTime!.slice(0, 10));
    return [...new Set(dates)].sort();
  }

  /** Qot_GetOptionChain (3209) for the contracts, then snapshots (3203) for their quotes and Greeks. */
  async optionChain(underlying: string, expiry: string): Promise<VenueOptionContract[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expiry)) throw new BrokerError('BAD_REQUEST', `Expiry "${expiry}" must be a date like 2026-12-18.`);
    const owner = toFutuSecurity(underlying);
    const s2c = await this.live().request<OptionChainS2C>(PROTO.QotGetOptionChain, { owner, beginTime: expiry, endTime: expiry });
    const contracts: VenueOptionContract[] = [];
    for (const chain of s2c.optionChain ?? []) {
      for (const item of chain.option ?? []) {
        for (const info of [item.call, item.put]) {
          if (!info?.optionExData) continue;
          contracts.push({
            symbol: fromFutuSecurity(info.basic.security),
            underlying,
            right: info.optionExData.type === OptionType.Put ? 'P' : 'C',
            strike: info.optionExData.strikePrice,
            expiry: info.optionExData.strikeTime.slice(0, 10),
            multiplier: info.basic.lotSize || 100,
          });
        }
      }
    }
    if (contracts.length === 0) return [];
    const snapshots = await this.snapshots(contracts.map((c) => c.symbol));
    const bySymbol = new Map(snapshots.map((s) => [fromFutuSecurity(s.basic.security), s]));
    const now = this.now();
    for (const contract of contracts) {
      const snap = bySymbol.get(contract.symbol);
      if (!snap) continue;
      contract.quote = snapshotQuote(snap, now);
      const ex = snap.optionExData;
      // Futu reports IV in percent (20 = 20%); the Greeks are passed through in Futu's units.
      if (ex) contract.greeks = { iv: ex.impliedVolatility / 100, delta: ex.delta, gamma: ex.gamma, vega: ex.vega, theta: ex.theta, rho: ex.rho };
    }
    return contracts.sort((a, b) => a.strike - b.strike || a.right.localeCompare(b.right));
  }
}

function snapshotQuote(s: Snapshot, now: number): VenueQuote {
  const b = s.basic;
  return {
    symbol: fromFutuSecurity(b.security),
    bid: b.bidPrice ?? 0,
    ask: b.askPrice ?? 0,
    bidSize: int64Number(b.bidVol),
    askSize: int64Number(b.askVol),
    last: b.curPrice,
    prevClose: b.lastClosePrice,
    volume: int64Number(b.volume),
    ts: b.updateTimestamp ? Math.round(b.updateTimestamp * 1000) : now,
  };
}

interface FutuOrderFields {
  type: number;
  price: number;
  auxPrice?: number;
  tif: number;
}

/** Checks an order request before anything is sent; BAD_REQUEST with the reason otherwise. */
export function validateOrder(request: VenueOrderRequest): FutuOrderFields {
  const bad = (why: string) => new BrokerError('BAD_REQUEST', `Order ${request.clientOrderId || '(no id)'} not sent: ${why}`);
  if (!request.clientOrderId) throw bad('it has no client order id.');
  if (Buffer.byteLength(request.clientOrderId, 'utf8') > 64) throw bad('its client order id is longer than the 64 bytes Futu keeps in an order remark.');
  if (!(validNumber(request.qty) && request.qty > 0)) throw bad('the quantity must be a positive number.');
  if (request.side !== 'BUY' && request.side !== 'SELL') throw bad('the side must be BUY or SELL.');
  const option = /\d{6}[CP]\d{8}$/.test(request.symbol);
  if (option && !Number.isInteger(request.qty)) throw bad('options trade in whole contracts.');
  const tif = request.tif === 'GTC' ? TimeInForce.GTC : request.tif === 'IOC' ? TimeInForce.IOC : request.tif === 'DAY' ? TimeInForce.DAY : undefined;
  if (tif === undefined) throw bad(`time in force ${String(request.tif)} is not DAY, GTC or IOC.`);
  const positive = (x: number | undefined, name: string): number => {
    if (!(validNumber(x) && x > 0)) throw bad(`a ${request.orderType} order needs a positive ${name}.`);
    return x;
  };
  switch (request.orderType) {
    case 'MARKET':
      if (request.outsideRth) throw bad('Futu does not take market orders outside regular trading hours; use a limit order.');
      return { type: OrderType.Market, price: 0, tif };
    case 'LIMIT':
      return { type: OrderType.Normal, price: positive(request.limitPrice, 'limit price'), tif };
    case 'STOP':
      return { type: OrderType.Stop, price: 0, auxPrice: positive(request.stopPrice, 'stop price'), tif };
    case 'STOP_LIMIT':
      return { type: OrderType.StopLimit, price: positive(request.limitPrice, 'limit price'), auxPrice: positive(request.stopPrice, 'stop price'), tif };
    default:
      throw bad(`order type ${String(request.orderType)} is not supported.`);
  }
}

/** A fresh client id for InitConnect when the caller has none to persist. */
export function newFutuClientId(): string {
  return `deltadeck-${randomUUID()}`;
}

export type { FutuLogger, LatencyProbe } from './session.js';
