// The app: the header, then the page chosen in it (see PAGES in stores/navigation.ts) — the
// cockpit's grid of panels, the Risk, Hedge, Brokers or Backtest page. Once opened, the backtest page
// stays mounted (hidden) so a running job keeps its progress.
import { useEffect, useState } from 'react';
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
import { ConnectionBanner, FatalConnectionScreen, isFatalPhase } from './components/ConnectionBanner.js';
import { RiskPage } from './features/risk/RiskPage.js';
import { BacktestPage } from './features/backtest/BacktestPage.js';
import { BrokersPage } from './features/brokers/BrokersPage.js';
import { HedgeBadge } from './features/hedge/HedgeBadge.js';
import { HedgePage } from './features/hedge/HedgePage.js';
import { usePage, type PageId } from './stores/navigation.js';

function CockpitPage({ stale }: { stale: boolean }) {
  return (
    <div className={`grid ${stale ? 'stale' : ''}`} data-testid="cockpit-page">
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
  );
}

function CurrentPage({ page, stale }: { page: PageId; stale: boolean }) {
  switch (page) {
    case 'cockpit':
      return <CockpitPage stale={stale} />;
    case 'risk':
      return <RiskPage stale={stale} />;
    case 'hedge':
      return <HedgePage stale={stale} />;
    case 'brokers':
      return <BrokersPage stale={stale} />;
    case 'backtest':
      return null; // mounted once and kept alive below
  }
}

export function App() {
  const ready = useCockpit(isReady);
  const phase = useCockpit((s) => s.connection.phase);
  const hasState = useCockpit((s) => s.cockpit !== null);
  const page = usePage();
  const [backtestOpened, setBacktestOpened] = useState(false);
  useEffect(() => {
    if (page === 'backtest') setBacktestOpened(true);
  }, [page]);

  if (isFatalPhase(phase)) {
    return (
      <main className="cockpit cockpit-fatal" data-testid="cockpit" data-ready="false">
        <FatalConnectionScreen phase={phase} />
      </main>
    );
  }

  return (
    <main className={`cockpit ${ready ? '' : 'not-ready'} ${phase === 'reconnecting' ? 'stale-header' : ''}`} data-testid="cockpit" data-ready={ready ? 'true' : 'false'}>
      <Header alerts={<HedgeBadge />} />
      <ConnectionBanner />
      {backtestOpened ? (
        <div className="bt-host" hidden={page !== 'backtest'}>
          <BacktestPage />
        </div>
      ) : null}
      {page === 'backtest' ? null : hasState ? (
        <CurrentPage page={page} stale={phase === 'reconnecting'} />
      ) : (
        <div className="waiting" aria-busy="true">
          Waiting for the engine's first snapshot…
        </div>
      )}
      <Toasts />
    </main>
  );
}
