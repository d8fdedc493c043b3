// Order management: tickets and their approval, orders and the order-event journal.
// Every order intent becomes a ticket; only an approved, non-red ticket becomes an order; every
// order transition is journaled in SQLite before the side effect it describes.
import { createHash } from 'node:crypto';
import type { CheckResult, Fill, Order, OrderIntent, OrderStatus, Ticket, TicketContext, TradingMode } from '../../shared/domain.js';
import type { WhatIf } from '../../shared/risk.js';
import { OrderIntent as OrderIntentSchema, ORDER_EVENT_NOTE, TERMINAL_ORDER_STATUSES, withIntentDefaults } from '../../shared/domain.js';
import { CockpitError } from '../../shared/api/result.js';
import type { BrokerAdapter, BrokerEvent, BrokerOrderRequest, OrderChange } from '../brokers/types.js';
import type { Repository } from '../store/repository.js';
import { worstLevel } from '../risk/gate.js';
import { journalFillId } from '../store/venue-repository.js';
import type { ReconcileAction } from './reconcile.js';

export const TICKET_TTL_MS = 5 * 60_000;

export interface OmsHooks {
  /** The trading clock (the journal's timestamps). */
  now(): number;
  /** The wall clock: tickets expire in real time, whatever the trading clock does. */
  wallNow(): number;
  newId(prefix: string): string;
  mode(): TradingMode;
  /** The venue new orders go to in the current mode, if one is connected. */
  venue(): BrokerAdapter | undefined;
  /** The venue an existing order was sent to, whatever the mode is now. */
  venueById(id: string): BrokerAdapter | undefined;
  /** What a ticket created now is checked under: the mode, the venue its order would go to, the account it books to. */
  context(): TicketContext;
  /** A live broker's venue id (its orders must not be closed locally while it is unreachable). */
  isRemoteVenue?(id: string): boolean;
  /**
   * The risk gate's verdict on an intent, on fresh quotes. `phase` says why it runs (the engine
   * journals every verdict as a risk event); `price` is the price the order is expected to trade at.
   */
  check(intent: OrderIntent, phase: { phase: 'create' | 'approve'; ticketId: string }): { checks: CheckResult[]; estNotional: number; whatIf: WhatIf | null; price: number | null };
  /** Records the order's arrival price (for the post-trade slippage check) — inside the approval's transaction. */
  recordArrival(orderId: string, price: number | null): void;
  /** Books a fill into the account (positions, cash) — called inside the fill's transaction. */
  bookFill(fill: Fill): void;
  ticketChanged(ticket: Ticket): void;
  orderChanged(order: Order): void;
  fillBooked(fill: Fill): void;
  riskEvent(severity: 'info' | 'warning' | 'critical', code: string, message: string, symbol: string | null): void;
}

const WORKING: ReadonlySet<OrderStatus> = new Set(['approved', 'submitted', 'accepted', 'partially_filled']);

export function isWorking(status: OrderStatus): boolean {
  return WORKING.has(status);
}

/**
 * The hash approval is bound to: every field of the ticket's content, intent defaults made explicit,
 * and the context (mode, venue, account) it was checked under.
 */
