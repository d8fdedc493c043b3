import { describe, expect, it } from 'vitest';
import { createCockpitStore, engineNow } from './cockpit-store.js';
import { dismissToast, MAX_TOASTS, pushToast, TOAST_LIFETIME_MS } from './toasts.js';
import { cockpitState } from '../testing/fixtures.js';

describe('toasts', () => {
  it('expires each toast after its lifetime and can be dismissed early', () => {
    const store = createCockpitStore();
    const scheduled: { cb: () => void; ms: number }[] = [];
    const timers = { setTimeout: (cb: () => void, ms: number) => scheduled.push({ cb, ms }) };
    const a = pushToast(store, { kind: 'error', message: 'a', code: 'X' }, timers);
    pushToast(store, { kind: 'success', message: 'b' }, timers);
    expect(scheduled.map((s) => s.ms)).toEqual([TOAST_LIFETIME_MS.error, TOAST_LIFETIME_MS.success]);
    dismissToast(store, a);
    expect(store.getState().toasts.map((t) => t.message)).toEqual(['b']);
    scheduled[1]!.cb();
    expect(store.getState().toasts).toEqual([]);
    scheduled[0]!.cb(); // already gone: harmless
    expect(store.getState().toasts).toEqual([]);
  });

  it('keeps at most MAX_TOASTS, dropping the oldest', () => {
    const store = createCockpitStore();
    const timers = { setTimeout: () => 0 };
    for (let i = 0; i < MAX_TOASTS + 3; i++) pushToast(store, { kind: 'info', message: `m${i}` }, timers);
    const messages = store.getState().toasts.map((t) => t.message);
    expect(messages).toHaveLength(MAX_TOASTS);
    expect(messages[0]).toBe('m3');
  });
});

describe('engineNow', () => {
  it('extrapolates the engine clock by wall time since it arrived, capped', () => {
    const cockpit = cockpitState();
    const ts = cockpit.clock.ts;
    expect(engineNow({ cockpit, clockReceivedAt: 1_000 }, 3_500)).toBe(ts + 2_500);
    expect(engineNow({ cockpit, clockReceivedAt: 1_000 }, 100_000)).toBe(ts + 5_000);
    expect(engineNow({ cockpit: null, clockReceivedAt: 0 }, 42)).toBe(42);
  });
});
