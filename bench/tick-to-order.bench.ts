// Tick-to-order latency, through the fake Futu OpenD on loopback, along the real path:
//   the fake pushes a basic quote (3005) → FutuConnection decodes it → the book takes the quote and
//   is revalued → a strategy written against the project's Strategy API (onQuote / StrategyContext)
//   signals → the risk gate (risk/gate-context.ts gateOrder, the function engine.ts gate() calls:
//   inputs assembled, then risk/gate.ts evaluateOrder) → one of two order paths → the PlaceOrder
//   (2202) frame is written:
//     (a) direct:    gate → FutuConnection.placeOrder (the hot path a delegated strategy would use);
//     (b) journaled: LiveDesk.submit with the gate as its `check` → the OMS journals the ticket and
//                    the order in SQLite (WAL, synchronous=FULL: durable before a byte leaves) →
//                    LiveVenue (rate limiter) → FutuConnection.placeOrder.
// Two figures per tick, from process.hrtime.bigint() at fixed points (no sleeps):
//   in-process — from the 3005 frame fully read by the adapter to the 2202 frame written;
//   round trip — from the fake writing the 3005 push to the fake having read the 2202 frame.
// Futu's basic-quote push carries the last price only; bid and ask come with the order-book push
// (3013) the fake writes right after it. So the quote the strategy acts on moves `last` (the book's
// marks, mids, do not move), and the order-book push that follows moves the mids and reprices the
// AAPL options of the book — after the 2202 is written, but inside the round trip (both pushes
// arrive in one read). Both revaluations are printed.
// The floor row is the old adapter-only figure: the same strategy and placeOrder, no book, no gate.
// Ticks are paced one at a time: the next quote moves only after the previous order was closed
// (its IOC cancel push seen; on path (b), journaled), so each sample is one uncontended tick.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import demoPortfolio from '../resources/demo-portfolio.json' with { type: 'json' };
import type { Instrument, OrderIntent, Quote } from '../src/shared/domain.js';
import { occSymbol } from '../src/shared/instruments.js';
import { DEFAULT_RISK_LIMITS, type GateVerdict, type RiskLimits } from '../src/shared/risk.js';
import type { OrderClosed, OrderRequest, Strategy, StrategyContext, StrategyQuote } from '../src/main/backtest/strategy.js';
import { FutuConnection } from '../src/main/brokers/futu/connection.js';
import { FakeOpenD, SIMULATE_ACC_ID } from '../src/main/brokers/futu/fake/server.js';
import { PROTO } from '../src/main/brokers/futu/proto.js';
import { DEFAULT_COMMISSIONS } from '../src/main/brokers/sim/ledger.js';
import type { VenueQuote } from '../src/main/brokers/venue.js';
import { addDays, TradingCalendar } from '../src/main/marketdata/calendar.js';
import { DEFAULT_UNDERLYINGS } from '../src/main/marketdata/sim-config.js';
import { LiveDesk } from '../src/main/oms/live-desk.js';
import { expiryInstant, priceByStyle } from '../src/main/pricing/index.js';
import { ValuationCache, valueBook, type Valuation } from '../src/main/risk/exposure.js';
import { gateOrder } from '../src/main/risk/gate-context.js';
import { closeDatabase, openDatabase } from '../src/main/store/database.js';
import { RiskRepository } from '../src/main/store/risk-repository.js';
import { fmt, percentile } from './stats.js';

const GOAL_IN_PROCESS_P99_US = 100;
const GOAL_ROUND_TRIP_P99_US = 1_000;
/** Path (a) is cheap: many ticks. Path (b) fsyncs several times per tick: fewer, to keep the run under a minute. */
const PLAN = {
  floor: { warmup: 2_000, rounds: 3, ticksPerRound: 4_000 },
  direct: { warmup: 2_000, rounds: 5, ticksPerRound: 4_000 },
  journaled: { warmup: 300, rounds: 3, ticksPerRound: 1_000 },
} as const;
/** The desk's place-order limit for the bench (Futu's real one is 15 per 30 s: the bench would queue after 15 orders). */
const BENCH_PLACE_LIMIT = { max: 1_000_000, windowMs: 30_000 };
const SYMBOL = 'AAPL';
const ACCOUNT = SIMULATE_ACC_ID.toString();
const nowNs = () => process.hrtime.bigint();
const us = (from: bigint, to: bigint) => Number(to - from) / 1_000;

