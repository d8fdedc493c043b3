// LiveVenue: a live broker connection (Futu OpenD, Tiger) as an OMS venue. The OMS journals an
// order as submitted before it calls placeOrder; from there this class
//   - enforces the broker's rate limit before anything leaves — an order over the limit waits in a
//     visible queue (and is journaled as waiting), it is never dropped;
//   - sends it with its client order id, records the broker's order id the moment the broker
//     answers, and turns the broker's order and fill pushes into OMS events;
//   - never re-sends an order whose fate is unknown (reply lost to a disconnect or a timeout): it
//     says so and leaves the decision to reconciliation, which matches by client order id;
//   - suppresses duplicate fills (by broker fill id, against the journal) and holds a final status
//     that arrives ahead of the fills it implies, so pushes in any order book exactly once.
import type { BrokerState, Fill } from '../../shared/domain.js';
import type { BrokerAdapter, BrokerEvent, BrokerOrderRequest, OrderChange } from '../brokers/types.js';
import { BrokerError, type BrokerConnection, type VenueFill, type VenueOrder, type VenueOrderRequest, type VenueStatus } from '../brokers/venue.js';
import type { Repository } from '../store/repository.js';
import { journalFillId, type VenueRepository } from '../store/venue-repository.js';
import { SlidingWindowLimiter, type QueuedCall, type RateRule } from './rate-limiter.js';

export interface LiveVenueHooks {
  now(): number;
  /** Our order id for one of this venue's client order ids (journal lookup). */
  orderIdOfClientId(clientOrderId: string): string | undefined;
  orderIdOfBrokerId(brokerOrderId: string): string | undefined;
  brokerOrderIdOf(orderId: string): string | undefined;
  /** Journals the broker's id of an order, durably, as soon as the broker answered. */
  recordBrokerOrderId(orderId: string, brokerOrderId: string): void;
  /** What the journal holds of an order's fills, to continue the running average. */
  fillState(orderId: string): { qty: number; filledQty: number; avgFillPrice: number | null } | undefined;
  /** The order's current terms in the journal, to report the terms after a modify. */
  orderTerms(orderId: string): { qty: number; limitPrice: number | null; stopPrice: number | null } | undefined;
  isFillBooked(journalFillId: string): boolean;
  /** A line on the order's journal: waiting for the rate limit, reply lost, cancel requested. */
  note(orderId: string, detail: string): void;
  riskEvent(severity: 'info' | 'warning' | 'critical', code: string, message: string, symbol: string | null): void;
  /** The venue wants a reconciliation (after a resync, or when an order's fate is unknown). */
  requestReconcile(why: string): void;
}

/** The hooks of a live venue over the order journal: the same for the engine's broker account and a standalone desk. */
export function journalHooks(options: {
  venueId: string;
  repo: Repository;
  venueRepo: VenueRepository;
  now(): number;
  riskEvent: LiveVenueHooks['riskEvent'];
  requestReconcile(): void;
  noted?(orderId: string): void;
}): LiveVenueHooks {
  const { venueId, repo, venueRepo, now } = options;
  return {
    now,
    orderIdOfClientId: (clientOrderId) => venueRepo.orderIdOfClientId(venueId, clientOrderId),
    orderIdOfBrokerId: (brokerOrderId) => venueRepo.orderIdOfBrokerId(venueId, brokerOrderId),
    brokerOrderIdOf: (orderId) => venueRepo.brokerOrderIdOf(orderId),
    recordBrokerOrderId: (orderId, brokerOrderId) => venueRepo.recordBrokerOrderId(venueId, orderId, brokerOrderId, now()),
    fillState: (orderId) => {
      const order = repo.getOrder(orderId);
      return order && { qty: order.qty, filledQty: order.filledQty, avgFillPrice: order.avgFillPrice };
    },
    orderTerms: (orderId) => {
      const order = repo.getOrder(orderId);
      return order && { qty: order.qty, limitPrice: order.limitPrice, stopPrice: order.stopPrice ?? null };
    },
    isFillBooked: (id) => repo.hasFill(id),
    note: (orderId, detail) => {
      const order = repo.getOrder(orderId);
      if (order) repo.appendOrderEvent(orderId, now(), order.status, order.status, detail);
      options.noted?.(orderId);
    },
    riskEvent: options.riskEvent,
    requestReconcile: () => options.requestReconcile(),
  };
}

