// A fake Futu OpenD for tests and benchmarks: a TCP server on loopback speaking OpenD's wire
// protocol byte for byte (44-byte header, SHA1-checked protobuf bodies from Futu's own .proto
// definitions), with a small market and accounts (./market.ts).
// It checks what clients send — header and body SHA1, InitConnect first, increasing serial
// numbers, unique PacketIDs on trade writes, unlock before REAL trading — answers violations
// the way OpenD would (an error reply, or a dropped connection for broken frames) and records
// them in `violations`. Faults can be injected: drop the connection mid-request, delay replies,
// duplicate or reorder pushes, error replies, rate-limit replies, refuse unlock, refuse the cancel
// of one order, stop answering KeepAlive. Stricter than OpenD on one point: unlock is per
// connection here (OpenD keeps it until it restarts), so a client that does not re-unlock after a
// reconnect is caught.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, FrameError, type Frame } from '../codec.js';
import { decodeRequest, encodeResponse, isKnownProto, PROTO, protoName, PUSH_IDS, type ProtoId } from '../proto.js';
import { FUTU_RATE_LIMITS } from '../rate-limits.js';
import { localTimeToEpochMs } from '../symbols.js';
import {
  int64String,
  ModifyOrderOp,
  OrderStatus,
  OrderType,
  QotMarket,
  RetType,
  SubType,
  TimeInForce,
  TrdSecMarket,
  type Int64,
  type ModifyOrderC2S,
  type PlaceOrderC2S,
  type Security,
  type TrdHeader,
  present,
} from '../wire.js';
import { bookFill, FakeMarket, marketablePrice, newAccount, nyDate, nyTime, WORKING_STATUSES, type FakeAccount, type FakeOrder } from './market.js';

export interface FakeProbe {
  /** A request frame has been fully read. */
  frameRead(protoId: number): void;
  /** A push frame has been handed to socket.write. */
  pushWritten(protoId: number): void;
}

export interface FakeOpenDOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** KeepAlive interval announced in InitConnect, seconds (default 10, as OpenD). */
  keepAliveIntervalSec?: number;
  /** The trade password's MD5 (lowercase hex) that unlocks REAL accounts; default md5("123456"). */
  tradePasswordMd5?: string;
  /** Refuse place/modify calls over Futu's per-account limits (default true). */
  enforceRateLimits?: boolean;
  /** Keep a log of every request (default true). */
  recordRequests?: boolean;
  probe?: FakeProbe;
  now?: () => number;
}

export interface RecordedRequest {
  conn: number;
  connId: string;
  protoId: number;
  serialNo: number;
  ts: number;
  /** Decoded c2s, for requests that decoded. */
  c2s?: unknown;
}

interface Conn {
  index: number;
  connId: bigint;
  socket: Socket;
  decoder: FrameDecoder;
  alive: boolean;
  initialized: boolean;
  lastSerial: number;
  unlocked: boolean;
  /** Subscribed sub types per security key "market:code". */
  qot: Map<string, Set<number>>;
  /** Securities whose pushes are registered on this connection. */
  qotPush: Set<string>;
  accPush: Set<bigint>;
  /** Trade pushes held back to be sent in reverse order (reorder fault). */
  held: { protoId: number; s2c: object }[] | null;
}

interface Outcome {
  s2c?: object;
  error?: { retType: number; retMsg: string };
  /** Runs after the reply is written (pushes the reply triggered). */
  after?: () => void;
}

export const SIMULATE_ACC_ID = 281756457888247915n;
export const REAL_ACC_ID = 281756479345015383n;
export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const key = (s: Security) => `${s.market}:${s.code}`;
const bigintOf = (v: Int64) => BigInt(int64String(v));

export class FakeOpenD {
  readonly market: FakeMarket;
  readonly accounts = new Map<bigint, FakeAccount>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private server: Server | null = null;
  private readonly conns = new Set<Conn>();
  private connCounter = 0;
  private nextConnId = 7_060_000_000_001n;
  private nextOrderId = 5_870_498_377_428_970_000n;
  private nextFillId = 3_640_198_211_000_000n;
  private readonly packetIds = new Set<string>();
  private readonly writeTimes = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly opts: Required<Omit<FakeOpenDOptions, 'probe' | 'now'>>;
  private readonly deniedQuotes = new Set<string>();

  // faults
  private dropOn: { protoId: number; afterHandling: boolean } | null = null;
  private replyDelayMs = 0;
  private delayedProtoIds: Set<number> | null = null;
  private readonly failures = new Map<number, { retType: number; retMsg: string; times: number }>();
  private unlockRefused = false;
  private keepAliveSilent = false;
  private duplicatePushes = false;
  private reorderPushes = false;
  private pushesFirst = false;
  private readonly refusedCancels = new Map<bigint, string>();