// ── the book the gate judges against ─────────────────────────────────────────────────────────
// The demo options book (resources/demo-portfolio.json) resolved as the engine seeds it, on the
// fake's prices where it quotes the underlying and the simulator's defaults elsewhere; options
// quoted at the model price ± 5 cents with the underlying's volatility as their implied vol.
const RATE = 0.04;

/**
 * Everything engine.ts gate() reads, without the engine: instruments, positions and cash, the
 * quote map, limits and the account's loss figures. `onQuote` takes a pushed quote and revalues
 * the book (incrementally, as the engine does on every tick); `gate` hands these facts to the
 * production gateOrder, which assembles the rest (unit Greeks, commission, book figures) and runs
 * evaluateOrder.
 */
class GateBook {
  readonly instruments = new Map<string, Instrument>();
  readonly positions: { symbol: string; qty: number; avgPrice: number }[] = [];
  readonly quotes = new Map<string, Quote>();
  readonly cash: number = demoPortfolio.cash;
  readonly calendar = new TradingCalendar();
  readonly cache = new ValuationCache();
  valuation!: Valuation;
  private readonly startOfDayNav: number;
  private highWaterNav: number;
  private readonly dividendYield = (u: string) => DEFAULT_UNDERLYINGS.find((s) => s.symbol === u)?.dividendYield ?? 0;
  private readonly expiryTs = (i: Instrument) => expiryInstant(i.expiry!, this.calendar);
  private readonly pricing = { rate: RATE, dividendYield: this.dividendYield, expiryTs: this.expiryTs };

  constructor(
    spotOf: (underlying: string) => number,
    readonly limits: RiskLimits,
  ) {
    const now = Date.now();
    const today = this.calendar.session(now).date;
    for (const spec of DEFAULT_UNDERLYINGS) {
      const spot = spotOf(spec.symbol);
      this.instruments.set(spec.symbol, { symbol: spec.symbol, kind: spec.kind, underlying: spec.symbol, multiplier: 1 });
      this.quotes.set(spec.symbol, { symbol: spec.symbol, bid: spot - 0.01, ask: spot + 0.01, last: spot, bidSize: 100, askSize: 100, prevClose: spot, ts: now });
    }
    for (const p of demoPortfolio.positions as { underlying: string; right?: 'C' | 'P'; dte?: number; moneyness?: number; qty: number; avgPriceFactor: number }[]) {
      const spot = spotOf(p.underlying);
      if (!p.right) {
        this.positions.push({ symbol: p.underlying, qty: p.qty, avgPrice: Math.round(spot * p.avgPriceFactor * 100) / 100 });
        continue;
      }
      const grid = spot >= 100 ? 5 : 1;
      const strike = Math.round((spot * (p.moneyness ?? 1)) / grid) * grid;
      const expiry = this.calendar.fridayExpiryOnOrAfter(addDays(today, p.dte ?? 30));
      const instrument: Instrument = { symbol: occSymbol(p.underlying, expiry, p.right, strike), kind: 'OPTION', underlying: p.underlying, multiplier: 100, right: p.right, strike, expiry, style: 'american' };
      this.instruments.set(instrument.symbol, instrument);
      const iv = DEFAULT_UNDERLYINGS.find((s) => s.symbol === p.underlying)!.vol;
      const years = Math.max(0, (this.expiryTs(instrument) - now) / (365 * 86_400_000));
      const price = priceByStyle(instrument, spot, iv, years, RATE, this.dividendYield(p.underlying)).price;
      this.quotes.set(instrument.symbol, { symbol: instrument.symbol, bid: Math.max(0.01, price - 0.05), ask: price + 0.05, last: price, bidSize: 10, askSize: 10, prevClose: price, ts: now, iv });
      this.positions.push({ symbol: instrument.symbol, qty: p.qty, avgPrice: Math.max(0.01, Math.round(price * p.avgPriceFactor * 100) / 100) });
    }
    this.revalue(now);
    this.startOfDayNav = this.valuation.nav;
    this.highWaterNav = this.valuation.nav;
  }