export interface LiveVenueOptions {
  /** The venue id journaled on each order, e.g. `futu:main`. */
  id: string;
  name: string;
  connection: BrokerConnection;
  accountId: string;
  /** Per-account limits for placing orders and for cancels/modifies; undefined = none. */
  limits: { place?: RateRule; cancel?: RateRule };
  hooks: LiveVenueHooks;
  /** How often the rate-limit queue is examined (default 100 ms). */
  drainEveryMs?: number;
  /** Wait before re-sending an order the broker refused as over its rate limit (default 2 s). */
  rateLimitedRetryMs?: number;
}

export interface QueuedOrder {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  qty: number;
  enqueuedAt: number;
  eligibleAt: number;
}

interface Tracked {
  qty: number;
  filledQty: number;
  notional: number;
  /** A final status seen before the fills it implies: emitted once the fills are booked. */
  heldFinal: { event: BrokerEvent; filledQty: number } | null;
}

export class LiveVenue implements BrokerAdapter {
  readonly id: string;
  private readonly listeners: ((event: BrokerEvent) => void)[] = [];
  private readonly limiter: SlidingWindowLimiter<BrokerOrderRequest>;
  /** Sent, no answer yet. */
  private readonly inFlight = new Set<string>();
  /** Refused as over the broker's rate limit; re-sent after a pause. */
  private readonly retrying = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly cancelAfterAck = new Set<string>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly seenFills = new Set<string>();
  private readonly unknownReported = new Set<string>();
  private drainTimer: ReturnType<typeof setInterval> | null = null;
  private readonly unsubscribe: () => void;
  private status: VenueStatus;
  private closed = false;

  constructor(private readonly options: LiveVenueOptions) {
    this.id = options.id;
    this.status = options.connection.status();
    this.limiter = new SlidingWindowLimiter((key) => (key === 'place' ? options.limits.place : options.limits.cancel));
    this.unsubscribe = options.connection.onEvent((event) => {
      try {
        switch (event.type) {
          case 'status':
            this.status = event.status;
            return;
          case 'resynced':
            options.hooks.requestReconcile(`${options.name} reconnected`);
            return;
          case 'order':
            if (event.accountId === options.accountId) this.onOrder(event.order);
            return;
          case 'fill':
            if (event.accountId === options.accountId) this.onFill(event.fill);
            return;
          default:
            return;
        }
      } catch (error) {
        options.hooks.riskEvent('critical', 'VENUE_EVENT_FAILED', `${options.name}: an update could not be applied (${(error as Error).message}); reconciling.`, null);
        options.hooks.requestReconcile('an update failed to apply');
      }
    });
  }

  state(): BrokerState {
    return { id: this.id, name: this.options.name, kind: 'live', connection: this.status.state, realtimeQuotes: true };
  }

