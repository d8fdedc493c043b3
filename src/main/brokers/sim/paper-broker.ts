// The paper ledger as a venue (DRY_RUN, and the embedded simulated broker): market orders fill at
// the touch, limit orders when the touch crosses them, after a latency; commissions are charged.
import type { BrokerState, Fill, Instrument, Quote } from '../../../shared/domain.js';
import type { BrokerAdapter, BrokerEvent, BrokerOrderRequest } from '../types.js';
import { commissionFor, DEFAULT_COMMISSIONS, type CommissionSchedule, type Ledger } from './ledger.js';

export interface PaperBrokerOptions {
  ledger: Ledger;
  quote: (symbol: string) => Quote | undefined;
  instrument: (symbol: string) => Instrument | undefined;
  now: () => number;
  newId: () => string;
  latencyMs?: number;
  commissions?: CommissionSchedule;
}

interface WorkingOrder {
  request: BrokerOrderRequest;
  accepted: boolean;
}

export class PaperBroker implements BrokerAdapter {
  readonly id = 'sim';
  private readonly working = new Map<string, WorkingOrder>();
  private readonly listeners: ((event: BrokerEvent) => void)[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly latencyMs: number;
  private readonly commissions: CommissionSchedule;

  constructor(private readonly options: PaperBrokerOptions) {
    this.latencyMs = options.latencyMs ?? 120;
    this.commissions = options.commissions ?? DEFAULT_COMMISSIONS;
  }

  get ledger(): Ledger {
    return this.options.ledger;
  }

  state(): BrokerState {
    return { id: this.id, name: 'Simulated broker (paper)', kind: 'simulated', connection: 'connected', realtimeQuotes: false };
  }

  onEvent(listener: (event: BrokerEvent) => void): void {
    this.listeners.push(listener);
  }

  placeOrder(request: BrokerOrderRequest): void {
    this.working.set(request.orderId, { request, accepted: false });
    this.later(() => {
      const order = this.working.get(request.orderId);
      if (!order) return; // cancelled while in flight
      const instrument = this.options.instrument(request.symbol);
      if (!instrument) {
        this.working.delete(request.orderId);
        this.emit({ type: 'rejected', orderId: request.orderId, reason: `Unknown symbol ${request.symbol}.`, ts: this.options.now() });
        return;
      }
      order.accepted = true;
      this.emit({ type: 'accepted', orderId: request.orderId, ts: this.options.now() });
      this.tryFill(order, instrument);
    });
  }

  cancelOrder(orderId: string): boolean {
    if (!this.working.delete(orderId)) return false;
    this.emit({ type: 'cancelled', orderId, reason: 'Cancelled on request.', ts: this.options.now() });
    return true;
  }

  /** Re-examines working orders after quotes changed. */
  onQuotes(symbols: ReadonlySet<string>): void {
    for (const order of this.working.values()) {
      if (!order.accepted || !symbols.has(order.request.symbol)) continue;
      const instrument = this.options.instrument(order.request.symbol);
      if (instrument) this.tryFill(order, instrument);
    }
  }

  workingOrderIds(): string[] {
    return [...this.working.keys()];
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private tryFill(order: WorkingOrder, instrument: Instrument): void {
    const { request } = order;
    const quote = this.options.quote(request.symbol);
    if (!quote) return;
    const touch = request.side === 'BUY' ? quote.ask : quote.bid;
    if (!(touch > 0)) return; // no one to trade with on this side
    if (request.orderType === 'LIMIT') {
      const limit = request.limitPrice!;
      if (request.side === 'BUY' ? touch > limit : touch < limit) return;
    }
    const price = touch;
    const commission = commissionFor(this.commissions, instrument.kind === 'OPTION', request.qty, price, instrument.multiplier);
    const fill: Fill = {
      id: this.options.newId(),
      orderId: request.orderId,
      symbol: request.symbol,
      side: request.side,
      qty: request.qty,
      price,
      commission,
      ts: this.options.now(),
    };
    this.working.delete(request.orderId);
    this.emit({ type: 'fill', orderId: request.orderId, fill, filledQty: request.qty, avgFillPrice: price, complete: true });
  }

  private later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.latencyMs);
    this.timers.add(timer);
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
