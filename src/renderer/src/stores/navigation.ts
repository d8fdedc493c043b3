// Which page of the app is on screen. The list is the header's navigation, in order; App.tsx
// maps each id to its page. Adding a page = one line here and one case in App.tsx.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export const PAGES = [
  { id: 'cockpit', label: 'Cockpit', title: 'Quotes, positions, Greeks, tickets and orders' },
  { id: 'risk', label: 'Risk', title: 'Limit usage, circuit breaker, scenarios, VaR and risk settings' },
  { id: 'hedge', label: 'Hedge', title: 'Limit breaches, proposed hedge plans and alternatives, approve / reject, auto-hedge settings and log' },
  { id: 'backtest', label: 'Backtest', title: 'Test a strategy on history: equity curve, metrics, trades, sweeps' },
  { id: 'brokers', label: 'Brokers', title: 'Futu OpenD and Tiger connections: add, connect, status and heartbeat' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export const pageStore = createStore<{ page: PageId }>()(() => ({ page: 'cockpit' }));

export function usePage(): PageId {
  return useStore(pageStore, (s) => s.page);
}

export function showPage(page: PageId): void {
  pageStore.setState({ page });
}
