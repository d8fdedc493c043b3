// Typed reads and writes over the engine database. The engine is the single writer;
// every statement is prepared once.
import type { Db } from './database.js';
import { withIntentDefaults } from '../../shared/domain.js';
import type {
  EquityPoint,
  Fill,
  Instrument,
  Order,
  OrderEvent,
  OrderStatus,
  RiskEvent,
  Severity,
  Ticket,
} from '../../shared/domain.js';

export interface AccountRow {
  id: string;
  currency: string;
  cash: number;
  realizedPnl: number;
  sessionDate: string;
  startOfDayNav: number;
  createdAt: number;
}

export interface PositionRow {
  symbol: string;
  qty: number;
  avgPrice: number;
}

const ORDER_COLUMNS = `id, client_order_id AS clientOrderId, ticket_id AS ticketId, mode, venue, symbol, side, qty,
  order_type AS orderType, limit_price AS limitPrice, status, filled_qty AS filledQty,
  avg_fill_price AS avgFillPrice, created_at AS createdAt, updated_at AS updatedAt, status_reason AS statusReason,
  stop_price AS stopPrice, tif, outside_rth AS outsideRth`;

/** SQLite has no boolean: outside_rth is 0/1. */
type OrderRow = Omit<Order, 'outsideRth'> & { outsideRth: number };
const toOrder = (row: OrderRow): Order => ({ ...row, outsideRth: row.outsideRth === 1 });

interface TicketRow {
  id: string;
  createdAt: number;
  expiresAt: number;
  source: Ticket['source'];
  reason: string;
  intent: string;
  checks: string;
  verdict: Ticket['verdict'];
  contentHash: string;
  status: Ticket['status'];
  orderId: string | null;
  estNotional: number;
  whatIf: string | null;
  context: string | null;
  statusReason: string | null;
}

const TICKET_COLUMNS = `id, created_at AS createdAt, expires_at AS expiresAt, source, reason, intent, checks, verdict,
  content_hash AS contentHash, status, order_id AS orderId, est_notional AS estNotional, what_if AS whatIf,
  context, status_reason AS statusReason`;

const toTicket = (row: TicketRow): Ticket => ({
  ...row,
  // Intents stored before migration 004 carry no tif / outsideRth: they were DAY, regular hours.
  intent: withIntentDefaults(JSON.parse(row.intent) as Ticket['intent']),
  checks: JSON.parse(row.checks) as Ticket['checks'],
  whatIf: row.whatIf === null ? null : (JSON.parse(row.whatIf) as Ticket['whatIf']),
  context: row.context === null ? null : (JSON.parse(row.context) as Ticket['context']),
});

function stripNulls(row: Record<string, unknown>): Instrument {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null) out[key] = value;
  return out as Instrument;
}

export class Repository {
  private readonly stmts;

