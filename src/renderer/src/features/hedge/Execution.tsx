// What became of an approved plan, leg by leg: who approved it (the trader or the auto-hedge
// policy), each leg's ticket / order, its status and fill, and the engine's summary.
import type { HedgeRun } from '../../../../shared/hedge.js';
import { Num } from '../../components/Num.js';
import { formatNumber, formatTime } from '../../lib/format.js';
import { useCockpit } from '../../stores/app-store.js';
import { approvedBy, describeLeg, instrumentName, isPolicyActor } from './hedge-view.js';

export function Execution({ run, timezone }: { run: HedgeRun; timezone: string }) {
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  const execution = run.execution;
  if (!execution) return null;
  const plan = run.result.plans.find((p) => p.id === execution.planId);
  return (
    <div className="hedge-execution" data-testid="hedge-execution" data-plan-id={execution.planId}>
      <p>
        <strong>{plan ? plan.description : execution.planId}</strong> —{' '}
        <span data-testid="hedge-exec-actor" data-actor={execution.actor} className={isPolicyActor(execution.actor) ? 'tag tag-auto' : ''}>
          {approvedBy(execution.actor)}
        </span>{' '}
        at {formatTime(execution.startedAt, timezone)}
        {execution.finishedAt !== null ? `, done ${formatTime(execution.finishedAt, timezone)}` : ''} · notional{' '}
        <Num value={execution.notional} decimals={0} />
      </p>
      <table className="grid-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Leg</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Filled
            </th>
            <th scope="col">Ticket / order</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {execution.legs.map((leg, i) => (
            <tr
              key={`${leg.symbol}-${i}`}
              data-testid="hedge-exec-leg"
              data-status={leg.status}
              data-symbol={leg.symbol}
              data-order-id={leg.orderId ?? ''}
              data-filled={leg.filledQty}
            >
              <td className="num">{i + 1}</td>
              <td className="mono" title={describeLeg(leg)}>
                {leg.side} {formatNumber(leg.qty, 0)} {instrumentName(leg.symbol, instruments?.[leg.symbol])}
              </td>
              <td>
                <span className={`status status-${leg.status}`}>{leg.status}</span>
              </td>
              <td className="num">
                {formatNumber(leg.filledQty, 0)} / {formatNumber(leg.qty, 0)}
              </td>
              <td className="mono muted">{[leg.ticketId, leg.orderId].filter(Boolean).join(' · ') || '—'}</td>
              <td className="hedge-wrap">{leg.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hedge-exec-message" data-testid="hedge-exec-message">
        {execution.message}
      </p>
    </div>
  );
}
