// The scenario heat map: P&L of the book (or of a hedge plan's result) for every spot move (rows)
// × implied-vol move (columns). Green gains, red losses, shaded by P&L as a share of NAV. Used by
// the Risk page's scenario panel and the Hedge page's before / after grids.
import type { ScenarioCell, ScenarioGrid } from '../../../shared/risk.js';
import { formatNumber, formatPercent, formatSigned } from '../lib/format.js';
import { heatColor } from '../lib/risk-view.js';

/** How often a scenario grid on screen is recomputed. */
export const SCENARIO_REFRESH_MS = 5_000;
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
