// State patches: how the engine tells clients what changed since the last message.
// Maps are upserted, lists keyed by id are upserted, journals are appended, and
// positions/greeks are replaced whole (they are small and always revalued together).
import { z } from 'zod';
import {
  Account,
  BrokerState,
  ClockState,
  CockpitState,
  EquityPoint,
  Fill,
  GreeksSummary,
  Instrument,
  Order,
  PositionView,
  Quote,
  RiskEvent,
  Ticket,
  TradingMode,
} from '../domain.js';
import { RiskSummary } from '../risk.js';

export const StatePatch = z.object({
  seq: z.number(),
  mode: TradingMode.optional(),
  broker: BrokerState.optional(),
  clock: ClockState.optional(),
  account: Account.optional(),
  greeks: GreeksSummary.optional(),
  quotes: z.record(z.string(), Quote).optional(),
  instruments: z.record(z.string(), Instrument).optional(),
  positions: z.array(PositionView).optional(),
  tickets: z.array(Ticket).optional(),
  orders: z.array(Order).optional(),
  fills: z.array(Fill).optional(),
  riskEvents: z.array(RiskEvent).optional(),
  equity: z.array(EquityPoint).optional(),
  risk: RiskSummary.optional(),
});
export type StatePatch = z.infer<typeof StatePatch>;

/** How many of each journal a snapshot (and a client) keeps; the database keeps everything. */
export const STATE_LIMITS = {
  tickets: 200,
  orders: 500,
  fills: 500,
  riskEvents: 300,
  equity: 5_000,
} as const;

function upsertById<T extends { id: string }>(list: readonly T[], changes: readonly T[], cap: number): T[] {
  const byId = new Map<string, T>();
  for (const item of list) byId.set(item.id, item);
  for (const item of changes) {
    byId.delete(item.id); // re-insert so the newest change sorts last
    byId.set(item.id, item);
  }
  const merged = [...byId.values()];
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}

function appendCapped<T>(list: readonly T[], added: readonly T[], cap: number): T[] {
  const merged = list.concat(added);
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}

/** Pure: returns a new state with the patch applied. Unchanged slices keep their identity. */
export function applyPatch(state: CockpitState, patch: StatePatch): CockpitState {
  return {
    seq: patch.seq,
    mode: patch.mode ?? state.mode,
    broker: patch.broker ?? state.broker,
    clock: patch.clock ?? state.clock,
    account: patch.account ?? state.account,
    greeks: patch.greeks ?? state.greeks,
    quotes: patch.quotes ? { ...state.quotes, ...patch.quotes } : state.quotes,
    instruments: patch.instruments ? { ...state.instruments, ...patch.instruments } : state.instruments,
    positions: patch.positions ?? state.positions,
    tickets: patch.tickets ? upsertById(state.tickets, patch.tickets, STATE_LIMITS.tickets) : state.tickets,
    orders: patch.orders ? upsertById(state.orders, patch.orders, STATE_LIMITS.orders) : state.orders,
    fills: patch.fills ? appendCapped(state.fills, patch.fills, STATE_LIMITS.fills) : state.fills,
    riskEvents: patch.riskEvents
      ? appendCapped(state.riskEvents, patch.riskEvents, STATE_LIMITS.riskEvents)
      : state.riskEvents,
    equity: patch.equity ? appendCapped(state.equity, patch.equity, STATE_LIMITS.equity) : state.equity,
    risk: patch.risk ?? state.risk,
  };
}