  constructor(private readonly options: FakeOpenDOptions = {}) {
    this.now = options.now ?? Date.now;
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      keepAliveIntervalSec: options.keepAliveIntervalSec ?? 10,
      tradePasswordMd5: options.tradePasswordMd5 ?? md5('123456'),
      enforceRateLimits: options.enforceRateLimits ?? true,
      recordRequests: options.recordRequests ?? true,
    };
    this.market = new FakeMarket(this.now);
    const paper = newAccount(SIMULATE_ACC_ID, 0, 1_000_000);
    const real = newAccount(REAL_ACC_ID, 1, 250_000);
    real.positions.set('AAPL', { qty: 100, cost: 201.5, secMarket: TrdSecMarket.US });
    this.accounts.set(paper.accID, paper);
    this.accounts.set(real.accID, real);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return { host: this.opts.host, port: this.port };
  }

  get port(): number {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : 0;
  }

  async stop(): Promise<void> {
    this.killConnections();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Live client connections. */
  get connectionCount(): number {
    return [...this.conns].filter((c) => c.alive).length;
  }

  /** Requests of one protocol, optionally only from one connection (by index, 1-based). */
  requestsOf(protoId: number, conn?: number): RecordedRequest[] {
    return this.requests.filter((r) => r.protoId === protoId && (conn === undefined || r.conn === conn));
  }

  /** Index of the newest connection. */
  get lastConnection(): number {
    return this.connCounter;
  }

  /** Cancels received (TrdModifyOrder with the Cancel op), in order, refused ones included: which broker order, on which connection, when. */
  cancelRequests(): Array<{ orderId: string; conn: number; ts: number }> {
    return this.requestsOf(PROTO.TrdModifyOrder).flatMap((r) => {
      const c2s = r.c2s as ModifyOrderC2S | undefined;
      return c2s?.modifyOrderOp === ModifyOrderOp.Cancel ? [{ orderId: int64String(c2s.orderID), conn: r.conn, ts: r.ts }] : [];
    });
  }

  // ---------------------------------------------------------------- faults

  /** Drops the connection when the next request of `protoId` arrives; with afterHandling the request takes effect first (its reply is lost). */
  dropConnectionOn(protoId: number, options: { afterHandling?: boolean } = {}): void {
    this.dropOn = { protoId, afterHandling: options.afterHandling ?? false };
  }

  /** Delays every reply (or those of the given protocols) by `ms`; 0 turns it off. */
  delayReplies(ms: number, protoIds?: number[]): void {
    this.replyDelayMs = ms;
    this.delayedProtoIds = protoIds ? new Set(protoIds) : null;
  }

  /** The next `times` requests of `protoId` get an error reply. */
  failNext(protoId: number, retMsg: string, options: { retType?: number; times?: number } = {}): void {
    this.failures.set(protoId, { retType: options.retType ?? RetType.Failed, retMsg, times: options.times ?? 1 });
  }

  /** The next `times` requests of `protoId` are refused as OpenD refuses calls over its frequency limit. */
  rateLimitNext(protoId: number, times = 1): void {
    this.failNext(protoId, 'Request frequency is too high, please try again later (rate limit exceeded)', { times });
  }

  /** Refuses every cancel of one broker order with an error reply (the order stays working), until turned off. */
  refuseCancel(orderId: string | bigint, on = true, retMsg = 'The order cannot be cancelled at the moment: it is being processed by the exchange'): void {
    if (on) this.refusedCancels.set(BigInt(orderId), retMsg);
    else this.refusedCancels.delete(BigInt(orderId));
  }

  refuseUnlock(on = true): void {
    this.unlockRefused = on;
  }

  /** Stop (or resume) answering KeepAlive, as a hung OpenD would. */
  silenceKeepAlive(on = true): void {
    this.keepAliveSilent = on;
  }

  setDuplicatePushes(on = true): void {
    this.duplicatePushes = on;
  }

  /** Trade pushes triggered by one request (or one quote change) are sent in reverse order. */
  setReorderPushes(on = true): void {
    this.reorderPushes = on;
  }

  /** Trade pushes a request triggers are sent before its reply (Futu documents that this can happen). */
  setPushesBeforeReply(on = true): void {
    this.pushesFirst = on;
  }

  /** No market-data right for a security (Futu code). */
  denyQuoteRight(code: string, on = true): void {
    if (on) this.deniedQuotes.add(code);
    else this.deniedQuotes.delete(code);
  }

  /** Writes raw bytes to every connection, e.g. garbage or a header announcing a huge body. */
  injectRaw(bytes: Buffer): void {
    for (const conn of this.conns) if (conn.alive) conn.socket.write(bytes);
  }

  killConnections(): void {
    for (const conn of this.conns) this.closeConn(conn);
  }

  // ---------------------------------------------------------------- market and account controls

  /** Moves a stock's quote, pushes it (and its options) to subscribers, and fills orders that became marketable. */
  setQuote(code: string, change: { bid?: number; ask?: number; last?: number; volume?: number; bidSize?: number; askSize?: number }): void {
    this.market.setQuote(code, change);
    const codes = [code, ...[...this.market.options.values()].filter((o) => o.owner === code).map((o) => o.code)];
    for (const c of codes) this.pushQuote(c);
    for (const account of this.accounts.values()) {
      for (const id of [...account.working]) {
        const order = account.orders.get(id)!;
        if (codes.includes(order.code)) this.tryFill(account, order);
      }
    }
    this.flushHeld();
  }

  /** Sends an OpenD event notification (Notify 1003, GtwEvent) to every connection. */
  notify(eventType: number, desc: string): void {
    for (const conn of this.conns) if (conn.alive && conn.initialized) this.push(conn, PROTO.Notify, { type: 1, event: { eventType, desc } });
  }

  account(accID: bigint): FakeAccount {
    const account = this.accounts.get(accID);
    if (!account) throw new Error(`fake OpenD: no account ${accID}`);
    return account;
  }

  // ---------------------------------------------------------------- connections

  private accept(socket: Socket): void {
    const conn: Conn = {
      index: ++this.connCounter,
      connId: this.nextConnId++,
      socket,
      decoder: new FrameDecoder(),
      alive: true,
      initialized: false,
      lastSerial: 0,
      unlocked: false,
      qot: new Map(),
      qotPush: new Set(),
      accPush: new Set(),
      held: null,
    };
    this.conns.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = conn.decoder.push(chunk);
      } catch (error) {
        this.violation(conn, error instanceof FrameError ? `bad frame (${error.reason}): ${error.message}` : String(error));
        this.closeConn(conn);
        return;
      }
      for (const frame of frames) {
        if (!conn.alive) return;
        this.onFrame(conn, frame);
      }
    });
    socket.on('error', () => this.closeConn(conn));
    socket.on('close', () => this.closeConn(conn));
  }

  private closeConn(conn: Conn): void {
    if (!conn.alive) return;
    conn.alive = false;
    conn.socket.destroy();
    this.conns.delete(conn);
  }

  private violation(conn: Conn, what: string): void {
    this.violations.push(`conn ${conn.index}: ${what}`);
  }

  private onFrame(conn: Conn, frame: Frame): void {
    this.options.probe?.frameRead(frame.protoId);
    const ts = this.now();
    if (frame.serialNo <= conn.lastSerial) this.violation(conn, `serial ${frame.serialNo} after ${conn.lastSerial}: serial numbers must increase`);
    conn.lastSerial = Math.max(conn.lastSerial, frame.serialNo);
    const record: RecordedRequest = { conn: conn.index, connId: conn.connId.toString(), protoId: frame.protoId, serialNo: frame.serialNo, ts };
    if (this.opts.recordRequests) this.requests.push(record);

    let silent = false;
    if (this.dropOn && this.dropOn.protoId === frame.protoId) {
      const { afterHandling } = this.dropOn;
      this.dropOn = null;
      this.closeConn(conn);
      if (!afterHandling) return;
      silent = true; // handled, but the reply is lost with the connection
    }

    if (!isKnownProto(frame.protoId) || PUSH_IDS.has(frame.protoId)) {
      this.violation(conn, `unknown or push-only protocol ${frame.protoId}`);
      return this.reply(conn, frame, { error: { retType: RetType.Invalid, retMsg: `Unknown protocol ${frame.protoId}` } });
    }
    const protoId = frame.protoId;
    if (!conn.initialized && protoId !== PROTO.InitConnect) {
      this.violation(conn, `${protoName(protoId)} before InitConnect`);
      return this.reply(conn, frame, { error: { retType: RetType.Failed, retMsg: 'Please call InitConnect first' } });
    }
    const failure = this.failures.get(protoId);
    if (failure && !(protoId === PROTO.KeepAlive)) {
      if (--failure.times <= 0) this.failures.delete(protoId);
      return this.reply(conn, frame, { error: { retType: failure.retType, retMsg: failure.retMsg } });
    }
    let c2s: unknown;
    try {
      c2s = decodeRequest(protoId, frame.body).c2s;
    } catch (error) {
      this.violation(conn, `undecodable ${protoName(protoId)} body: ${String(error)}`);
      return this.reply(conn, frame, { error: { retType: RetType.Invalid, retMsg: 'Invalid packet' } });
    }
    record.c2s = c2s;
    if (protoId === PROTO.KeepAlive && this.keepAliveSilent) return;
    let outcome: Outcome;
    try {
      outcome = this.handle(conn, protoId, c2s);
    } catch (error) {
      outcome = { error: { retType: RetType.Failed, retMsg: `Internal error: ${String(error)}` } };
    }
    if (silent) {
      outcome.after?.();
      this.flushHeld();
      return;
    }
    this.reply(conn, frame, outcome);
  }

  private reply(conn: Conn, request: Frame, outcome: Outcome): void {
    const body = encodeResponse(request.protoId as ProtoId, outcome.error ? { retType: outcome.error.retType, retMsg: outcome.error.retMsg, errCode: 0 } : { retType: RetType.Succeed, retMsg: '', errCode: 0, s2c: outcome.s2c ?? {} });
    const after = () => {
      outcome.after?.();
      this.flushHeld();
    };
    const send = () => {
      if (this.pushesFirst) after();
      if (conn.alive) conn.socket.write(encodeFrame(request.protoId, request.serialNo, body));
      if (!this.pushesFirst) after();
    };
    const delayed = this.replyDelayMs > 0 && (!this.delayedProtoIds || this.delayedProtoIds.has(request.protoId));
    if (delayed) setTimeout(send, this.replyDelayMs);
    else send();
  }

  private pushSerial = 0;

  private push(conn: Conn, protoId: ProtoId, s2c: object): void {
    if (!conn.alive) return;
    const frame = encodeFrame(protoId, ++this.pushSerial, encodeResponse(protoId, { retType: RetType.Succeed, retMsg: '', errCode: 0, s2c }));
    conn.socket.write(frame);
    this.options.probe?.pushWritten(protoId);
    if (this.duplicatePushes && (protoId === PROTO.TrdUpdateOrder || protoId === PROTO.TrdUpdateOrderFill)) conn.socket.write(frame);
  }

  /** Trade pushes go to every connection that subscribed the account (SubAccPush). */
  private pushTrade(account: FakeAccount, protoId: ProtoId, s2c: object): void {
    for (const conn of this.conns) {
      if (!conn.alive || !conn.accPush.has(account.accID)) continue;
      if (this.reorderPushes) {
        (conn.held ??= []).push({ protoId, s2c });
      } else {
        this.push(conn, protoId, s2c);
      }
    }
  }

  /** Sends the trade pushes held back by the reorder fault, newest first. */
  private flushHeld(): void {
    for (const conn of this.conns) {
      const held = conn.held;
      conn.held = null;
      for (const p of (held ?? []).reverse()) this.push(conn, p.protoId as ProtoId, p.s2c);
    }
  }

  private pushQuote(code: string): void {
    const security = { market: QotMarket.US, code };
    const k = key(security);
    for (const conn of this.conns) {
      if (!conn.alive || !conn.qotPush.has(k)) continue;
      const types = conn.qot.get(k);
      if (types?.has(SubType.Basic)) this.push(conn, PROTO.QotUpdateBasicQot, { basicQotList: [this.basicQot(code)] });
      if (types?.has(SubType.OrderBook)) this.push(conn, PROTO.QotUpdateOrderBook, this.orderBook(code));
    }
  }

  // ---------------------------------------------------------------- handlers

  private handle(conn: Conn, protoId: ProtoId, c2s: unknown): Outcome {
    switch (protoId) {
      case PROTO.InitConnect:
        return this.initConnect(conn, c2s as { clientVer: number; clientID: string; packetEncAlgo?: number });
      case PROTO.KeepAlive:
        return { s2c: { time: Math.floor(this.now() / 1000) } };
      case PROTO.TrdGetAccList:
        return { s2c: { accList: [...this.accounts.values()].map((a) => ({ trdEnv: a.trdEnv, accID: a.accID.toString(), trdMarketAuthList: [a.trdMarket], accType: a.accType, cardNum: a.cardNum, securityFirm: 1, accStatus: 0 })) } };
      case PROTO.TrdUnlockTrade:
        return this.unlock(conn, c2s as { unlock: boolean; pwdMD5?: string });
      case PROTO.TrdSubAccPush: {
        const ids = (c2s as { accIDList: Int64[] }).accIDList ?? [];
        conn.accPush = new Set(ids.map(bigintOf));
        return { s2c: {} };
      }
      case PROTO.TrdGetFunds:
        return this.withAccount(c2s, (account, header) => {
          const marketVal = [...account.positions.entries()].reduce((sum, [code, p]) => sum + p.qty * (this.market.quote(code)?.last ?? p.cost) * this.market.multiplier(code), 0);
          return { s2c: { header, funds: { power: Math.max(0, account.cash) * 2, totalAssets: account.cash + marketVal, cash: account.cash, marketVal, frozenCash: 0, debtCash: 0, avlWithdrawalCash: Math.max(0, account.cash), currency: 2 } } };
        });
      case PROTO.TrdGetPositionList:
        return this.withAccount(c2s, (account, header) => ({
          s2c: {
            header,
            positionList: [...account.positions.entries()].map(([code, p], i) => {
              const price = this.market.quote(code)?.last ?? p.cost;
              const mult = this.market.multiplier(code);
              return { positionID: String(9000 + i), positionSide: p.qty < 0 ? 1 : 0, code, name: code, qty: p.qty, canSellQty: Math.max(0, p.qty), price, costPrice: p.cost, averageCostPrice: p.cost, val: p.qty * price * mult, plVal: (price - p.cost) * p.qty * mult, secMarket: p.secMarket };
            }),
          },
        }));
      case PROTO.TrdGetOrderList:
        return this.withAccount(c2s, (account, header) => ({ s2c: { header, orderList: [...account.orders.values()].map((o) => this.orderMessage(o)) } }));
      case PROTO.TrdGetOrderFillList:
        return this.withAccount(c2s, (account, header) => ({ s2c: { header, orderFillList: account.fills.map((f) => this.fillMessage(f)) } }));
      case PROTO.TrdPlaceOrder:
        return this.placeOrder(conn, c2s as PlaceOrderC2S);
      case PROTO.TrdModifyOrder:
        return this.modifyOrder(conn, c2s as ModifyOrderC2S);
      case PROTO.QotSub:
        return this.qotSub(conn, c2s as { securityList: Security[]; subTypeList: number[]; isSubOrUnSub: boolean; isRegOrUnRegPush?: boolean; isFirstPush?: boolean; isUnsubAll?: boolean });
      case PROTO.QotGetSecuritySnapshot:
        return this.snapshot(c2s as { securityList: Security[] });
      case PROTO.QotGetKL:
        return this.klines(conn, c2s as { klType: number; security: Security; reqNum: number });
      case PROTO.QotGetOptionExpirationDate:
        return this.expirations(c2s as { owner: Security });
      case PROTO.QotGetOptionChain:
        return this.optionChain(c2s as { owner: Security; beginTime: string; endTime: string });
      default:
        return { error: { retType: RetType.Invalid, retMsg: `Unsupported protocol ${protoId}` } };
    }
  }

  private initConnect(conn: Conn, c2s: { clientVer: number; clientID: string; packetEncAlgo?: number }): Outcome {
    if (conn.initialized) this.violation(conn, 'InitConnect sent twice on one connection');
    if (!c2s.clientID) this.violation(conn, 'InitConnect without clientID');
    if (present(c2s, 'packetEncAlgo') && c2s.packetEncAlgo !== -1) this.violation(conn, `InitConnect asks for encryption ${c2s.packetEncAlgo}, but no RSA key is configured`);
    conn.initialized = true;
    return {
      s2c: { serverVer: 1011, loginUserID: '12345678', connID: conn.connId.toString(), connAESKey: '0123456789abcdef', keepAliveInterval: this.opts.keepAliveIntervalSec, userAttribution: 1 },
    };
  }

  private unlock(conn: Conn, c2s: { unlock: boolean; pwdMD5?: string }): Outcome {
    if (!c2s.unlock) {
      conn.unlocked = false;
      return { s2c: {} };
    }
    if (this.unlockRefused || c2s.pwdMD5 !== this.opts.tradePasswordMd5) {
      return { error: { retType: RetType.Failed, retMsg: 'Unlock failed: incorrect trade password' } };
    }
    if (!/^[0-9a-f]{32}$/.test(c2s.pwdMD5)) this.violation(conn, 'pwdMD5 is not lowercase hex MD5');
    conn.unlocked = true;
    return { s2c: {} };
  }

  private withAccount(c2s: unknown, run: (account: FakeAccount, header: TrdHeader) => Outcome): Outcome {
    const header = (c2s as { header?: TrdHeader }).header;
    const account = header ? this.accounts.get(bigintOf(header.accID)) : undefined;
    if (!header || !account) return { error: { retType: RetType.Failed, retMsg: 'Account does not exist' } };
    if (account.trdEnv !== header.trdEnv || account.trdMarket !== header.trdMarket) {
      return { error: { retType: RetType.Failed, retMsg: 'Trading environment or market does not match the account' } };
    }
    return run(account, { trdEnv: header.trdEnv, accID: account.accID.toString(), trdMarket: header.trdMarket });
  }

  /** PacketID, unlock and rate-limit checks every trade write goes through. */
  private checkWrite(conn: Conn, c2s: { packetID?: { connID: Int64; serialNo: number } }, account: FakeAccount, kind: 'placeOrder' | 'modifyOrCancel'): Outcome['error'] {
    const packet = c2s.packetID;
    if (!packet) {
      this.violation(conn, 'trade write without PacketID');
      return { retType: RetType.Invalid, retMsg: 'Missing PacketID' };
    }
    if (bigintOf(packet.connID) !== conn.connId) this.violation(conn, `PacketID.connID ${int64String(packet.connID)} is not this connection's ${conn.connId}`);
    const id = `${int64String(packet.connID)}:${packet.serialNo}`;
    if (this.packetIds.has(id)) {
      this.violation(conn, `duplicate PacketID ${id}`);
      return { retType: RetType.Failed, retMsg: 'Duplicate request: this PacketID was already used' };
    }
    this.packetIds.add(id);
    if (account.trdEnv === 1 && !conn.unlocked) {
      this.violation(conn, 'REAL trade write before unlock');
      return { retType: RetType.Failed, retMsg: 'Trading is locked: please unlock trade first' };
    }
    if (this.opts.enforceRateLimits) {
      const limit = FUTU_RATE_LIMITS[kind];
      const k = `${kind}:${account.accID}`;
      const now = this.now();
      const times = (this.writeTimes.get(k) ?? []).filter((t) => t > now - limit.windowMs);
      if (times.length >= limit.max) {
        this.writeTimes.set(k, times);
        return { retType: RetType.Failed, retMsg: `Request frequency is too high: at most ${limit.max} requests per ${limit.windowMs / 1000} seconds` };
      }
      times.push(now);
      this.writeTimes.set(k, times);
    }
    return undefined;
  }

  private placeOrder(conn: Conn, c2s: PlaceOrderC2S): Outcome {
    return this.withAccount(c2s, (account, header) => {
      const refused = this.checkWrite(conn, c2s, account, 'placeOrder');
      if (refused) return { error: refused };
      if (!this.market.has(c2s.code)) return { error: { retType: RetType.Failed, retMsg: `Unknown stock ${c2s.code}` } };
      if (!(c2s.qty > 0)) return { error: { retType: RetType.Failed, retMsg: 'Invalid order quantity' } };
      if ((c2s.orderType === OrderType.Normal || c2s.orderType === OrderType.StopLimit) && !((c2s.price ?? 0) > 0)) return { error: { retType: RetType.Failed, retMsg: 'Invalid order price' } };
      if (Buffer.byteLength(c2s.remark ?? '', 'utf8') > 64) return { error: { retType: RetType.Failed, retMsg: 'Remark too long' } };
      const ts = this.now();
      const order: FakeOrder = {
        orderID: this.nextOrderId++,
        code: c2s.code,
        secMarket: c2s.secMarket || TrdSecMarket.US,
        trdSide: c2s.trdSide,
        orderType: c2s.orderType,
        qty: c2s.qty,
        price: c2s.price ?? 0,
        ...(present(c2s, 'auxPrice') ? { auxPrice: c2s.auxPrice! } : {}),
        status: OrderStatus.Submitted,
        fillQty: 0,
        fillAvgPrice: 0,
        remark: c2s.remark ?? '',
        timeInForce: c2s.timeInForce ?? 0,
        fillOutsideRTH: c2s.fillOutsideRTH ?? false,
        createTs: ts,
        updateTs: ts,
      };
      account.orders.set(order.orderID, order);
      account.working.add(order.orderID);
      return {
        s2c: { header, orderID: order.orderID.toString(), orderIDEx: `FT${order.orderID}` },
        after: () => {
          this.pushTrade(account, PROTO.TrdUpdateOrder, { header, order: this.orderMessage(order) });
          this.tryFill(account, order);
          if (order.timeInForce === TimeInForce.IOC && WORKING_STATUSES.has(order.status)) {
            // Immediate-or-cancel: what did not fill at once is cancelled.
            order.status = order.fillQty > 0 ? OrderStatus.CancelledPart : OrderStatus.CancelledAll;
            order.updateTs = this.now();
            account.working.delete(order.orderID);
            this.pushTrade(account, PROTO.TrdUpdateOrder, { header, order: this.orderMessage(order) });
          }
        },
      };
    });
  }

  private modifyOrder(conn: Conn, c2s: ModifyOrderC2S): Outcome {
    return this.withAccount(c2s, (account, header) => {
      const refused = this.checkWrite(conn, c2s, account, 'modifyOrCancel');
      if (refused) return { error: refused };
      const order = account.orders.get(bigintOf(c2s.orderID));
      if (!order) return { error: { retType: RetType.Failed, retMsg: 'Order does not exist' } };
      if (!WORKING_STATUSES.has(order.status)) return { error: { retType: RetType.Failed, retMsg: 'The order is already finished and cannot be changed' } };
      const refusal = c2s.modifyOrderOp === ModifyOrderOp.Cancel ? this.refusedCancels.get(order.orderID) : undefined;
      if (refusal !== undefined) return { error: { retType: RetType.Failed, retMsg: refusal } };
      order.updateTs = this.now();
      if (c2s.modifyOrderOp === ModifyOrderOp.Cancel) {
        order.status = order.fillQty > 0 ? OrderStatus.CancelledPart : OrderStatus.CancelledAll;
        account.working.delete(order.orderID);
      } else if (c2s.modifyOrderOp === ModifyOrderOp.Normal) {
        if (!(c2s.qty && c2s.qty > 0)) return { error: { retType: RetType.Failed, retMsg: 'Invalid order quantity' } };
        order.qty = c2s.qty;
        if (present(c2s, 'price')) order.price = c2s.price!;
        if (present(c2s, 'auxPrice')) order.auxPrice = c2s.auxPrice!;
      } else {
        return { error: { retType: RetType.Failed, retMsg: `Unsupported modify operation ${c2s.modifyOrderOp}` } };
      }
      return {
        s2c: { header, orderID: order.orderID.toString(), orderIDEx: `FT${order.orderID}` },
        after: () => {
          this.pushTrade(account, PROTO.TrdUpdateOrder, { header, order: this.orderMessage(order) });
          if (WORKING_STATUSES.has(order.status)) this.tryFill(account, order);
        },
      };
    });
  }

  private tryFill(account: FakeAccount, order: FakeOrder): void {
    const quote = this.market.quote(order.code);
    const price = quote ? marketablePrice(order, quote) : undefined;
    if (price === undefined) return;
    const fill = bookFill(account, order, price, this.market.multiplier(order.code), this.nextFillId++, this.now());
    const header = { trdEnv: account.trdEnv, accID: account.accID.toString(), trdMarket: account.trdMarket };
    this.pushTrade(account, PROTO.TrdUpdateOrder, { header, order: this.orderMessage(order) });
    this.pushTrade(account, PROTO.TrdUpdateOrderFill, { header, orderFill: this.fillMessage(fill) });
  }

  private orderMessage(o: FakeOrder): object {
    return {
      trdSide: o.trdSide,
      orderType: o.orderType,
      orderStatus: o.status,
      orderID: o.orderID.toString(),
      orderIDEx: `FT${o.orderID}`,
      code: o.code,
      name: o.code,
      qty: o.qty,
      price: o.price,
      createTime: nyTime(o.createTs),
      updateTime: nyTime(o.updateTs),
      fillQty: o.fillQty,
      fillAvgPrice: o.fillAvgPrice,
      secMarket: o.secMarket,
      createTimestamp: o.createTs / 1000,
      updateTimestamp: o.updateTs / 1000,
      remark: o.remark,
      timeInForce: o.timeInForce,
      fillOutsideRTH: o.fillOutsideRTH,
      ...(o.auxPrice === undefined ? {} : { auxPrice: o.auxPrice }),
      ...(o.lastErrMsg ? { lastErrMsg: o.lastErrMsg } : {}),
    };
  }

  private fillMessage(f: { fillID: bigint; orderID: bigint; code: string; secMarket: number; trdSide: number; qty: number; price: number; ts: number }): object {
    return {
      trdSide: f.trdSide,
      fillID: f.fillID.toString(),
      fillIDEx: `FL${f.fillID}`,
      orderID: f.orderID.toString(),
      orderIDEx: `FT${f.orderID}`,
      code: f.code,
      name: f.code,
      qty: f.qty,
      price: f.price,
      createTime: nyTime(f.ts),
      secMarket: f.secMarket,
      createTimestamp: f.ts / 1000,
      updateTimestamp: f.ts / 1000,
      status: 0,
    };
  }

  // ---------------------------------------------------------------- quotes

  private checkSecurities(securities: Security[]): Outcome['error'] {
    for (const s of securities) {
      if (s.market !== QotMarket.US || !this.market.has(s.code)) return { retType: RetType.Failed, retMsg: `Unknown stock ${s.market}.${s.code}` };
      if (this.deniedQuotes.has(s.code)) return { retType: RetType.Failed, retMsg: `No quote right for ${s.code}: no market data permission` };
    }
    return undefined;
  }

  private qotSub(conn: Conn, c2s: { securityList: Security[]; subTypeList: number[]; isSubOrUnSub: boolean; isRegOrUnRegPush?: boolean; isFirstPush?: boolean; isUnsubAll?: boolean }): Outcome {
    if (c2s.isUnsubAll) {
      conn.qot.clear();
      conn.qotPush.clear();
      return { s2c: {} };
    }
    const securities = c2s.securityList ?? [];
    const refused = this.checkSecurities(securities);
    if (refused) return { error: refused };
    for (const s of securities) {
      const k = key(s);
      const types = conn.qot.get(k) ?? new Set<number>();
      for (const t of c2s.subTypeList ?? []) {
        if (c2s.isSubOrUnSub) types.add(t);
        else types.delete(t);
      }
      if (types.size > 0) conn.qot.set(k, types);
      else conn.qot.delete(k);
      if (c2s.isRegOrUnRegPush === true && c2s.isSubOrUnSub) conn.qotPush.add(k);
      if (c2s.isRegOrUnRegPush === true && !c2s.isSubOrUnSub && !conn.qot.has(k)) conn.qotPush.delete(k);
    }
    const firstPush = c2s.isSubOrUnSub && c2s.isRegOrUnRegPush === true && (!present(c2s, 'isFirstPush') || c2s.isFirstPush === true); // OpenD's default is true
    return { s2c: {}, ...(firstPush ? { after: () => securities.forEach((s) => this.pushQuoteTo(conn, s.code)) } : {}) };
  }

  private pushQuoteTo(conn: Conn, code: string): void {
    const types = conn.qot.get(`${QotMarket.US}:${code}`);
    if (types?.has(SubType.Basic)) this.push(conn, PROTO.QotUpdateBasicQot, { basicQotList: [this.basicQot(code)] });
    if (types?.has(SubType.OrderBook)) this.push(conn, PROTO.QotUpdateOrderBook, this.orderBook(code));
  }

  private basicQot(code: string): object {
    const q = this.market.quote(code)!;
    const option = this.market.options.get(code);
    const greeks = this.market.greeks(code);
    return {
      security: { market: QotMarket.US, code },
      name: code,
      isSuspended: false,
      listTime: '1980-12-12',
      priceSpread: 0.01,
      updateTime: nyTime(q.ts),
      highPrice: q.last,
      openPrice: q.prevClose,
      lowPrice: q.last,
      curPrice: q.last,
      lastClosePrice: q.prevClose,
      volume: String(q.volume),
      turnover: q.volume * q.last,
      turnoverRate: 0,
      amplitude: 0,
      updateTimestamp: q.ts / 1000,
      ...(option && greeks
        ? { optionExData: { strikePrice: option.strike, contractSize: 100, openInterest: 1_000, premium: 0, ...greeks, expiryDateDistance: 0, contractMultiplier: 100 } }
        : {}),
    };
  }

  private orderBook(code: string): object {
    const q = this.market.quote(code)!;
    return {
      security: { market: QotMarket.US, code },
      name: code,
      orderBookAskList: [{ price: q.ask, volume: String(q.askSize), orederCount: 3 }],
      orderBookBidList: [{ price: q.bid, volume: String(q.bidSize), orederCount: 4 }],
    };
  }

  private snapshot(c2s: { securityList: Security[] }): Outcome {
    const securities = c2s.securityList ?? [];
    if (securities.length > 400) return { error: { retType: RetType.Failed, retMsg: 'Too many securities: at most 400 per snapshot request' } };
    const refused = this.checkSecurities(securities);
    if (refused) return { error: refused };
    return {
      s2c: {
        snapshotList: securities.map((s) => {
          const q = this.market.quote(s.code)!;
          const option = this.market.options.get(s.code);
          const basic = {
            security: { market: QotMarket.US, code: s.code },
            name: s.code,
            type: option ? 8 : 3,
            isSuspend: false,
            listTime: '1980-12-12',
            lotSize: option ? 100 : 1,
            priceSpread: 0.01,
            updateTime: nyTime(q.ts),
            highPrice: q.last,
            openPrice: q.prevClose,
            lowPrice: q.last,
            lastClosePrice: q.prevClose,
            curPrice: q.last,
            volume: String(q.volume),
            turnover: q.volume * q.last,
            turnoverRate: 0,
            updateTimestamp: q.ts / 1000,
            askPrice: q.ask,
            bidPrice: q.bid,
            askVol: String(q.askSize),
            bidVol: String(q.bidSize),
          };
          if (!option) return { basic };
          return {
            basic,
            optionExData: {
              type: option.right === 'C' ? 1 : 2,
              owner: { market: QotMarket.US, code: option.owner },
              strikeTime: option.expiry,
              strikePrice: option.strike,
              contractSize: 100,
              openInterest: 1_000,
              premium: 0,
              ...this.market.greeks(s.code)!,
              contractMultiplier: 100,
            },
          };
        }),
      },
    };
  }

  private klines(conn: Conn, c2s: { klType: number; security: Security; reqNum: number }): Outcome {
    const refused = this.checkSecurities([c2s.security]);
    if (refused) return { error: refused };
    const daily = c2s.klType === 2;
    const subType = daily ? SubType.KL_Day : SubType.KL_1Min;
    if (!conn.qot.get(key(c2s.security))?.has(subType)) {
      return { error: { retType: RetType.Failed, retMsg: 'Please subscribe to this K-line type before requesting it' } };
    }
    if (c2s.klType !== 1 && c2s.klType !== 2) return { error: { retType: RetType.Failed, retMsg: `Unsupported K-line type ${c2s.klType}` } };
    const q = this.market.quote(c2s.security.code)!;
    const n = Math.min(1000, Math.max(1, c2s.reqNum));
    const now = this.now();
    const times: number[] = [];
    if (daily) {
      for (let day = 0; times.length < n && day < 3 * n; day++) {
        const date = nyDate(now - day * 86_400_000);
        const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
        if (weekday !== 0 && weekday !== 6) times.unshift(localTimeToEpochMs(`${date} 00:00:00`, 'America/New_York'));
      }
    } else {
      const minute = Math.floor(now / 60_000) * 60_000;
      for (let i = n - 1; i >= 0; i--) times.push(minute - i * 60_000);
    }
    const klList = times.map((t, i) => {
      const close = Math.round(q.last * (1 + 0.01 * Math.sin(i / 3)) * 100) / 100;
      const open = Math.round(q.last * (1 + 0.01 * Math.sin((i - 1) / 3)) * 100) / 100;
      return { time: nyTime(t).slice(0, 19), isBlank: false, highPrice: Math.max(open, close) + 0.5, openPrice: open, lowPrice: Math.min(open, close) - 0.5, closePrice: close, lastClosePrice: open, volume: String(10_000 + i), turnover: 0, timestamp: t / 1000 };
    });
    return { s2c: { security: c2s.security, name: c2s.security.code, klList } };
  }

  private expirations(c2s: { owner: Security }): Outcome {
    const refused = this.checkSecurities([c2s.owner]);
    if (refused) return { error: refused };
    const today = nyDate(this.now());
    return {
      s2c: {
        dateList: this.market.expirations(c2s.owner.code).map((d) => ({
          strikeTime: d,
          strikeTimestamp: Date.parse(`${d}T04:00:00Z`) / 1000,
          optionExpiryDateDistance: Math.round((Date.parse(d) - Date.parse(today)) / 86_400_000),
          cycle: 0,
        })),
      },
    };
  }

  private optionChain(c2s: { owner: Security; beginTime: string; endTime: string }): Outcome {
    const refused = this.checkSecurities([c2s.owner]);
    if (refused) return { error: refused };
    const spanDays = (Date.parse(c2s.endTime) - Date.parse(c2s.beginTime)) / 86_400_000;
    if (!(spanDays >= 0) || spanDays > 31) return { error: { retType: RetType.Failed, retMsg: 'The time span between beginTime and endTime must be within one month' } };
    const byExpiry = new Map<string, Map<number, { call?: object; put?: object }>>();
    for (const o of this.market.chain(c2s.owner.code, c2s.beginTime.slice(0, 10), c2s.endTime.slice(0, 10))) {
      const strikes = byExpiry.get(o.expiry) ?? new Map<number, { call?: object; put?: object }>();
      const item = strikes.get(o.strike) ?? {};
      const info = {
        basic: { security: { market: QotMarket.US, code: o.code }, id: '0', lotSize: 100, secType: 8, name: o.code, listTime: '2024-01-02' },
        optionExData: { type: o.right === 'C' ? 1 : 2, owner: c2s.owner, strikeTime: o.expiry, strikePrice: o.strike, suspend: false, market: 'US' },
      };
      if (o.right === 'C') item.call = info;
      else item.put = info;
      strikes.set(o.strike, item);
      byExpiry.set(o.expiry, strikes);
    }
    return {
      s2c: {
        optionChain: [...byExpiry.entries()].map(([expiry, strikes]) => ({
          strikeTime: expiry,
          strikeTimestamp: Date.parse(`${expiry}T04:00:00Z`) / 1000,
          option: [...strikes.values()],
        })),
      },
    };
  }
}
