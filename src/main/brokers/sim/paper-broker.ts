// The paper ledger as a venue (DRY_RUN, and the embedded simulated broker). Orders are accepted
// after a latency and matched on every quote by the rules in matching.ts: market, limit, stop and
// stop-limit; DAY / GTC / IOC; partial fills by displayed size; a slippage model; market rules
// (lots, T+1, price bands, suspensions); commissions per the schedule.
import type { BrokerState, Fill, Instrument, Quote, SessionState } from '../../../shared/domain.js';
import type { BrokerAdapter, BrokerEvent, BrokerOrderRequest, OrderChange } from '../types.js';
import { commissionFor, DEFAULT_COMMISSIONS, type CommissionSchedule, type Ledger } from './ledger.js';
import { match, rejectReason, US_RULES, type MarketRules, type PaperOrder, type SlippageModel } from './matching.js';

export interface PaperBrokerOptions {
  ledger: Ledger;
  quote: (symbol: string) => Quote | undefined;
  instrument: (symbol: string) => Instrument | undefined;
  now: () => number;
  newId: () => string;
  latencyMs?: number;
  commissions?: CommissionSchedule;
  /** The trading session now (default: always REGULAR). */
  session?: () => SessionState;
  /** Market rules per symbol (default: US — no lots, bands or T+1). */
  rules?: (symbol: string) => MarketRules;
  /** Market-order slippage beyond the touch (default none: fills at the touch). */
  slippage?: SlippageModel;
}

interface WorkingOrder {
  request: BrokerOrderRequest;
  accepted: boolean;
  order: PaperOrder;
  /** Σ qty × price of the fills so far, for the average. */
  notional: number;
  /** A DAY order placed after the close belongs to the next session: it survives this roll. */
  forNextSession: boolean;
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

  /** Fills book into another ledger from now on (the engine changed the paper account; its working orders were cancelled first). */
  useLedger(ledger: Ledger): void {
    if (this.working.size > 0) throw new Error('the paper broker still holds working orders; cancel them before changing its ledger');
    this.options.ledger = ledger;
  }

  state(): BrokerState {
    return { id: this.id, name: 'Simulated broker (paper)', kind: 'simulated', connection: 'connected', realtimeQuotes: false };
  }

  onEvent(listener: (event: BrokerEvent) => void): void {
    this.listeners.push(listener);
  }

  placeOrder(request: BrokerOrderRequest): void {
    const order: PaperOrder = {
      id: request.orderId,
      symbol: request.symbol,
      side: request.side,
      qty: request.qty,
      filledQty: 0,
      orderType: request.orderType,
      limitPrice: request.limitPrice,
      stopPrice: request.stopPrice ?? null,
      tif: request.tif ?? 'DAY',
      outsideRth: request.outsideRth ?? false,
      triggered: false,
    };
    const forNextSession = (this.options.session?.() ?? 'REGULAR') === 'CLOSED';
    this.working.set(request.orderId, { request, accepted: false, order, notional: 0, forNextSession });
    this.later(() => {
      const working = this.working.get(request.orderId);
      if (!working) return; // cancelled while in flight
      const instrument = this.options.instrument(request.symbol);
      const reason = instrument
        ? rejectReason(order, this.rules(request.symbol), this.options.ledger.position(request.symbol).qty)
        : `Unknown symbol ${request.symbol}.`;
      if (!instrument || reason) {
        this.working.delete(request.orderId);
        this.emit({ type: 'rejected', orderId: request.orderId, reason: reason!, ts: this.options.now() });
        return;
      }
      working.accepted = true;
      this.emit({ type: 'accepted', orderId: request.orderId, ts: this.options.now() });
      this.tryFill(working, instrument);
    });
  }

  /**
   * Takes back an order the paper ledger held when the engine stopped, as a broker keeps its working
   * orders over a restart: accepted, with what it had filled, matched again from the next quote.
   */
  restoreOrder(request: BrokerOrderRequest, filled: { qty: number; avgPrice: number | null }): void {
    const order: PaperOrder = {
      id: request.orderId,
      symbol: request.symbol,
      side: request.side,
      qty: request.qty,
      filledQty: filled.qty,
      orderType: request.orderType,
      limitPrice: request.limitPrice,
      stopPrice: request.stopPrice ?? null,
      tif: request.tif ?? 'DAY',
      outsideRth: request.outsideRth ?? false,
      // A stop that has filled had triggered; one that triggered without a fill triggers again on its condition.
      triggered: filled.qty > 0,
    };
    this.working.set(request.orderId, { request, accepted: true, order, notional: filled.qty * (filled.avgPrice ?? 0), forNextSession: false });
  }

  /**
   * The session ended: DAY orders expire (cancelled with a reason), GTC orders stay, and DAY
   * orders placed after the close wait for the next session (they expire at its end).
   */
  endSession(): void {
    for (const [id, working] of [...this.working]) {
      if (working.order.tif !== 'DAY') continue;
      if (working.forNextSession) {
        working.forNextSession = false;
        continue;
      }
      this.working.delete(id);
      this.emit({ type: 'cancelled', orderId: id, reason: 'DAY order expired at the end of the session.', ts: this.options.now() });
    }
  }