  /** A pushed quote: into the quote map, then the book revalued (only positions on that underlying are repriced). */
  onQuote(q: VenueQuote): void {
    this.quotes.set(q.symbol, { symbol: q.symbol, bid: q.bid, ask: q.ask, last: q.last, bidSize: q.bidSize, askSize: q.askSize, prevClose: q.prevClose, ts: q.ts });
    this.revalue(Date.now());
  }

  private revalue(now: number): void {
    this.valuation = valueBook(
      {
        positions: this.positions,
        instruments: this.instruments,
        quotes: this.quotes,
        cash: this.cash,
        now,
        rate: RATE,
        dividendYield: this.dividendYield,
        expiryTs: this.expiryTs,
        shortDatedDays: this.limits.shortDated.days,
        benchmark: this.limits.beta.benchmark,
      },
      this.cache,
    );
    if (this.valuation.nav > this.highWaterNav) this.highWaterNav = this.valuation.nav;
  }

  positionQty(symbol: string): number {
    return this.positions.find((p) => p.symbol === symbol)?.qty ?? 0;
  }

  /**
   * The gate's verdict on an intent: the facts engine.ts gate() gathers, here from this book, handed
   * to the production assembly and gate (risk/gate-context.ts gateOrder → evaluateOrder).
   */
  gate(intent: OrderIntent, ordersLastMinute: number, venueConnected: boolean): GateVerdict & { price: number | null } {
    const now = Date.now();
    const instrument = this.instruments.get(intent.symbol);
    const nav = this.valuation.nav;
    return gateOrder({
      intent,
      instrument,
      quote: this.quotes.get(intent.symbol),
      underlyingQuote: instrument ? this.quotes.get(instrument.underlying) : undefined,
      mode: 'REAL',
      venueConnected,
      // Pinned: the bench measures a trading-hours tick whatever the wall clock says.
      session: 'REGULAR',
      now,
      tradingState: 'ACTIVE',
      dailyLossPct: Math.max(0, (this.startOfDayNav - nav) / this.startOfDayNav),
      drawdownPct: Math.max(0, (this.highWaterNav - nav) / this.highWaterNav),
      valuation: this.valuation,
      cash: this.cash,
      positionQty: this.positionQty(intent.symbol),
      quotes: this.quotes,
      pricing: this.pricing,
      commissions: DEFAULT_COMMISSIONS,
      ordersLastMinute,
      limits: this.limits,
    });
  }
}

/**
 * The default limits, except the order-rate cap (10 per minute): the bench sends thousands of
 * orders a minute. The count is still computed on every order and handed to the gate.
 */
const BENCH_LIMITS: RiskLimits = { ...DEFAULT_RISK_LIMITS, account: { ...DEFAULT_RISK_LIMITS.account, maxOrdersPerMinute: Number.MAX_SAFE_INTEGER } };

// ── the strategy ─────────────────────────────────────────────────────────────────────────────
/**
 * Written against the one strategy API: on every quote whose last price moved, with no order
 * open in the symbol, bid 1 share at the bid. (The bench's context sends it IOC, so the fake
 * cancels it at once and the book stays the same from tick to tick.)
 */
class JoinTheBid implements Strategy {
  readonly name = 'join-the-bid';
  private lastSeen = Number.NaN;
  private readonly order: OrderRequest = { symbol: '', side: 'BUY', qty: 1, type: 'LIMIT', reason: 'last price moved' };
  closedUnsent = 0;

  onBar(): void {}

  onQuote(quote: StrategyQuote, ctx: StrategyContext): void {
    if (quote.last === this.lastSeen) return;
    this.lastSeen = quote.last;
    if (ctx.openOrders(quote.symbol) > 0 || !(quote.bid > 0)) return;
    this.order.symbol = quote.symbol;
    this.order.price = quote.bid;
    ctx.submit(this.order);
  }

  onOrderClosed(event: OrderClosed): void {
    if (event.orderId === null) this.closedUnsent++;
  }
}

// ── the measurement harness, shared by both paths ────────────────────────────────────────────
interface OrderPath {
  /** Sends a strategy's intent (after the gate); returns its id, or null when refused (reason given). */
  submit(intent: OrderIntent): { id: string } | { refused: string };
  /** True while the order the last submit returned is not closed. */
  open(): boolean;
  close(): void | Promise<void>;
}

