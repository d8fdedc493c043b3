// Cash Greeks per underlying and for the whole portfolio, with the short-dated bucket
// (options expiring within greeks.shortDatedDays) alongside.
import type { CashGreeks, GreeksRow } from '../../../../shared/domain.js';
import { useCockpit } from '../../stores/app-store.js';
import { Num } from '../../components/Num.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatPercent, pnlClass } from '../../lib/format.js';

const MAIN: readonly { key: keyof CashGreeks; testKey: string; label: string; title: string; decimals: number; pnl?: boolean }[] = [
  { key: 'deltaShares', testKey: 'delta', label: 'Δ sh', title: 'Delta in underlying shares', decimals: 1 },
  { key: 'deltaCash', testKey: 'deltaCash', label: 'Δ $', title: 'Cash delta: shares × spot', decimals: 0 },
  { key: 'gammaCash1Pct', testKey: 'gamma', label: 'Γ $/1%', title: 'Change of cash delta for a 1% move', decimals: 0 },
  { key: 'vegaCashPerPoint', testKey: 'vega', label: 'V $/pt', title: 'P&L for a one-vol-point rise in IV', decimals: 0, pnl: true },
  { key: 'thetaCashPerDay', testKey: 'theta', label: 'Θ $/d', title: 'P&L per calendar day from time decay', decimals: 0, pnl: true },
];

const SHORT: readonly { key: keyof CashGreeks; label: string; decimals: number; pnl?: boolean }[] = [
  { key: 'deltaCash', label: 'Δ $', decimals: 0 },
  { key: 'gammaCash1Pct', label: 'Γ $/1%', decimals: 0 },
  { key: 'vegaCashPerPoint', label: 'V $/pt', decimals: 0, pnl: true },
  { key: 'thetaCashPerDay', label: 'Θ $/d', decimals: 0, pnl: true },
];

function GreeksCells({ row, portfolio }: { row: GreeksRow; portfolio: boolean }) {
  return (
    <>
      {MAIN.map((c) => (
        <td key={c.key} className="num">
          <Num
            value={row[c.key]}
            decimals={c.decimals}
            pnl={c.pnl ?? false}
            testId={portfolio ? `greeks-portfolio-${c.testKey}` : undefined}
          />
        </td>
      ))}
      <td className={`num ${pnlClass(row.deltaPctNav)}`}>
        <span data-testid={portfolio ? 'greeks-portfolio-deltaPctNav' : undefined} data-value={row.deltaPctNav}>
          {formatPercent(row.deltaPctNav, 1, true)}
        </span>
      </td>
      {SHORT.map((c, i) => (
        <td key={`short-${c.key}`} className={`num short${i === 0 ? ' group-start' : ''}`}>
          <Num
            value={row.shortDated[c.key]}
            decimals={c.decimals}
            pnl={c.pnl ?? false}
            testId={portfolio ? `greeks-portfolio-short-${c.key}` : undefined}
          />
        </td>
      ))}
    </>
  );
}

export function GreeksSummaryPanel() {
  const greeks = useCockpit((s) => s.cockpit?.greeks);
  return (
    <Panel title="Greeks" area="greeks" bodyClassName="flush">
      {!greeks ? (
        <Empty>Waiting for the engine…</Empty>
      ) : (
        <div className="table-scroll">
          <table className="grid-table greeks-table" data-testid="greeks-summary">
            <thead>
              <tr className="group-row">
                <th scope="col" colSpan={1 + MAIN.length + 1} />
                <th scope="colgroup" colSpan={SHORT.length} className="group-start short-head">
                  ≤ {greeks.shortDatedDays} d to expiry
                </th>
              </tr>
              <tr>
                <th scope="col">Underlying</th>
                {MAIN.map((c) => (
                  <th key={c.key} scope="col" className="num" title={c.title}>
                    {c.label}
                  </th>
                ))}
                <th scope="col" className="num" title="Cash delta as a share of NAV">
                  Δ %NAV
                </th>
                {SHORT.map((c, i) => (
                  <th
                    key={c.key}
                    scope="col"
                    className={`num short${i === 0 ? ' group-start' : ''}`}
                    title={`Options expiring within ${greeks.shortDatedDays} days`}
                  >
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {greeks.byUnderlying.map((row) => (
                <tr key={row.underlying} data-testid="greeks-row" data-underlying={row.underlying}>
                  <th scope="row" className="sym">
                    {row.underlying}
                  </th>
                  <GreeksCells row={row} portfolio={false} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="total-row" data-testid="greeks-portfolio">
                <th scope="row">Portfolio</th>
                <GreeksCells row={greeks.portfolio} portfolio />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </Panel>
  );
}
