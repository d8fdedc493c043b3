// Reads and writes for the risk engine: the limits document, the account's trading state,
// order arrival prices, the order rate, and daily closes. Limits are validated on the way in
// and on the way out: an unreadable document falls back to the defaults and says so.
import type { Db } from './database.js';
import { DEFAULT_RISK_LIMITS, RiskLimits, type TradingState } from '../../shared/risk.js';

export interface AccountRiskRow {
  state: TradingState;
  reason: string | null;
  since: number | null;
  peakNav: number;
  lossBaseNav: number;
  sessionDate: string;
}

export class RiskRepository {
  private readonly stmts;

  constructor(readonly db: Db) {
    this.stmts = {
      getLimits: db.prepare<[], { json: string }>('SELECT json FROM risk_limits WHERE id = 1'),
      setLimits: db.prepare(
        `INSERT INTO risk_limits (id, json, updated_at, updated_by) VALUES (1, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ),
      getState: db.prepare<[string], AccountRiskRow>(
        `SELECT state, reason, since, peak_nav AS peakNav, loss_base_nav AS lossBaseNav, session_date AS sessionDate
         FROM account_risk WHERE account_id = ?`,
      ),
      saveState: db.prepare(
        `INSERT INTO account_risk (account_id, state, reason, since, peak_nav, loss_base_nav, session_date)
         VALUES (@accountId, @state, @reason, @since, @peakNav, @lossBaseNav, @sessionDate)
         ON CONFLICT(account_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, since = excluded.since,
           peak_nav = excluded.peak_nav, loss_base_nav = excluded.loss_base_nav, session_date = excluded.session_date`,
      ),
      setArrival: db.prepare('UPDATE orders SET arrival_price = ? WHERE id = ?'),
      getArrival: db.prepare<[string], { arrivalPrice: number | null }>('SELECT arrival_price AS arrivalPrice FROM orders WHERE id = ?'),
      ordersSince: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM orders WHERE created_at >= ?'),
      upsertClose: db.prepare(
        `INSERT INTO price_history (symbol, date, close, simulated) VALUES (?, ?, ?, ?)
         ON CONFLICT(symbol, date) DO UPDATE SET close = excluded.close, simulated = excluded.simulated`,
      ),
      closes: db.prepare<[string, number], { date: string; close: number }>(
        'SELECT * FROM (SELECT date, close FROM price_history WHERE symbol = ? ORDER BY date DESC LIMIT ?) ORDER BY date',
      ),
      countCloses: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM price_history WHERE symbol = ?'),
    };
  }

  /** The stored limits, or the defaults when none are stored or the stored document no longer validates. */
  limits(): { limits: RiskLimits; problem: string | null } {
    const row = this.stmts.getLimits.get();
    if (!row) return { limits: DEFAULT_RISK_LIMITS, problem: null };
    let raw: unknown;
    try {
      raw = JSON.parse(row.json);
    } catch {
      return { limits: DEFAULT_RISK_LIMITS, problem: 'The stored risk limits are not valid JSON; the defaults apply until you save limits again.' };
    }
    const parsed = RiskLimits.safeParse(raw);
    if (!parsed.success) {
      return { limits: DEFAULT_RISK_LIMITS, problem: `The stored risk limits are invalid (${parsed.error.issues[0]?.message ?? 'unknown'}); the defaults apply until you save limits again.` };
    }
    return { limits: parsed.data, problem: null };
  }

  saveLimits(limits: RiskLimits, ts: number, actor: string): void {
    this.stmts.setLimits.run(JSON.stringify(RiskLimits.parse(limits)), ts, actor);
  }

  accountState(accountId: string): AccountRiskRow | undefined {
    return this.stmts.getState.get(accountId);
  }

  saveAccountState(accountId: string, row: AccountRiskRow): void {
    this.stmts.saveState.run({ accountId, ...row });
  }

  setArrivalPrice(orderId: string, price: number | null): void {
    this.stmts.setArrival.run(price, orderId);
  }

  arrivalPrice(orderId: string): number | null {
    return this.stmts.getArrival.get(orderId)?.arrivalPrice ?? null;
  }

  ordersSince(ts: number): number {
    return this.stmts.ordersSince.get(ts)?.n ?? 0;
  }

  saveClose(symbol: string, date: string, close: number, simulated: boolean): void {
    this.stmts.upsertClose.run(symbol, date, close, simulated ? 1 : 0);
  }

  /** The last `limit` daily closes, oldest first. */
  closes(symbol: string, limit: number): { date: string; close: number }[] {
    return this.stmts.closes.all(symbol, limit);
  }

  countCloses(symbol: string): number {
    return this.stmts.countCloses.get(symbol)?.n ?? 0;
  }
}