  onEvent(listener: (event: BrokerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Orders this venue still holds on our side (queued, in flight, waiting to retry): reconciliation must not close them. */
  pendingOrderIds(): Set<string> {
    return new Set([...this.limiter.queued().map((q) => q.id), ...this.inFlight, ...this.retrying.keys()]);
  }

  /** What waits for the rate limit, oldest first. */
  queuedOrders(): QueuedOrder[] {
    return this.limiter.queued().map((q: QueuedCall<BrokerOrderRequest>) => ({
      orderId: q.payload.orderId,
      clientOrderId: q.payload.clientOrderId,
      symbol: q.payload.symbol,
      side: q.payload.side,
      qty: q.payload.qty,
      enqueuedAt: q.enqueuedAt,
      eligibleAt: q.eligibleAt,
    }));
  }

  placeOrder(request: BrokerOrderRequest): void {
    const now = this.options.hooks.now();
    if (this.limiter.request(request.orderId, 'place', request, now) === 'send') {
      this.send(request);
      return;
    }
    const waiting = this.limiter.queued().find((q) => q.id === request.orderId);
    const rule = this.options.limits.place!;
    this.options.hooks.note(
      request.orderId,
      `queued: ${this.options.name} accepts ${rule.max} orders per ${rule.windowMs / 1000} s; it goes out in about ${Math.max(0, Math.ceil(((waiting?.eligibleAt ?? now) - now) / 1000))} s`,
    );
    this.ensureDrain();
  }

  cancelOrder(orderId: string): boolean {
    if (this.limiter.remove(orderId)) {
      this.emit({ type: 'cancelled', orderId, reason: 'Cancelled before it was sent (it was waiting for the rate limit).', ts: this.options.hooks.now() });
      return true;
    }
    const retry = this.retrying.get(orderId);
    if (retry) {
      clearTimeout(retry);
      this.retrying.delete(orderId);
      this.emit({ type: 'cancelled', orderId, reason: 'Cancelled before it was sent again (the broker had refused it as over its rate limit).', ts: this.options.hooks.now() });
      return true;
    }
    if (this.inFlight.has(orderId)) {
      // The broker has not answered the place yet: cancel as soon as it does.
      this.cancelAfterAck.add(orderId);
      return true;
    }
    const brokerOrderId = this.options.hooks.brokerOrderIdOf(orderId);
    if (!brokerOrderId) {
      // Sent before a restart whose answer never came back: reconciliation finds it by client id.
      this.cancelAfterAck.add(orderId);
      this.options.hooks.requestReconcile(`cancel of ${orderId}, whose broker id is not known yet`);
      return true;
    }
    this.sendCancel(orderId, brokerOrderId);
    return true;
  }

  modifyOrder(orderId: string, change: OrderChange): boolean {
    const { hooks, connection, accountId, name } = this.options;
    const terms = hooks.orderTerms(orderId);
    if (!terms) return false;
    const next = { qty: change.qty ?? terms.qty, limitPrice: change.limitPrice ?? terms.limitPrice, stopPrice: change.stopPrice ?? terms.stopPrice };
    const queued = this.limiter.queued().find((q) => q.id === orderId);
    if (queued) {
      // Not sent yet: it goes out on the new terms.
      Object.assign(queued.payload, next);
      this.emit({ type: 'modified', orderId, ...next, ts: hooks.now() });
      return true;
    }
    const brokerOrderId = hooks.brokerOrderIdOf(orderId);
    if (!brokerOrderId || this.inFlight.has(orderId) || this.retrying.has(orderId)) {
      this.emit({ type: 'modifyRejected', orderId, reason: `${name} has not acknowledged the order yet; try the change again in a moment.`, ts: hooks.now() });
      return true;
    }
    connection.modifyOrder(accountId, brokerOrderId, change).then(
      () => {
        const t = this.tracked.get(orderId);
        if (t) t.qty = next.qty;
        this.emit({ type: 'modified', orderId, ...next, ts: hooks.now() });
      },
      (error: unknown) => {
        this.emit({ type: 'modifyRejected', orderId, reason: error instanceof Error ? error.message : String(error), ts: hooks.now() });
        if (error instanceof BrokerError && (error.code === 'DISCONNECTED' || error.code === 'TIMEOUT')) hooks.requestReconcile(`modify of ${orderId} lost its answer`);
      },
    );
    return true;
  }

  /** Called by reconciliation when it learned an order's broker id (adopted from the broker's list). */
  adopted(orderId: string, brokerOrderId: string): void {
    if (!this.options.hooks.brokerOrderIdOf(orderId)) this.options.hooks.recordBrokerOrderId(orderId, brokerOrderId);
    if (this.cancelAfterAck.delete(orderId)) this.sendCancel(orderId, brokerOrderId);
  }

  /** Forgets per-order tracking (after reconciliation rewrote the journal). */
  resetTracking(): void {
    this.tracked.clear();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
    for (const timer of this.retrying.values()) clearTimeout(timer);
    this.retrying.clear();
  }

  // ── sending ────────────────────────────────────────────────────────────────

  private ensureDrain(): void {
    if (this.drainTimer || this.closed) return;
    this.drainTimer = setInterval(() => {
      for (const call of this.limiter.drain(this.options.hooks.now())) {
        this.options.hooks.note(call.payload.orderId, 'sent: the rate limit allows it now');
        this.send(call.payload);
      }
      if (this.limiter.queued().length === 0 && this.drainTimer) {
        clearInterval(this.drainTimer);
        this.drainTimer = null;
      }
    }, this.options.drainEveryMs ?? 100);
  }

  private send(request: BrokerOrderRequest): void {
    if (this.closed) return;
    const { hooks, connection, accountId, name } = this.options;
    this.inFlight.add(request.orderId);
    this.tracked.set(request.orderId, { qty: request.qty, filledQty: 0, notional: 0, heldFinal: null });
    connection.placeOrder(accountId, toVenueRequest(request)).then(
      ({ brokerOrderId }) => {
        this.inFlight.delete(request.orderId);
        if (!hooks.brokerOrderIdOf(request.orderId)) hooks.recordBrokerOrderId(request.orderId, brokerOrderId);
        if (this.cancelAfterAck.delete(request.orderId)) this.sendCancel(request.orderId, brokerOrderId);
      },
      (error: unknown) => {
        this.inFlight.delete(request.orderId);
        const code = error instanceof BrokerError ? error.code : 'VENUE_ERROR';
        const message = error instanceof Error ? error.message : String(error);
        if (code === 'DISCONNECTED' || code === 'TIMEOUT' || code === 'BAD_RESPONSE') {
          // It MAY be at the broker. Never re-send: reconciliation adopts it or closes it.
          hooks.note(request.orderId, `fate unknown: ${message}`);
          hooks.riskEvent('warning', 'ORDER_IN_DOUBT', `${request.side} ${request.qty} ${request.symbol} (${request.orderId}): ${message} Deltadeck will reconcile with ${name} by client order id; nothing is re-sent.`, request.symbol);
          hooks.requestReconcile(`the answer to ${request.orderId} was lost`);
          return;
        }
        if (code === 'RATE_LIMITED' && !this.closed) {
          // Refused, so certainly not placed: safe to send again after a pause.
          const retryMs = this.options.rateLimitedRetryMs ?? 2_000;
          hooks.note(request.orderId, `${name} refused it as over its rate limit; sending again in ${retryMs / 1000} s`);
          this.retrying.set(
            request.orderId,
            setTimeout(() => {
              this.retrying.delete(request.orderId);
              if (this.cancelAfterAck.delete(request.orderId)) {
                this.emit({ type: 'cancelled', orderId: request.orderId, reason: 'Cancelled before it was sent again.', ts: hooks.now() });
                return;
              }
              this.send(request);
            }, retryMs),
          );
          return;
        }
        // Refused: certainly not placed.
        this.cancelAfterAck.delete(request.orderId);
        this.emit({ type: 'rejected', orderId: request.orderId, reason: message, ts: hooks.now() });
      },
    );
  }

  private sendCancel(orderId: string, brokerOrderId: string): void {
    const { hooks, connection, accountId, name } = this.options;
    hooks.note(orderId, `cancel sent to ${name} (broker order ${brokerOrderId})`);
    connection.cancelOrder(accountId, brokerOrderId).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof BrokerError ? error.code : 'VENUE_ERROR';
      // A cancel that did not go through leaves an order working at the broker that the trader wanted
      // gone (the kill switch's, say): critical. "No such order" is routine: it already finished, and
      // reconciliation closes it here.
      hooks.riskEvent(code === 'NOT_FOUND' ? 'warning' : 'critical', 'CANCEL_FAILED', `Cancel of ${orderId} at ${name} failed: ${message}`, null);
      if (code === 'NOT_FOUND' || code === 'DISCONNECTED' || code === 'TIMEOUT' || code === 'ORDER_REJECTED') hooks.requestReconcile(`cancel of ${orderId} failed`);
    });
  }

