// The order manager against the real paper broker and a real SQLite journal, with quotes under
// the test's control so a test can make the market cross a resting order when it wants.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckResult, Fill, Instrument, Order, OrderEvent, OrderIntent, Quote, Ticket, TradingMode } from '../../shared/domain.js';
import { orderEventLabel } from '../../shared/domain.js';
import type { BrokerAdapter, BrokerEvent, BrokerOrderRequest, OrderChange } from '../brokers/types.js';
import { CockpitError } from '../../shared/api/result.js';
import { Ledger } from '../brokers/sim/ledger.js';
import { PaperBroker } from '../brokers/sim/paper-broker.js';
import { makeTempDir, waitFor } from '../engine/testing.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { Repository } from '../store/repository.js';
import { OrderManager, ticketHash, type OmsHooks } from './oms.js';

const SPY: Instrument = { symbol: 'SPY', kind: 'ETF', underlying: 'SPY', multiplier: 1 };

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let repo: Repository;
let quote: Quote;
let mode: TradingMode;
let paper: PaperBroker;
let oms: OrderManager;
let orders: Map<string, Order>;
let fills: Fill[];
let riskCodes: string[];
let ids = 0;
/** The trading clock runs offset from the machine's (quotes carry its time); the wall clock is the test's own. */
let tradingOffset = 0;
let wall = 0;
/** What the risk gate answers, and every intent it was asked about. */
let gateChecks: CheckResult[];
let gateCalls: { intent: OrderIntent; phase: string }[];
const GREEN: CheckResult[] = [{ check: 'mode', level: 'green', code: 'OK', message: 'ok' }];

function hooksFor(venue: BrokerAdapter, bookFill: (fill: Fill) => void): OmsHooks {
  return {
    now: () => Date.now() + tradingOffset,
    wallNow: () => wall,
    newId: (prefix) => `${prefix}${++ids}`,
    mode: () => mode,
    context: () => ({ mode, venue: mode === 'DRY_RUN' ? venue.id : null, accountId: 'ACC' }),
    venue: () => (mode === 'DRY_RUN' ? venue : undefined),
    venueById: (id) => (id === venue.id ? venue : undefined),
    check: (intent, why) => {
      gateCalls.push({ intent, phase: why.phase });
      return { checks: gateChecks, estNotional: 0, whatIf: null, price: 100 };
    },
    recordArrival: () => undefined,
    bookFill,
    ticketChanged: (_t: Ticket) => undefined,
    orderChanged: (o) => orders.set(o.id, o),
    fillBooked: (f) => fills.push(f),
    riskEvent: (_s, code) => riskCodes.push(code),
  };
}

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(join(tmp.dir, 'oms.db'));
  repo = new Repository(db);
  repo.upsertInstrument(SPY);
  repo.insertAccount({ id: 'A', currency: 'USD', cash: 100_000, realizedPnl: 0, sessionDate: '2026-11-23', startOfDayNav: 100_000, createdAt: 0 });
  quote = { symbol: 'SPY', bid: 99.99, ask: 100.01, last: 100, bidSize: 100, askSize: 100, prevClose: 100, ts: Date.now() };
  mode = 'DRY_RUN';
  tradingOffset = 0;
  wall = Date.parse('2026-06-08T14:00:00Z');
  orders = new Map();
  fills = [];
  riskCodes = [];
  gateChecks = GREEN;
  gateCalls = [];
  const ledger = new Ledger(100_000);
  paper = new PaperBroker({ ledger, quote: () => quote, instrument: () => SPY, now: () => Date.now(), newId: () => `F${++ids}`, latencyMs: 1 });
  oms = new OrderManager(repo, 'A', hooksFor(paper, (fill) => void ledger.applyFill(fill.symbol, fill.side, fill.qty, fill.price, 1, fill.commission)));
  oms.attach(paper);
});

afterEach(() => {
  paper.dispose();
  closeDatabase(db);
  tmp.remove();
});