interface PathContext {
  connection: FutuConnection;
  book: GateBook;
  /** Called by the path when the open order closed (the tick is over). */
  orderClosed: () => void;
  /** Time spent in the gate, and the verdict, reported by the path. */
  gateTimed: (spentUs: number, verdict: GateVerdict) => void;
}

interface PhaseResult {
  inProcessUs: number[];
  roundTripUs: number[];
  /** Per tick: time spent in the gate (assembly + evaluateOrder, every call in the tick). */
  gateUs: number[];
  /** Per tick: the path's submit, gate included, up to the 2202 frame written. */
  submitUs: number[];
  /** Per tick: the quote that made the strategy signal, into the book, and the book revalued (inside the in-process window). */
  revalueUs: number[];
  /** The other quote events (the order-book push that follows the 3005): revalued after the order left, inside the round trip. */
  revalueAfterUs: number[];
  rounds: { inProcessP99: number; roundTripP99: number }[];
  verdicts: Map<string, number>;
}

async function runPhase(
  plan: { warmup: number; rounds: number; ticksPerRound: number },
  /** false for the floor: the pushed quote goes straight to the strategy, no book is kept. */
  keepBook: boolean,
  makePath: (ctx: PathContext) => Promise<OrderPath>,
): Promise<PhaseResult> {
  let quoteReadAt = 0n;
  let pushWrittenAt = 0n;
  let recording = false;
  const result: PhaseResult = { inProcessUs: [], roundTripUs: [], gateUs: [], submitUs: [], revalueUs: [], revalueAfterUs: [], rounds: [], verdicts: new Map() };
  let gateThisTick = 0;

  const fake = new FakeOpenD({
    enforceRateLimits: false,
    recordRequests: false,
    probe: {
      pushWritten(protoId) {
        if (protoId === PROTO.QotUpdateBasicQot) pushWrittenAt = nowNs();
      },
      frameRead(protoId) {
        if (protoId !== PROTO.TrdPlaceOrder || pushWrittenAt === 0n) return;
        if (recording) result.roundTripUs.push(us(pushWrittenAt, nowNs()));
        pushWrittenAt = 0n;
      },
    },
  });
  const { port } = await fake.start();
  const connection = new FutuConnection({
    port,
    env: 'SIMULATE',
    clientId: 'deltadeck-bench',
    probe: {
      frameRead(protoId) {
        if (protoId === PROTO.QotUpdateBasicQot) quoteReadAt = nowNs();
      },
      frameWritten(protoId) {
        if (protoId !== PROTO.TrdPlaceOrder || quoteReadAt === 0n) return;
        if (recording) result.inProcessUs.push(us(quoteReadAt, nowNs()));
        quoteReadAt = 0n;
      },
    },
  });
  await connection.connect();

  const fakeSpot = (u: string) => fake.market.quote(u)?.last ?? DEFAULT_UNDERLYINGS.find((s) => s.symbol === u)!.price;
  const book = new GateBook(fakeSpot, BENCH_LIMITS);
  let tickDone: (() => void) | null = null;
  const path = await makePath({
    connection,
    book,
    orderClosed: () => tickDone?.(),
    gateTimed: (spent, verdict) => {
      gateThisTick += spent;
      if (recording) {
        const key = verdict.level === 'green' ? 'green' : `${verdict.level} (${verdict.checks.filter((c) => c.level !== 'green').map((c) => c.code).join(', ')})`;
        result.verdicts.set(key, (result.verdicts.get(key) ?? 0) + 1);
      }
    },
  });

  // The bench's StrategyContext: the strategy's requests become IOC order intents on the path.
  const strategy = new JoinTheBid();
  let failure: string | null = null;
  let submits = 0;
  const context: StrategyContext = {
    position: (symbol) => book.positionQty(symbol),
    openOrders: () => (path.open() ? 1 : 0),
    cash: () => book.cash,
    cancel: () => {},
    submit(request) {
      const intent: OrderIntent = { symbol: request.symbol, side: request.side, qty: request.qty, orderType: request.type, limitPrice: request.price, tif: 'IOC', outsideRth: false };
      gateThisTick = 0;
      submits++;
      const t0 = nowNs();
      const sent = path.submit(intent);
      const t1 = nowNs();
      if ('refused' in sent) {
        failure = sent.refused;
        strategy.onOrderClosed({ orderId: null, symbol: request.symbol, status: 'rejected', reason: sent.refused });
        tickDone?.();
        return null;
      }
      if (recording) {
        result.submitUs.push(us(t0, t1));
        result.gateUs.push(gateThisTick);
      }
      return sent.id;
    },
  };
  connection.onEvent((event) => {
    if (event.type !== 'quote' || event.quote.symbol !== SYMBOL) return;
    let revalued = 0;
    if (keepBook) {
      const t0 = nowNs();
      book.onQuote(event.quote);
      revalued = us(t0, nowNs());
    }
    const submitsBefore = submits;
    strategy.onQuote({ symbol: event.quote.symbol, time: event.quote.ts, bid: event.quote.bid, ask: event.quote.ask, last: event.quote.last }, context);
    if (recording && keepBook) (submits > submitsBefore ? result.revalueUs : result.revalueAfterUs).push(revalued);
  });
  await connection.subscribeQuotes([SYMBOL]);

  let price = fake.market.quote(SYMBOL)!.last;
  const base = price;
  const tick = async () => {
    const done = new Promise<void>((resolve) => (tickDone = resolve));
    // Always a new last price (so the strategy signals); wraps within 10 dollars.
    price = price >= base + 10 ? base : Math.round((price + 0.01) * 100) / 100;
    fake.setQuote(SYMBOL, { bid: price - 0.01, ask: price + 0.01, last: price });
    await done;
    if (failure) throw new Error(`the order was refused: ${failure}`);
  };

  for (let i = 0; i < plan.warmup; i++) await tick();
  recording = true;
  for (let round = 0; round < plan.rounds; round++) {
    const from = result.inProcessUs.length;
    const fromRt = result.roundTripUs.length;
    for (let i = 0; i < plan.ticksPerRound; i++) await tick();
    const ip = result.inProcessUs.slice(from).sort((a, b) => a - b);
    const rt = result.roundTripUs.slice(fromRt).sort((a, b) => a - b);
    result.rounds.push({ inProcessP99: percentile(ip, 99), roundTripP99: percentile(rt, 99) });
  }
  recording = false;
  await path.close();
  await connection.disconnect();
  await fake.stop();
  return result;
}

