// A broker account the engine trades and watches through a live connection (Futu OpenD, Tiger):
// its orders go through a LiveVenue (journal first, rate-limit queue, in-doubt orders never
// re-sent) with VenueSync reconciling the journal against the broker; its funds and positions are
// mirrored; quotes for every held symbol and its underlying stream in from the broker, with the
// implied volatility of option quotes solved here (the valuation prices options from it).
//
// The engine owns one of these while a connection is "used for trading" (brokers.use).
import type { Logger } from 'pino';
import type { BrokerState, Instrument, Quote } from '../../shared/domain.js';
import { parseOcc } from '../../shared/instruments.js';
import { FUTU_RATE_LIMITS } from '../brokers/futu/rate-limits.js';
import { TIGER_RATE_LIMITS, TIGER_RATE_WINDOW_MS } from '../brokers/tiger/rate-limits.js';
import type { BrokerConnection, VenueFunds, VenuePosition, VenueQuote } from '../brokers/venue.js';
import { journalHooks, LiveVenue } from '../oms/live-venue.js';
import type { OrderManager } from '../oms/oms.js';
import type { RateRule } from '../oms/rate-limiter.js';
import { VenueSync } from '../oms/venue-sync.js';
import { impliedVolatility } from '../pricing/implied-vol.js';
import { exerciseStyle } from '../pricing/index.js';
import type { Repository } from '../store/repository.js';
import type { VenueRepository } from '../store/venue-repository.js';

const YEAR_MS = 365 * 86_400_000;

export interface LiveAccountOptions {
  connectionId: string;
  /** The connection's name on the Brokers page, e.g. "Futu live". */
  label: string;
  connection: BrokerConnection;
  brokerAccountId: string;
  repo: Repository;
  venueRepo: VenueRepository;
  oms: OrderManager;
  log: Logger;
  now(): number;
  rate: number;
  /** The instant an option stops trading (for the implied volatility of its quotes). */
  expiryTs(instrument: Instrument): number;
  /** Instruments the engine knows (options keep their multiplier and style). */
  instrument(symbol: string): Instrument | undefined;
  riskEvent(severity: 'info' | 'warning' | 'critical', code: string, message: string, symbol: string | null): void;
  quotesChanged(quotes: Quote[]): void;
  /** Funds or positions were refreshed from the broker. */
  accountChanged(): void;
  /** A line was added to an order's journal (queued for the rate limit, sent, reply lost). */
  orderNoted(orderId: string): void;
  /** How often funds and positions are re-read (default 15 s; also after every fill). */
  refreshEveryMs?: number;
}

/** The per-account order-rate rules each venue publishes, enforced before an order leaves. */
export function venueRateRules(venue: BrokerConnection['venue']): { place?: RateRule; cancel?: RateRule } {
  if (venue === 'futu') {
    return {
      place: { max: FUTU_RATE_LIMITS.placeOrder.max, windowMs: FUTU_RATE_LIMITS.placeOrder.windowMs },
      cancel: { max: FUTU_RATE_LIMITS.modifyOrCancel.max, windowMs: FUTU_RATE_LIMITS.modifyOrCancel.windowMs },
    };
  }
  if (venue === 'tiger') {
    return {
      place: { max: TIGER_RATE_LIMITS.place_order!, windowMs: TIGER_RATE_WINDOW_MS },
      cancel: { max: TIGER_RATE_LIMITS.cancel_order!, windowMs: TIGER_RATE_WINDOW_MS },
    };
  }
  return {};
}

/** The instrument a broker symbol stands for: an OCC option, else a stock (ETFs are priced the same way). */
export function instrumentOf(symbol: string): Instrument {
  const occ = parseOcc(symbol);
  if (occ) {
    return { symbol, kind: 'OPTION', underlying: occ.underlying, multiplier: 100, right: occ.right, strike: occ.strike, expiry: occ.expiry, style: 'american' };
  }
  return { symbol, kind: 'STOCK', underlying: symbol, multiplier: 1 };
}