function restingBuy(limitPrice: number): Order {
  const ticket = oms.createTicket({ symbol: 'SPY', side: 'BUY', qty: 10, orderType: 'LIMIT', limitPrice }, 'manual', 'test');
  return oms.approveTicket(ticket.id, ticket.contentHash).order;
}

describe('order manager', () => {
  it('journals every transition of a fill in order, before the venue sees the order', async () => {
    const order = restingBuy(101);
    // Approved and submitted are durable the moment approveTicket returns, before any venue event.
    expect(repo.orderEvents(order.id).map((e) => e.toStatus)).toEqual(['pending_approval', 'approved', 'submitted']);
    await waitFor(() => orders.get(order.id)?.status === 'filled', 'the fill');
    expect(repo.orderEvents(order.id).map((e) => e.toStatus)).toEqual(['pending_approval', 'approved', 'submitted', 'accepted', 'filled']);
    expect(repo.recentFills(10)).toHaveLength(1);
  });

  it('after the kill switch (mode already OFF) the venue no longer holds the order: a crossing market fills nothing', async () => {
    const order = restingBuy(90);
    await waitFor(() => orders.get(order.id)?.status === 'accepted', 'the order to rest');
    expect(paper.workingOrderIds()).toEqual([order.id]);

    mode = 'OFF'; // the kill switch switches OFF first, then cancels
    expect(oms.cancelEverything('kill switch')).toEqual({ cancelledOrders: 1, cancelledTickets: 0 });
    expect(paper.workingOrderIds()).toEqual([]);
    expect(orders.get(order.id)?.status).toBe('cancelled');

    quote = { ...quote, bid: 88, ask: 89, last: 88.5, ts: Date.now() };
    paper.onQuotes(new Set(['SPY']));
    await new Promise((r) => setTimeout(r, 20));
    expect(fills).toHaveLength(0);
    expect(repo.recentFills(10)).toHaveLength(0);
    expect(riskCodes).not.toContain('FILL_AFTER_CLOSE');
  });
});

/**
 * A venue stub (not one of our adapters): records what it is sent and, when asked to modify,
 * reads the journal at that moment — so a test can see what was durable before the venue acted.
 */
class StubVenue implements BrokerAdapter {
  readonly id = 'stub';
  readonly placed: BrokerOrderRequest[] = [];
  /** At each placeOrder: whether a transaction was open, and the order's journal as another connection reads it (what is committed). */
  readonly placedWhen: { inTransaction: boolean; committed: string[] }[] = [];
  /** placeOrder throws (the process dies while sending, as far as the OMS can tell). */
  failPlace = false;
  readonly modifies: { orderId: string; change: OrderChange; journalAtCall: OrderEvent[] }[] = [];
  /** How the stub answers a modify: apply it, refuse it, or say it no longer holds the order. */
  answer: 'modified' | 'refused' | 'unknown' = 'modified';
  private listener: ((e: BrokerEvent) => void) | undefined;
  state() {
    return { id: this.id, name: 'stub', kind: 'simulated' as const, connection: 'connected' as const, realtimeQuotes: false };
  }
  placeOrder(request: BrokerOrderRequest): void {
    this.placedWhen.push({ inTransaction: db.inTransaction, committed: committedJournal(request.orderId) });
    if (this.failPlace) throw new Error('connection lost while sending');
    this.placed.push(request);
    this.listener?.({ type: 'accepted', orderId: request.orderId, ts: Date.now() });
  }
  cancelOrder(): boolean {
    return false;
  }
  modifyOrder(orderId: string, change: OrderChange): boolean {
    this.modifies.push({ orderId, change, journalAtCall: repo.orderEvents(orderId) });
    if (this.answer === 'unknown') return false;
    const req = this.placed.find((p) => p.orderId === orderId)!;
    if (this.answer === 'refused') {
      this.listener?.({ type: 'modifyRejected', orderId, reason: 'price outside the band', ts: Date.now() });
      return true;
    }
    this.listener?.({
      type: 'modified', orderId, ts: Date.now(),
      qty: change.qty ?? req.qty, limitPrice: change.limitPrice ?? req.limitPrice, stopPrice: change.stopPrice ?? req.stopPrice ?? null,
    });
    return true;
  }
  onEvent(listener: (e: BrokerEvent) => void): void {
    this.listener = listener;
  }
}

