// The top bar: account figures, broker and clock, the page switch, the link to the engine, the
// account's trading state, the trading-mode switch and the kill switch. Other features' badges
// (the hedge badge) come in through `alerts`, so the header imports no other feature.
import type { ReactNode } from 'react';
import { useCockpit } from '../../stores/app-store.js';
import { Num } from '../../components/Num.js';
import { formatPercent, formatTime, pnlClass, MISSING } from '../../lib/format.js';
import { ModeSwitch } from './ModeSwitch.js';
import { KillSwitchButton } from './KillSwitchButton.js';
import { PageNav } from './PageNav.js';
import { TradingStateBadge } from './TradingStateBadge.js';
import { EngineLink } from './EngineLink.js';

function AccountFigures() {
  const nav = useCockpit((s) => s.cockpit?.account.nav);
  const cash = useCockpit((s) => s.cockpit?.account.cash);
  const dayPnl = useCockpit((s) => s.cockpit?.account.dayPnl);
  const startOfDayNav = useCockpit((s) => s.cockpit?.account.startOfDayNav);
  const currency = useCockpit((s) => s.cockpit?.account.currency);
  const dayPct = dayPnl !== undefined && startOfDayNav ? dayPnl / startOfDayNav : null;
  return (
    <>
      <div className="stat">
        <span className="stat-label">NAV{currency ? ` ${currency}` : ''}</span>{' '}
        <Num value={nav} testId="nav" className="stat-value" />
      </div>
      <div className="stat">
        <span className="stat-label">Day P&amp;L</span>{' '}
        <span className={`stat-value ${pnlClass(dayPnl)}`}>
          <Num value={dayPnl} pnl signed testId="day-pnl" />{' '}
          <span className={`num pct ${pnlClass(dayPnl)}`} data-testid="day-pnl-pct" data-value={dayPct ?? ''}>
            ({formatPercent(dayPct, 2, true)})
          </span>
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Cash</span>{' '}
        <Num value={cash} testId="cash" className="stat-value" />
      </div>
    </>
  );
}

function BrokerStatus() {
  const broker = useCockpit((s) => s.cockpit?.broker);
  if (!broker) {
    return (
      <div className="stat stat-broker" data-testid="broker-state">
        <span className="stat-label">Broker</span>
        <span className="stat-value">{MISSING}</span>
      </div>
    );
  }
  return (
    <div
      className="stat stat-broker"
      data-testid="broker-state"
      data-connection={broker.connection}
      data-kind={broker.kind}
      title={`${broker.name} (${broker.id}) · ${broker.connection} · ${broker.kind}${broker.realtimeQuotes ? ' · real-time quotes' : ''}`}
    >
      <span className="stat-label">Broker</span>{' '}
      <span className="stat-value">
        <span className={`dot dot-${broker.connection}`} aria-hidden="true" />
        <span className="broker-name">{broker.name}</span>
        {broker.accountId ? (
          <span className="mono" data-testid="broker-account">
            {' '}
            · {broker.accountId}
          </span>
        ) : null}
        <span>· {broker.connection}</span>{' '}
        {broker.kind === 'simulated' ? <span className="tag tag-sim">simulated</span> : <span className="tag tag-live">live</span>}
        {broker.kind === 'live' && !broker.realtimeQuotes ? (
          <span className="tag tag-warn" title="The broker connection has no real-time quotes">
            not real-time
          </span>
        ) : null}
        {broker.tradeLocked ? (
          <span className="tag tag-warn" data-testid="broker-trade-locked" title={`REAL is refused: ${broker.tradeLocked}`}>
            trading locked: {broker.tradeLocked}
          </span>
        ) : null}
      </span>
    </div>
  );
}

function SessionClock() {
  const clock = useCockpit((s) => s.cockpit?.clock);
  if (!clock) {
    return (
      <div className="stat" data-testid="clock">
        <span className="stat-label">Session</span>
        <span className="stat-value">{MISSING}</span>
      </div>
    );
  }
  return (
    <div
      className="stat stat-session"
      data-testid="clock"
      data-session={clock.session}
      data-simulated={String(clock.simulated)}
      title={`Session ${clock.sessionDate} · ${clock.session} · ${formatTime(clock.ts, clock.timezone)} ${clock.timezone}${clock.simulated ? ' · simulated clock' : ''}`}
    >
      <span className="stat-label">Session {clock.sessionDate}</span>{' '}
      <span className="stat-value">
        <span className={`tag tag-session-${clock.session}`}>{clock.session}</span> {formatTime(clock.ts, clock.timezone)}{' '}
        <span className="muted" title={clock.timezone}>
          {clock.timezone.split('/').pop()?.replace(/_/g, ' ')}
        </span>{' '}
        {clock.simulated ? (
          <span className="tag tag-sim" title="The engine runs on a simulated clock">
            SIM
          </span>
        ) : null}
      </span>
    </div>
  );
}

export function Header({ alerts }: { alerts?: ReactNode }) {
  return (
    <header className="topbar">
      <div className="brand" aria-label="Deltadeck">
        Δ<span>deltadeck</span>
      </div>
      <PageNav />
      <AccountFigures />
      <BrokerStatus />
      <SessionClock />
      <div className="topbar-spacer" />
      <EngineLink />
      {alerts}
      <TradingStateBadge />
      <ModeSwitch />
      <KillSwitchButton />
    </header>
  );
}