// ── the floor and path (a): [gate →] FutuConnection.placeOrder ───────────────────────────────
/** Sends straight to the connection; with `gated`, the gate judges first (the order rate counted in memory: no journal here). */
function directPath(gated: boolean) {
  return async ({ connection, book, orderClosed, gateTimed }: PathContext): Promise<OrderPath> => {
    let sequence = 0;
    let openClientId = '';
    // The orders of the last 60 s, for the gate's order-rate check (no journal on this path to count them in).
    const sentAt: number[] = [];
    let oldest = 0;
    connection.onEvent((event) => {
      if (event.type === 'order' && event.order.clientOrderId === openClientId && (event.order.status === 'cancelled' || event.order.status === 'filled' || event.order.status === 'rejected')) {
        openClientId = '';
        orderClosed();
      }
    });
    return {
      submit(intent) {
        const now = Date.now();
        while (oldest < sentAt.length && sentAt[oldest]! < now - 60_000) oldest++;
        if (gated) {
          const t0 = nowNs();
          const verdict = book.gate(intent, sentAt.length - oldest, connection.status().state === 'connected');
          gateTimed(us(t0, nowNs()), verdict);
          if (verdict.level === 'red') return { refused: verdict.checks.filter((c) => c.level === 'red').map((c) => c.message).join(' ') };
        }
        const clientOrderId = `bench-${++sequence}`;
        // Set before sending: the IOC cancel push can be handled before the placeOrder promise settles.
        openClientId = clientOrderId;
        sentAt.push(now);
        connection
          .placeOrder(ACCOUNT, { clientOrderId, symbol: intent.symbol, side: intent.side, qty: intent.qty, orderType: 'LIMIT', limitPrice: intent.limitPrice!, tif: 'IOC', outsideRth: false })
          .catch((error: unknown) => {
            console.error(error);
            process.exit(1);
          });
        return { id: clientOrderId };
      },
      open: () => openClientId !== '',
      close: () => {},
    };
  };
}
const floor = await runPhase(PLAN.floor, false, directPath(false));
const direct = await runPhase(PLAN.direct, true, directPath(true));

