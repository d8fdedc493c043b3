// Migration 004 on a database written before it: old orders and tickets read as DAY, regular
// hours only, no stop; new orders keep their stop, time in force and outside-RTH flag.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Order } from '../../../shared/domain.js';
import { makeTempDir } from '../../engine/testing.js';
import { closeDatabase, openDatabase } from '../database.js';
import { Repository } from '../repository.js';
import { migrations } from './index.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.remove());

describe('migration 004 (order types)', () => {
  it('old orders and tickets read as DAY, not outside regular hours, with no stop price', () => {
    const file = join(tmp.dir, 'old.db');
    const old = new Database(file);
    for (const m of migrations.filter((x) => x.version <= 3)) old.exec(m.sql);
    old.pragma('user_version = 3');
    old.exec(`
      INSERT INTO accounts (id, currency, cash, session_date, start_of_day_nav, created_at) VALUES ('A', 'USD', 1000, '2026-11-23', 1000, 0);
      INSERT INTO instruments (symbol, kind, underlying, multiplier) VALUES ('SPY', 'ETF', 'SPY', 1);
      INSERT INTO tickets (id, created_at, expires_at, source, reason, intent, checks, verdict, content_hash, status, order_id, est_notional)
        VALUES ('T1', 1, 2, 'manual', 'old', '{"symbol":"SPY","side":"BUY","qty":5,"orderType":"LIMIT","limitPrice":99}', '[]', 'green', 'h', 'approved', 'O1', 495);
      INSERT INTO orders (id, client_order_id, ticket_id, account_id, mode, venue, symbol, side, qty, order_type, limit_price, status, created_at, updated_at)
        VALUES ('O1', 'DD1', 'T1', 'A', 'DRY_RUN', 'sim', 'SPY', 'BUY', 5, 'LIMIT', 99, 'filled', 1, 2);
    `);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
      const repo = new Repository(db);
      expect(repo.getOrder('O1')).toMatchObject({ orderType: 'LIMIT', limitPrice: 99, stopPrice: null, tif: 'DAY', outsideRth: false });
      expect(repo.getTicket('T1')!.intent).toEqual({ symbol: 'SPY', side: 'BUY', qty: 5, orderType: 'LIMIT', limitPrice: 99, tif: 'DAY', outsideRth: false });
    } finally {
      closeDatabase(db);
    }
  });

  it('stores and reads back a stop-limit GTC outside-RTH order, and its modified terms', () => {
    const db = openDatabase(join(tmp.dir, 'new.db'));
    try {
      const repo = new Repository(db);
      repo.upsertInstrument({ symbol: 'SPY', kind: 'ETF', underlying: 'SPY', multiplier: 1 });
      repo.insertAccount({ id: 'A', currency: 'USD', cash: 1000, realizedPnl: 0, sessionDate: '2026-11-23', startOfDayNav: 1000, createdAt: 0 });
      const order: Order = {
        id: 'O2', clientOrderId: 'DD2', ticketId: null, mode: 'DRY_RUN', venue: 'sim', symbol: 'SPY', side: 'SELL', qty: 3,
        orderType: 'STOP_LIMIT', limitPrice: 94.5, stopPrice: 95, tif: 'GTC', outsideRth: true,
        status: 'accepted', filledQty: 0, avgFillPrice: null, createdAt: 1, updatedAt: 1, statusReason: null,
      };
      repo.insertOrder(order, 'A');
      expect(repo.getOrder('O2')).toEqual(order);
      repo.updateOrder({ ...order, qty: 4, limitPrice: 94, stopPrice: 94.8, updatedAt: 2 });
      expect(repo.getOrder('O2')).toEqual({ ...order, qty: 4, limitPrice: 94, stopPrice: 94.8, updatedAt: 2 });
      expect(repo.workingOrders().map((o) => o.outsideRth)).toEqual([true]);
      expect(() => db.prepare("UPDATE orders SET tif = 'FOK' WHERE id = 'O2'").run()).toThrow(/CHECK/);
    } finally {
      closeDatabase(db);
    }
  });
});
