// FakeTigerGateway: a Tiger Open API gateway on loopback for tests and local runs. The REST side
// takes Tiger's signed POSTs (verifying each signature with the developer's public key, the
// tiger_id and the timestamp format), implements the methods Deltadeck uses against a
// FakeTigerMarket and answers with Tiger's envelope {code, message, data, timestamp, sign},
// signed with the gateway's own key over the request's timestamp. The push side is a
// FakePushServer fed by the market's events. Faults are injected per method (or `*`):
// drop the connection before or after the request takes effect, delay, error reply,
// rate-limit reply, reply signed with the wrong key; push faults live on `push.faults`.
import { generateKeyPairSync, KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseOcc } from '../../../../shared/instruments.js';
import { parseTigerJson, stringifyTigerJson } from '../json.js';
import { DataType, QuoteType } from '../proto.js';
import { tigerRateLimit } from '../rate-limits.js';
import { rsaSign, TIGER_TIMESTAMP, verifyRequest } from '../signing.js';
import { expiryToTigerMs, fromTigerIdentifier, tigerExpiryToIso, tigerRightToOption, toTigerIdentifier } from '../symbols.js';
import { chainRows, FakeTigerError, FakeTigerMarket, isWorking, type FakeAccount, type FakeOrder, type FakeStockQuote, type FakeTransaction, type MarketEvent } from './market.js';
import { FakePushServer } from './push-server.js';
import { generateLoopbackCert, type LoopbackCert } from './tls.js';

export type FakeFault =
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  | { kind: 'delay'; ms: number }
  | { kind: 'error'; code: number; message: string; httpStatus?: number }
  | { kind: 'rate-limit' }
  | { kind: 'bad-signature' }
  /** An HTML error page from a proxy instead of Tiger's JSON. */
  | { kind: 'garbage'; httpStatus: number };

export interface FakeTigerGatewayOptions {
  tigerId?: string;
  /** The developer's public key (PEM or KeyObject): requests and push logins must verify under it. */
  developerPublicKey: string | KeyObject;
  /** The gateway's ("Tiger's") private key for signing replies; generated when absent. */
  gatewayPrivateKey?: string | KeyObject;
  /** TLS key and certificate for the push server (and REST when restTls); generated when absent. */
  tls?: LoopbackCert;
  /** Serve REST over https with the same certificate. */
  restTls?: boolean;
  host?: string;
  port?: number;
  pushPort?: number;
  market?: FakeTigerMarket;
}

type Biz = Record<string, unknown>;
type Handler = (biz: Biz, version: string) => unknown;

export class FakeTigerGateway {
  readonly tigerId: string;
  readonly market: FakeTigerMarket;
  /** Every request that passed the signature check, in arrival order. */
  readonly requests: Array<{ method: string; biz: Biz }> = [];
  /** Requests refused before dispatch (bad signature, unknown tiger_id, bad timestamp). */
  readonly refused: Array<{ reason: string }> = [];
  private readonly developerKey: KeyObject;
  private readonly gatewayKey: KeyObject;
  private readonly wrongKey: KeyObject;
  private readonly faults = new Map<string, FakeFault[]>();
  private readonly handlers: Record<string, Handler>;
  private server: http.Server | undefined;
  private pushServer: FakePushServer | undefined;
  private certificate: LoopbackCert | undefined;
  private restPort = 0;
  private pushPortValue = 0;
  private unsubscribeMarket: (() => void) | undefined;

  constructor(private readonly options: FakeTigerGatewayOptions) {
    this.tigerId = options.tigerId ?? '20150001';
    this.developerKey = typeof options.developerPublicKey === 'string' ? createPublicKey(options.developerPublicKey) : options.developerPublicKey;
    const gatewayKey = options.gatewayPrivateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.gatewayKey = typeof gatewayKey === 'string' ? createPrivateKey(gatewayKey) : gatewayKey;
    this.wrongKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    this.market = options.market ?? new FakeTigerMarket();
    this.handlers = this.buildHandlers();
  }