  private rules(symbol: string): MarketRules {
    return this.options.rules?.(symbol) ?? US_RULES;
  }

  cancelOrder(orderId: string): boolean {
    if (!this.working.delete(orderId)) return false;
    this.emit({ type: 'cancelled', orderId, reason: 'Cancelled on request.', ts: this.options.now() });
    return true;
  }

  /**
   * Changes a working order's quantity, limit or stop, then matches it again at once on the
   * current quote (a new limit may now cross). Refused — the order keeps its old terms — when the
   * quantity is not above what has already filled, a price does not belong to the order type, a
   * triggered stop would be moved, or the market's rules refuse the new terms.
   */
  modifyOrder(orderId: string, change: OrderChange): boolean {
    const working = this.working.get(orderId);
    if (!working) return false;
    const { order } = working;
    const refuse = (reason: string) => {
      this.emit({ type: 'modifyRejected', orderId, reason, ts: this.options.now() });
      return true;
    };
    const hasLimit = order.orderType === 'LIMIT' || order.orderType === 'STOP_LIMIT';
    const hasStop = order.orderType === 'STOP' || order.orderType === 'STOP_LIMIT';
    const positive = (x: number | undefined) => x === undefined || (Number.isFinite(x) && x > 0);
    if (change.qty === undefined && change.limitPrice === undefined && change.stopPrice === undefined) return refuse('Nothing to change.');
    if (change.qty !== undefined && !(Number.isInteger(change.qty) && change.qty > 0)) return refuse(`Quantity ${change.qty} is not a positive whole number.`);
    if (!positive(change.limitPrice) || !positive(change.stopPrice)) return refuse('Prices must be positive numbers.');
    if (change.qty !== undefined && change.qty <= order.filledQty) {
      return refuse(`Quantity ${change.qty} is not above the ${order.filledQty} already filled; cancel the rest instead.`);
    }
    if (change.limitPrice !== undefined && !hasLimit) return refuse(`A ${order.orderType.toLowerCase().replace('_', '-')} order has no limit price to change.`);
    if (change.stopPrice !== undefined && !hasStop) return refuse(`A ${order.orderType.toLowerCase().replace('_', '-')} order has no stop price to change.`);
    if (change.stopPrice !== undefined && order.triggered) return refuse('The stop has already triggered; only the limit and quantity can change now.');
    const next = {
      ...order,
      qty: change.qty ?? order.qty,
      limitPrice: change.limitPrice ?? order.limitPrice,
      stopPrice: change.stopPrice ?? order.stopPrice,
    };
    const reason = rejectReason(next, this.rules(order.symbol), this.options.ledger.position(order.symbol).qty);
    if (reason) return refuse(reason);
    order.qty = next.qty;
    order.limitPrice = next.limitPrice;
    order.stopPrice = next.stopPrice;
    working.request = { ...working.request, qty: order.qty, limitPrice: order.limitPrice, stopPrice: order.stopPrice };
    this.emit({ type: 'modified', orderId, qty: order.qty, limitPrice: order.limitPrice, stopPrice: order.stopPrice, ts: this.options.now() });
    if (working.accepted) {
      const instrument = this.options.instrument(order.symbol);
      if (instrument) this.tryFill(working, instrument);
    }
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

  private tryFill(working: WorkingOrder, instrument: Instrument): void {
    const { request, order } = working;
    const session = this.options.session?.() ?? 'REGULAR';
    const result = match(order, this.options.quote(request.symbol), session, this.rules(request.symbol), this.options.slippage ?? { spreadFractionPerSize: 0, fixedPct: 0 });
    order.triggered = result.triggered;
    if (result.kind === 'cancel') {
      this.working.delete(request.orderId);
      this.emit({ type: 'cancelled', orderId: request.orderId, reason: result.reason, ts: this.options.now() });
      return;
    }
    if (result.kind !== 'fill') return;
    const commission = commissionFor(this.commissions, instrument.kind === 'OPTION', result.qty, result.price, instrument.multiplier);
    const fill: Fill = {
      id: this.options.newId(),
      orderId: request.orderId,
      symbol: request.symbol,
      side: request.side,
      qty: result.qty,
      price: result.price,
      commission,
      ts: this.options.now(),
    };
    order.filledQty += result.qty;
    working.notional += result.qty * result.price;
    const complete = order.filledQty >= order.qty;
    if (complete || result.cancelRest) this.working.delete(request.orderId);
    const avgFillPrice = Math.round((working.notional / order.filledQty) * 10_000) / 10_000;
    this.emit({ type: 'fill', orderId: request.orderId, fill, filledQty: order.filledQty, avgFillPrice, complete });
    if (result.cancelRest) this.emit({ type: 'cancelled', orderId: request.orderId, reason: result.cancelRest, ts: this.options.now() });
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
