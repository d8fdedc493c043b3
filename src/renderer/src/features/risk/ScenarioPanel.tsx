// Scenario heat map: the book fully revalued for spot moves (rows) × implied-vol moves (columns),
// optionally after a time step and with the order being typed in the ticket form. Green gains,
// red losses, the shade by P&L as a share of NAV. Refreshed every few seconds while on screen.
import { useState } from 'react';
import type { OrderIntent } from '../../../../shared/domain.js';
import { describeIntent } from '../../api/actions.js';
import { useEngineQuery } from '../../api/call.js';
import { HeatMap, HEAT_SATURATION, SCENARIO_REFRESH_MS } from '../../components/HeatMap.js';
import { Panel } from '../../components/Panel.js';
import { formatPercent, formatTime } from '../../lib/format.js';
import { useCockpit } from '../../stores/app-store.js';
import { useDraftIntent } from '../../stores/ticket-draft.js';

export const SCENARIO_DAYS = [0, 1, 7] as const;

export function ScenarioPanel() {
  const [days, setDays] = useState<number>(0);
  const [withTicket, setWithTicket] = useState(false);
  const draft = useDraftIntent();
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const intent: OrderIntent | null = withTicket ? draft : null;
  const query = useEngineQuery('risk.scenario', intent ? { intent, days } : { days }, { intervalMs: SCENARIO_REFRESH_MS });
  const grid = query.data;

  return (
    <Panel title="Scenarios: spot × vol" area="scenario" bodyClassName="flush">
      <div className="scenario-controls">
        <label className="inline-field">
          <span>Horizon</span>
          <select data-testid="scenario-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {SCENARIO_DAYS.map((d) => (
              <option key={d} value={d}>
                {d === 0 ? 'now' : `+${d} d`}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field" title={draft ? `Add ${describeIntent(draft)} from the ticket form` : 'Type a valid order in the ticket form (Cockpit page) first'}>
          <input type="checkbox" data-testid="scenario-with-ticket" checked={withTicket} onChange={(e) => setWithTicket(e.target.checked)} />
          <span>with ticket {draft ? <span className="mono">{describeIntent(draft)}</span> : <span className="muted">(no valid draft)</span>}</span>
        </label>
        <button type="button" className="small" data-testid="scenario-refresh" onClick={query.refresh} disabled={query.loading}>
          {query.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div
        className={`scenario-body${query.loading ? ' loading' : ''}`}
        data-testid="scenario-grid"
        data-days={grid?.days ?? ''}
        data-with-order={grid?.withOrder ?? ''}
        aria-busy={query.loading}
      >
        {query.error ? (
          <p className="panel-error" data-testid="scenario-error" role="status">
            <span className="mono">{query.error.code}</span> {query.error.message}
          </p>
        ) : null}
        {withTicket && !draft ? <p className="muted note">No valid order in the ticket form: showing the book alone.</p> : null}
        {grid ? (
          <>
            <HeatMap grid={grid} />
            <p className="muted note">
              {grid.withOrder ? (
                <>
                  Book + <span className="mono">{grid.withOrder}</span>.{' '}
                </>
              ) : (
                'Book only. '
              )}
              P&amp;L vs now{grid.days > 0 ? ` after ${grid.days} day${grid.days === 1 ? '' : 's'}` : ''}; colour full at ±
              {formatPercent(HEAT_SATURATION, 0)} of NAV. {query.updatedAt !== null ? `Updated ${formatTime(query.updatedAt, timezone)}.` : ''}
            </p>
          </>
        ) : !query.error ? (
          <p className="empty">Computing the scenario grid…</p>
        ) : null}
      </div>
    </Panel>
  );
}