// ── path (b): gate → LiveDesk (journal, OMS) → LiveVenue → FutuConnection ───────────────────
const dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-bench-'));
const journal: { ticketInsertUs: number[]; approvalTxUs: number[]; ordersSinceUs: number[]; ordersInJournal: number } = {
  ticketInsertUs: [],
  approvalTxUs: [],
  ordersSinceUs: [],
  ordersInJournal: 0,
};
const journaled = await runPhase(PLAN.journaled, true, async ({ connection, book, orderClosed, gateTimed }) => {
  const db = openDatabase(join(dataDir, 'deltadeck.db'));
  const riskRepo = new RiskRepository(db);
  let openOrderId = '';
  const desk = new LiveDesk({
    db,
    journalAccountId: 'futu-sim',
    connection,
    brokerAccountId: ACCOUNT,
    venueId: 'futu:bench',
    name: 'Futu OpenD',
    limits: { place: BENCH_PLACE_LIMIT },
    // The gate, as the engine puts it in front of the OMS: called at ticket creation and again at approval.
    check: (intent) => {
      const t0 = nowNs();
      // As engine.ts gate(): the order rate is counted in the journal.
      const verdict = book.gate(intent, riskRepo.ordersSince(Date.now() - 60_000), connection.status().state === 'connected');
      gateTimed(us(t0, nowNs()), verdict);
      return { checks: verdict.checks, estNotional: verdict.estNotional, whatIf: verdict.whatIf, price: verdict.price };
    },
    orderChanged: (order) => {
      if (order.id === openOrderId && (order.status === 'cancelled' || order.status === 'filled' || order.status === 'rejected' || order.status === 'expired')) {
        openOrderId = '';
        orderClosed();
      }
    },
  });
  desk.ensureInstrument(book.instruments.get(SYMBOL)!);
  await desk.sync.request();
  return {
    submit(intent) {
      try {
        const { order } = desk.submit(intent, 'join-the-bid: last price moved');
        openOrderId = order.id;
        return { id: order.id };
      } catch (error) {
        return { refused: (error as Error).message };
      }
    },
    open: () => openOrderId !== '',
    close: () => {
      // What dominates (b): its two durable commits, timed alone on the same journal, with a
      // ticket and an order shaped like the bench's (a copy of the last one under new ids).
      const lastOrder = desk.repo.recentOrders(1)[0]!;
      const lastTicket = desk.repo.getTicket(lastOrder.ticketId!)!;
      for (let i = 0; i < 300; i++) {
        const ticket = { ...lastTicket, id: `TJ-${i}`, status: 'pending' as const, orderId: null };
        const order = { ...lastOrder, id: `OJ-${i}`, clientOrderId: `DDJ-${i}`, ticketId: ticket.id, status: 'submitted' as const };
        const t0 = nowNs();
        desk.repo.insertTicket(ticket);
        const t1 = nowNs();
        desk.repo.transaction(() => {
          desk.repo.insertOrder(order, 'futu-sim');
          desk.repo.appendOrderEvent(order.id, order.createdAt, null, 'pending_approval', `ticket ${ticket.id} (manual)`);
          desk.repo.appendOrderEvent(order.id, order.createdAt, 'pending_approval', 'approved', 'approved by user; verdict green');
          desk.repo.appendOrderEvent(order.id, order.createdAt, 'approved', 'submitted', `to futu:bench as ${order.clientOrderId}`);
          desk.repo.updateTicket({ ...ticket, status: 'approved', orderId: order.id });
        });
        const t2 = nowNs();
        const t3 = nowNs();
        riskRepo.ordersSince(Date.now() - 60_000);
        const t4 = nowNs();
        journal.ticketInsertUs.push(us(t0, t1));
        journal.approvalTxUs.push(us(t1, t2));
        journal.ordersSinceUs.push(us(t3, t4));
      }
      journal.ordersInJournal = riskRepo.ordersSince(0);
      desk.close();
      closeDatabase(db);
    },
  };
});
rmSync(dataDir, { recursive: true, force: true });

// ── report ───────────────────────────────────────────────────────────────────────────────────

