// A plan's cash Greeks before → after, for the portfolio, the short-dated book and each underlying.
import type { HedgePlan } from '../../../../shared/hedge.js';
import { Num } from '../../components/Num.js';
import { useCockpit } from '../../stores/app-store.js';
import { GREEK_ROWS, greekScopes } from './hedge-view.js';

export function PlanGreeks({ plan }: { plan: HedgePlan }) {
  const shortDatedDays = useCockpit((s) => s.cockpit?.greeks?.shortDatedDays ?? null);
  return (
    <table className="grid-table hedge-greeks" data-testid="hedge-plan-greeks">
      <thead>
        <tr>
          <th scope="col">Cash Greeks</th>
          {GREEK_ROWS.map((g) => (
            <th key={g.key} scope="col" className="num" title={g.title}>
              {g.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {greekScopes(plan, shortDatedDays).map((scope) =>
          (['before', 'after'] as const).map((when) => (
            <tr key={`${scope.id}-${when}`} className={`when-${when}`} data-scope={scope.id} data-when={when}>
              <th scope="row">
                {when === 'before' ? scope.label : <span className="muted">→ after</span>}
              </th>
              {GREEK_ROWS.map((g) => {
                const value = scope[when][g.key];
                const changed = when === 'after' && Math.abs(value - scope.before[g.key]) > 0.5;
                return (
                  <td key={g.key} className={`num${changed ? ' changed' : ''}`} data-greek={g.key}>
                    <Num value={value} decimals={0} />
                  </td>
                );
              })}
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
