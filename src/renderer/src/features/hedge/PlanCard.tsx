// One plan of a hedge run as a card: its legs, Greeks before → after, cost, score, and Approve /
// Show scenario. An infeasible plan says why and cannot be approved.
import type { HedgePlan, HedgeRun } from '../../../../shared/hedge.js';
import { formatNumber } from '../../lib/format.js';
import { ENGINE_UNREACHABLE } from '../../lib/engine-link.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { canApprove, describeLeg, formatScore, instrumentName, PLAN_KIND_LABEL } from './hedge-view.js';
import { PlanCost } from './PlanCost.js';
import { PlanGreeks } from './PlanGreeks.js';

export function PlanCard({
  run,
  plan,
  chosen,
  selected,
  busy,
  onSelect,
  onApprove,
}: {
  run: HedgeRun;
  plan: HedgePlan;
  chosen: boolean;
  selected: boolean;
  busy: boolean;
  onSelect(): void;
  onApprove(): void;
}) {
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  const reachable = useCockpit(isReady);
  const approvable = canApprove(run, plan);
  const title = `${PLAN_KIND_LABEL[plan.kind]} · ${plan.underlying}`;
  return (
    <article
      className={`hedge-plan${chosen ? ' chosen' : ''}${plan.feasible ? '' : ' infeasible'}${selected ? ' selected' : ''}`}
      data-testid="hedge-plan"
      data-plan-id={plan.id}
      data-feasible={String(plan.feasible)}
      data-chosen={String(chosen)}
      data-selected={String(selected)}
      aria-label={`${chosen ? 'Proposed plan' : plan.feasible ? 'Alternative' : 'Infeasible plan'}: ${plan.description}`}
    >
      <header className="hedge-plan-head">
        <span className="hedge-plan-title">{title}</span>
        {chosen ? <span className="tag tag-chosen">proposed</span> : null}
        {plan.feasible ? null : <span className="tag tag-infeasible">{plan.reasonCode ?? 'infeasible'}</span>}
      </header>
      <p className="hedge-plan-desc" data-testid="hedge-plan-description">
        {plan.description}
      </p>
      {plan.feasible ? null : (
        <p className="hedge-plan-reason" data-testid="hedge-plan-reason" role="note">
          Not usable: {plan.reason ?? 'the engine gave no reason'}
        </p>
      )}
      <table className="grid-table hedge-legs" data-testid="hedge-plan-legs">
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col">Instrument</th>
            <th scope="col" className="num" title="Expected price: the ask for a buy, the bid for a sell">
              Price
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.legs.map((leg, i) => {
            const detail = plan.legDetails[i];
            return (
              <tr key={`${leg.symbol}-${i}`} data-testid="hedge-plan-leg" data-symbol={leg.symbol} data-side={leg.side} data-qty={leg.qty} title={describeLeg(leg)}>
                <td className={`side-${leg.side.toLowerCase()}`}>{leg.side}</td>
                <td className="num">{formatNumber(leg.qty, 0)}</td>
                <td className="mono">{instrumentName(leg.symbol, instruments?.[leg.symbol])}</td>
                <td className="num" title={detail ? `bid ${formatNumber(detail.bid, 2)} / ask ${formatNumber(detail.ask, 2)}, ${formatNumber(detail.displayedSize, 0)} shown` : undefined}>
                  {detail ? formatNumber(detail.price, 2) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <PlanGreeks plan={plan} />
      <PlanCost plan={plan} />
      <div className="hedge-plan-score">
        <span title="Cost per unit of weighted limit usage removed: lower is better">
          Score <strong data-testid="hedge-plan-score" data-value={plan.score ?? ''}>{formatScore(plan.score)}</strong>
        </span>
        <span className="muted" title="Weighted limit usage removed (1 = one whole limit's worth)">
          risk removed {formatNumber(plan.riskRemoved, 2)}
        </span>
        {plan.breachesAfter.length > 0 ? (
          <span className="usage-amber" data-testid="hedge-plan-breaches-after" title="Limits still (or newly) outside after this plan">
            still outside: {plan.breachesAfter.join(', ')}
          </span>
        ) : null}
      </div>
      <footer className="hedge-plan-actions">
        <button
          type="button"
          className={chosen ? 'approve' : ''}
          data-testid="hedge-approve"
          disabled={!reachable || !approvable || busy}
          title={
            !reachable
              ? ENGINE_UNREACHABLE
              : plan.feasible
              ? run.status === 'proposed'
                ? 'Send this plan as one ticket group: each leg re-checked by the gate on fresh quotes'
                : `The run is ${run.status}: re-plan to approve again`
              : `Not approvable: ${plan.reason ?? 'infeasible'}`
          }
          onClick={onApprove}
        >
          Approve
        </button>
        <button type="button" className="small" data-testid="hedge-plan-select" aria-pressed={selected} onClick={onSelect}>
          {selected ? 'In the scenario grid' : 'Show scenario'}
        </button>
      </footer>
    </article>
  );
}
