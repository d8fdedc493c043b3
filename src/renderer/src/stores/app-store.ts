// The one store instance the app uses, and the hooks React reads it through.
import { useStore } from 'zustand';
import { createCockpitStore, type CockpitStoreState } from './cockpit-store.js';

export const cockpitStore = createCockpitStore();

/** Atomic selector over the store: select the smallest slice a component needs. */
export function useCockpit<T>(selector: (state: CockpitStoreState) => T): T {
  return useStore(cockpitStore, selector);
}
