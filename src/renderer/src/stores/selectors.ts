// Pure derivations from CockpitState for the panels. Components wrap the array-returning
// ones in useShallow so a new array with the same elements does not re-render.
import {
  TERMINAL_ORDER_STATUSES,
  type CockpitState,
  type Fill,
  type Order,
  type Quote,
  type RiskEvent,
  type Ticket,
} from '../../../shared/domain.js';

/** Underlyings for the watchlist: instruments of kind STOCK or ETF, alphabetically. */
export function underlyingSymbols(state: CockpitState | null): string[] {
  if (!state) return [];
  return Object.values(state.instruments)
    .filter((i) => i.kind === 'STOCK' || i.kind === 'ETF')
    .map((i) => i.symbol)
    .sort((a, b) => a.localeCompare(b));
}

/** Every known symbol, for the ticket form's suggestions. */
export function knownSymbols(state: CockpitState | null): string[] {
  if (!state) return [];
  return Object.keys(state.instruments).sort((a, b) => a.localeCompare(b));
}

/** Change vs previous close as a fraction, or null when there is no usable close. */
export function changeFraction(quote: Pick<Quote, 'last' | 'prevClose'>): number | null {
  if (!Number.isFinite(quote.prevClose) || quote.prevClose <= 0 || !Number.isFinite(quote.last)) return null;
  return quote.last / quote.prevClose - 1;
}

/** Pending tickets first (soonest expiry first), then the rest newest first. */
export function ticketsForDisplay(tickets: readonly Ticket[]): Ticket[] {
  const pending = tickets.filter((t) => t.status === 'pending').sort((a, b) => a.expiresAt - b.expiresAt || a.createdAt - b.createdAt);
  const done = tickets.filter((t) => t.status !== 'pending').sort((a, b) => b.createdAt - a.createdAt);
  return [...pending, ...done];
}

/** An order the broker (or paper ledger) may still fill, so it can be cancelled. */
export function isWorkingOrder(order: Pick<Order, 'status'>): boolean {
  return !TERMINAL_ORDER_STATUSES.includes(order.status);
}

/** Working orders first, then newest activity first. */
export function ordersForDisplay(orders: readonly Order[]): Order[] {
  return [...orders].sort((a, b) => {
    const w = Number(isWorkingOrder(b)) - Number(isWorkingOrder(a));
    return w !== 0 ? w : b.updatedAt - a.updatedAt || b.createdAt - a.createdAt;
  });
}

export function fillsNewestFirst(fills: readonly Fill[]): Fill[] {
  return [...fills].sort((a, b) => b.ts - a.ts);
}

export function riskEventsNewestFirst(events: readonly RiskEvent[]): RiskEvent[] {
  return [...events].sort((a, b) => b.ts - a.ts || b.id - a.id);
}
