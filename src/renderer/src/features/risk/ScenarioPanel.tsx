// Scenario heat map: the book fully revalued for spot moves (rows) × implied-vol moves (columns),
// optionally after a time step and with the order being typed in the ticket form. Green gains,
// red losses, the shade by P&L as a share of NAV. Refreshed every few seconds while on screen.
import { useState } from 'react';
import type { OrderIntent } from '../../../../shared/domain.js';
import type { ScenarioCell, ScenarioGrid } from '../../../../shared/risk.js';
import { actions } from '../../api/runtime.js';
import { describeIntent } from '../../api/actions.js';
import { Panel } from '../../components/Panel.js';
import { formatNumber, formatPercent, formatSigned, formatTime } from '../../lib/format.js';
import { usePolledQuery } from '../../lib/use-polled-query.js';
import { useCockpit } from '../../stores/app-store.js';
import { useDraftIntent } from '../tickets/ticket-draft.js';
import { heatColor } from './risk-view.js';

export const SCENARIO_REFRESH_MS = 5_000;
export const SCENARIO_DAYS = [0, 1, 7] as const;
/** |P&L| / NAV at which a cell reaches full colour. */
export const HEAT_SATURATION = 0.05;

const spotLabel = (pct: number) => (pct === 0 ? '0%' : formatPercent(pct, 1, true));
const volLabel = (pts: number) => (pts === 0 ? '0' : `${formatSigned(pts, 1)}`);

function cellTitle(cell: ScenarioCell, nav: number): string {
  return [
    `Spot ${spotLabel(cell.spotPct)}, vol ${volLabel(cell.volPts)} pts`,
    `P&L ${formatSigned(cell.pnl, 0)} (${formatPercent(nav > 0 ? cell.pnl / nav : null, 2, true)} of NAV)`,
    `Δ $ ${formatNumber(cell.deltaCash, 0)} · Γ $/1% ${formatNumber(cell.gammaCash1Pct, 0)}`,
    `V $/pt ${formatNumber(cell.vegaCashPerPoint, 0)} · Θ $/d ${formatNumber(cell.thetaCashPerDay, 0)}`,
  ].join('\n');
}

export function HeatMap({ grid }: { grid: ScenarioGrid }) {
  return (
    <table className="heatmap" data-testid="scenario-table">
      <thead>
        <tr>
          <th scope="col" className="corner" title="Rows: every underlying moved by this much. Columns: every option's implied vol moved by this many points.">
            spot \ vol
          </th>
          {grid.volPts.map((v) => (
            <th key={v} scope="col" className="num">
              {volLabel(v)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {grid.cells.map((row, i) => (
          <tr key={grid.spotPcts[i]}>
            <th scope="row" className="num">
              {spotLabel(grid.spotPcts[i] ?? 0)}
            </th>
            {row.map((cell) => (
              <td
                key={cell.volPts}
                className={`num heat-cell${cell.spotPct === 0 && cell.volPts === 0 ? ' centre' : ''}`}
                data-testid="scenario-cell"
                data-spot={cell.spotPct}
                data-vol={cell.volPts}
                data-pnl={cell.pnl}
                style={{ background: heatColor(cell.pnl, grid.nav, HEAT_SATURATION) }}
                title={cellTitle(cell, grid.nav)}
              >
                {formatSigned(cell.pnl, 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ScenarioPanel() {
  const [days, setDays] = useState<number>(0);
  const [withTicket, setWithTicket] = useState(false);
  const draft = useDraftIntent();
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const intent: OrderIntent | null = withTicket ? draft : null;
  const key = JSON.stringify({ days, intent });
  const query = usePolledQuery(() => actions.scenario(intent ? { intent, days } : { days }), SCENARIO_REFRESH_MS, key);
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