/** The order's journal (and its ticket's status) as a second connection to the file reads it: only what is committed. */
function committedJournal(orderId: string): string[] {
  const reader = new Database(join(tmp.dir, 'oms.db'), { readonly: true });
  try {
    const events = reader.prepare('SELECT to_status FROM order_events WHERE order_id = ? ORDER BY seq').pluck().all(orderId) as string[];
    const ticket = reader.prepare('SELECT t.status FROM tickets t JOIN orders o ON o.ticket_id = t.id WHERE o.id = ?').pluck().get(orderId) as string | undefined;
    return [...events, `ticket ${ticket ?? 'missing'}`];
  } finally {
    reader.close();
  }
}

function stubbed(): { stub: StubVenue; manager: OrderManager } {
  const stub = new StubVenue();
  const manager = new OrderManager(repo, 'A', hooksFor(stub, () => undefined));
  manager.attach(stub);
  return { stub, manager };
}

const STOP_LIMIT_GTC: OrderIntent = { symbol: 'SPY', side: 'BUY', qty: 10, orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106, tif: 'GTC' };

function approved(manager: OrderManager, intent: OrderIntent): Order {
  const ticket = manager.createTicket(intent, 'manual', 'test');
  return manager.approveTicket(ticket.id, ticket.contentHash).order;
}

const labels = (orderId: string) => repo.orderEvents(orderId).map(orderEventLabel);