const summarize = (samples: readonly number[]) => {
  const sorted = [...samples].sort((x, y) => x - y);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9), max: sorted.at(-1) ?? Number.NaN };
};
type Summary = ReturnType<typeof summarize>;
const met = (p99: number, goal: number) => (p99 <= goal ? 'met' : 'MISSED');
const minus = (xs: readonly number[], ys: readonly number[]) => xs.map((x, i) => x - ys[i]!);
const z = summarize(floor.inProcessUs);
const zRt = summarize(floor.roundTripUs);
const a = { inProcess: summarize(direct.inProcessUs), roundTrip: summarize(direct.roundTripUs), revalue: summarize(direct.revalueUs), revalueAfter: summarize(direct.revalueAfterUs), gate: summarize(direct.gateUs), send: summarize(minus(direct.submitUs, direct.gateUs)) };
const b = { inProcess: summarize(journaled.inProcessUs), roundTrip: summarize(journaled.roundTripUs), revalue: summarize(journaled.revalueUs), revalueAfter: summarize(journaled.revalueAfterUs), gate: summarize(journaled.gateUs), oms: summarize(minus(journaled.submitUs, journaled.gateUs)) };
const j = { ticketInsert: summarize(journal.ticketInsertUs), approvalTx: summarize(journal.approvalTxUs), ordersSince: summarize(journal.ordersSinceUs) };

const row = (name: string, sm: Summary, goal?: number) =>
  console.log(
    `${name.padEnd(48)}${String(sm.n).padStart(6)} ${fmt(sm.p50).padStart(9)} ${fmt(sm.p99).padStart(9)} ${fmt(sm.p999).padStart(9)} ${fmt(sm.max).padStart(10)}${goal === undefined ? '' : `   ≤ ${goal.toLocaleString('en-US')} µs: ${met(sm.p99, goal)}`}`,
  );
const plan = (p: { warmup: number; rounds: number; ticksPerRound: number }) => `${p.rounds}×${p.ticksPerRound} ticks after ${p.warmup} warm-up`;
const perRound = (r: PhaseResult) => `p99 per round, in-process ${r.rounds.map((x) => fmt(x.inProcessP99)).join(' / ')}; round trip ${r.rounds.map((x) => fmt(x.roundTripP99)).join(' / ')}`;
const verdicts = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ×${n}`).join('; ');
const load = loadavg().map((x) => x.toFixed(2)).join(' ');

console.log('\nTick-to-order latency through the fake Futu OpenD on loopback, µs (Node ' + process.version + `, load average ${load})`);
console.log('quote push (3005) → book revalued → strategy onQuote (join-the-bid, Strategy API) → risk gate → order path → PlaceOrder (2202)');
console.log('in-process: 3005 frame read → 2202 frame written · round trip: fake writes 3005 → fake reads 2202\n');
console.log(`${'µs'.padEnd(48)}${'n'.padStart(6)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'p99.9'.padStart(9)} ${'max'.padStart(10)}   goal (p99)`);
console.log(`floor: strategy → placeOrder, no book, no gate (${plan(PLAN.floor)})`);
row('  in-process', z, GOAL_IN_PROCESS_P99_US);
row('  round trip', zRt, GOAL_ROUND_TRIP_P99_US);
console.log(`(a) direct: gate → FutuConnection.placeOrder (${plan(PLAN.direct)})`);
row('  in-process', a.inProcess, GOAL_IN_PROCESS_P99_US);
row('  round trip', a.roundTrip, GOAL_ROUND_TRIP_P99_US);
row('  · quote into the book, book revalued', a.revalue);
row('  · risk gate: inputs + evaluateOrder (1 call)', a.gate);
row('  · placeOrder (encode, write)', a.send);
row('  after the 2202: order-book push, revalued', a.revalueAfter);
console.log(`(b) journaled: LiveDesk.submit → OMS journal → LiveVenue → FutuConnection (${plan(PLAN.journaled)})`);
row('  in-process', b.inProcess, GOAL_IN_PROCESS_P99_US);
row('  round trip', b.roundTrip, GOAL_ROUND_TRIP_P99_US);
row('  · quote into the book, book revalued', b.revalue);
row('  · risk gate ×2 (create + approve), DB count', b.gate);
row('  · OMS: ticket, journal commits, venue, send', b.oms);
row('  after the 2202: order-book push, revalued', b.revalueAfter);
console.log('journal alone, same database, 300 each');
row('  ticket insert (1 durable commit)', j.ticketInsert);
row('  approval transaction (1 durable commit)', j.approvalTx);
row(`  order-rate count (${journal.ordersInJournal.toLocaleString('en-US')} orders, indexed)`, j.ordersSince);

console.log(`\n${perRound(floor)} (floor)\n${perRound(direct)} (a)\n${perRound(journaled)} (b)`);
const parts = [
  ['the OMS (ticket, two durable journal commits, send)', b.oms.p50],
  ['the risk gate, run twice', b.gate.p50],
  ['the book revaluation', b.revalue.p50],
] as const;
const top = [...parts].sort((x, y) => y[1] - x[1]);
console.log(
  `\nratio (b)/(a) at p50: in-process ${fmt(b.inProcess.p50 / a.inProcess.p50, 1)}×, round trip ${fmt(b.roundTrip.p50 / a.roundTrip.p50, 1)}×.` +
    `\n(b) at p50 (${fmt(b.inProcess.p50)} µs in-process): ${top.map(([name, v]) => `${name} ${fmt(v)} µs (${fmt((100 * v) / b.inProcess.p50, 0)}%)`).join(', ')}.` +
    `\nThe two journal commits alone take ${fmt(j.ticketInsert.p50 + j.approvalTx.p50)} µs at p50 (fsync, synchronous=FULL); each gate call in (b) also counts the orders of the last minute in SQLite (${fmt(j.ordersSince.p50)} µs at p50).`,
);
console.log(`gate verdicts: (a) ${verdicts(direct.verdicts)}; (b) ${verdicts(journaled.verdicts)} — non-red is sent, as a delegated strategy would.`);
console.log(
  `bench settings: the desk's place limit is ${BENCH_PLACE_LIMIT.max.toLocaleString('en-US')} per ${BENCH_PLACE_LIMIT.windowMs / 1000} s ` +
    `(Futu's 15 per 30 s would queue the 16th order); the fake does not enforce Futu's limits; the gate's 10 orders/min cap is lifted (the count is still made and passed); the session is pinned to REGULAR; ` +
    `the engine would also journal each verdict as a risk event (not done here).`,
);