  /** Tiger's public key as the adapter is configured with it (SPKI PEM). */
  get tigerPublicKey(): string {
    return createPublicKey(this.gatewayKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  get url(): string {
    return `${this.options.restTls ? 'https' : 'http'}://127.0.0.1:${this.restPort}/gateway`;
  }

  get pushPort(): number {
    return this.pushPortValue;
  }

  /** The self-signed certificate clients must trust (PEM). */
  get caCert(): string {
    if (!this.certificate) throw new Error('the fake gateway is not started');
    return this.certificate.cert;
  }

  get push(): FakePushServer {
    if (!this.pushServer) throw new Error('the fake gateway is not started');
    return this.pushServer;
  }

  async start(): Promise<void> {
    this.certificate = this.options.tls ?? (await generateLoopbackCert());
    const host = this.options.host ?? '127.0.0.1';
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void this.onRequest(req, res);
    const server = this.options.restTls ? https.createServer({ key: this.certificate.key, cert: this.certificate.cert }, listener) : http.createServer(listener);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.restPort = (server.address() as AddressInfo).port;
    this.pushServer = new FakePushServer({ key: this.certificate.key, cert: this.certificate.cert, tigerId: this.tigerId, developerKey: this.developerKey });
    this.pushPortValue = await this.pushServer.start(this.options.pushPort ?? 0, host);
    this.unsubscribeMarket = this.market.onEvent((event) => this.onMarketEvent(event));
  }

  async stop(): Promise<void> {
    this.unsubscribeMarket?.();
    await this.pushServer?.stop();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Applies `fault` to the next `times` requests for `method` (`*` = any method). */
  injectFault(method: string, fault: FakeFault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestCount(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  /** Every order the gateway holds for an account. */
  orders(account = [...this.market.accounts.keys()][0]!): FakeOrder[] {
    return [...this.market.account(account).orders.values()];
  }

  // ---- REST --------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw = '';
    let tooBig = false;
    req.setEncoding('utf8');
    for await (const chunk of req) {
      raw += chunk as string;
      if (raw.length > 1 << 20) {
        tooBig = true;
        break;
      }
    }
    if (req.method !== 'POST' || tooBig) return this.reply(res, 1000, 'common param error: POST a JSON body', null, '', 405);
    let params: Record<string, unknown>;
    try {
      const parsed = parseTigerJson(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      params = parsed as Record<string, unknown>;
    } catch {
      return this.reply(res, 1000, 'common param error: the request parameters are not standard JSON', null, '');
    }
    const strings: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') strings[k] = v;
    const timestamp = strings.timestamp ?? '';
    for (const field of ['tiger_id', 'method', 'charset', 'sign_type', 'timestamp', 'version', 'biz_content', 'sign']) {
      if (!strings[field]) return this.refuse(res, timestamp, `field '${field}' cannot be empty`);
    }
    if (strings.sign_type !== 'RSA') return this.refuse(res, timestamp, 'sign_type must be RSA');
    if (!verifyRequest(strings, this.developerKey)) return this.refuse(res, timestamp, 'failed to verify signature, please make sure you use the correct rsa private key');
    if (strings.tiger_id !== this.tigerId) return this.refuse(res, timestamp, 'failed to get developer information');
    if (!TIGER_TIMESTAMP.test(timestamp)) return this.refuse(res, timestamp, "time parse error, support time format is 'yyyy-MM-dd HH:mm:ss'");
    const method = strings.method!;
    let biz: Biz;
    try {
      const parsed = parseTigerJson(strings.biz_content!);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      biz = parsed as Biz;
    } catch {
      return this.reply(res, 1010, 'biz param error: biz_content is not a JSON object', null, timestamp);
    }
    this.requests.push({ method, biz });

    const fault = this.takeFault(method);
    if (fault?.kind === 'drop-before') return void req.socket.destroy();
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'error') return this.reply(res, fault.code, fault.message, null, timestamp, fault.httpStatus);
    if (fault?.kind === 'garbage') {
      res.writeHead(fault.httpStatus, { 'Content-Type': 'text/html' });
      return void res.end(`<html><body>${fault.httpStatus} Bad Gateway</body></html>`);
    }
    if (fault?.kind === 'rate-limit') {
      return this.reply(res, 5, `rate limit error(current limiting interface:${method}, up to ${tigerRateLimit(method)} times per minute)`, null, timestamp, 429);
    }
    const handler = this.handlers[method];
    let data: unknown;
    try {
      if (!handler) throw new FakeTigerError(1000, 'common param error: the current requested method does not support');
      data = handler(biz, strings.version!);
    } catch (e) {
      if (fault?.kind === 'drop-after') return void req.socket.destroy();
      if (e instanceof FakeTigerError) return this.reply(res, e.code, e.message, null, timestamp, e.httpStatus);
      return this.reply(res, 1, `server error: ${(e as Error).message}`, null, timestamp, 500);
    }
    if (fault?.kind === 'drop-after') return void req.socket.destroy();
    this.reply(res, 0, 'success', data, timestamp, 200, fault?.kind === 'bad-signature' ? this.wrongKey : this.gatewayKey);
  }

  private refuse(res: http.ServerResponse, timestamp: string, message: string): void {
    this.refused.push({ reason: message });
    this.reply(res, 1000, `common param error: ${message}`, null, timestamp);
  }

  private reply(res: http.ServerResponse, code: number, message: string, data: unknown, requestTimestamp: string, status = 200, key: KeyObject = this.gatewayKey): void {
    const envelope: Record<string, unknown> = { code, message, data, timestamp: Date.now() };
    if (requestTimestamp) envelope.sign = rsaSign(key, requestTimestamp);
    const body = stringifyTigerJson(envelope);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private takeFault(method: string): FakeFault | undefined {
    for (const key of [method, '*']) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private buildHandlers(): Record<string, Handler> {
    const m = this.market;
    return {
      // Tiger sends these two as JSON text inside `data`; so does the fake.
      accounts: () =>
        JSON.stringify({
          items: [...m.accounts.values()].map((a) => ({ account: a.account, accountType: a.accountType, capability: a.capability, status: 'Funded' })),
        }),
      assets: (biz) => {
        const a = m.account(biz.account);
        if (a.accountType !== 'GLOBAL') throw new FakeTigerError(1010, 'biz param error: use prime_assets for this account');
        const mv = m.marketValue(a);
        return JSON.stringify({
          items: [{ account: a.account, currency: 'USD', netLiquidation: round2(a.cash + mv), cashValue: round2(a.cash), buyingPower: round2(m.buyingPower(a)), grossPositionValue: round2(mv), availableFunds: round2(a.cash) }],
        });
      },
      prime_assets: (biz) => {
        const a = m.account(biz.account);
        if (a.accountType === 'GLOBAL') throw new FakeTigerError(1010, 'biz param error: use assets for a global account');
        const mv = m.marketValue(a);
        return {
          accountId: a.account,
          updateTimestamp: Date.now(),
          segments: [
            {
              category: 'S',
              currency: 'USD',
              capability: 'RegTMargin',
              cashBalance: round2(a.cash),
              cashAvailableForTrade: round2(a.cash),
              grossPositionValue: round2(mv),
              netLiquidation: round2(a.cash + mv),
              buyingPower: round2(m.buyingPower(a)),
              currencyAssets: [{ currency: 'USD', cashBalance: round2(a.cash), grossPositionValue: round2(mv) }],
            },
          ],
        };
      },
      positions: (biz) => {
        const a = m.account(biz.account);
        const secType = typeof biz.sec_type === 'string' ? biz.sec_type : 'STK';
        const items = [...a.positions.entries()]
          .filter(([symbol]) => (parseOcc(symbol) ? 'OPT' : 'STK') === secType)
          .map(([symbol, p]) => positionJson(m, a, symbol, p.qty, p.avgCost));
        return { items };
      },
      order_no: (biz) => ({ orderId: m.reserveOrderNo(biz.account) }),
      place_order: (biz) => {
        const order = m.placeOrder(biz);
        return { id: order.id, orderId: order.orderId, subIds: [] };
      },
      modify_order: (biz) => ({ id: m.modifyOrder(biz).id }),
      cancel_order: (biz) => ({ id: m.cancelOrder(biz).id }),
      orders: (biz) => {
        if (biz.id !== undefined || biz.order_id !== undefined) {
          const order = m.findOrder(biz.account, { id: biz.id, order_id: biz.order_id });
          return order ? orderJson(order) : { items: [] };
        }
        return { items: this.orders(String(biz.account)).map(orderJson) };
      },
      active_orders: (biz) => ({ items: [...m.account(biz.account).orders.values()].filter(isWorking).map(orderJson) }),
      filled_orders: (biz) => {
        const from = Number(biz.start_date);
        const to = Number(biz.end_date);
        if (!Number.isFinite(from) || !Number.isFinite(to)) throw new FakeTigerError(1010, 'biz param error: start_date and end_date are required');
        return { items: [...m.account(biz.account).orders.values()].filter((o) => o.status === 'Filled' && o.updateTime >= from && o.updateTime <= to).map(orderJson) };
      },
      order_transactions: (biz) => {
        const a = m.account(biz.account);
        const from = Number(biz.start_date ?? 0);
        const to = Number(biz.end_date ?? Number.MAX_SAFE_INTEGER);
        return { items: a.transactions.filter((t) => t.transactionTime >= from && t.transactionTime <= to).map(transactionJson), nextPageToken: null };
      },
      quote_real_time: (biz) => symbolsOf(biz).map((symbol) => briefJson(symbol, stockOrThrow(m, symbol))),
      option_brief: (biz) =>
        optionBasics(biz).map(({ symbol, expiry, right, strike }) => {
          const occ = occOf(symbol, expiry, right, strike);
          const q = occ ? m.quote(occ) : undefined;
          if (!occ || !q) throw new FakeTigerError(2200, `option not found: ${symbol} ${String(expiry)} ${String(right)} ${String(strike)}`);
          return { ...briefJson(symbol, q), identifier: toTigerIdentifier(occ), expiry: expiryToTigerMs(parseOcc(occ)!.expiry), strike: String(strike), right: right === 'C' ? 'CALL' : 'PUT', multiplier: 100, openInterest: 5000 };
        }),
      kline: (biz) =>
        symbolsOf(biz).map((symbol) => ({
          symbol,
          period: biz.period,
          nextPageToken: null,
          items: m.klines(symbol, biz.period === '1min' ? '1min' : 'day', Number(biz.begin_time ?? 0), Number(biz.end_time ?? Date.now()), Math.min(Number(biz.limit ?? 300), 1200)),
        })),
      option_expiration: (biz) =>
        symbolsOf(biz).map((symbol) => {
          stockOrThrow(m, symbol);
          const dates = m.expiries(symbol);
          return { symbol, optionSymbols: [symbol], dates, timestamps: dates.map(expiryToTigerMs), periods: dates.map(() => 'w'), counts: dates.map(() => m.strikes(symbol).length * 2) };
        }),
      option_chain: (biz, version) => {
        if (version !== '3.0') throw new FakeTigerError(1010, 'biz param error: option_chain needs version 3.0');
        return optionBasics(biz).map(({ symbol, expiry }) => {
          stockOrThrow(m, symbol);
          const iso = tigerExpiryToIso(expiry);
          if (!iso || !m.expiries(symbol).includes(iso)) throw new FakeTigerError(2200, `no options on ${symbol} expiring ${String(expiry)}`);
          const rows = chainRows(m, symbol, iso);
          const greeks = biz.return_greek_value === true;
          return {
            symbol,
            expiry: expiryToTigerMs(iso),
            items: greeks ? rows : rows.map((r) => ({ call: withoutGreeks(r.call), put: withoutGreeks(r.put) })),
          };
        });
      },
    };
  }

  // ---- pushes ------------------------------------------------------------------------

  private onMarketEvent(event: MarketEvent): void {
    const push = this.pushServer;
    if (!push) return;
    if (event.kind === 'quote') {
      push.pushQuote(DataType.Quote, event.symbol, quotePush(event.symbol, event.quote));
      for (const identifier of push.subscribedSymbols(DataType.Option)) {
        const occ = fromTigerIdentifier(identifier);
        if (!occ || parseOcc(occ)?.underlying !== event.symbol) continue;
        const q = this.market.quote(occ);
        if (q) push.pushQuote(DataType.Option, identifier, { ...quotePush(event.symbol, q), identifier });
      }
    } else if (event.kind === 'order') {
      const o = event.order;
      push.pushAccount(DataType.OrderStatus, o.account, 'orderStatusData', {
        id: o.id,
        account: o.account,
        symbol: o.symbol,
        expiry: o.expiry ?? '',
        strike: o.strike ?? '',
        right: o.right ?? '',
        identifier: o.identifier ?? o.symbol,
        multiplier: o.multiplier,
        action: o.action,
        market: 'US',
        currency: 'USD',
        segType: 'S',
        secType: o.secType,
        orderType: o.orderType,
        isLong: o.action === 'BUY',
        totalQuantity: o.totalQuantity,
        filledQuantity: o.filledQuantity,
        avgFillPrice: o.avgFillPrice,
        limitPrice: o.limitPrice ?? 0,
        stopPrice: o.auxPrice ?? 0,
        status: o.status,
        outsideRth: o.outsideRth,
        canModify: isWorking(o),
        canCancel: isWorking(o),
        source: 'OpenApi',
        errorMsg: o.reason ?? '',
        commissionAndFee: o.commission,
        openTime: o.openTime,
        timestamp: o.updateTime,
        userMark: o.userMark ?? '',
      });
    } else {
      const t = event.transaction;
      push.pushAccount(DataType.OrderTransaction, t.accountId, 'orderTransactionData', {
        id: t.id,
        orderId: t.orderId,
        account: t.accountId,
        symbol: t.symbol,
        identifier: t.identifier ?? t.symbol,
        multiplier: t.multiplier,
        action: t.action,
        market: 'US',
        currency: 'USD',
        segType: 'S',
        secType: t.secType,
        filledPrice: t.filledPrice,
        filledQuantity: t.filledQuantity,
        createTime: t.transactionTime,
        updateTime: t.transactionTime,
        transactTime: t.transactionTime,
        timestamp: t.transactionTime,
      });
    }
  }
}

// ---- JSON shapes -------------------------------------------------------------------------

function orderJson(o: FakeOrder): Record<string, unknown> {
  return {
    id: o.id,
    orderId: o.orderId,
    account: o.account,
    symbol: o.symbol,
    secType: o.secType,
    ...(o.secType === 'OPT' ? { expiry: o.expiry, strike: o.strike, right: o.right, identifier: o.identifier } : {}),
    multiplier: o.multiplier,
    market: 'US',
    currency: 'USD',
    action: o.action,
    orderType: o.orderType,
    totalQuantity: o.totalQuantity,
    filledQuantity: o.filledQuantity,
    avgFillPrice: o.avgFillPrice,
    ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
    ...(o.auxPrice !== undefined ? { auxPrice: o.auxPrice } : {}),
    timeInForce: o.timeInForce,
    outsideRth: o.outsideRth,
    status: o.status,
    ...(o.reason ? { remark: o.reason } : {}),
    ...(o.userMark ? { userMark: o.userMark } : {}),
    commission: o.commission,
    openTime: o.openTime,
    updateTime: o.updateTime,
    latestTime: o.updateTime,
    canModify: isWorking(o),
    source: 'openapi',
  };
}

function transactionJson(t: FakeTransaction): Record<string, unknown> {
  return {
    id: t.id,
    accountId: t.accountId,
    orderId: t.orderId,
    symbol: t.symbol,
    secType: t.secType,
    ...(t.secType === 'OPT' ? { expiry: t.expiry, strike: t.strike, right: t.right, identifier: t.identifier } : {}),
    multiplier: t.multiplier,
    market: 'US',
    currency: 'USD',
    action: t.action,
    filledQuantity: t.filledQuantity,
    filledPrice: t.filledPrice,
    filledAmount: t.filledAmount,
    commission: t.commission,
    transactionTime: t.transactionTime,
    transactedAt: new Date(t.transactionTime).toISOString(),
  };
}

function positionJson(m: FakeTigerMarket, a: FakeAccount, symbol: string, qty: number, avgCost: number): Record<string, unknown> {
  const o = parseOcc(symbol);
  const q = m.quote(symbol);
  const multiplier = o ? 100 : 1;
  return {
    account: a.account,
    symbol: o ? o.underlying : symbol,
    secType: o ? 'OPT' : 'STK',
    ...(o ? { expiry: o.expiry.replaceAll('-', ''), strike: String(o.strike), right: o.right === 'C' ? 'CALL' : 'PUT', identifier: toTigerIdentifier(symbol) } : {}),
    multiplier,
    market: 'US',
    currency: 'USD',
    position: qty,
    averageCost: avgCost,
    latestPrice: q?.last ?? avgCost,
    marketValue: round2(qty * (q?.last ?? avgCost) * multiplier),
    unrealizedPnl: round2(qty * ((q?.last ?? avgCost) - avgCost) * multiplier),
  };
}

function briefJson(symbol: string, q: FakeStockQuote): Record<string, unknown> {
  return {
    symbol,
    askPrice: q.ask,
    askSize: q.askSize,
    bidPrice: q.bid,
    bidSize: q.bidSize,
    preClose: q.prevClose,
    latestPrice: q.last,
    latestTime: q.ts,
    volume: q.volume,
    open: q.prevClose,
    high: Math.max(q.last, q.prevClose),
    low: Math.min(q.last, q.prevClose),
    status: 'NORMAL',
  };
}

function quotePush(symbol: string, q: FakeStockQuote): Record<string, unknown> {
  return {
    symbol,
    type: QuoteType.ALL,
    timestamp: q.ts,
    serverTimestamp: q.ts,
    latestPrice: q.last,
    latestPriceTimestamp: q.ts,
    preClose: q.prevClose,
    volume: q.volume,
    askPrice: q.ask,
    askSize: q.askSize,
    bidPrice: q.bid,
    bidSize: q.bidSize,
    marketStatus: 'Trading',
  };
}

function withoutGreeks(leg: Record<string, unknown>): Record<string, unknown> {
  const { impliedVol: _iv, delta: _d, gamma: _g, theta: _t, vega: _v, rho: _r, ...rest } = leg;
  return rest;
}

function symbolsOf(biz: Biz): string[] {
  const symbols = biz.symbols;
  if (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string')) throw new FakeTigerError(1010, 'biz param error: symbols is required');
  return symbols as string[];
}

function optionBasics(biz: Biz): Array<{ symbol: string; expiry: unknown; right: 'C' | 'P' | undefined; strike: number }> {
  const basics = biz.option_basic;
  if (!Array.isArray(basics) || basics.length === 0) throw new FakeTigerError(1010, 'biz param error: option_basic is required');
  return basics.map((b: Record<string, unknown>) => ({ symbol: String(b.symbol ?? ''), expiry: b.expiry, right: tigerRightToOption(b.right), strike: Number(b.strike) }));
}

function occOf(symbol: string, expiry: unknown, right: 'C' | 'P' | undefined, strike: number): string | undefined {
  const iso = tigerExpiryToIso(expiry);
  if (!iso || !right || !(strike > 0)) return undefined;
  return fromTigerIdentifier(`${symbol.padEnd(6, ' ')}${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${right}${String(Math.round(strike * 1000)).padStart(8, '0')}`);
}

function stockOrThrow(m: FakeTigerMarket, symbol: string): FakeStockQuote {
  const q = m.stocks.get(symbol);
  if (!q) throw new FakeTigerError(1000, `common param error: invalid symbols: ${symbol}`);
  return q;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