  constructor(readonly db: Db) {
    this.stmts = {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      deleteSetting: db.prepare('DELETE FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      getAccount: db.prepare<[string], AccountRow>(
        `SELECT id, currency, cash, realized_pnl AS realizedPnl, session_date AS sessionDate,
         start_of_day_nav AS startOfDayNav, created_at AS createdAt FROM accounts WHERE id = ?`,
      ),
      insertAccount: db.prepare(
        `INSERT INTO accounts (id, currency, cash, realized_pnl, session_date, start_of_day_nav, created_at)
         VALUES (@id, @currency, @cash, @realizedPnl, @sessionDate, @startOfDayNav, @createdAt)`,
      ),
      updateAccountCash: db.prepare('UPDATE accounts SET cash = ?, realized_pnl = ? WHERE id = ?'),
      updateAccountSession: db.prepare('UPDATE accounts SET session_date = ?, start_of_day_nav = ? WHERE id = ?'),
      upsertInstrument: db.prepare(
        `INSERT INTO instruments (symbol, kind, underlying, multiplier, right, strike, expiry, style)
         VALUES (@symbol, @kind, @underlying, @multiplier, @right, @strike, @expiry, @style)
         ON CONFLICT(symbol) DO NOTHING`,
      ),
      listInstruments: db.prepare('SELECT symbol, kind, underlying, multiplier, right, strike, expiry, style FROM instruments'),
      listPositions: db.prepare<[string], PositionRow>(
        'SELECT symbol, qty, avg_price AS avgPrice FROM positions WHERE account_id = ? ORDER BY symbol',
      ),
      upsertPosition: db.prepare(
        `INSERT INTO positions (account_id, symbol, qty, avg_price, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(account_id, symbol) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price, updated_at = excluded.updated_at`,
      ),
      deletePosition: db.prepare('DELETE FROM positions WHERE account_id = ? AND symbol = ?'),
      insertTicket: db.prepare(
        `INSERT INTO tickets (id, created_at, expires_at, source, reason, intent, checks, verdict, content_hash, status, order_id, est_notional, what_if, context, status_reason)
         VALUES (@id, @createdAt, @expiresAt, @source, @reason, @intent, @checks, @verdict, @contentHash, @status, @orderId, @estNotional, @whatIf, @context, @statusReason)`,
      ),
      updateTicket: db.prepare('UPDATE tickets SET status = ?, order_id = ?, checks = ?, verdict = ?, what_if = ?, status_reason = ? WHERE id = ?'),
      getTicket: db.prepare<[string], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ?`),
      recentTickets: db.prepare<[number], TicketRow>(
        `SELECT * FROM (SELECT ${TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, rowid DESC LIMIT ?) ORDER BY createdAt`,
      ),
      pendingTickets: db.prepare<[], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE status = 'pending'`),
      insertOrder: db.prepare(
        `INSERT INTO orders (id, client_order_id, ticket_id, account_id, mode, venue, symbol, side, qty, order_type, limit_price,
           status, filled_qty, avg_fill_price, status_reason, created_at, updated_at, stop_price, tif, outside_rth)
         VALUES (@id, @clientOrderId, @ticketId, @accountId, @mode, @venue, @symbol, @side, @qty, @orderType, @limitPrice,
           @status, @filledQty, @avgFillPrice, @statusReason, @createdAt, @updatedAt, @stopPrice, @tif, @outsideRth)`,
      ),
      updateOrder: db.prepare(
        `UPDATE orders SET status = @status, filled_qty = @filledQty, avg_fill_price = @avgFillPrice,
           status_reason = @statusReason, updated_at = @updatedAt, qty = @qty, limit_price = @limitPrice, stop_price = @stopPrice
         WHERE id = @id`,
      ),
      getOrder: db.prepare<[string], OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`),
      recentOrders: db.prepare<[number], OrderRow>(
        `SELECT * FROM (SELECT ${ORDER_COLUMNS} FROM orders ORDER BY created_at DESC, rowid DESC LIMIT ?) ORDER BY createdAt`,
      ),
      workingOrders: db.prepare<[], OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE status IN ('approved','submitted','accepted','partially_filled') ORDER BY created_at`,
      ),
      workingOrdersOf: db.prepare<[string, string], OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE status IN ('approved','submitted','accepted','partially_filled') AND venue = ? AND account_id = ? ORDER BY created_at`,
      ),
      appendOrderEvent: db.prepare(
        'INSERT INTO order_events (order_id, ts, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?)',
      ),
      orderEvents: db.prepare<[string], OrderEvent>(
        `SELECT seq, order_id AS orderId, ts, from_status AS fromStatus, to_status AS toStatus, detail
         FROM order_events WHERE order_id = ? ORDER BY seq`,
      ),
      hasFill: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM fills WHERE id = ?'),
      insertFill: db.prepare(
        'INSERT INTO fills (id, order_id, symbol, side, qty, price, commission, ts) VALUES (@id, @orderId, @symbol, @side, @qty, @price, @commission, @ts)',
      ),
      recentFills: db.prepare<[number], Fill>(
        `SELECT * FROM (SELECT id, order_id AS orderId, symbol, side, qty, price, commission, ts FROM fills ORDER BY ts DESC, rowid DESC LIMIT ?) ORDER BY ts`,
      ),
      insertRiskEvent: db.prepare(
        'INSERT INTO risk_events (ts, severity, code, message, symbol, details) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      recentRiskEvents: db.prepare<[number], RiskEvent>(
        `SELECT * FROM (SELECT id, ts, severity, code, message, symbol FROM risk_events ORDER BY id DESC LIMIT ?) ORDER BY id`,
      ),
      insertAudit: db.prepare('INSERT INTO audit_events (ts, actor, action, details) VALUES (?, ?, ?, ?)'),
      insertEquity: db.prepare('INSERT INTO equity_points (ts, nav, cash) VALUES (?, ?, ?) ON CONFLICT(ts) DO UPDATE SET nav = excluded.nav, cash = excluded.cash'),
      equityCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM equity_points WHERE ts >= ?'),
      // The last NAV of each UTC day (US sessions end before midnight UTC), newest `limit` days.
      dailyNavs: db.prepare<[number], { nav: number }>(
        `SELECT nav FROM (SELECT ts / 86400000 AS day, nav, MAX(ts) AS ts FROM equity_points GROUP BY day ORDER BY day DESC LIMIT ?) ORDER BY day`,
      ),
      // Every k-th point since `ts`, plus the newest, thinned inside SQLite so a long history never loads whole.
      equityThinned: db.prepare<{ since: number; stride: number }, EquityPoint>(
        `SELECT ts, nav, cash FROM (
           SELECT ts, nav, cash, row_number() OVER (ORDER BY ts DESC) - 1 AS age FROM equity_points WHERE ts >= @since
         ) WHERE age % @stride = 0 ORDER BY ts`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getSetting(key: string): string | undefined {
    return this.stmts.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string): void {
    this.stmts.setSetting.run(key, value);
  }

  deleteSetting(key: string): void {
    this.stmts.deleteSetting.run(key);
  }

  getAccount(id: string): AccountRow | undefined {
    return this.stmts.getAccount.get(id);
  }

  insertAccount(row: AccountRow): void {
    this.stmts.insertAccount.run(row);
  }

  updateAccountCash(id: string, cash: number, realizedPnl: number): void {
    this.stmts.updateAccountCash.run(cash, realizedPnl, id);
  }

  updateAccountSession(id: string, sessionDate: string, startOfDayNav: number): void {
    this.stmts.updateAccountSession.run(sessionDate, startOfDayNav, id);
  }

  upsertInstrument(instrument: Instrument): void {
    this.stmts.upsertInstrument.run({
      right: null,
      strike: null,
      expiry: null,
      style: null,
      ...instrument,
    });
  }

  listInstruments(): Instrument[] {
    return (this.stmts.listInstruments.all() as Record<string, unknown>[]).map(stripNulls);
  }

  listPositions(accountId: string): PositionRow[] {
    return this.stmts.listPositions.all(accountId);
  }

  savePosition(accountId: string, position: PositionRow, ts: number): void {
    if (position.qty === 0) this.stmts.deletePosition.run(accountId, position.symbol);
    else this.stmts.upsertPosition.run(accountId, position.symbol, position.qty, position.avgPrice, ts);
  }

  insertTicket(ticket: Ticket): void {
    this.stmts.insertTicket.run({
      ...ticket,
      intent: JSON.stringify(ticket.intent),
      checks: JSON.stringify(ticket.checks),
      whatIf: ticket.whatIf === null ? null : JSON.stringify(ticket.whatIf),
      context: ticket.context === null ? null : JSON.stringify(ticket.context),
    });
  }

  updateTicket(ticket: Ticket): void {
    const whatIf = ticket.whatIf === null ? null : JSON.stringify(ticket.whatIf);
    this.stmts.updateTicket.run(ticket.status, ticket.orderId, JSON.stringify(ticket.checks), ticket.verdict, whatIf, ticket.statusReason, ticket.id);
  }

  getTicket(id: string): Ticket | undefined {
    const row = this.stmts.getTicket.get(id);
    return row ? toTicket(row) : undefined;
  }

  recentTickets(limit: number): Ticket[] {
    return this.stmts.recentTickets.all(limit).map(toTicket);
  }

  pendingTickets(): Ticket[] {
    return this.stmts.pendingTickets.all().map(toTicket);
  }

  insertOrder(order: Order, accountId: string): void {
    this.stmts.insertOrder.run({ ...order, accountId, outsideRth: order.outsideRth ? 1 : 0 });
  }

  /** Status, fills and the modifiable terms (qty, limit, stop). */
  updateOrder(order: Order): void {
    const { id, status, filledQty, avgFillPrice, statusReason, updatedAt, qty, limitPrice, stopPrice } = order;
    this.stmts.updateOrder.run({ id, status, filledQty, avgFillPrice, statusReason, updatedAt, qty, limitPrice, stopPrice });
  }

  getOrder(id: string): Order | undefined {
    const row = this.stmts.getOrder.get(id);
    return row ? toOrder(row) : undefined;
  }

  recentOrders(limit: number): Order[] {
    return this.stmts.recentOrders.all(limit).map(toOrder);
  }

  workingOrders(): Order[] {
    return this.stmts.workingOrders.all().map(toOrder);
  }

  /** Working orders at one venue booked under one account, oldest first. */
  workingOrdersOf(venue: string, accountId: string): Order[] {
    return this.stmts.workingOrdersOf.all(venue, accountId).map(toOrder);
  }

  appendOrderEvent(orderId: string, ts: number, from: OrderStatus | null, to: OrderStatus, detail: string | null): void {
    this.stmts.appendOrderEvent.run(orderId, ts, from, to, detail);
  }

  orderEvents(orderId: string): OrderEvent[] {
    return this.stmts.orderEvents.all(orderId);
  }

  hasFill(id: string): boolean {
    return this.stmts.hasFill.get(id) !== undefined;
  }

  insertFill(fill: Fill): void {
    this.stmts.insertFill.run(fill);
  }

  recentFills(limit: number): Fill[] {
    return this.stmts.recentFills.all(limit);
  }

  insertRiskEvent(event: Omit<RiskEvent, 'id'>, details?: unknown): RiskEvent {
    const info = this.stmts.insertRiskEvent.run(
      event.ts,
      event.severity satisfies Severity,
      event.code,
      event.message,
      event.symbol,
      details === undefined ? null : JSON.stringify(details),
    );
    return { ...event, id: Number(info.lastInsertRowid) };
  }

  recentRiskEvents(limit: number): RiskEvent[] {
    return this.stmts.recentRiskEvents.all(limit);
  }

  audit(ts: number, actor: string, action: string, details?: unknown): void {
    this.stmts.insertAudit.run(ts, actor, action, details === undefined ? null : JSON.stringify(details));
  }

  insertEquityPoint(point: EquityPoint): void {
    this.stmts.insertEquity.run(point.ts, point.nav, point.cash);
  }

  /** The account's closing NAV per day, oldest first (for historical VaR on equity). */
  dailyNavs(limit: number): number[] {
    return this.stmts.dailyNavs.all(limit).map((r) => r.nav);
  }

  /** Equity history since `sinceTs`, thinned evenly to at most `maxPoints`; the newest point is always kept. */
  equityHistory(sinceTs: number, maxPoints: number): EquityPoint[] {
    const total = this.stmts.equityCount.get(sinceTs)?.n ?? 0;
    const stride = Math.max(1, Math.ceil(total / maxPoints));
    return this.stmts.equityThinned.all({ since: sinceTs, stride });
  }
}