export class LiveAccount {
  readonly venueId: string;
  readonly venue: LiveVenue;
  readonly sync: VenueSync;
  /** The journal account of the mirrored broker account (REAL orders are booked under it). */
  readonly mirrorAccountId: string;
  /** DRY_RUN's paper ledger for this broker account, seeded from its positions and cash. */
  readonly paperAccountId: string;
  private readonly quotes = new Map<string, Quote>();
  private readonly subscribed = new Set<string>();
  private funds: VenueFunds | null = null;
  private positions: VenuePosition[] | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly options: LiveAccountOptions) {
    this.venueId = `${options.connectionId}:${options.brokerAccountId}`;
    this.mirrorAccountId = `live:${this.venueId}`;
    this.paperAccountId = `paper:${this.venueId}`;
    const { repo, venueRepo, now } = options;
    this.venue = new LiveVenue({
      id: this.venueId,
      name: options.label,
      connection: options.connection,
      accountId: options.brokerAccountId,
      limits: venueRateRules(options.connection.venue),
      hooks: journalHooks({
        venueId: this.venueId,
        repo,
        venueRepo,
        now,
        riskEvent: options.riskEvent,
        requestReconcile: () => void this.sync.request(),
        noted: (orderId) => options.orderNoted(orderId),
      }),
    });
    options.oms.attach(this.venue);
    this.sync = new VenueSync({
      venueId: this.venueId,
      name: options.label,
      accountId: options.brokerAccountId,
      connection: options.connection,
      venue: this.venue,
      oms: options.oms,
      venueRepo,
      now,
      riskEvent: options.riskEvent,
    });
    this.unsubscribe = options.connection.onEvent((event) => {
      if (this.closed) return;
      switch (event.type) {
        case 'quote':
          this.onQuote(event.quote);
          return;
        case 'fill':
        case 'order':
          if (event.accountId === options.brokerAccountId && (event.type === 'fill' || event.order.filledQty > 0)) this.requestRefresh();
          return;
        case 'resynced':
          this.requestRefresh();
          return;
        default:
          return;
      }
    });
  }

  /** Reads funds and positions, subscribes their quotes, takes a first snapshot and reconciles the journal. */
  async start(): Promise<void> {
    await this.refresh();
    void this.sync.request();
    this.refreshTimer = setInterval(() => this.requestRefresh(), this.options.refreshEveryMs ?? 15_000);
    this.refreshTimer.unref?.();
  }

  /** The latest quote from the broker, or undefined (never a simulated one). */
  quote(symbol: string): Quote | undefined {
    return this.quotes.get(symbol);
  }

  /** The broker's funds and positions as last read; null before the first read. */
  account(): { funds: VenueFunds; positions: VenuePosition[] } | null {
    return this.funds && this.positions ? { funds: this.funds, positions: this.positions } : null;
  }

  state(): BrokerState & { accountId: string; label: string } {
    const status = this.options.connection.status();
    return {
      id: this.venueId,
      name: this.options.label,
      kind: 'live',
      connection: status.state,
      realtimeQuotes: status.state === 'connected',
      accountId: this.options.brokerAccountId,
      label: this.options.label,
      ...(status.tradeLocked ? { tradeLocked: status.tradeLocked } : {}),
    };
  }

  /** Streams quotes for these symbols (and their underlyings) from now on; snapshots them once. */
  async watch(symbols: readonly string[]): Promise<void> {
    const wanted = new Set<string>();
    for (const symbol of symbols) {
      wanted.add(symbol);
      const occ = parseOcc(symbol);
      if (occ) wanted.add(occ.underlying);
    }
    const fresh = [...wanted].filter((s) => !this.subscribed.has(s));
    if (fresh.length === 0) return;
    // Underlyings first: an option's implied volatility needs its underlying's price.
    fresh.sort((a, b) => Number(parseOcc(a) !== null) - Number(parseOcc(b) !== null));
    for (const s of fresh) this.subscribed.add(s);
    try {
      await this.options.connection.subscribeQuotes(fresh);
      const snapshot = await this.options.connection.quoteSnapshot(fresh);
      snapshot.sort((a, b) => Number(parseOcc(a.symbol) !== null) - Number(parseOcc(b.symbol) !== null));
      for (const q of snapshot) this.onQuote(q);
    } catch (error) {
      for (const s of fresh) this.subscribed.delete(s);
      this.options.riskEvent('warning', 'QUOTES_UNAVAILABLE', `${this.options.label}: no quotes for ${fresh.join(', ')} (${(error as Error).message}). They count as stale until the broker sends them.`, null);
    }
  }

  /** Re-reads funds and positions now (one read at a time; requests during a read join one more). */
  requestRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh()
      .catch((error: unknown) => this.options.log.warn({ err: (error as Error).message, venue: this.venueId }, 'live account refresh failed'))
      .finally(() => {
        this.refreshing = null;
        if (this.refreshAgain && !this.closed) {
          this.refreshAgain = false;
          this.requestRefresh();
        }
      });
  }

  /** Resolves once no refresh is running or scheduled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  private async refresh(): Promise<void> {
    const { connection, brokerAccountId } = this.options;
    const [funds, positions] = await Promise.all([connection.funds(brokerAccountId), connection.positions(brokerAccountId)]);
    if (this.closed) return;
    this.funds = funds;
    this.positions = positions.filter((p) => p.qty !== 0);
    this.options.accountChanged();
    await this.watch(this.positions.map((p) => p.symbol));
  }

  private onQuote(q: VenueQuote): void {
    if (!(q.bid >= 0 && q.ask >= 0 && q.last >= 0) || !Number.isFinite(q.ts)) {
      this.options.log.warn({ symbol: q.symbol }, 'ignoring a malformed broker quote');
      return;
    }
    const quote: Quote = { symbol: q.symbol, bid: q.bid, ask: q.ask, last: q.last, bidSize: q.bidSize, askSize: q.askSize, prevClose: q.prevClose, ts: q.ts };
    const instrument = this.options.instrument(q.symbol) ?? (parseOcc(q.symbol) ? instrumentOf(q.symbol) : undefined);
    if (instrument?.kind === 'OPTION') {
      const iv = this.impliedVol(instrument, quote);
      if (iv !== undefined) quote.iv = iv;
      else {
        const previous = this.quotes.get(q.symbol)?.iv;
        if (previous !== undefined) quote.iv = previous;
      }
    }
    this.quotes.set(q.symbol, quote);
    this.options.quotesChanged([quote]);
  }

  /** Implied volatility of an option quote's mid (or last), from its underlying's broker price. */
  private impliedVol(instrument: Instrument, quote: Quote): number | undefined {
    const under = this.quotes.get(instrument.underlying);
    const spot = under ? (under.bid > 0 && under.ask > 0 ? (under.bid + under.ask) / 2 : under.last) : 0;
    const price = quote.bid > 0 && quote.ask > 0 ? (quote.bid + quote.ask) / 2 : quote.last;
    const t = (this.options.expiryTs(instrument) - this.options.now()) / YEAR_MS;
    if (!(spot > 0) || !(price > 0) || !(t > 0)) return undefined;
    const result = impliedVolatility({
      right: instrument.right!,
      price,
      spot,
      strike: instrument.strike!,
      t,
      r: this.options.rate,
      q: 0,
      style: exerciseStyle(instrument),
    });
    return result.ok ? result.iv : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.unsubscribe();
    this.venue.close();
  }
}
