// Runs a strategy on the live engine (DRY_RUN on the paper ledger, REAL on a broker): feeds it
// the engine's quotes (and bars built from them, or bars pushed from a feed), its fills and its
// closed orders, and turns its order intents into tickets through the engine's ticket path with
// source 'strategy' — the same pre-trade checks, approval and OMS as every other order. The
// strategy object is the one the backtester runs; only the clock and the venue differ.
import type { CockpitState, OrderIntent, OrderStatus, Ticket } from '../../shared/domain.js';
import { applyPatch } from '../../shared/api/state.js';
import type { StateStreamMessage } from '../../shared/api/contract.js';
import type { OrderClosed, OrderRequest, Strategy, StrategyBar, StrategyContext } from './strategy.js';

/** What the runner needs from the engine: its ticket path and its state stream. */
export interface LiveEngine {
  createTicket(intent: OrderIntent, reason: string | undefined, source: Ticket['source']): Ticket;
  rejectTicket(ticketId: string, reason: string | undefined): Ticket;
  cancelOrder(orderId: string): unknown;
  subscribeState(listener: (message: StateStreamMessage) => void): () => void;
}

export interface LiveRunnerOptions {
  /** The symbol whose quotes are turned into bars. */
  symbol: string;
  /** Bar length in engine-clock ms when bars are built from quotes; omit to feed bars with pushBar. */
  barMs?: number;
  /** A strategy callback threw: the runner has stopped (fail closed) and says why here. */
  onError?: (error: Error) => void;
}

interface MyOrder {
  ticketId: string;
  symbol: string;
  orderId: string | null;
  done: boolean;
  /** Cancel asked for after approval but before the order reached this runner. */
  cancelRequested: boolean;
}

const CLOSED_TICKET: ReadonlySet<Ticket['status']> = new Set(['rejected', 'expired', 'cancelled']);
const CLOSED_ORDER: ReadonlySet<OrderStatus> = new Set(['cancelled', 'rejected', 'expired']);

export class LiveStrategyRunner implements StrategyContext {
  private state: CockpitState | undefined;
  private unsubscribe: (() => void) | undefined;
  /** By ticket id (the id `submit` returns). */
  private readonly mine = new Map<string, MyOrder>();
  private readonly byOrderId = new Map<string, MyOrder>();
  private bar: StrategyBar | undefined;
  private bucket = Number.NaN;
  private stopped = false;

