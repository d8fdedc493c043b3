// Collects what changed and sends it to subscribers as one patch at most every `intervalMs`
// (20 per second by default), so a burst of ticks never floods a renderer. The live slices (mode,
// broker, clock) go out when they change and at least once a second. The clock and the timer are
// injectable (tests drive the flushes with ManualTime from ../timers.testing.ts).
import type { EquityPoint, Fill, Instrument, Order, Quote, RiskEvent, Ticket } from '../../shared/domain.js';
import type { StateStreamMessage } from '../../shared/api/contract.js';
import type { StatePatch } from '../../shared/api/state.js';
import type { CockpitState } from '../../shared/domain.js';
import { systemTimers, type IntervalTimers } from '../timers.js';

export type StateListener = (message: StateStreamMessage) => void;

export interface PublisherSource {
  snapshot(seq: number): CockpitState;
  /** Live slices recomputed on demand when flagged dirty. */
  valuationSlices(): Pick<StatePatch, 'account' | 'positions' | 'greeks' | 'risk'>;
  liveSlices(): Pick<StatePatch, 'mode' | 'broker' | 'clock'>;
}

export interface PublisherTiming {
  /** Wall clock for the once-a-second live slices (default Date.now). */
  now?: () => number;
  /** Runs the flush every interval (default setInterval, unref'd). */
  timers?: IntervalTimers;
}

/** The live slices go out at least this often, changed or not (the clock moves). */
export const LIVE_SLICES_EVERY_MS = 1_000;

export class StatePublisher {
  private seq = 0;
  private readonly listeners = new Set<StateListener>();
  private quotes = new Map<string, Quote>();
  private instruments = new Map<string, Instrument>();
  private tickets = new Map<string, Ticket>();
  private orders = new Map<string, Order>();
  private fills: Fill[] = [];
  private riskEvents: RiskEvent[] = [];
  private equity: EquityPoint[] = [];
  private valuationDirty = false;
  private liveDirty = false;
  private lastLiveAt = 0;
  private cancelTimer: (() => void) | undefined;
  private readonly now: () => number;
  private readonly timers: IntervalTimers;

  constructor(
    private readonly source: PublisherSource,
    private readonly intervalMs = 50,
    timing: PublisherTiming = {},
  ) {
    this.now = timing.now ?? Date.now;
    this.timers = timing.timers ?? systemTimers;
  }

  start(): void {
    this.cancelTimer ??= this.timers.every(this.intervalMs, () => this.flush(), { unref: true });
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  subscribe(listener: StateListener): () => void {
    this.flush(); // earlier subscribers get what is pending before the newcomer's snapshot
    this.listeners.add(listener);
    listener({ type: 'snapshot', state: this.source.snapshot(this.seq) });
    return () => this.listeners.delete(listener);
  }

  /** The whole state changed (another account is shown): every subscriber gets a fresh snapshot. */
  resync(): void {
    this.clear();
    this.seq += 1;
    for (const listener of [...this.listeners]) listener({ type: 'snapshot', state: this.source.snapshot(this.seq) });
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  quotesChanged(quotes: Iterable<Quote>): void {
    for (const q of quotes) this.quotes.set(q.symbol, q);
    this.valuationDirty = true;
  }

  instrumentAdded(instrument: Instrument): void {
    this.instruments.set(instrument.symbol, instrument);
  }

  ticketChanged(ticket: Ticket): void {
    this.tickets.set(ticket.id, ticket);
  }

  orderChanged(order: Order): void {
    this.orders.set(order.id, order);
  }

  fillBooked(fill: Fill): void {
    this.fills.push(fill);
    this.valuationDirty = true;
  }

  riskEvent(event: RiskEvent): void {
    this.riskEvents.push(event);
  }

  equityPoint(point: EquityPoint): void {
    this.equity.push(point);
  }

  /** Account, positions or Greeks need recomputing (cash moved, positions changed). */
  valuationChanged(): void {
    this.valuationDirty = true;
  }

  /** Limits or the trading state changed (goes out with the valuation slices). */
  riskChanged(): void {
    this.valuationDirty = true;
  }

  /** Mode, broker state or clock changed. */
  liveChanged(): void {
    this.liveDirty = true;
  }

  flush(): void {
    const now = this.now();
    const liveDue = this.liveDirty || now - this.lastLiveAt >= LIVE_SLICES_EVERY_MS;
    const hasData =
      this.valuationDirty ||
      this.quotes.size > 0 ||
      this.instruments.size > 0 ||
      this.tickets.size > 0 ||
      this.orders.size > 0 ||
      this.fills.length > 0 ||
      this.riskEvents.length > 0 ||
      this.equity.length > 0;
    if (!hasData && !liveDue) return;
    if (this.listeners.size === 0) {
      this.clear();
      return;
    }
    this.seq += 1;
    const patch: StatePatch = { seq: this.seq };
    if (liveDue) {
      Object.assign(patch, this.source.liveSlices());
      this.lastLiveAt = now;
    }
    if (this.valuationDirty) Object.assign(patch, this.source.valuationSlices());
    if (this.quotes.size) patch.quotes = Object.fromEntries(this.quotes);
    if (this.instruments.size) patch.instruments = Object.fromEntries(this.instruments);
    if (this.tickets.size) patch.tickets = [...this.tickets.values()];
    if (this.orders.size) patch.orders = [...this.orders.values()];
    if (this.fills.length) patch.fills = this.fills;
    if (this.riskEvents.length) patch.riskEvents = this.riskEvents;
    if (this.equity.length) patch.equity = this.equity;
    this.clear();
    const message: StateStreamMessage = { type: 'patch', patch };
    for (const listener of [...this.listeners]) listener(message);
  }

  private clear(): void {
    this.quotes = new Map();
    this.instruments = new Map();
    this.tickets = new Map();
    this.orders = new Map();
    this.fills = [];
    this.riskEvents = [];
    this.equity = [];
    this.valuationDirty = false;
    this.liveDirty = false;
  }
}
