import { describe, expect, it } from 'vitest';
import {
  changeFraction,
  fillsNewestFirst,
  isWorkingOrder,
  knownSymbols,
  ordersForDisplay,
  riskEventsNewestFirst,
  ticketsForDisplay,
  underlyingSymbols,
} from './selectors.js';
import { cockpitState, fill, instrument, order, riskEvent, ticket, T0 } from '../testing/fixtures.js';

describe('selectors', () => {
  const state = cockpitState({
    instruments: {
      SPY: instrument('SPY', { kind: 'ETF' }),
      AAPL: instrument('AAPL'),
      AAPL261218C00230000: instrument('AAPL261218C00230000', {
        kind: 'OPTION',
        underlying: 'AAPL',
        multiplier: 100,
        right: 'C',
        strike: 230,
        expiry: '2026-12-18',
      }),
    },
  });

  it('lists STOCK and ETF instruments as watchlist underlyings, not options', () => {
    expect(underlyingSymbols(state)).toEqual(['AAPL', 'SPY']);
    expect(underlyingSymbols(null)).toEqual([]);
    expect(knownSymbols(state)).toEqual(['AAPL', 'AAPL261218C00230000', 'SPY']);
  });

  it('computes change vs previous close, or null without a close', () => {
    expect(changeFraction({ last: 110, prevClose: 100 })).toBeCloseTo(0.1, 12);
    expect(changeFraction({ last: 90, prevClose: 100 })).toBeCloseTo(-0.1, 12);
    expect(changeFraction({ last: 90, prevClose: 0 })).toBeNull();
  });

  it('puts pending tickets first, soonest expiry first, then the rest newest first', () => {
    const tickets = [
      ticket('done-old', { status: 'rejected', createdAt: T0 }),
      ticket('late', { expiresAt: T0 + 90_000 }),
      ticket('done-new', { status: 'approved', createdAt: T0 + 5 }),
      ticket('soon', { expiresAt: T0 + 10_000 }),
    ];
    expect(ticketsForDisplay(tickets).map((t) => t.id)).toEqual(['soon', 'late', 'done-new', 'done-old']);
  });

  it('treats only non-terminal orders as working, and lists them first', () => {
    expect(isWorkingOrder({ status: 'partially_filled' })).toBe(true);
    expect(isWorkingOrder({ status: 'accepted' })).toBe(true);
    expect(isWorkingOrder({ status: 'filled' })).toBe(false);
    expect(isWorkingOrder({ status: 'cancelled' })).toBe(false);
    const orders = [
      order('filled-new', { status: 'filled', updatedAt: T0 + 100 }),
      order('working-old', { status: 'accepted', updatedAt: T0 }),
      order('working-new', { status: 'submitted', updatedAt: T0 + 50 }),
    ];
    expect(ordersForDisplay(orders).map((o) => o.id)).toEqual(['working-new', 'working-old', 'filled-new']);
  });

  it('shows fills and risk events newest first', () => {
    expect(fillsNewestFirst([fill('a', 1), fill('b', 3), fill('c', 2)]).map((f) => f.id)).toEqual(['b', 'c', 'a']);
    expect(riskEventsNewestFirst([riskEvent(1, 5), riskEvent(2, 5), riskEvent(3, 1)]).map((e) => e.id)).toEqual([2, 1, 3]);
  });
});
