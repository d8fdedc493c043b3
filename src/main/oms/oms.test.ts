// The order manager against the real paper broker and a real SQLite journal, with quotes under
// the test's control so a test can make the market cross a resting order when it wants.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Fill, Instrument, Order, Quote, Ticket, TradingMode } from '../../shared/domain.js';
import { Ledger } from '../brokers/sim/ledger.js';
import { PaperBroker } from '../brokers/sim/paper-broker.js';
import { makeTempDir, waitFor } from '../engine/testing.js';
import { closeDatabase, openDatabase, type Db } from '../store/database.js';
import { Repository } from '../store/repository.js';
import { OrderManager } from './oms.js';

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

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(join(tmp.dir, 'oms.db'));
  repo = new Repository(db);
  repo.upsertInstrument(SPY);
  repo.insertAccount({ id: 'A', currency: 'USD', cash: 100_000, realizedPnl: 0, sessionDate: '2026-11-23', startOfDayNav: 100_000, createdAt: 0 });
  quote = { symbol: 'SPY', bid: 99.99, ask: 100.01, last: 100, bidSize: 100, askSize: 100, prevClose: 100, ts: Date.now() };
  mode = 'DRY_RUN';
  orders = new Map();
  fills = [];
  riskCodes = [];
  const ledger = new Ledger(100_000);
  paper = new PaperBroker({ ledger, quote: () => quote, instrument: () => SPY, now: () => Date.now(), newId: () => `F${++ids}`, latencyMs: 1 });
  oms = new OrderManager(repo, 'A', {
    now: () => Date.now(),
    newId: (prefix) => `${prefix}${++ids}`,
    mode: () => mode,
    venue: () => (mode === 'DRY_RUN' ? paper : undefined),
    venueById: (id) => (id === paper.id ? paper : undefined),
    check: () => ({ checks: [{ check: 'mode', level: 'green', code: 'OK', message: 'ok' }], estNotional: 0, whatIf: null, price: 100 }),
    recordArrival: () => undefined,
    bookFill: (fill) => void ledger.applyFill(fill.symbol, fill.side, fill.qty, fill.price, 1, fill.commission),
    ticketChanged: (_t: Ticket) => undefined,
    orderChanged: (o) => orders.set(o.id, o),
    fillBooked: (f) => fills.push(f),
    riskEvent: (_s, code) => riskCodes.push(code),
  });
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
