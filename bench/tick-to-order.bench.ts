// Tick-to-order latency, through the fake Futu OpenD on loopback, along the real path:
//   the fake pushes a basic quote (3005) → FutuConnection decodes it → the book takes the quote and
//   is revalued → a strategy written against the project's Strategy API (onQuote / StrategyContext)
//   signals → the risk gate (risk/gate-context.ts gateOrder, the function engine.ts gate() calls:
//   inputs assembled, then risk/gate.ts evaluateOrder) → one of three order paths → the PlaceOrder
//   (2202) frame is written:
//     (a) direct:   gate → FutuConnection.placeOrder (no journal: the floor a journaled path is held to);
//     (b) policy:   LiveDesk.submitByPolicy with the gate as its `check` — an order approved by a
//                   policy (a delegated strategy, auto-hedge): the OMS runs the gate once and journals
//                   ticket, approval and `submitted` in ONE durable commit in SQLite (WAL,
//                   synchronous=FULL: durable before a byte leaves) → LiveVenue (rate limiter) →
//                   FutuConnection.placeOrder. Issue 12's goal: p99 ≤ 1 ms round trip on this path.
//     (c) reviewed: LiveDesk.submit — a trader's two-step review, run back to back: the ticket is
//                   committed, then the approval transaction (two durable commits, the gate twice);
//                   the path (b) was before issue 12, kept as the reference.
// The time spent in durable commits is measured on the production path itself: the desk's
// repository is instrumented (its transaction: from the end of the body to the return, i.e. the
// COMMIT and its fsync; a write outside a transaction: the whole autocommit).
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
// (its IOC cancel push seen; on paths (b) and (c), journaled), so each sample is one uncontended tick.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as perfConstants, performance, PerformanceObserver } from 'node:perf_hooks';
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
import { closeDatabase, openDatabase, type Db } from '../src/main/store/database.js';
import { RiskRepository } from '../src/main/store/risk-repository.js';
import { fmt, percentile } from './stats.js';

const GOAL_IN_PROCESS_P99_US = 100;
const GOAL_ROUND_TRIP_P99_US = 1_000;
/** Path (a) is cheap: many ticks. Paths (b) and (c) fsync on every tick: fewer, to keep the run around a minute. */
const PLAN = {
  floor: { warmup: 2_000, rounds: 3, ticksPerRound: 4_000 },
  direct: { warmup: 2_000, rounds: 5, ticksPerRound: 4_000 },
  /** Paths (b) and (c), round by round in turn. */
  journaled: { warmup: 300, rounds: 3, ticksPerRound: 1_000 },
} as const;
/** The approver of path (b)'s orders: the strategy, delegated (the journal reads "approved by policy join-the-bid"). */
const POLICY = 'policy:join-the-bid';
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
  /** Time spent in a durable commit during the path's submit, reported by the path. */
  commitTimed: (spentUs: number) => void;
}

interface PhaseResult {
  inProcessUs: number[];
  roundTripUs: number[];
  /** Per tick: time spent in the gate (assembly + evaluateOrder, every call in the tick). */
  gateUs: number[];
  /** Per tick: the path's submit, gate included, up to the 2202 frame written. */
  submitUs: number[];
  /** Per tick: time spent in durable commits inside the submit (journaled paths). */
  commitUs: number[];
  /** Per tick: the quote that made the strategy signal, into the book, and the book revalued (inside the in-process window). */
  revalueUs: number[];
  /** The other quote events (the order-book push that follows the 3005): revalued after the order left, inside the round trip. */
  revalueAfterUs: number[];
  /** The round trip outside the in-process window: 3005 written by the fake → read by the adapter, and 2202 written → read by the fake (loopback and event-loop waits, the order-book push handled in between). */
  quoteWaitUs: number[];
  orderWaitUs: number[];
  rounds: { inProcessP99: number; roundTripP99: number }[];
  /** The garbage collector's pauses while the phase was recording, in ms (young generation apart: they are what lands inside a tick). */
  gc: { scavengeMs: number[]; otherMs: number[] };
  verdicts: Map<string, number>;
}