async function expectError(fn: () => unknown, code: string, message?: RegExp): Promise<void> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CockpitError);
    expect((error as CockpitError).code).toBe(code);
    if (message) expect((error as CockpitError).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('order types through the OMS', () => {
  it('a ticket makes its defaults explicit, and the order and the venue get stop, time in force and outside-RTH', () => {
    const { stub, manager } = stubbed();
    const ticket = manager.createTicket({ symbol: 'SPY', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 99 }, 'manual', 'defaults');
    expect(ticket.intent).toMatchObject({ tif: 'DAY', outsideRth: false });
    expect(repo.getTicket(ticket.id)!.intent).toMatchObject({ tif: 'DAY', outsideRth: false });

    const order = approved(manager, STOP_LIMIT_GTC);
    expect(order).toMatchObject({ orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106, tif: 'GTC', outsideRth: false });
    expect(repo.getOrder(order.id)).toMatchObject({ stopPrice: 105, tif: 'GTC', outsideRth: false });
    expect(stub.placed.at(-1)).toMatchObject({ orderType: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106, tif: 'GTC', outsideRth: false });

    approved(manager, { symbol: 'SPY', side: 'SELL', qty: 2, orderType: 'LIMIT', limitPrice: 101, outsideRth: true });
    expect(stub.placed.at(-1)).toMatchObject({ orderType: 'LIMIT', tif: 'DAY', outsideRth: true, stopPrice: null });
  });

  it('the ticket hash binds the stop price, time in force and outside-RTH flag', () => {
    const base = { id: 'T', source: 'manual' as const, reason: 'r', createdAt: 1, expiresAt: 2, context: { mode: 'DRY_RUN' as const, venue: 'paper', accountId: 'A' } };
    const limit = { symbol: 'SPY', side: 'BUY' as const, qty: 1, orderType: 'LIMIT' as const, limitPrice: 99 };
    const h = ticketHash({ ...base, intent: limit });
    expect(ticketHash({ ...base, intent: { ...limit, tif: 'DAY', outsideRth: false } })).toBe(h); // defaults are the same content
    expect(ticketHash({ ...base, intent: { ...limit, tif: 'GTC' } })).not.toBe(h);
    expect(ticketHash({ ...base, intent: { ...limit, outsideRth: true } })).not.toBe(h);
    const stop = { ...limit, orderType: 'STOP_LIMIT' as const, stopPrice: 98 };
    expect(ticketHash({ ...base, intent: { ...stop, stopPrice: 97 } })).not.toBe(ticketHash({ ...base, intent: stop }));
  });
});

describe('tickets: expiry, context and the gate at approval', () => {
  const intent = { symbol: 'SPY', side: 'BUY' as const, qty: 10, orderType: 'LIMIT' as const, limitPrice: 90 };

  it('expire after 5 minutes of wall-clock time, whatever the trading clock does, with the reason journaled', () => {
    const ticket = oms.createTicket(intent, 'manual', 'test');
    expect(ticket.context).toEqual({ mode: 'DRY_RUN', venue: paper.id, accountId: 'ACC' });
    // The simulated trading clock jumps a night ahead: the trader's five minutes have not passed.
    tradingOffset = 16 * 3_600_000;
    oms.expireTickets();
    expect(repo.getTicket(ticket.id)?.status).toBe('pending');
    wall += 5 * 60_000 - 1;
    oms.expireTickets();
    expect(repo.getTicket(ticket.id)?.status).toBe('pending');
    wall += 1;
    oms.expireTickets();
    expect(repo.getTicket(ticket.id)).toMatchObject({ status: 'expired', statusReason: 'not approved within 5 minutes' });
    expect(() => oms.approveTicket(ticket.id, ticket.contentHash)).toThrow(expect.objectContaining({ code: 'TICKET_NOT_PENDING' }));
    expect(repo.recentOrders(10)).toHaveLength(0);
  });

  it('an expired ticket approved before the sweep ran is refused as expired, and nothing is sent', () => {
    const ticket = oms.createTicket(intent, 'manual', 'test');
    wall += 5 * 60_000;
    expect(() => oms.approveTicket(ticket.id, ticket.contentHash)).toThrow(expect.objectContaining({ code: 'TICKET_EXPIRED' }));
    expect(repo.getTicket(ticket.id)?.status).toBe('expired');
    expect(repo.recentOrders(10)).toHaveLength(0);
  });

  it('a ticket reviewed in DRY_RUN is never sent after a switch to another mode: cancelled with its own error code', () => {
    const ticket = oms.createTicket(intent, 'manual', 'test');
    mode = 'REAL';
    let error: unknown;
    try {
      oms.approveTicket(ticket.id, ticket.contentHash);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CockpitError);
    expect((error as CockpitError).code).toBe('TICKET_CONTEXT_CHANGED');
    expect((error as CockpitError).message).toMatch(/checked for DRY_RUN .* now REAL/);
    expect(repo.getTicket(ticket.id)).toMatchObject({ status: 'cancelled' });
    expect(repo.getTicket(ticket.id)?.statusReason).toMatch(/checked for DRY_RUN/);
    expect(repo.recentOrders(10)).toHaveLength(0);
    expect(paper.workingOrderIds()).toEqual([]);
    // Back in DRY_RUN it stays cancelled: an approval is single-use and bound to what was reviewed.
    mode = 'DRY_RUN';
    expect(() => oms.approveTicket(ticket.id, ticket.contentHash)).toThrow(expect.objectContaining({ code: 'TICKET_NOT_PENDING' }));
  });

  it('the context is part of the content hash', () => {
    const a = oms.createTicket(intent, 'manual', 'test');
    const row = repo.getTicket(a.id)!;
    expect(ticketHash({ ...row, context: { ...row.context!, mode: 'REAL' } })).not.toBe(row.contentHash);
    expect(ticketHash({ ...row, context: { ...row.context!, accountId: 'OTHER' } })).not.toBe(row.contentHash);
    expect(ticketHash(row)).toBe(row.contentHash);
  });

  it('cancelPendingTickets cancels every pending ticket with the reason, in the ticket and the audit log', () => {
    const a = oms.createTicket(intent, 'manual', 'a');
    const b = oms.createTicket({ ...intent, qty: 5 }, 'manual', 'b');
    const done = oms.createTicket({ ...intent, qty: 1 }, 'manual', 'c');
    oms.rejectTicket(done.id, 'changed my mind');
    expect(oms.cancelPendingTickets('the mode changed from DRY_RUN to REAL')).toBe(2);
    for (const t of [a, b]) expect(repo.getTicket(t.id)).toMatchObject({ status: 'cancelled', statusReason: 'the mode changed from DRY_RUN to REAL' });
    expect(repo.getTicket(done.id)).toMatchObject({ status: 'rejected', statusReason: 'changed my mind' });
    const audited = db.prepare("SELECT action, details FROM audit_events WHERE action = 'ticket.cancelled'").all() as { details: string }[];
    expect(audited.map((r) => (JSON.parse(r.details) as { ticketId: string }).ticketId).sort()).toEqual([a.id, b.id].sort());
  });

  it('a ticket green at creation and red at approval is refused with the reasons, and nothing is sent', () => {
    const ticket = oms.createTicket(intent, 'manual', 'test');
    expect(ticket.verdict).toBe('green');
    gateChecks = [{ check: 'dailyLoss', level: 'red', code: 'DAILY_LOSS', message: 'The daily loss limit is reached.' }];
    expect(() => oms.approveTicket(ticket.id, ticket.contentHash)).toThrow(expect.objectContaining({ code: 'TICKET_RED' }));
    expect(repo.getTicket(ticket.id)).toMatchObject({ status: 'pending', verdict: 'red' });
    expect(gateCalls.map((c) => c.phase)).toEqual(['create', 'approve']);
    expect(repo.recentOrders(10)).toHaveLength(0);
  });
});

describe('modifyOrder', () => {
  it('journals the request before the venue sees it; the venue\'s confirmation updates the order', () => {
    const { stub, manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    const modified = manager.modifyOrder(order.id, { limitPrice: 107 });

    expect(stub.modifies).toHaveLength(1);
    const atCall = stub.modifies[0]!.journalAtCall.map(orderEventLabel);
    expect(atCall).toEqual(['pending approval', 'approved', 'submitted', 'accepted', 'modify requested']);
    expect(stub.modifies[0]!.journalAtCall.at(-1)!.detail).toContain('limit 106 → 107');
    expect(stub.modifies[0]!.change).toEqual({ limitPrice: 107 });

    expect(labels(order.id)).toEqual(['pending approval', 'approved', 'submitted', 'accepted', 'modify requested', 'modified']);
    expect(modified).toMatchObject({ status: 'accepted', limitPrice: 107, stopPrice: 105, qty: 10, tif: 'GTC' });
    expect(repo.getOrder(order.id)).toMatchObject({ limitPrice: 107, stopPrice: 105 });
    expect(orders.get(order.id)).toMatchObject({ limitPrice: 107 });
  });

  it('re-runs the risk gate (phase approve) on the changed order, on what is left to fill', () => {
    const { manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    gateCalls = [];
    manager.modifyOrder(order.id, { qty: 12, stopPrice: 104 });
    expect(gateCalls).toEqual([
      { phase: 'approve', intent: { symbol: 'SPY', side: 'BUY', qty: 12, orderType: 'STOP_LIMIT', stopPrice: 104, limitPrice: 106, tif: 'GTC', outsideRth: false } },
    ]);
  });

  it('a red verdict refuses the modify with its reasons: nothing journaled, the venue never asked', async () => {
    const { stub, manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    const before = repo.orderEvents(order.id);
    gateChecks = [...GREEN, { check: 'price', level: 'red', code: 'PRICE_FAR_FROM_MARKET', message: 'Limit 150.00 looks like a typo.' }];
    await expectError(() => manager.modifyOrder(order.id, { limitPrice: 150 }), 'MODIFY_RED', /Cannot modify: Limit 150\.00 looks like a typo\./);
    expect(stub.modifies).toHaveLength(0);
    expect(repo.orderEvents(order.id)).toEqual(before);
    expect(repo.getOrder(order.id)).toMatchObject({ limitPrice: 106 });
  });

  it('a venue refusal is journaled and reported; the order keeps its terms', async () => {
    const { stub, manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    stub.answer = 'refused';
    await expectError(() => manager.modifyOrder(order.id, { limitPrice: 107 }), 'MODIFY_REJECTED', /price outside the band/);
    expect(labels(order.id).slice(-2)).toEqual(['modify requested', 'modify rejected']);
    expect(repo.getOrder(order.id)).toMatchObject({ limitPrice: 106, status: 'accepted' });
    expect(riskCodes).toContain('MODIFY_REJECTED');
  });

  it('when the venue no longer holds the order, the modify fails closed, journaled, with a risk event', async () => {
    const { stub, manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    stub.answer = 'unknown';
    await expectError(() => manager.modifyOrder(order.id, { qty: 11 }), 'ORDER_NOT_WORKING', /no longer holds/);
    expect(labels(order.id).slice(-2)).toEqual(['modify requested', 'modify rejected']);
    expect(repo.getOrder(order.id)).toMatchObject({ qty: 10 });
    expect(riskCodes).toContain('MODIFY_NOT_CONFIRMED');
  });

  it('refuses bad changes with clear errors before journaling anything', async () => {
    const { stub, manager } = stubbed();
    const order = approved(manager, STOP_LIMIT_GTC);
    const stop = approved(manager, { symbol: 'SPY', side: 'SELL', qty: 5, orderType: 'STOP', stopPrice: 95 });
    const before = repo.orderEvents(order.id).length;
    await expectError(() => manager.modifyOrder('nope', { qty: 1 }), 'NOT_FOUND');
    await expectError(() => manager.modifyOrder(order.id, { limitPrice: 106 }), 'NOTHING_TO_MODIFY');
    await expectError(() => manager.modifyOrder(order.id, {}), 'NOTHING_TO_MODIFY');
    await expectError(() => manager.modifyOrder(stop.id, { limitPrice: 94 }), 'BAD_MODIFY', /stop order has no limit price/);
    await expectError(() => manager.modifyOrder(order.id, { qty: 0 }), 'BAD_MODIFY', /not above the 0 already filled/);
    expect(repo.orderEvents(order.id)).toHaveLength(before);
    expect(stub.modifies).toHaveLength(0);
  });

  it('only working orders can be modified', async () => {
    const order = restingBuy(101);
    await waitFor(() => orders.get(order.id)?.status === 'filled', 'the fill');
    await expectError(() => oms.modifyOrder(order.id, { limitPrice: 102 }), 'ORDER_NOT_WORKING', /filled/);
  });

  it('on the paper ledger a modified limit that now crosses fills at once', async () => {
    const order = restingBuy(90);
    await waitFor(() => orders.get(order.id)?.status === 'accepted', 'the order to rest');
    const after = oms.modifyOrder(order.id, { limitPrice: 100.5 });
    // The paper ledger re-matches inside modifyOrder: the fill is already booked.
    expect(after).toMatchObject({ status: 'filled', limitPrice: 100.5, filledQty: 10 });
    expect(fills).toEqual([expect.objectContaining({ qty: 10, price: 100.01 })]);
    expect(labels(order.id)).toEqual(['pending approval', 'approved', 'submitted', 'accepted', 'modify requested', 'modified', 'filled']);
  });
});

describe('orders approved by a policy: ticket, approval and submission in one durable commit', () => {
  const intent: OrderIntent = { symbol: 'SPY', side: 'BUY', qty: 3, orderType: 'LIMIT', limitPrice: 100 };
  /** The repository's writes, each with whether it ran inside a transaction, and how many transactions were opened. */
  /** Up to the venue being asked (its 'accepted' answer is a transaction of its own). */
  function recordWrites(stub: StubVenue): { writes: { write: string; inTransaction: boolean }[]; transactions: () => number } {
    const writes: { write: string; inTransaction: boolean }[] = [];
    let sent = false;
    for (const write of ['insertTicket', 'updateTicket', 'insertOrder', 'updateOrder', 'appendOrderEvent', 'audit', 'insertRiskEvent'] as const) {
      const original = repo[write].bind(repo) as (...args: unknown[]) => unknown;
      (repo as unknown as Record<string, unknown>)[write] = (...args: unknown[]) => {
        if (!sent) writes.push({ write, inTransaction: db.inTransaction });
        return original(...args);
      };
    }
    const transaction = repo.transaction.bind(repo);
    let transactions = 0;
    repo.transaction = (fn) => {
      if (!sent) transactions++;
      return transaction(fn);
    };
    const place = stub.placeOrder.bind(stub);
    stub.placeOrder = (request) => {
      sent = true;
      place(request);
    };
    return { writes, transactions: () => transactions };
  }

  it('journals ticket, approval and submitted in one transaction, the gate run once inside it, and sends only after the commit', () => {
    const { stub, manager } = stubbed();
    const { writes, transactions } = recordWrites(stub);
    const gateInTransaction: boolean[] = [];
    const seenByOthersAtGate: number[] = [];
    const check = manager['hooks'].check;
    manager['hooks'].check = (i, why) => {
      gateInTransaction.push(db.inTransaction);
      const reader = new Database(join(tmp.dir, 'oms.db'), { readonly: true });
      seenByOthersAtGate.push(reader.prepare('SELECT COUNT(*) FROM tickets').pluck().get() as number);
      reader.close();
      return check(i, why);
    };

    const { ticket, order } = manager.submitByPolicy(intent, 'hedge', 'auto-hedge leg 1/1', 'policy:auto-hedge');

    expect(transactions()).toBe(1);
    expect(writes.map((w) => w.write)).toEqual(['insertTicket', 'insertOrder', 'appendOrderEvent', 'appendOrderEvent', 'appendOrderEvent']);
    expect(writes.every((w) => w.inTransaction)).toBe(true);
    // The gate ran once, on fresh quotes, inside the commit: nothing of this order was visible to anyone yet.
    expect(gateCalls.map((c) => c.phase)).toEqual(['approve']);
    expect(gateInTransaction).toEqual([true]);
    expect(seenByOthersAtGate).toEqual([0]);
    // When the venue is asked, the transaction is over and the whole approval is committed.
    expect(stub.placedWhen).toEqual([{ inTransaction: false, committed: ['pending_approval', 'approved', 'submitted', 'ticket approved'] }]);
    expect(stub.placed).toEqual([expect.objectContaining({ orderId: order.id, clientOrderId: order.clientOrderId, symbol: 'SPY', qty: 3, limitPrice: 100 })]);
    expect(labels(order.id)).toEqual(['pending approval', 'approved', 'submitted', 'accepted']);
    expect(repo.orderEvents(order.id).find((e) => e.toStatus === 'approved')?.detail).toBe('approved by policy auto-hedge; verdict green');
    expect(repo.getTicket(ticket.id)).toEqual(ticket);
  });

  it('the manual review keeps its two steps: the ticket is committed on its own, then the approval transaction', () => {
    const { stub, manager } = stubbed();
    const { writes, transactions } = recordWrites(stub);
    const ticket = manager.createTicket(intent, 'manual', 'test');
    expect(writes).toEqual([{ write: 'insertTicket', inTransaction: false }]);
    manager.approveTicket(ticket.id, ticket.contentHash);
    expect(transactions()).toBe(1);
    expect(gateCalls.map((c) => c.phase)).toEqual(['create', 'approve']);
  });

  it('the ticket carries its checks, context and content hash exactly as a reviewed one', () => {
    const { manager } = stubbed();
    gateChecks = [...GREEN, { check: 'greeks', level: 'amber', code: 'SHORT_DATED_GAMMA', message: 'Short-dated gamma is near its cap.' }];
    const reviewed = manager.createTicket(intent, 'hedge', 'same leg');
    const { ticket, order } = manager.submitByPolicy(intent, 'hedge', 'same leg', 'auto-hedge');
    const stored = repo.getTicket(ticket.id)!;
    expect(stored).toMatchObject({ status: 'approved', orderId: order.id, source: 'hedge', reason: 'same leg', verdict: 'amber', checks: gateChecks, statusReason: null });
    expect(stored.intent).toEqual(reviewed.intent);
    expect(stored.context).toEqual(reviewed.context);
    expect(stored.contentHash).toBe(ticketHash(stored));
    expect(stored.expiresAt).toBe(reviewed.expiresAt); // the same wall-clock expiry (the test's wall clock stands still)
    expect(repo.orderEvents(order.id).find((e) => e.toStatus === 'approved')?.detail).toBe('approved by policy auto-hedge; verdict amber');
  });

  it('if sending fails (or the process dies while sending), the journal already holds the order as submitted', () => {
    const { stub, manager } = stubbed();
    stub.failPlace = true;
    expect(() => manager.submitByPolicy(intent, 'hedge', 'leg', 'policy:auto-hedge')).toThrow('connection lost while sending');
    const [order] = repo.recentOrders(10);
    expect(order).toMatchObject({ status: 'submitted', venue: 'stub' });
    expect(labels(order!.id)).toEqual(['pending approval', 'approved', 'submitted']);
    expect(repo.getTicket(order!.ticketId!)).toMatchObject({ status: 'approved', orderId: order!.id });
    // What the venue was about to be asked was already committed: reconciliation finds it by its client order id.
    expect(stub.placedWhen[0]!.committed).toEqual(['pending_approval', 'approved', 'submitted', 'ticket approved']);
  });

  it('a red verdict refuses with TICKET_RED: the ticket is journaled as refused with its checks, and there is no order', async () => {
    const { stub, manager } = stubbed();
    gateChecks = [{ check: 'dailyLoss', level: 'red', code: 'DAILY_LOSS', message: 'The daily loss limit is reached.' }];
    let error: CockpitError | undefined;
    try {
      manager.submitByPolicy(intent, 'hedge', 'leg', 'policy:auto-hedge');
    } catch (e) {
      error = e as CockpitError;
    }
    expect(error).toBeInstanceOf(CockpitError);
    expect(error!.code).toBe('TICKET_RED');
    expect(error!.message).toMatch(/The daily loss limit is reached\./);
    const ticketId = (error!.details as { ticketId: string }).ticketId;
    expect(repo.getTicket(ticketId)).toMatchObject({ status: 'rejected', verdict: 'red', checks: gateChecks, orderId: null, statusReason: 'refused by the risk gate: The daily loss limit is reached.' });
    expect(repo.getTicket(ticketId)!.contentHash).toBe(ticketHash(repo.getTicket(ticketId)!));
    expect(gateCalls).toHaveLength(1);
    expect(repo.recentOrders(10)).toHaveLength(0);
    expect(stub.placedWhen).toHaveLength(0);
    const audited = db.prepare("SELECT actor, details FROM audit_events WHERE action = 'ticket.rejected'").all() as { actor: string; details: string }[];
    expect(audited).toEqual([{ actor: 'policy:auto-hedge', details: expect.stringContaining(ticketId) }]);
  });

  it('refuses before anything is journaled when trading is OFF, no venue is connected, or the gate fails; never for a trader', async () => {
    const { stub, manager } = stubbed();
    mode = 'OFF';
    await expectError(() => manager.submitByPolicy(intent, 'hedge', 'leg', 'policy:auto-hedge'), 'MODE_OFF');
    mode = 'REAL'; // the test's hooks have no venue in REAL
    await expectError(() => manager.submitByPolicy(intent, 'hedge', 'leg', 'policy:auto-hedge'), 'REAL_UNAVAILABLE');
    mode = 'DRY_RUN';
    expect(gateCalls).toHaveLength(0);
    manager['hooks'].check = () => {
      throw new Error('quotes unavailable');
    };
    expect(() => manager.submitByPolicy(intent, 'hedge', 'leg', 'policy:auto-hedge')).toThrow('quotes unavailable');
    expect(() => manager.submitByPolicy(intent, 'hedge', 'leg', 'user')).toThrow(/needs a policy/);
    expect(repo.recentTickets(10)).toHaveLength(0);
    expect(repo.recentOrders(10)).toHaveLength(0);
    expect(stub.placedWhen).toHaveLength(0);
  });
});