  // ── from the broker ────────────────────────────────────────────────────────

  private orderIdOf(clientOrderId: string | null, brokerOrderId: string): string | undefined {
    const { hooks } = this.options;
    return (clientOrderId ? hooks.orderIdOfClientId(clientOrderId) : undefined) ?? hooks.orderIdOfBrokerId(brokerOrderId);
  }

  private track(orderId: string): Tracked | undefined {
    let t = this.tracked.get(orderId);
    if (!t) {
      const state = this.options.hooks.fillState(orderId);
      if (!state) return undefined;
      t = { qty: state.qty, filledQty: state.filledQty, notional: state.filledQty * (state.avgFillPrice ?? 0), heldFinal: null };
      this.tracked.set(orderId, t);
    }
    return t;
  }

  private reportUnknown(brokerOrderId: string, what: string): void {
    if (this.unknownReported.has(brokerOrderId)) return;
    this.unknownReported.add(brokerOrderId);
    this.options.hooks.riskEvent('warning', 'UNKNOWN_BROKER_ORDER', `${this.options.name} reported ${what} on order ${brokerOrderId}, which Deltadeck did not place. It is left alone; check it at the broker.`, null);
  }

  private onOrder(order: VenueOrder): void {
    const orderId = this.orderIdOf(order.clientOrderId, order.brokerOrderId);
    if (!orderId) {
      this.reportUnknown(order.brokerOrderId, `${order.side} ${order.qty} ${order.symbol} (${order.status})`);
      return;
    }
    const { hooks } = this.options;
    if (!hooks.brokerOrderIdOf(orderId)) hooks.recordBrokerOrderId(orderId, order.brokerOrderId);
    if (this.cancelAfterAck.delete(orderId)) this.sendCancel(orderId, order.brokerOrderId);
    const ts = order.updatedTs || hooks.now();
    let event: BrokerEvent | null = null;
    switch (order.status) {
      case 'accepted':
      case 'partially_filled':
      case 'filled':
        event = { type: 'accepted', orderId, ts };
        break;
      case 'cancelled':
      case 'expired':
        event = { type: 'cancelled', orderId, reason: order.reason ?? (order.status === 'expired' ? 'Expired at the broker.' : 'Cancelled at the broker.'), ts };
        break;
      case 'rejected':
        event = { type: 'rejected', orderId, reason: order.reason ?? 'Rejected by the broker.', ts };
        break;
      default:
        return;
    }
    if (event.type === 'accepted') {
      this.emit(event);
      return;
    }
    const t = this.track(orderId);
    if (t && order.filledQty > t.filledQty + 1e-9) {
      // Final status ahead of its fills: hold it until they are booked.
      t.heldFinal = { event, filledQty: order.filledQty };
      return;
    }
    this.emit(event);
  }