mkdirSync('bench/results', { recursive: true });
const goals = (inProcess: Summary, roundTrip: Summary) => ({
  inProcess: { ...inProcess, goalP99: GOAL_IN_PROCESS_P99_US, met: inProcess.p99 <= GOAL_IN_PROCESS_P99_US },
  roundTrip: { ...roundTrip, goalP99: GOAL_ROUND_TRIP_P99_US, met: roundTrip.p99 <= GOAL_ROUND_TRIP_P99_US },
});
writeFileSync(
  'bench/results/tick-to-order.json',
  JSON.stringify(
    {
      node: process.version,
      loadAverage: loadavg(),
      unit: 'µs',
      floor: { plan: PLAN.floor, ...goals(z, zRt), rounds: floor.rounds },
      direct: { plan: PLAN.direct, ...goals(a.inProcess, a.roundTrip), revalue: a.revalue, revalueAfterOrder: a.revalueAfter, gate: a.gate, send: a.send, rounds: direct.rounds, verdicts: Object.fromEntries(direct.verdicts) },
      journaled: { plan: PLAN.journaled, ...goals(b.inProcess, b.roundTrip), revalue: b.revalue, revalueAfterOrder: b.revalueAfter, gate: b.gate, oms: b.oms, rounds: journaled.rounds, verdicts: Object.fromEntries(journaled.verdicts) },
      journal: { ticketInsert: j.ticketInsert, approvalTransaction: j.approvalTx, orderRateCount: { ...j.ordersSince, ordersInJournal: journal.ordersInJournal } },
      ratioP50: { inProcess: b.inProcess.p50 / a.inProcess.p50, roundTrip: b.roundTrip.p50 / a.roundTrip.p50 },
      settings: { placeLimit: BENCH_PLACE_LIMIT, fakeEnforcesRateLimits: false, gateMaxOrdersPerMinute: 'lifted', session: 'REGULAR' },
    },
    null,
    2,
  ),
);