  constructor(
    private readonly engine: LiveEngine,
    readonly strategy: Strategy,
    private readonly options: LiveRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe ??= this.engine.subscribeState((message) => this.guard(() => this.onState(message)));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** A completed bar from an external feed (or a replay): the strategy sees it as in a backtest. */
  pushBar(bar: StrategyBar): void {
    if (this.stopped) return;
    this.guard(() => this.strategy.onBar({ ...bar }, this));
  }

  // ── StrategyContext ────────────────────────────────────────────────────────

  position(symbol: string): number {
    return this.state?.positions.find((p) => p.symbol === symbol)?.qty ?? 0;
  }

  openOrders(symbol: string): number {
    let n = 0;
    for (const order of this.mine.values()) if (!order.done && order.symbol === symbol) n++;
    return n;
  }

  cash(): number {
    return this.state?.account.cash ?? 0;
  }

  submit(request: OrderRequest): string | null {
    const refuse = (reason: string): null => {
      this.strategy.onOrderClosed?.({ orderId: null, symbol: request.symbol, status: 'rejected', reason }, this);
      return null;
    };
    if (this.stopped) return refuse('the live runner is stopped');
    if (request.type === 'STOP') return refuse('stop orders are not supported by the live venue yet');
    const intent: OrderIntent = {
      symbol: request.symbol,
      side: request.side,
      qty: request.qty,
      orderType: request.type,
      ...(request.type === 'LIMIT' ? { limitPrice: request.price } : {}),
    };
    let ticket: Ticket;
    try {
      ticket = this.engine.createTicket(intent, `${this.strategy.name}: ${request.reason ?? 'strategy signal'}`, 'strategy');
    } catch (error) {
      return refuse((error as Error).message);
    }
    this.mine.set(ticket.id, { ticketId: ticket.id, symbol: ticket.intent.symbol, orderId: null, done: false, cancelRequested: false });
    return ticket.id;
  }

  /** Cancels by the id `submit` returned: a pending ticket is rejected, a working order cancelled. */
  cancel(id: string): void {
    const order = this.mine.get(id);
    if (!order || order.done) return;
    if (order.orderId) {
      this.cancelWorking(order.orderId);
      return;
    }
    try {
      this.engine.rejectTicket(order.ticketId, 'cancelled by the strategy');
    } catch {
      // Approved in the meantime: its order is cancelled as soon as this runner hears of it.
      order.cancelRequested = true;
    }
  }

  private cancelWorking(orderId: string): void {
    try {
      this.engine.cancelOrder(orderId);
    } catch {
      // Already filled or closed: the fill or the closure arrives on the state stream.
    }
  }

  // ── the engine's state stream ──────────────────────────────────────────────

  private onState(message: StateStreamMessage): void {
    if (message.type === 'snapshot') {
      this.state = message.state;
      return;
    }
    if (!this.state) return;
    const patch = message.patch;
    this.state = applyPatch(this.state, patch);

    for (const ticket of patch.tickets ?? []) {
      const order = this.mine.get(ticket.id);
      if (!order || order.done) continue;
      if (ticket.orderId) this.link(order, ticket.orderId);
      else if (CLOSED_TICKET.has(ticket.status)) this.close(order, ticket.status as OrderClosed['status'], `ticket ${ticket.status}`);
    }
    const statuses = new Map<MyOrder, OrderStatus>();
    for (const o of patch.orders ?? []) {
      const order = o.ticketId ? this.mine.get(o.ticketId) : undefined;
      if (!order) continue;
      this.link(order, o.id);
      statuses.set(order, o.status);
    }
    for (const fill of patch.fills ?? []) {
      const order = this.byOrderId.get(fill.orderId);
      if (!order) continue;
      this.strategy.onFill?.(
        { orderId: order.ticketId, symbol: fill.symbol, side: fill.side, qty: fill.qty, price: fill.price, commission: fill.commission, time: fill.ts },
        this,
      );
    }
    for (const [order, status] of statuses) {
      if (order.done) continue;
      if (status === 'filled') order.done = true;
      else if (CLOSED_ORDER.has(status)) this.close(order, status as OrderClosed['status'], `order ${status}`);
    }

    const quote = patch.quotes?.[this.options.symbol];
    if (quote) {
      this.strategy.onQuote?.({ symbol: quote.symbol, time: quote.ts, bid: quote.bid, ask: quote.ask, last: quote.last }, this);
      if (this.options.barMs) this.aggregate(quote.ts, quote.last);
    }
  }

  private link(order: MyOrder, orderId: string): void {
    if (order.orderId === orderId) return;
    order.orderId = orderId;
    this.byOrderId.set(orderId, order);
    if (order.cancelRequested) this.cancelWorking(orderId);
  }

  private close(order: MyOrder, status: OrderClosed['status'], reason: string): void {
    order.done = true;
    this.strategy.onOrderClosed?.({ orderId: order.ticketId, symbol: order.symbol, status, reason }, this);
  }

  /** Quotes into bars of `barMs`: a bar is complete when the first quote of the next one arrives. */
  private aggregate(ts: number, price: number): void {
    const bucket = Math.floor(ts / this.options.barMs!);
    const bar = this.bar;
    if (bar && bucket === this.bucket) {
      if (price > bar.high) bar.high = price;
      if (price < bar.low) bar.low = price;
      bar.close = price;
      return;
    }
    if (bar) this.strategy.onBar(bar, this);
    this.bucket = bucket;
    this.bar = { symbol: this.options.symbol, time: bucket * this.options.barMs!, open: price, high: price, low: price, close: price, volume: 0 };
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.stop();
      this.options.onError?.(error as Error);
    }
  }
}