  private onFill(fill: VenueFill): void {
    const { hooks, id } = this.options;
    const fillId = journalFillId(id, fill.fillId);
    if (this.seenFills.has(fillId) || hooks.isFillBooked(fillId)) return;
    const orderId = this.orderIdOf(fill.clientOrderId, fill.brokerOrderId);
    if (!orderId) {
      this.reportUnknown(fill.brokerOrderId, `a fill of ${fill.qty} ${fill.symbol} @ ${fill.price}`);
      return;
    }
    if (!hooks.brokerOrderIdOf(orderId)) hooks.recordBrokerOrderId(orderId, fill.brokerOrderId);
    const t = this.track(orderId);
    if (!t) return;
    this.seenFills.add(fillId);
    t.filledQty += fill.qty;
    t.notional += fill.qty * fill.price;
    const booked: Fill = { id: fillId, orderId, symbol: fill.symbol, side: fill.side, qty: fill.qty, price: fill.price, commission: fill.commission, ts: fill.ts };
    const complete = t.filledQty >= t.qty - 1e-9;
    this.emit({ type: 'fill', orderId, fill: booked, filledQty: t.filledQty, avgFillPrice: Math.round((t.notional / t.filledQty) * 1e6) / 1e6, complete });
    if (t.heldFinal && t.filledQty >= t.heldFinal.filledQty - 1e-9) {
      const held = t.heldFinal.event;
      t.heldFinal = null;
      if (!complete) this.emit(held);
    }
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function toVenueRequest(request: BrokerOrderRequest): VenueOrderRequest {
  return {
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    qty: request.qty,
    orderType: request.orderType,
    ...(request.limitPrice !== null && request.limitPrice !== undefined ? { limitPrice: request.limitPrice } : {}),
    ...(request.stopPrice !== null && request.stopPrice !== undefined ? { stopPrice: request.stopPrice } : {}),
    tif: request.tif ?? 'DAY',
    outsideRth: request.outsideRth ?? false,
  };
}
