// The cockpit: one screen, a grid of panels under the header; a tab opens the backtest page.
import { useState } from 'react';
import { useCockpit } from './stores/app-store.js';
import { isReady } from './stores/cockpit-store.js';
import { Header } from './features/header/Header.js';
import { Watchlist } from './features/quotes/Watchlist.js';
import { PositionsTable } from './features/positions/PositionsTable.js';
import { GreeksSummaryPanel } from './features/greeks/GreeksSummaryPanel.js';
import { EquityChart } from './features/equity/EquityChart.js';
import { RiskEventsPanel } from './features/risk/RiskEventsPanel.js';
import { TicketForm } from './features/tickets/TicketForm.js';
import { TicketList } from './features/tickets/TicketList.js';
import { OrdersTable } from './features/orders/OrdersTable.js';
import { FillsTable } from './features/orders/FillsTable.js';
import { Panel } from './components/Panel.js';
import { Toasts } from './components/Toasts.js';
import { ConnectionBanner, FatalConnectionScreen } from './components/ConnectionBanner.js';
import { BacktestPage } from './features/backtest/BacktestPage.js';

type Page = 'cockpit' | 'backtest';

export function App() {
  const ready = useCockpit(isReady);
  const phase = useCockpit((s) => s.connection.phase);
  const hasState = useCockpit((s) => s.cockpit !== null);
  const [page, setPage] = useState<Page>('cockpit');
  // Once opened, the backtest page stays mounted (hidden) so a running job keeps its progress.
  const [backtestOpened, setBacktestOpened] = useState(false);
  const show = (next: Page) => {
    setPage(next);
    if (next === 'backtest') setBacktestOpened(true);
  };

  if (phase === 'no-token' || phase === 'token-rejected') {
    return (
      <main className="cockpit cockpit-fatal" data-testid="cockpit" data-ready="false">
        <FatalConnectionScreen phase={phase} />
      </main>
    );
  }

  return (
    <main className={`cockpit ${ready ? '' : 'not-ready'} ${phase === 'reconnecting' ? 'stale-header' : ''}`} data-testid="cockpit" data-ready={ready ? 'true' : 'false'}>
      <Header />
      <ConnectionBanner />
      <nav className="page-tabs" role="tablist" aria-label="Pages">
        {(['cockpit', 'backtest'] as const).map((p) => (
          <button key={p} type="button" role="tab" aria-selected={page === p} data-testid={`nav-${p}`} onClick={() => show(p)}>
            {p === 'cockpit' ? 'Cockpit' : 'Backtest'}
          </button>
        ))}
      </nav>
      {backtestOpened ? (
        <div className="bt-host" hidden={page !== 'backtest'}>
          <BacktestPage />
        </div>
      ) : null}
      {page !== 'cockpit' ? null : hasState ? (
        <div className={`grid ${phase === 'reconnecting' ? 'stale' : ''}`}>
          <Watchlist />
          <PositionsTable />
          <GreeksSummaryPanel />
          <EquityChart />
          <RiskEventsPanel />
          <Panel title="Order tickets" area="tickets">
            <TicketForm />
            <TicketList />
          </Panel>
          <OrdersTable />
          <FillsTable />
        </div>
      ) : (
        <div className="waiting" aria-busy="true">
          Waiting for the engine's first snapshot…
        </div>
      )}
      <Toasts />
    </main>
  );
}