/** Every GC pause of the run (start on performance.now()'s clock); each phase keeps those inside its recording window. */
const gcPauses: { start: number; ms: number; kind: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, ms: entry.duration, kind: ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0) });
});
gcObserver.observe({ entryTypes: ['gc'] });

async function runPhase(
  plan: { warmup: number; rounds: number; ticksPerRound: number },
  /** false for the floor: the pushed quote goes straight to the strategy, no book is kept. */
  keepBook: boolean,
  makePath: (ctx: PathContext) => Promise<OrderPath>,
): Promise<PhaseResult> {
  let quoteReadAt = 0n;
  let pushWrittenAt = 0n;
  let recording = false;
  const result: PhaseResult = { inProcessUs: [], roundTripUs: [], gateUs: [], submitUs: [], commitUs: [], revalueUs: [], revalueAfterUs: [], quoteWaitUs: [], orderWaitUs: [], rounds: [], verdicts: new Map(), gc: { scavengeMs: [], otherMs: [] } };
  let orderWrittenAt = 0n;
  let gateThisTick = 0;
  let commitThisTick = 0;

  const fake = new FakeOpenD({
    enforceRateLimits: false,
    recordRequests: false,
    probe: {
      pushWritten(protoId) {
        if (protoId === PROTO.QotUpdateBasicQot) pushWrittenAt = nowNs();
      },
      frameRead(protoId) {
        if (protoId !== PROTO.TrdPlaceOrder || pushWrittenAt === 0n) return;
        const readAt = nowNs();
        if (recording) {
          result.roundTripUs.push(us(pushWrittenAt, readAt));
          if (orderWrittenAt !== 0n) result.orderWaitUs.push(us(orderWrittenAt, readAt));
        }
        pushWrittenAt = 0n;
        orderWrittenAt = 0n;
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
        if (protoId !== PROTO.QotUpdateBasicQot) return;
        quoteReadAt = nowNs();
        if (recording && pushWrittenAt !== 0n) result.quoteWaitUs.push(us(pushWrittenAt, quoteReadAt));
      },
      frameWritten(protoId) {
        if (protoId !== PROTO.TrdPlaceOrder || quoteReadAt === 0n) return;
        orderWrittenAt = nowNs();
        if (recording) result.inProcessUs.push(us(quoteReadAt, orderWrittenAt));
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
    commitTimed: (spent) => {
      commitThisTick += spent;
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
      commitThisTick = 0;
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
        result.commitUs.push(commitThisTick);
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
  const recordedFrom = performance.now();
  for (let round = 0; round < plan.rounds; round++) {
    const from = result.inProcessUs.length;
    const fromRt = result.roundTripUs.length;
    for (let i = 0; i < plan.ticksPerRound; i++) await tick();
    const ip = result.inProcessUs.slice(from).sort((a, b) => a - b);
    const rt = result.roundTripUs.slice(fromRt).sort((a, b) => a - b);
    result.rounds.push({ inProcessP99: percentile(ip, 99), roundTripP99: percentile(rt, 99) });
  }
  recording = false;
  const recordedTo = performance.now();
  await path.close();
  await connection.disconnect();
  await fake.stop();
  await new Promise((resolve) => setTimeout(resolve, 20)); // the observer's last entries
  for (const pause of gcPauses) {
    if (pause.start < recordedFrom || pause.start > recordedTo) continue;
    (pause.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? result.gc.scavengeMs : result.gc.otherMs).push(pause.ms);
  }
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

// ── paths (b) and (c): gate → LiveDesk (OMS, journal) → LiveVenue → FutuConnection ────────────
const dataDir = mkdtempSync(join(tmpdir(), 'deltadeck-bench-'));
const orderRate: { countUs: number[]; ordersInJournal: number } = { countUs: [], ordersInJournal: 0 };

/**
 * Times the durable commits the desk makes while `during()` is true, on the production code: the
 * repository's transaction from the end of its body to its return (COMMIT, fsync), and a ticket
 * written outside a transaction (an autocommit: the write and its fsync).
 */
function timeCommits(desk: LiveDesk, db: Db, during: () => boolean, commitTimed: (spentUs: number) => void): void {
  const transaction = desk.repo.transaction.bind(desk.repo);
  desk.repo.transaction = <T>(fn: () => T): T => {
    if (!during()) return transaction(fn);
    let bodyDone = 0n;
    const value = transaction(() => {
      const v = fn();
      bodyDone = nowNs();
      return v;
    });
    commitTimed(us(bodyDone, nowNs()));
    return value;
  };
  const insertTicket = desk.repo.insertTicket.bind(desk.repo);
  desk.repo.insertTicket = (ticket) => {
    if (!during() || db.inTransaction) return insertTicket(ticket);
    const t0 = nowNs();
    insertTicket(ticket);
    commitTimed(us(t0, nowNs()));
  };
}

/** A LiveDesk on a fresh journal, the gate as its check; `send` is how the path hands it an intent. */
function journaledPath(name: string, send: (desk: LiveDesk, intent: OrderIntent) => { order: { id: string } }) {
  let rounds = 0;
  return async ({ connection, book, orderClosed, gateTimed, commitTimed }: PathContext): Promise<OrderPath> => {
    // A journal per round: each round's fake numbers its broker order ids from 1 again.
    const db = openDatabase(join(dataDir, `${name}-${++rounds}.db`));
    const riskRepo = new RiskRepository(db);
    let openOrderId = '';
    let submitting = false;
    const desk = new LiveDesk({
      db,
      journalAccountId: 'futu-sim',
      connection,
      brokerAccountId: ACCOUNT,
      venueId: 'futu:bench',
      name: 'Futu OpenD',
      limits: { place: BENCH_PLACE_LIMIT },
      // The gate, as the engine puts it in front of the OMS (the engine's check).
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
    timeCommits(desk, db, () => submitting, commitTimed);
    return {
      submit(intent) {
        submitting = true;
        try {
          const { order } = send(desk, intent);
          openOrderId = order.id;
          return { id: order.id };
        } catch (error) {
          return { refused: (error as Error).message };
        } finally {
          submitting = false;
        }
      },
      open: () => openOrderId !== '',
      close: () => {
        if (name === 'policy') {
          // Every gate call counts the orders of the last minute in SQLite: that count, alone, on this journal (the last round's).
          orderRate.countUs.length = 0;
          for (let i = 0; i < 300; i++) {
            const t0 = nowNs();
            riskRepo.ordersSince(Date.now() - 60_000);
            orderRate.countUs.push(us(t0, nowNs()));
          }
          orderRate.ordersInJournal = riskRepo.ordersSince(0);
        }
        desk.close();
        closeDatabase(db);
      },
    };
  };
}
/** Phase results merged round after round. */
function merge(into: PhaseResult, round: PhaseResult): void {
  for (const key of ['inProcessUs', 'roundTripUs', 'gateUs', 'submitUs', 'commitUs', 'revalueUs', 'revalueAfterUs', 'quoteWaitUs', 'orderWaitUs', 'rounds'] as const) {
    (into[key] as unknown[]).push(...round[key]);
  }
  for (const [k, n] of round.verdicts) into.verdicts.set(k, (into.verdicts.get(k) ?? 0) + n);
  into.gc.scavengeMs.push(...round.gc.scavengeMs);
  into.gc.otherMs.push(...round.gc.otherMs);
}
/**
 * (b) and (c) alternate round by round (each round its own warm-up, fake, connection and journal),
 * so what the disk and the machine do meanwhile falls on both alike.
 */
async function alternate(plan: { warmup: number; rounds: number; ticksPerRound: number }, paths: ((ctx: PathContext) => Promise<OrderPath>)[]): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    for (const [i, makePath] of paths.entries()) {
      const r = await runPhase({ ...plan, rounds: 1 }, true, makePath);
      if (results[i]) merge(results[i], r);
      else results[i] = r;
    }
  }
  return results;
}
const [policy, reviewed] = (await alternate(PLAN.journaled, [
  journaledPath('policy', (desk, intent) => desk.submitByPolicy(intent, POLICY, 'join-the-bid: last price moved')),
  journaledPath('reviewed', (desk, intent) => desk.submit(intent, 'join-the-bid: last price moved')),
])) as [PhaseResult, PhaseResult];
rmSync(dataDir, { recursive: true, force: true });
gcObserver.disconnect();

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
const a = { inProcess: summarize(direct.inProcessUs), roundTrip: summarize(direct.roundTripUs), revalue: summarize(direct.revalueUs), revalueAfter: summarize(direct.revalueAfterUs), gate: summarize(direct.gateUs), send: summarize(minus(direct.submitUs, direct.gateUs)), quoteWait: summarize(direct.quoteWaitUs), orderWait: summarize(direct.orderWaitUs) };
const journaledSummary = (r: PhaseResult) => ({
  inProcess: summarize(r.inProcessUs),
  roundTrip: summarize(r.roundTripUs),
  revalue: summarize(r.revalueUs),
  revalueAfter: summarize(r.revalueAfterUs),
  quoteWait: summarize(r.quoteWaitUs),
  orderWait: summarize(r.orderWaitUs),
  gate: summarize(r.gateUs),
  oms: summarize(minus(r.submitUs, r.gateUs)),
  commit: summarize(r.commitUs),
  // The OMS's own work besides the commits: building the ticket and order, the journal's statements, LiveVenue, the send.
  omsBesidesCommit: summarize(minus(minus(r.submitUs, r.gateUs), r.commitUs)),
});
const b = journaledSummary(policy);
const c = journaledSummary(reviewed);
const rate = summarize(orderRate.countUs);

const row = (name: string, sm: Summary, goal?: number) =>
  console.log(
    `${name.padEnd(48)}${String(sm.n).padStart(6)} ${fmt(sm.p50).padStart(9)} ${fmt(sm.p99).padStart(9)} ${fmt(sm.p999).padStart(9)} ${fmt(sm.max).padStart(10)}${goal === undefined ? '' : `   ≤ ${goal.toLocaleString('en-US')} µs: ${met(sm.p99, goal)}`}`,
  );
const plan = (p: { warmup: number; rounds: number; ticksPerRound: number }) => `${p.rounds}×${p.ticksPerRound} ticks after ${p.warmup} warm-up`;
const perRound = (r: PhaseResult) => `p99 per round, in-process ${r.rounds.map((x) => fmt(x.inProcessP99)).join(' / ')}; round trip ${r.rounds.map((x) => fmt(x.roundTripP99)).join(' / ')}`;
const verdicts = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ×${n}`).join('; ');
const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 0)}%`;
const gcLine = (r: PhaseResult) => {
  const young = [...r.gc.scavengeMs].sort((x, y) => x - y);
  const other = [...r.gc.otherMs].sort((x, y) => x - y);
  const ticks = r.inProcessUs.length;
  return `${young.length} young-generation GC pauses in ${ticks.toLocaleString('en-US')} ticks (1 per ${fmt(ticks / Math.max(1, young.length), 0)}; p50 ${fmt(percentile(young, 50), 2)} ms, max ${fmt(young.at(-1) ?? Number.NaN, 2)} ms), ${other.length} other (max ${fmt(other.at(-1) ?? 0, 2)} ms)`;
};
const load = loadavg().map((x) => x.toFixed(2)).join(' ');

console.log('\nTick-to-order latency through the fake Futu OpenD on loopback, µs (Node ' + process.version + `, load average ${load})`);
console.log('quote push (3005) → book revalued → strategy onQuote (join-the-bid, Strategy API) → risk gate → order path → PlaceOrder (2202)');
console.log('in-process: 3005 frame read → 2202 frame written · round trip: fake writes 3005 → fake reads 2202\n');
console.log(`${'µs'.padEnd(48)}${'n'.padStart(6)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'p99.9'.padStart(9)} ${'max'.padStart(10)}   goal (p99)`);
console.log(`floor: strategy → placeOrder, no book, no gate (${plan(PLAN.floor)})`);
row('  in-process', z, GOAL_IN_PROCESS_P99_US);
row('  round trip', zRt, GOAL_ROUND_TRIP_P99_US);
console.log(`(a) direct: gate → FutuConnection.placeOrder, no journal (${plan(PLAN.direct)})`);
row('  in-process', a.inProcess, GOAL_IN_PROCESS_P99_US);
row('  round trip', a.roundTrip, GOAL_ROUND_TRIP_P99_US);
row('  · quote into the book, book revalued', a.revalue);
row('  · risk gate: inputs + evaluateOrder (1 call)', a.gate);
row('  · placeOrder (encode, write)', a.send);
row('  after the 2202: order-book push, revalued', a.revalueAfter);
row('  round trip outside: 3005 written → read', a.quoteWait);
row('  round trip outside: 2202 written → read', a.orderWait);
console.log(`(b) policy-approved: LiveDesk.submitByPolicy → OMS, 1 durable commit → LiveVenue → FutuConnection (${plan(PLAN.journaled)} each, alternating with (c))`);
row('  in-process', b.inProcess, GOAL_IN_PROCESS_P99_US);
row('  round trip', b.roundTrip, GOAL_ROUND_TRIP_P99_US);
row('  · quote into the book, book revalued', b.revalue);
row('  · risk gate ×1 (inside the commit), DB count', b.gate);
row('  · OMS: journal, commit, venue, send', b.oms);
row('    · the durable commit (COMMIT + fsync) ×1', b.commit);
row('    · the rest: statements, LiveVenue, send', b.omsBesidesCommit);
row('  after the 2202: order-book push, revalued', b.revalueAfter);
row('  round trip outside: 3005 written → read', b.quoteWait);
row('  round trip outside: 2202 written → read', b.orderWait);
console.log(`(c) reviewed, two steps back to back: LiveDesk.submit → ticket commit, approval commit → LiveVenue → FutuConnection (the same, alternating with (b))`);
row('  in-process', c.inProcess, GOAL_IN_PROCESS_P99_US);
row('  round trip', c.roundTrip, GOAL_ROUND_TRIP_P99_US);
row('  · quote into the book, book revalued', c.revalue);
row('  · risk gate ×2 (create + approve), DB count', c.gate);
row('  · OMS: ticket, journal, commits, venue, send', c.oms);
row('    · the durable commits ×2 (ticket, approval)', c.commit);
row('    · the rest: statements, LiveVenue, send', c.omsBesidesCommit);
row('  after the 2202: order-book push, revalued', c.revalueAfter);
row('  round trip outside: 3005 written → read', c.quoteWait);
row('  round trip outside: 2202 written → read', c.orderWait);
row(`order-rate count alone (${orderRate.ordersInJournal.toLocaleString('en-US')} orders, indexed), 300×`, rate);

console.log(`\n${perRound(floor)} (floor)\n${perRound(direct)} (a)\n${perRound(policy)} (b)\n${perRound(reviewed)} (c)`);
console.log(`GC while recording: (a) ${gcLine(direct)}; (b) ${gcLine(policy)}; (c) ${gcLine(reviewed)}.`);
const goalMet = b.roundTrip.p99 <= GOAL_ROUND_TRIP_P99_US;
console.log(
  `\nGoal (issue 12): the policy-approved journaled path (b) at p99 ≤ ${GOAL_ROUND_TRIP_P99_US.toLocaleString('en-US')} µs round trip: ${goalMet ? 'MET' : 'NOT MET'} — ` +
    `p99 ${fmt(b.roundTrip.p99)} µs round trip (p50 ${fmt(b.roundTrip.p50)}); in-process p50 ${fmt(b.inProcess.p50)} / p99 ${fmt(b.inProcess.p99)} µs.` +
    `\n(b)'s one durable commit takes ${fmt(b.commit.p50)} µs at p50 and ${fmt(b.commit.p99)} µs at p99: ${pct(b.commit.p50, b.inProcess.p50)} of the in-process time at p50 ` +
    `(${pct(b.commit.p99, b.inProcess.p99)} of it at p99). The rest at p50: the gate ${fmt(b.gate.p50)} µs (${pct(b.gate.p50, b.inProcess.p50)}), ` +
    `the OMS besides the commit ${fmt(b.omsBesidesCommit.p50)} µs (${pct(b.omsBesidesCommit.p50, b.inProcess.p50)}), the revaluation ${fmt(b.revalue.p50)} µs (${pct(b.revalue.p50, b.inProcess.p50)}).` +
    `\nOutside the in-process window, (b)'s round trip adds 3005 written → read ${fmt(b.quoteWait.p50)} / ${fmt(b.quoteWait.p99)} µs and 2202 written → read ${fmt(b.orderWait.p50)} / ${fmt(b.orderWait.p99)} µs (p50 / p99; ` +
    `the order-book push is revalued in between, and the GC's young-generation pauses, above, land there as often as inside).` +
    `\nOne commit instead of two: (b) against (c), in-process p50 ${fmt(b.inProcess.p50)} vs ${fmt(c.inProcess.p50)} µs, p99 ${fmt(b.inProcess.p99)} vs ${fmt(c.inProcess.p99)} µs; ` +
    `round trip p99 ${fmt(b.roundTrip.p99)} vs ${fmt(c.roundTrip.p99)} µs; time in commits p50 ${fmt(b.commit.p50)} vs ${fmt(c.commit.p50)} µs (${pct(c.commit.p50, c.inProcess.p50)} of (c) at p50).` +
    `\nratio to (a), no journal, at p50: (b) in-process ${fmt(b.inProcess.p50 / a.inProcess.p50, 1)}×, round trip ${fmt(b.roundTrip.p50 / a.roundTrip.p50, 1)}×; (c) ${fmt(c.inProcess.p50 / a.inProcess.p50, 1)}×, ${fmt(c.roundTrip.p50 / a.roundTrip.p50, 1)}×.`,
);
console.log(`gate verdicts: (a) ${verdicts(direct.verdicts)}; (b) ${verdicts(policy.verdicts)}; (c) ${verdicts(reviewed.verdicts)} — non-red is sent, as a delegated strategy would.`);
console.log(
  `bench settings: the desk's place limit is ${BENCH_PLACE_LIMIT.max.toLocaleString('en-US')} per ${BENCH_PLACE_LIMIT.windowMs / 1000} s ` +
    `(Futu's 15 per 30 s would queue the 16th order); the fake does not enforce Futu's limits; the gate's 10 orders/min cap is lifted (the count is still made and passed); the session is pinned to REGULAR; ` +
    `the engine also journals each verdict as a risk event (not done here: on path (b) that write joins the one commit, on (c) it is a commit per gate call); the journal is in ${tmpdir()}.`,
);

mkdirSync('bench/results', { recursive: true });
const goals = (inProcess: Summary, roundTrip: Summary) => ({
  inProcess: { ...inProcess, goalP99: GOAL_IN_PROCESS_P99_US, met: inProcess.p99 <= GOAL_IN_PROCESS_P99_US },
  roundTrip: { ...roundTrip, goalP99: GOAL_ROUND_TRIP_P99_US, met: roundTrip.p99 <= GOAL_ROUND_TRIP_P99_US },
});
const journaledJson = (p: (typeof PLAN)['journaled'], x: typeof b, r: PhaseResult) => ({
  plan: p,
  ...goals(x.inProcess, x.roundTrip),
  revalue: x.revalue,
  revalueAfterOrder: x.revalueAfter,
  quoteWait: x.quoteWait,
  orderWait: x.orderWait,
  gate: x.gate,
  oms: x.oms,
  durableCommits: x.commit,
  omsBesidesCommits: x.omsBesidesCommit,
  commitShareOfInProcessP50: x.commit.p50 / x.inProcess.p50,
  rounds: r.rounds,
  verdicts: Object.fromEntries(r.verdicts),
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
      policy: { approvedBy: POLICY, durableCommitsPerOrder: 1, ...journaledJson(PLAN.journaled, b, policy) },
      reviewed: { approvedBy: 'user', durableCommitsPerOrder: 2, ...journaledJson(PLAN.journaled, c, reviewed) },
      orderRateCount: { ...rate, ordersInJournal: orderRate.ordersInJournal },
      goal: { path: 'policy', roundTripP99: GOAL_ROUND_TRIP_P99_US, met: goalMet },
      ratioP50: { policy: { inProcess: b.inProcess.p50 / a.inProcess.p50, roundTrip: b.roundTrip.p50 / a.roundTrip.p50 }, reviewed: { inProcess: c.inProcess.p50 / a.inProcess.p50, roundTrip: c.roundTrip.p50 / a.roundTrip.p50 } },
      settings: { placeLimit: BENCH_PLACE_LIMIT, fakeEnforcesRateLimits: false, gateMaxOrdersPerMinute: 'lifted', session: 'REGULAR' },
    },
    null,
    2,
  ),
);
