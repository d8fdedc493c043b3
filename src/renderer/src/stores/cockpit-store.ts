// The renderer's one store: the engine's CockpitState as last committed, the connection's
// phase and the toasts. Vanilla zustand so the transport can write to it outside React.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CockpitState } from '../../../shared/domain.js';

export type ConnectionPhase =
  /** First connection attempt, nothing received yet. */
  | 'connecting'
  /** Connected and at least one snapshot received on this connection. */
  | 'live'
  /** Lost the engine; retrying with backoff. Last state stays on screen, marked stale. */
  | 'reconnecting'
  /** Headless cockpit opened without `?token=` and none remembered. */
  | 'no-token'
  /** The server closed the socket with 4401 before this cockpit was ever live (a wrong token). */
  | 'token-rejected'
  /** Live before, then the token was refused on reconnect: the engine restarted with a new token. */
  | 'engine-restarted';

export type TransportKind = 'desktop' | 'websocket';

export interface ConnectionInfo {
  phase: ConnectionPhase;
  transport: TransportKind | null;
  /** Consecutive failed attempts since the last live connection. */
  attempt: number;
  /** Epoch ms of the next reconnect attempt, when one is scheduled. */
  nextRetryAt: number | null;
}

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** The engine's error code, when the toast reports a failed call. */
  code?: string;
}

export interface CockpitStoreState {
  cockpit: CockpitState | null;
  /** Incremented on every committed snapshot (a new connection): charts reload history. */
  snapshotGeneration: number;
  /** Wall-clock ms when the engine clock last changed, to extrapolate countdowns between ticks. */
  clockReceivedAt: number;
  connection: ConnectionInfo;
  toasts: Toast[];
}

export type CockpitStore = StoreApi<CockpitStoreState>;

export function initialStoreState(): CockpitStoreState {
  return {
    cockpit: null,
    snapshotGeneration: 0,
    clockReceivedAt: 0,
    connection: { phase: 'connecting', transport: null, attempt: 0, nextRetryAt: null },
    toasts: [],
  };
}

export function createCockpitStore(): CockpitStore {
  return createStore<CockpitStoreState>()(() => initialStoreState());
}

/** Writes a new engine state; keeps identities of untouched slices so selectors stay quiet. */
export function commitCockpitState(store: CockpitStore, next: CockpitState, isSnapshot: boolean, now: number): void {
  store.setState((prev) => ({
    cockpit: next,
    snapshotGeneration: isSnapshot ? prev.snapshotGeneration + 1 : prev.snapshotGeneration,
    clockReceivedAt: !prev.cockpit || prev.cockpit.clock !== next.clock ? now : prev.clockReceivedAt,
  }));
}

export function setConnection(store: CockpitStore, patch: Partial<ConnectionInfo>): void {
  store.setState((prev) => ({ connection: { ...prev.connection, ...patch } }));
}

/** True once a snapshot is on screen and the connection that sent it is still open. */
export function isReady(state: CockpitStoreState): boolean {
  return state.cockpit !== null && state.connection.phase === 'live';
}

/** The engine's "now": its clock plus the wall time since that clock arrived (capped, so a stalled feed shows). */
export function engineNow(state: Pick<CockpitStoreState, 'cockpit' | 'clockReceivedAt'>, wallNow: number, maxExtrapolationMs = 5_000): number {
  if (!state.cockpit) return wallNow;
  const elapsed = Math.min(Math.max(0, wallNow - state.clockReceivedAt), maxExtrapolationMs);
  return state.cockpit.clock.ts + elapsed;
}
