// Toasts: short messages about what the trader just did — the engine's answer to a command,
// in its own words. Errors stay longer than confirmations; every toast can be dismissed.
import type { CockpitStore, Toast, ToastKind } from './cockpit-store.js';

export const TOAST_LIFETIME_MS: Record<ToastKind, number> = {
  success: 4_000,
  info: 5_000,
  error: 15_000,
};

/** At most this many on screen; the oldest go first. */
export const MAX_TOASTS = 4;

export interface ToastTimers {
  setTimeout(callback: () => void, ms: number): unknown;
}

let nextToastId = 1;

export function pushToast(
  store: CockpitStore,
  toast: { kind: ToastKind; message: string; code?: string },
  timers: ToastTimers = globalThis,
): number {
  const id = nextToastId++;
  const entry: Toast = toast.code === undefined ? { id, kind: toast.kind, message: toast.message } : { id, ...toast };
  store.setState((prev) => {
    const toasts = [...prev.toasts, entry];
    return { toasts: toasts.length > MAX_TOASTS ? toasts.slice(toasts.length - MAX_TOASTS) : toasts };
  });
  timers.setTimeout(() => dismissToast(store, id), TOAST_LIFETIME_MS[toast.kind]);
  return id;
}

export function dismissToast(store: CockpitStore, id: number): void {
  store.setState((prev) => (prev.toasts.some((t) => t.id === id) ? { toasts: prev.toasts.filter((t) => t.id !== id) } : prev));
}
