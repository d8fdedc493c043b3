// A plan's cost and its breakdown (half spread, commission, slippage, theta carry).
import type { HedgePlan } from '../../../../shared/hedge.js';
import { Num } from '../../components/Num.js';
import { costRows } from './hedge-view.js';

export function PlanCost({ plan }: { plan: HedgePlan }) {
  return (
    <table className="grid-table hedge-cost" data-testid="hedge-plan-costs">
      <tbody>
        {costRows(plan).map((row) => (
          <tr key={row.key} className={row.inCost ? '' : 'muted'} title={row.title} data-testid={`hedge-cost-${row.key}`} data-value={row.value}>
            <th scope="row">{row.label}</th>
            <td className="num">
              <Num value={row.value} decimals={2} />
            </td>
          </tr>
        ))}
        <tr className="hedge-cost-total">
          <th scope="row" title="Half spread + commission + slippage + theta carry when it costs">
            Cost
          </th>
          <td className="num">
            <Num value={plan.cost} decimals={2} testId="hedge-plan-cost" />
          </td>
        </tr>
      </tbody>
    </table>
  );
}
