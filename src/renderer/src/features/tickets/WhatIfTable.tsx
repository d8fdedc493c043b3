// An order's what-if: the portfolio's cash Greeks before and after it, the order's own Greeks,
// and the after figure as % of NAV coloured by the portfolio cap it uses.
import type { PortfolioGreeks, WhatIf } from '../../../../shared/risk.js';
import { useCockpit } from '../../stores/app-store.js';
import { Num } from '../../components/Num.js';
import { formatPercent } from '../../lib/format.js';
import { levelForUsage } from '../../lib/risk-view.js';

export const WHAT_IF_ROWS: readonly { key: keyof PortfolioGreeks; label: string; title: string; limitId: string }[] = [
  { key: 'deltaCash', label: 'Δ $', title: 'Cash delta', limitId: 'portfolio.delta' },
  { key: 'gammaCash1Pct', label: 'Γ $/1%', title: 'Change of cash delta for a 1% move', limitId: 'portfolio.gamma' },
  { key: 'vegaCashPerPoint', label: 'V $/pt', title: 'P&L for a one-vol-point rise in IV', limitId: 'portfolio.vega' },
  { key: 'thetaCashPerDay', label: 'Θ $/d', title: 'P&L per calendar day from time decay', limitId: 'portfolio.theta' },
];

export function WhatIfTable({ whatIf, testIdPrefix }: { whatIf: WhatIf; testIdPrefix: string }) {
  const caps = useCockpit((s) => s.cockpit?.risk.limits);
  const nav = whatIf.nav;
  return (
    <table className="grid-table whatif-table" data-testid={`${testIdPrefix}-table`} data-risk-reducing={String(whatIf.riskReducing)}>
      <thead>
        <tr>
          <th scope="col">Portfolio</th>
          <th scope="col" className="num">
            Before
          </th>
          <th scope="col" className="num" title="The order's own cash Greeks">
            Order
          </th>
          <th scope="col" className="num">
            After
          </th>
          <th scope="col" className="num" title="After, as a share of NAV, coloured by the portfolio cap it uses">
            %NAV
          </th>
        </tr>
      </thead>
      <tbody>
        {WHAT_IF_ROWS.map((row) => {
          const after = whatIf.after[row.key];
          const pctNav = nav > 0 ? after / nav : null;
          const cap = caps?.find((l) => l.id === row.limitId)?.limit;
          const level = pctNav !== null && cap !== undefined ? levelForUsage(cap > 0 ? Math.abs(pctNav) / cap : Math.abs(pctNav) > 0 ? Infinity : 0) : 'green';
          return (
            <tr key={row.key}>
              <th scope="row" title={row.title}>
                {row.label}
              </th>
              <td className="num">
                <Num
                  value={whatIf.before[row.key]}
                  decimals={0}
                  testId={`${testIdPrefix}-before-${row.key}`}
                  title={nav > 0 ? `${formatPercent(whatIf.before[row.key] / nav, 2, true)} of NAV before the order` : undefined}
                />
              </td>
              <td className="num muted">
                <Num value={whatIf.order[row.key]} decimals={0} signed testId={`${testIdPrefix}-order-${row.key}`} />
              </td>
              <td className="num">
                <Num value={after} decimals={0} testId={`${testIdPrefix}-after-${row.key}`} />
              </td>
              <td
                className={`num usage-${level}`}
                data-level={level}
                title={cap !== undefined ? `Portfolio cap ${formatPercent(cap, 2)} of NAV` : undefined}
              >
                <span data-testid={`${testIdPrefix}-afterPctNav-${row.key}`} data-value={pctNav ?? ''}>
                  {formatPercent(pctNav, 2, true)}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
