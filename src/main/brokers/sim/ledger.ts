// Paper account accounting: cash, positions with average cost, realised P&L.
// Pure in-memory state; the engine persists it in the same transaction as each fill.
import type { Side } from '../../../shared/domain.js';

export interface LedgerPosition {
  qty: number;
  avgPrice: number;
}

export interface FillEffect {
  symbol: string;
  position: LedgerPosition;
  realized: number;
}

export class Ledger {
  readonly positions = new Map<string, LedgerPosition>();

  constructor(
    public cash: number,
    public realizedPnl = 0,
    positions: Iterable<[string, LedgerPosition]> = [],
  ) {
    for (const [symbol, position] of positions) this.positions.set(symbol, { ...position });
  }

  position(symbol: string): LedgerPosition {
    return this.positions.get(symbol) ?? { qty: 0, avgPrice: 0 };
  }

  /** Books a fill. Reducing a position realises P&L against its average cost; flipping opens the rest at the fill price. */
  applyFill(symbol: string, side: Side, qty: number, price: number, multiplier: number, commission: number): FillEffect {
    const signed = side === 'BUY' ? qty : -qty;
    const current = this.position(symbol);
    let realized = 0;
    let next: LedgerPosition;
    if (current.qty === 0 || Math.sign(current.qty) === Math.sign(signed)) {
      const qtyAfter = current.qty + signed;
      next = { qty: qtyAfter, avgPrice: (current.avgPrice * Math.abs(current.qty) + price * qty) / Math.abs(qtyAfter) };
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(current.qty));
      realized = (price - current.avgPrice) * closing * multiplier * Math.sign(current.qty);
      const qtyAfter = current.qty + signed;
      if (qtyAfter === 0) next = { qty: 0, avgPrice: 0 };
      else if (Math.sign(qtyAfter) === Math.sign(current.qty)) next = { qty: qtyAfter, avgPrice: current.avgPrice };
      else next = { qty: qtyAfter, avgPrice: price };
    }
    this.cash += -signed * price * multiplier - commission;
    this.realizedPnl += realized - commission;
    if (next.qty === 0) this.positions.delete(symbol);
    else this.positions.set(symbol, next);
    return { symbol, position: next, realized };
  }

  /** Settles an expired option at its intrinsic value (cash-settled; exercise is not modelled yet). */
  settle(symbol: string, settlementPrice: number, multiplier: number): FillEffect {
    const current = this.position(symbol);
    const realized = (settlementPrice - current.avgPrice) * current.qty * multiplier;
    this.cash += settlementPrice * current.qty * multiplier;
    this.realizedPnl += realized;
    this.positions.delete(symbol);
    return { symbol, position: { qty: 0, avgPrice: 0 }, realized };
  }
}

export interface CommissionSchedule {
  perShare: number;
  minPerStockOrder: number;
  maxStockPctOfValue: number;
  perContract: number;
  minPerOptionOrder: number;
}

/** Typical US retail-broker schedule. */
export const DEFAULT_COMMISSIONS: CommissionSchedule = {
  perShare: 0.005,
  minPerStockOrder: 1,
  maxStockPctOfValue: 0.01,
  perContract: 0.65,
  minPerOptionOrder: 1,
};

export function commissionFor(schedule: CommissionSchedule, isOption: boolean, qty: number, price: number, multiplier: number): number {
  if (isOption) return Math.round(Math.max(schedule.minPerOptionOrder, schedule.perContract * qty) * 100) / 100;
  const raw = Math.max(schedule.minPerStockOrder, schedule.perShare * qty);
  const cap = schedule.maxStockPctOfValue * qty * price * multiplier;
  return Math.round(Math.min(raw, Math.max(cap, schedule.minPerStockOrder)) * 100) / 100;
}
