// Tickets: every order intent (manual, hedge, AI, strategy) with its pre-trade checks (the
// failing ones first) and its what-if Greeks as the gate saw them at creation.
// A red ticket cannot be approved; approval is bound to the ticket's content hash.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Ticket } from '../../../../shared/domain.js';
import { actions, describeOrderPrices } from '../../api/actions.js';
import { useCockpit } from '../../stores/app-store.js';
import { ticketsForDisplay } from '../../stores/selectors.js';
import { isReady } from '../../stores/cockpit-store.js';
import { ENGINE_UNREACHABLE } from '../../lib/engine-link.js';
import { Empty } from '../../components/Panel.js';
import { formatCountdown, formatInstrument, formatNumber, formatQty, formatTime } from '../../lib/format.js';
import { sortChecks } from '../../lib/risk-view.js';
import { WhatIfTable } from './WhatIfTable.js';

/** The wall clock, re-read every second: tickets expire in real time, whatever the trading clock does. */
function useWallNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function TicketCard({ ticket, now }: { ticket: Ticket; now: number }) {
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const reachable = useCockpit(isReady);
  const instrument = useCockpit((s) => s.cockpit?.instruments[ticket.intent.symbol]);
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const pending = ticket.status === 'pending';
  const { intent } = ticket;

  const run = async (kind: 'approve' | 'reject') => {
    setBusy(kind);
    try {
      if (kind === 'approve') await actions.approveTicket(ticket);
      else await actions.rejectTicket(ticket);
    } finally {
      setBusy(null);
    }
  };

  return (
    <li
      className={`ticket verdict-${ticket.verdict} status-${ticket.status}`}
      data-testid="ticket"
      data-ticket-id={ticket.id}
      data-status={ticket.status}
      data-verdict={ticket.verdict}
    >
      <div className="ticket-head">
        <span className={`verdict-badge verdict-${ticket.verdict}`} title={`Pre-trade checks: ${ticket.verdict}`}>
          {ticket.verdict}
        </span>
        <span className={intent.side === 'BUY' ? 'side-buy' : 'side-sell'}>{intent.side}</span>
        <span className="num">{formatQty(intent.qty)}</span>
        <span className="sym" title={intent.symbol}>
          {formatInstrument(instrument, intent.symbol)}
        </span>
        <span className="muted" data-testid="ticket-order-type" data-value={intent.orderType}>
          {describeOrderPrices(intent)}
          {intent.tif !== 'DAY' ? ` ${intent.tif}` : ''}
          {intent.outsideRth ? ' +ext' : ''}
        </span>
        <span className="ticket-status">{ticket.status}</span>
      </div>
      <div className="ticket-meta">
        <span className="tag">{ticket.source}</span>
        {ticket.context ? (
          <span className="tag" data-testid="ticket-context" title={`Checked for ${ticket.context.mode}, account ${ticket.context.accountId}: it can only be approved there`}>
            {ticket.context.mode}
          </span>
        ) : null}
        <span title="Estimated notional at creation">≈ {formatNumber(ticket.estNotional, 2)}</span>
        {pending ? (
          <span className="countdown" title={`Expires ${formatTime(ticket.expiresAt, timezone, true)} (real time)`}>
            expires in {formatCountdown(ticket.expiresAt - now)}
          </span>
        ) : (
          <span className="muted">{formatTime(ticket.createdAt, timezone)}</span>
        )}
      </div>
      {ticket.reason ? <div className="ticket-reason">{ticket.reason}</div> : null}
      {ticket.statusReason ? (
        <div className="ticket-status-reason" data-testid="ticket-status-reason">
          {ticket.status}: {ticket.statusReason}
        </div>
      ) : null}
      {ticket.checks.length > 0 ? (
        <ul className="checks">
          {sortChecks(ticket.checks).map((c, i) => (
            <li key={`${c.check}-${i}`} className={`check check-${c.level}`} data-testid="ticket-check" data-level={c.level} data-code={c.code}>
              <span className={`check-dot check-${c.level}`} aria-label={c.level} />
              <span className="check-name">{c.check}</span> {c.message}
            </li>
          ))}
        </ul>
      ) : null}
      {ticket.whatIf ? (
        <details className="ticket-whatif" open={pending}>
          <summary>
            What-if at creation{ticket.whatIf.riskReducing ? <span className="tag tag-reducing">reduces risk</span> : null}
          </summary>
          <WhatIfTable whatIf={ticket.whatIf} testIdPrefix="ticket-whatif" />
        </details>
      ) : null}
      {pending ? (
        <div className="ticket-actions">
          <button
            type="button"
            className="approve"
            data-testid="ticket-approve"
            disabled={!reachable || ticket.verdict === 'red' || busy !== null}
            title={!reachable ? ENGINE_UNREACHABLE : ticket.verdict === 'red' ? 'A red ticket cannot be approved' : 'Approve and send this order'}
            onClick={() => void run('approve')}
          >
            {busy === 'approve' ? 'Approving…' : 'Approve'}
          </button>
          <button
            type="button"
            data-testid="ticket-reject"
            disabled={!reachable || busy !== null}
            title={reachable ? undefined : ENGINE_UNREACHABLE}
            onClick={() => void run('reject')}
          >
            {busy === 'reject' ? 'Rejecting…' : 'Reject'}
          </button>
        </div>
      ) : (
        <div className="ticket-actions">
          <button type="button" data-testid="ticket-approve" disabled title={`Ticket is ${ticket.status}`}>
            Approve
          </button>
          <button type="button" data-testid="ticket-reject" disabled title={`Ticket is ${ticket.status}`}>
            Reject
          </button>
          {ticket.orderId ? <span className="muted">order {ticket.orderId}</span> : null}
        </div>
      )}
    </li>
  );
}

export function TicketList() {
  const tickets = useCockpit(useShallow((s) => ticketsForDisplay(s.cockpit?.tickets ?? [])));
  const anyPending = tickets.some((t) => t.status === 'pending');
  const now = useWallNow(anyPending);
  if (tickets.length === 0) return <Empty>No tickets yet.</Empty>;
  return (
    <ol className="tickets" data-testid="tickets">
      {tickets.map((t) => (
        <TicketCard key={t.id} ticket={t} now={now} />
      ))}
    </ol>
  );
}