export function ticketHash(t: Pick<Ticket, 'id' | 'source' | 'reason' | 'createdAt' | 'expiresAt' | 'context'> & { intent: OrderIntent }): string {
  const { symbol, side, qty, orderType, limitPrice, stopPrice, tif, outsideRth } = withIntentDefaults(t.intent);
  const context = t.context ? [t.context.mode, t.context.venue, t.context.accountId] : null;
  const canonical = JSON.stringify([
    t.id, t.source, t.reason, t.createdAt, t.expiresAt, symbol, side, qty, orderType, limitPrice ?? null, stopPrice ?? null, tif, outsideRth, context,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** What a venue is asked to work for a journaled order. */
function venueRequest(order: Order): BrokerOrderRequest {
  const { id: orderId, clientOrderId, symbol, side, qty, orderType, limitPrice, stopPrice, tif, outsideRth } = order;
  return { orderId, clientOrderId, symbol, side, qty, orderType, limitPrice, stopPrice, tif, outsideRth };
}

function sameContext(a: TicketContext | null, b: TicketContext): boolean {
  return a !== null && a.mode === b.mode && a.venue === b.venue && a.accountId === b.accountId;
}

function describeContext(c: TicketContext | null): string {
  return c ? `${c.mode} on ${c.venue ?? 'no venue'}, account ${c.accountId}` : 'an unknown mode and account';
}

const fmtPrice = (x: number | null | undefined) => (x === null || x === undefined ? '—' : String(x));

/** "qty 10 → 20, limit 101.5 → 102" for the journal. */
function describeChange(order: Order, change: OrderChange): string {
  const parts: string[] = [];
  if (change.qty !== undefined) parts.push(`qty ${order.qty} → ${change.qty}`);
  if (change.limitPrice !== undefined) parts.push(`limit ${fmtPrice(order.limitPrice)} → ${change.limitPrice}`);
  if (change.stopPrice !== undefined) parts.push(`stop ${fmtPrice(order.stopPrice)} → ${change.stopPrice}`);
  return parts.join(', ');
}

export class OrderManager {
  private readonly subscribed = new WeakSet<BrokerAdapter>();
  /** A venue's refusal of a modify, noted while `modifyOrder` waits on that venue's answer. */
  private readonly modifyRefusals = new Map<string, string>();

  constructor(
    private readonly repo: Repository,
    /** The journal account new orders are booked under (a function: the engine's active account can change). */
    private readonly accountId: string | (() => string),
    private readonly hooks: OmsHooks,
  ) {}

  /** Listens to a venue's events. */
  attach(venue: BrokerAdapter): void {
    if (this.subscribed.has(venue)) return;
    this.subscribed.add(venue);
    venue.onEvent((event) => this.onBrokerEvent(venue, event));
  }

  createTicket(rawIntent: OrderIntent, source: Ticket['source'], reason: string): Ticket {
    // The ticket stores the intent with its defaults explicit, so its hash binds them too.
    const intent = withIntentDefaults(rawIntent);
    const now = this.hooks.now();
    const id = this.hooks.newId('T');
    const context = this.hooks.context();
    const { checks, estNotional, whatIf } = this.hooks.check(intent, { phase: 'create', ticketId: id });
    const base = {
      id,
      createdAt: now,
      expiresAt: this.hooks.wallNow() + TICKET_TTL_MS,
      source,
      reason,
      intent,
      context,
    };
    const ticket: Ticket = {
      ...base,
      checks,
      verdict: worstLevel(checks),
      contentHash: ticketHash(base),
      status: 'pending',
      orderId: null,
      estNotional,
      whatIf,
      statusReason: null,
    };
    this.repo.insertTicket(ticket);
    this.hooks.ticketChanged(ticket);
    return ticket;
  }

  /** Approves a ticket bound to its exact content, re-running the checks on fresh quotes. */
  approveTicket(ticketId: string, contentHash: string, approvedBy = 'user'): { ticket: Ticket; order: Order } {
    const ticket = this.pendingTicket(ticketId);
    if (ticket.contentHash !== contentHash) {
      throw new CockpitError('TICKET_CHANGED', 'This ticket changed since you reviewed it; review it again before approving.');
    }
    const context = this.hooks.context();
    if (!sameContext(ticket.context, context)) {
      // What the trader reviewed was checked for another mode, venue or account: it can never send here.
      const why = `it was checked for ${describeContext(ticket.context)}, and trading is now ${describeContext(context)}`;
      this.close(ticket, 'cancelled', why);
      throw new CockpitError('TICKET_CONTEXT_CHANGED', `This ticket was cancelled, not sent: ${why}. Create a new ticket to review it under the current mode.`, {
        reviewed: ticket.context,
        current: context,
      });
    }
    if (this.hooks.mode() === 'OFF') {
      throw new CockpitError('MODE_OFF', 'Trading is OFF: no order can be sent. Switch to DRY_RUN or REAL first.');
    }
    const now = this.hooks.now();
    const { checks, whatIf, price } = this.hooks.check(ticket.intent, { phase: 'approve', ticketId: ticket.id });
    const verdict = worstLevel(checks);
    if (verdict === 'red') {
      const refreshed: Ticket = { ...ticket, checks, verdict, whatIf };
      this.repo.updateTicket(refreshed);
      this.hooks.ticketChanged(refreshed);
      const reasons = checks.filter((c) => c.level === 'red').map((c) => c.message);
      throw new CockpitError('TICKET_RED', `Cannot approve: ${reasons.join(' ')}`, { checks });
    }
    const venue = this.hooks.venue();
    if (!venue) throw new CockpitError('REAL_UNAVAILABLE', `No venue is connected for ${this.hooks.mode()}.`);

    const order = this.newOrder(ticket, venue, now);
    const approved: Ticket = { ...ticket, checks, verdict, whatIf, status: 'approved', orderId: order.id };
    // Journal first: approval and submission are durable before the order leaves.
    this.repo.transaction(() => {
      this.repo.updateTicket(approved);
      this.journalSubmission(approved, order, approvedBy, price, now);
    });
    this.hooks.ticketChanged(approved);
    this.hooks.orderChanged(order);
    venue.placeOrder(venueRequest(order));
    return { ticket: approved, order };
  }

  /**
   * An order approved by a policy (auto-hedge, a delegated strategy): nobody reviews it, so its ticket
   * is created and approved in one step, and ticket, approval and submission are ONE durable commit —
   * the order path's cost is its fsyncs. The ticket is the one a trader would have reviewed: checks,
   * context (mode, venue, account) and content hash. The gate runs once, on fresh quotes, inside that
   * commit (a verdict the engine journals is part of it). The venue is asked only after the commit,
   * so the order is journaled as submitted before a byte leaves. A red verdict journals the ticket
   * as refused, with its checks, and throws TICKET_RED: no order.
   * `policy` names the approver, `policy:<name>` (the journal reads "approved by policy <name>").
   */
  submitByPolicy(rawIntent: OrderIntent, source: Ticket['source'], reason: string, policy: string): { ticket: Ticket; order: Order } {
    const name = policy.replace(/^policy:/, '');
    // A trader's approval is the two-step review (createTicket, then approveTicket), never this.
    if (!name || name === 'user') throw new Error(`submitByPolicy needs a policy's name, not ${JSON.stringify(policy)}`);
    const approvedBy = `policy:${name}`;
    if (this.hooks.mode() === 'OFF') {
      throw new CockpitError('MODE_OFF', 'Trading is OFF: no order can be sent. Switch to DRY_RUN or REAL first.');
    }
    const venue = this.hooks.venue();
    if (!venue) throw new CockpitError('REAL_UNAVAILABLE', `No venue is connected for ${this.hooks.mode()}.`);
    const intent = withIntentDefaults(rawIntent);
    const now = this.hooks.now();
    const id = this.hooks.newId('T');
    const base = { id, createdAt: now, expiresAt: this.hooks.wallNow() + TICKET_TTL_MS, source, reason, intent, context: this.hooks.context() };
    const contentHash = ticketHash(base);

    const outcome = this.repo.transaction((): { ticket: Ticket; order: Order } | { ticket: Ticket; refusedFor: string[] } => {
      const { checks, estNotional, whatIf, price } = this.hooks.check(intent, { phase: 'approve', ticketId: id });
      const verdict = worstLevel(checks);
      const checked: Ticket = { ...base, checks, verdict, contentHash, status: 'pending', orderId: null, estNotional, whatIf, statusReason: null };
      if (verdict === 'red') {
        const reasons = checks.filter((c) => c.level === 'red').map((c) => c.message);
        const refused: Ticket = { ...checked, status: 'rejected', statusReason: `refused by the risk gate: ${reasons.join(' ')}` };
        this.repo.insertTicket(refused);
        this.repo.audit(this.hooks.wallNow(), approvedBy, 'ticket.rejected', { ticketId: id, why: refused.statusReason });
        return { ticket: refused, refusedFor: reasons };
      }
      const order = this.newOrder(checked, venue, now);
      const approved: Ticket = { ...checked, status: 'approved', orderId: order.id };
      this.repo.insertTicket(approved);
      this.journalSubmission(approved, order, approvedBy, price, now);
      return { ticket: approved, order };
    });
    this.hooks.ticketChanged(outcome.ticket);
    if ('refusedFor' in outcome) {
      throw new CockpitError('TICKET_RED', `Refused by the risk gate, nothing sent: ${outcome.refusedFor.join(' ')}`, { checks: outcome.ticket.checks, ticketId: outcome.ticket.id });
    }
    this.hooks.orderChanged(outcome.order);
    venue.placeOrder(venueRequest(outcome.order));
    return outcome;
  }

  /** The order an approved ticket becomes, to be sent to `venue`. */
  private newOrder(ticket: Ticket, venue: BrokerAdapter, now: number): Order {
    const { symbol, side, qty, orderType, limitPrice, stopPrice, tif, outsideRth } = ticket.intent;
    return {
      id: this.hooks.newId('O'),
      clientOrderId: this.hooks.newId('DD'),
      ticketId: ticket.id,
      mode: this.hooks.mode(),
      venue: venue.id,
      symbol,
      side,
      qty,
      orderType,
      limitPrice: limitPrice ?? null,
      stopPrice: stopPrice ?? null,
      tif,
      outsideRth,
      status: 'submitted',
      filledQty: 0,
      avgFillPrice: null,
      createdAt: now,
      updatedAt: now,
      statusReason: null,
    };
  }

  /** The journal of an approval: the order, pending approval → approved → submitted, its arrival price. Inside the caller's transaction. */
  private journalSubmission(ticket: Ticket, order: Order, approvedBy: string, price: number | null, now: number): void {
    this.repo.insertOrder(order, typeof this.accountId === 'string' ? this.accountId : this.accountId());
    this.repo.appendOrderEvent(order.id, ticket.createdAt, null, 'pending_approval', `ticket ${ticket.id} (${ticket.source})`);
    this.repo.appendOrderEvent(order.id, now, 'pending_approval', 'approved', `approved by ${approvedBy === 'user' ? 'user' : approvedBy.replace(/^policy:/, 'policy ')}; verdict ${ticket.verdict}`);
    this.repo.appendOrderEvent(order.id, now, 'approved', 'submitted', `to ${order.venue} as ${order.clientOrderId}`);
    this.hooks.recordArrival(order.id, price);
  }

  rejectTicket(ticketId: string, reason: string): Ticket {
    return this.close(this.pendingTicket(ticketId), 'rejected', reason || 'rejected by the trader');
  }

  /**
   * Cancels every pending ticket, each journaled with the reason (a mode or account change: what was
   * reviewed no longer describes where an order would go). Returns how many.
   */
  cancelPendingTickets(why: string): number {
    let n = 0;
    for (const ticket of this.repo.pendingTickets()) {
      this.close(ticket, 'cancelled', why);
      n++;
    }
    return n;
  }

  /** Closes a pending ticket with its reason, journaled in the ticket and the audit log. */
  private close(ticket: Ticket, status: 'rejected' | 'cancelled' | 'expired', why: string): Ticket {
    const closed: Ticket = { ...ticket, status, statusReason: why };
    this.repo.updateTicket(closed);
    this.repo.audit(this.hooks.wallNow(), 'system', `ticket.${status}`, { ticketId: ticket.id, why });
    this.hooks.ticketChanged(closed);
    return closed;
  }

  cancelOrder(orderId: string, why: string): Order {
    const order = this.repo.getOrder(orderId);
    if (!order) throw new CockpitError('NOT_FOUND', `No order ${orderId}.`);
    if (!isWorking(order.status)) {
      throw new CockpitError('ORDER_NOT_WORKING', `Order ${orderId} is ${order.status} and can no longer be cancelled.`);
    }
    // Cancel where the order went — even after a mode switch (the kill switch goes OFF first).
    const venue = this.hooks.venueById(order.venue);
    if (!venue && this.hooks.isRemoteVenue?.(order.venue)) {
      // A live broker's order stays working there while we are not connected: closing it here would lie.
      throw new CockpitError(
        'VENUE_UNAVAILABLE',
        `Order ${order.id} is working at ${order.venue}, which is not connected; it cannot be cancelled until the broker connection is back.`,
      );
    }
    // Journal the request before asking the venue.
    this.repo.appendOrderEvent(order.id, this.hooks.now(), order.status, order.status, `${ORDER_EVENT_NOTE.cancelRequested}: ${why}`);
    const cancelled = venue ? venue.cancelOrder(order.id) : false;
    const current = this.repo.getOrder(orderId)!;
    if (!cancelled && isWorking(current.status)) {
      // The venue no longer holds it as working: close it on our side, journaled, and say so.
      this.hooks.riskEvent('warning', 'CANCEL_NOT_CONFIRMED', `${order.venue} did not hold order ${order.id} as working; closed here as cancelled.`, order.symbol);
      return this.transition(current, 'cancelled', why);
    }
    return current;
  }

  /**
   * Changes a working order's quantity, limit or stop. The changed order re-runs the risk gate on
   * what is left to fill (the filled part is already in the book); red refuses the modify with its
   * reasons. The request is journaled before the venue is asked; the venue answers with a
   * `modified` or `modifyRejected` event (the paper ledger at once, a live broker later).
   */
  modifyOrder(orderId: string, change: OrderChange): Order {
    const order = this.repo.getOrder(orderId);
    if (!order) throw new CockpitError('NOT_FOUND', `No order ${orderId}.`);
    if (!isWorking(order.status)) {
      throw new CockpitError('ORDER_NOT_WORKING', `Order ${orderId} is ${order.status} and can no longer be modified.`);
    }
    const effective: OrderChange = {};
    if (change.qty !== undefined && change.qty !== order.qty) effective.qty = change.qty;
    if (change.limitPrice !== undefined && change.limitPrice !== order.limitPrice) effective.limitPrice = change.limitPrice;
    if (change.stopPrice !== undefined && change.stopPrice !== order.stopPrice) effective.stopPrice = change.stopPrice;
    if (Object.keys(effective).length === 0) throw new CockpitError('NOTHING_TO_MODIFY', 'The new terms are the same as the order\'s: nothing to modify.');
    const hasLimit = order.orderType === 'LIMIT' || order.orderType === 'STOP_LIMIT';
    const hasStop = order.orderType === 'STOP' || order.orderType === 'STOP_LIMIT';
    const kind = order.orderType.toLowerCase().replace('_', '-');
    if (effective.limitPrice !== undefined && !hasLimit) throw new CockpitError('BAD_MODIFY', `A ${kind} order has no limit price to change.`);
    if (effective.stopPrice !== undefined && !hasStop) throw new CockpitError('BAD_MODIFY', `A ${kind} order has no stop price to change.`);
    const qty = effective.qty ?? order.qty;
    if (qty <= order.filledQty) {
      throw new CockpitError('BAD_MODIFY', `Quantity ${qty} is not above the ${order.filledQty} already filled; cancel the rest instead.`);
    }
    const parsed = OrderIntentSchema.safeParse({
      symbol: order.symbol,
      side: order.side,
      qty,
      orderType: order.orderType,
      ...(hasLimit ? { limitPrice: effective.limitPrice ?? order.limitPrice } : {}),
      ...(hasStop ? { stopPrice: effective.stopPrice ?? order.stopPrice } : {}),
      tif: order.tif,
      outsideRth: order.outsideRth,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CockpitError('BAD_MODIFY', `Cannot modify: ${String(issue?.path[0] ?? 'order')}: ${issue?.message ?? 'invalid'}.`);
    }
    const venue = this.hooks.venueById(order.venue);
    if (!venue) throw new CockpitError('VENUE_UNAVAILABLE', `${order.venue} is not connected: the order cannot be modified now.`);

    // The gate sees what is left to fill: the filled part is already in the position.
    const { checks } = this.hooks.check({ ...parsed.data, qty: qty - order.filledQty }, { phase: 'approve', ticketId: order.ticketId ?? order.id });
    const verdict = worstLevel(checks);
    if (verdict === 'red') {
      const reasons = checks.filter((c) => c.level === 'red').map((c) => c.message);
      throw new CockpitError('MODIFY_RED', `Cannot modify: ${reasons.join(' ')}`, { checks });
    }

    // Journal the request before asking the venue.
    const what = describeChange(order, effective);
    this.repo.appendOrderEvent(order.id, this.hooks.now(), order.status, order.status, `${ORDER_EVENT_NOTE.modifyRequested}: ${what}; verdict ${verdict}`);
    this.modifyRefusals.delete(order.id);
    const held = venue.modifyOrder(order.id, effective);
    const refusal = this.modifyRefusals.get(order.id);
    this.modifyRefusals.delete(order.id);
    if (!held) {
      const current = this.repo.getOrder(orderId)!;
      this.repo.appendOrderEvent(order.id, this.hooks.now(), current.status, current.status, `${ORDER_EVENT_NOTE.modifyRejected}: ${order.venue} no longer holds the order as working`);
      this.hooks.riskEvent('warning', 'MODIFY_NOT_CONFIRMED', `${order.venue} did not hold order ${order.id} as working; it was not modified.`, order.symbol);
      this.hooks.orderChanged(current);
      throw new CockpitError('ORDER_NOT_WORKING', `${order.venue} no longer holds order ${order.id} as working: it was not modified.`);
    }
    if (refusal !== undefined) throw new CockpitError('MODIFY_REJECTED', `${order.venue} refused the modify: ${refusal}`);
    return this.repo.getOrder(orderId)!;
  }

  /** Kill switch / shutdown: cancels every working order and every pending ticket. */
  cancelEverything(why: string): { cancelledOrders: number; cancelledTickets: number } {
    let cancelledOrders = 0;
    for (const order of this.repo.workingOrders()) {
      try {
        this.cancelOrder(order.id, why);
        cancelledOrders++;
      } catch (error) {
        // One order that cannot be reached never stops the rest from being cancelled.
        this.hooks.riskEvent('critical', 'CANCEL_FAILED', `${why}: could not cancel ${order.id} (${order.side} ${order.qty} ${order.symbol}): ${(error as Error).message}`, order.symbol);
      }
    }
    const cancelledTickets = this.cancelPendingTickets(why);
    return { cancelledOrders, cancelledTickets };
  }

  /** Marks pending tickets past their expiry (wall clock) as expired. */
  expireTickets(): void {
    const now = this.hooks.wallNow();
    for (const ticket of this.repo.pendingTickets()) {
      if (ticket.expiresAt <= now) this.close(ticket, 'expired', `not approved within ${TICKET_TTL_MS / 60_000} minutes`);
    }
  }

  /**
   * After a restart (or when the paper ledger in use changes back): the paper ledger's working
   * orders of this account go back to the paper venue, as a broker keeps its working orders; an
   * order that cannot exist any more (`cannotExist` says why) is closed as expired, with the reason.
   * DAY orders then expire at the session's end as usual.
   */
  restorePaperOrders(
    venue: { id: string; restoreOrder(request: BrokerOrderRequest, filled: { qty: number; avgPrice: number | null }): void },
    accountId: string,
    cannotExist: (order: Order) => string | null,
  ): { restored: Order[]; closed: Order[] } {
    const restored: Order[] = [];
    const closed: Order[] = [];
    for (const order of this.repo.workingOrdersOf(venue.id, accountId)) {
      const why = cannotExist(order);
      if (why) {
        closed.push(this.transition(order, 'expired', why));
        this.hooks.riskEvent('warning', 'ORDER_EXPIRED_ON_RESTART', `Order ${order.id} (${order.side} ${order.qty} ${order.symbol}) was closed as expired: ${why}.`, order.symbol);
        continue;
      }
      venue.restoreOrder(venueRequest(order), { qty: order.filledQty, avgPrice: order.avgFillPrice });
      // An order approved but not yet acknowledged was on its way: the paper venue holds it now.
      restored.push(order.status === 'approved' || order.status === 'submitted' ? this.transition(order, 'accepted', 'held by the paper ledger again after a restart') : order);
    }
    return { restored, closed };
  }

  /**
   * Applies what reconciliation found for one venue: every difference is journaled (with the
   * reason) before anything else changes, and raised as a risk event. Returns how many it applied.
   */
  applyReconcile(venueId: string, actions: readonly ReconcileAction[]): number {
    let applied = 0;
    for (const action of actions) {
      switch (action.kind) {
        case 'book-fill': {
          const id = journalFillId(venueId, action.fill.fillId);
          const order = this.repo.getOrder(action.orderId);
          if (!order || this.repo.hasFill(id)) continue; // a push booked it meanwhile
          const fill: Fill = { id, orderId: order.id, symbol: action.fill.symbol, side: action.fill.side, qty: action.fill.qty, price: action.fill.price, commission: action.fill.commission, ts: action.fill.ts };
          const filledQty = order.filledQty + fill.qty;
          const avgFillPrice = Math.round((((order.avgFillPrice ?? 0) * order.filledQty + fill.qty * fill.price) / filledQty) * 1e6) / 1e6;
          const status: OrderStatus = filledQty >= order.qty - 1e-9 ? 'filled' : TERMINAL_ORDER_STATUSES.includes(order.status) ? order.status : 'partially_filled';
          const next: Order = { ...order, status, filledQty, avgFillPrice, updatedAt: this.hooks.now() };
          this.repo.transaction(() => {
            this.repo.insertFill(fill);
            this.hooks.bookFill(fill);
            this.repo.appendOrderEvent(order.id, next.updatedAt, order.status, status, `reconciled: fill ${fill.qty} @ ${fill.price} found at the broker`);
            this.repo.updateOrder(next);
          });
          this.hooks.fillBooked(fill);
          this.hooks.orderChanged(next);
          this.hooks.riskEvent('warning', 'RECONCILE_FILL', action.reason, fill.symbol);
          break;
        }
        case 'adopt-status': {
          const order = this.repo.getOrder(action.orderId);
          if (!order || order.status === action.to) continue;
          this.transition(order, action.to, `reconciled: ${action.reason}`, { filledQty: Math.max(order.filledQty, action.filledQty), avgFillPrice: action.filledQty > 0 ? action.avgFillPrice : order.avgFillPrice });
          const benign = action.to === 'accepted' || (action.to === 'partially_filled' && order.filledQty === action.filledQty);
          this.hooks.riskEvent(benign ? 'info' : 'warning', 'RECONCILE_STATUS', action.reason, order.symbol);
          break;
        }
        case 'close-missing': {
          const order = this.repo.getOrder(action.orderId);
          if (!order || !isWorking(order.status)) continue;
          this.transition(order, action.to, `reconciled: ${action.reason}`);
          this.hooks.riskEvent('warning', 'RECONCILE_MISSING', action.reason, order.symbol);
          break;
        }
        case 'unknown-broker-order':
          this.hooks.riskEvent('critical', 'UNKNOWN_BROKER_ORDER', action.reason, action.order.symbol);
          break;
        case 'position-mismatch':
          this.hooks.riskEvent('critical', 'POSITION_MISMATCH', action.reason, action.symbol);
          break;
      }
      applied++;
    }
    return applied;
  }

  private pendingTicket(ticketId: string): Ticket {
    const ticket = this.repo.getTicket(ticketId);
    if (!ticket) throw new CockpitError('NOT_FOUND', `No ticket ${ticketId}.`);
    if (ticket.status === 'pending' && ticket.expiresAt <= this.hooks.wallNow()) {
      this.close(ticket, 'expired', `not approved within ${TICKET_TTL_MS / 60_000} minutes`);
      throw new CockpitError('TICKET_EXPIRED', 'This ticket has expired; create a new one.');
    }
    if (ticket.status !== 'pending') throw new CockpitError('TICKET_NOT_PENDING', `This ticket is already ${ticket.status}.`);
    return ticket;
  }

  private transition(order: Order, to: OrderStatus, detail: string | null, patch: Partial<Order> = {}): Order {
    const next: Order = { ...order, ...patch, status: to, updatedAt: this.hooks.now(), statusReason: detail ?? order.statusReason };
    this.repo.transaction(() => {
      this.repo.appendOrderEvent(order.id, next.updatedAt, order.status, to, detail);
      this.repo.updateOrder(next);
    });
    this.hooks.orderChanged(next);
    return next;
  }

  private onBrokerEvent(venue: BrokerAdapter, event: BrokerEvent): void {
    const order = this.repo.getOrder(event.orderId);
    if (!order || order.venue !== venue.id) {
      this.hooks.riskEvent('critical', 'UNKNOWN_BROKER_ORDER', `${venue.id} reported ${event.type} for an order the journal does not know (${event.orderId}).`, null);
      return;
    }
    if (TERMINAL_ORDER_STATUSES.includes(order.status)) {
      if (event.type !== 'fill') return;
      // The venue filled what we consider closed: reality wins — book it, and raise it loudly.
      this.hooks.riskEvent('critical', 'FILL_AFTER_CLOSE', `${venue.id} filled ${event.fill.qty} ${order.symbol} on order ${order.id}, which was ${order.status}. The fill is booked; check the position.`, order.symbol);
    }
    switch (event.type) {
      case 'accepted':
        if (order.status === 'submitted') this.transition(order, 'accepted', null);
        return;
      case 'rejected':
        this.transition(order, 'rejected', event.reason);
        this.hooks.riskEvent('warning', 'ORDER_REJECTED', `${order.side} ${order.qty} ${order.symbol} rejected: ${event.reason}`, order.symbol);
        return;
      case 'cancelled':
        this.transition(order, 'cancelled', event.reason);
        return;
      case 'modified': {
        if (TERMINAL_ORDER_STATUSES.includes(order.status)) return;
        const change: OrderChange = {};
        if (event.qty !== order.qty) change.qty = event.qty;
        if (event.limitPrice !== null && event.limitPrice !== order.limitPrice) change.limitPrice = event.limitPrice;
        if (event.stopPrice !== null && event.stopPrice !== order.stopPrice) change.stopPrice = event.stopPrice;
        const next: Order = { ...order, qty: event.qty, limitPrice: event.limitPrice, stopPrice: event.stopPrice, updatedAt: event.ts };
        this.repo.transaction(() => {
          this.repo.appendOrderEvent(order.id, event.ts, order.status, order.status, `${ORDER_EVENT_NOTE.modified}: ${describeChange(order, change) || 'terms unchanged'}`);
          this.repo.updateOrder(next);
        });
        this.hooks.orderChanged(next);
        return;
      }
      case 'modifyRejected':
        this.modifyRefusals.set(order.id, event.reason);
        this.repo.appendOrderEvent(order.id, event.ts, order.status, order.status, `${ORDER_EVENT_NOTE.modifyRejected}: ${event.reason}`);
        this.hooks.riskEvent('warning', 'MODIFY_REJECTED', `${venue.id} refused to modify ${order.side} ${order.qty} ${order.symbol}: ${event.reason}`, order.symbol);
        this.hooks.orderChanged(order);
        return;
      case 'fill': {
        const status: OrderStatus = event.complete ? 'filled' : 'partially_filled';
        const next: Order = {
          ...order,
          status,
          filledQty: event.filledQty,
          avgFillPrice: event.avgFillPrice,
          updatedAt: event.fill.ts,
        };
        this.repo.transaction(() => {
          this.repo.insertFill(event.fill);
          this.hooks.bookFill(event.fill);
          this.repo.appendOrderEvent(order.id, event.fill.ts, order.status, status, `fill ${event.fill.qty} @ ${event.fill.price}`);
          this.repo.updateOrder(next);
        });
        this.hooks.fillBooked(event.fill);
        this.hooks.orderChanged(next);
        return;
      }
    }
  }
}
