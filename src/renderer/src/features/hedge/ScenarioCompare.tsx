// The scenario grid before and after the selected plan, recomputed while on screen. An answer is
// tagged with the plan it was asked for, so the previous plan's grids never show as this one's.
import type { HedgePlan, HedgeRun } from '../../../../shared/hedge.js';
import { callEngine } from '../../api/call.js';
import { HeatMap, HEAT_SATURATION, SCENARIO_REFRESH_MS } from '../../components/HeatMap.js';
import { formatPercent } from '../../lib/format.js';
import { usePolledQuery } from '../../lib/use-polled-query.js';

export function ScenarioCompare({ run, plan }: { run: HedgeRun; plan: HedgePlan }) {
  const key = `${run.id}|${plan.id}`;
  const query = usePolledQuery(
    async () => {
      const result = await callEngine('hedge.scenario', { runId: run.id, planId: plan.id }, { timeoutMs: 15_000 });
      return result.ok ? { ok: true as const, value: { key, ...result.value } } : result;
    },
    SCENARIO_REFRESH_MS,
    key,
  );
  // The previous plan's grids stay in the query until the new answer: never show them as this plan's.
  const grids = query.data?.key === key ? query.data : null;
  return (
    <div className="hedge-scenarios" aria-busy={query.loading}>
      {query.error ? (
        <p className="panel-error" data-testid="hedge-scenario-error" role="status">
          <span className="mono">{query.error.code}</span> {query.error.message}
        </p>
      ) : null}
      <div className="hedge-scenario" data-testid="hedge-scenario-before">
        <h3>Book now</h3>
        {grids ? <HeatMap grid={grids.before} /> : <p className="empty">Computing…</p>}
      </div>
      <div className="hedge-scenario" data-testid="hedge-scenario-after" data-plan-id={plan.id}>
        <h3>
          After <span className="mono">{plan.description}</span>
        </h3>
        {grids ? <HeatMap grid={grids.after} /> : <p className="empty">Computing…</p>}
      </div>
      <p className="muted note">
        P&amp;L vs now for every underlying moved (rows) and every implied vol moved (columns); colour full at ±{formatPercent(HEAT_SATURATION, 0)} of NAV.
      </p>
    </div>
  );
}
