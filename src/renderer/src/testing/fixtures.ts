// Test-only builders for CockpitState and friends; every builder's output is parsed with the
// shared schema, so a fixture can never drift from the contract. Not imported by the app.
import {
  CockpitState,
  type Fill,
  type Instrument,
  type Order,
  type PositionView,
  type Quote,
  type RiskEvent,
  type Ticket,
} from '../../../shared/domain.js';

const zeroGreeks = { deltaShares: 0, deltaCash: 0, gammaCash1Pct: 0, vegaCashPerPoint: 0, thetaCashPerDay: 0 };

export const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);

export function instrument(symbol: string, extra: Partial<Instrument> = {}): Instrument {
  return { symbol, kind: 'STOCK', underlying: symbol, multiplier: 1, ...extra };
}

export function quote(symbol: string, last: number, extra: Partial<Quote> = {}): Quote {
  return { symbol, bid: last - 0.01, ask: last + 0.01, last, bidSize: 100, askSize: 100, prevClose: last, ts: T0, ...extra };
}

export function position(symbol: string, qty: number, extra: Partial<PositionView> = {}): PositionView {
  return {
    symbol,
    instrument: instrument(symbol),
    qty,
    avgPrice: 100,
    last: 100,
    marketValue: qty * 100,
    unrealizedPnl: 0,
    greeks: { ...zeroGreeks, deltaShares: qty, deltaCash: qty * 100 },
    iv: null,
    dte: null,
    pricingError: null,
    ...extra,
  };
}

export function ticket(id: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    id,
    createdAt: T0,
    expiresAt: T0 + 60_000,
    source: 'manual',
    reason: 'test',
    intent: { symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'MARKET', tif: 'DAY', outsideRth: false },
    checks: [],
    verdict: 'green',
    contentHash: `hash-${id}`,
    status: 'pending',
    orderId: null,
    estNotional: 1_000,
    whatIf: null,
    context: { mode: 'DRY_RUN', venue: 'paper', accountId: 'PAPER-1' },
    statusReason: null,
    ...extra,
  };
}

export function order(id: string, extra: Partial<Order> = {}): Order {
  return {
    id,
    clientOrderId: `c-${id}`,
    ticketId: null,
    mode: 'DRY_RUN',
    venue: 'paper',
    symbol: 'AAPL',
    side: 'BUY',
    qty: 10,
    orderType: 'MARKET',
    limitPrice: null,
    stopPrice: null,
    tif: 'DAY',
    outsideRth: false,
    status: 'accepted',
    filledQty: 0,
    avgFillPrice: null,
    createdAt: T0,
    updatedAt: T0,
    statusReason: null,
    ...extra,
  };
}

export function fill(id: string, ts: number, extra: Partial<Fill> = {}): Fill {
  return { id, orderId: 'o1', symbol: 'AAPL', side: 'BUY', qty: 10, price: 100, commission: 1, ts, ...extra };
}

export function riskEvent(id: number, ts: number, extra: Partial<RiskEvent> = {}): RiskEvent {
  return { id, ts, severity: 'info', code: 'TEST', message: 'test event', symbol: null, ...extra };
}

export function cockpitState(overrides: Partial<CockpitState> = {}): CockpitState {
  const row = {
    underlying: 'PORTFOLIO',
    marketValue: 0,
    deltaPctNav: 0,
    gammaPctNav: 0,
    vegaPctNav: 0,
    thetaPctNav: 0,
    beta: 1,
    betaDeltaCash: 0,
    shortDated: zeroGreeks,
    expiries: [],
    unpriced: 0,
    ...zeroGreeks,
  };
  return CockpitState.parse({
    seq: 1,
    mode: 'DRY_RUN',
    broker: { id: 'sim', name: 'Simulator', kind: 'simulated', connection: 'connected', realtimeQuotes: true },
    clock: { ts: T0, sessionDate: '2026-03-02', session: 'REGULAR', timezone: 'America/New_York', simulated: true },
    account: {
      id: 'acct',
      currency: 'USD',
      nav: 1_000_000,
      cash: 500_000,
      marketValue: 500_000,
      startOfDayNav: 1_000_000,
      dayPnl: 0,
      unrealizedPnl: 0,
      realizedPnl: 0,
    },
    quotes: {},
    instruments: {},
    positions: [],
    greeks: { byUnderlying: [], portfolio: row, shortDatedDays: 7, benchmark: 'SPY', betaWeightedShares: 0 },
    risk: {
      account: { state: 'ACTIVE', reason: null, since: null, peakNav: 1_000_000, lossBaseNav: 1_000_000, dailyLossPct: 0, drawdownPct: 0 },
      limits: [],
      betaWeighted: { benchmark: 'SPY', shares: 0, cash: 0 },
    },
    tickets: [],
    orders: [],
    fills: [],
    riskEvents: [],
    equity: [],
    ...overrides,
  });
}
