// One-day Value at Risk and expected shortfall (CVaR) by three methods, as positive losses.
// A method without enough history says why instead of showing a number.
import type { VarMethod } from '../../../../shared/risk.js';
import { useEngineQuery } from '../../api/call.js';
import { Panel } from '../../components/Panel.js';
import { Num } from '../../components/Num.js';
import { formatPercent } from '../../lib/format.js';

export const VAR_REFRESH_MS = 30_000;
const CONFIDENCES = [0.95, 0.99] as const;

const METHOD_LABEL: Record<VarMethod['method'], { label: string; title: string }> = {
  'historical-prices': { label: 'Historical (prices)', title: "Today's book revalued under each past day's underlying moves" },
  'historical-equity': { label: 'Historical (equity)', title: "This account's own daily NAV changes" },
  'delta-gamma': { label: 'Delta-gamma', title: 'Parametric: cash delta and gamma against the underlyings’ return covariance' },
};

function MethodRow({ method, nav }: { method: VarMethod; nav: number }) {
  const label = METHOD_LABEL[method.method];
  if (!method.available) {
    return (
      <tr data-testid="var-method" data-method={method.method} data-available="false">
        <th scope="row" title={label.title}>
          {label.label}
        </th>
        <td colSpan={CONFIDENCES.length * 2 + 1} className="muted var-note" data-testid="var-note">
          {method.note ?? 'Not available.'}
        </td>
      </tr>
    );
  }
  return (
    <tr data-testid="var-method" data-method={method.method} data-available="true">
      <th scope="row" title={label.title}>
        {label.label}
      </th>
      {CONFIDENCES.flatMap((c) => {
        const f = method.figures.find((x) => Math.abs(x.confidence - c) < 1e-9);
        return (['var', 'cvar'] as const).map((kind) => (
          <td key={`${c}-${kind}`} className="num neg" data-confidence={c} data-kind={kind}>
            {f ? <Num value={f[kind]} decimals={0} title={nav > 0 ? `${formatPercent(f[kind] / nav, 2)} of NAV` : undefined} /> : '—'}
          </td>
        ));
      })}
      <td className="num muted">{method.observations}</td>
    </tr>
  );
}

export function VarPanel() {
  const query = useEngineQuery('risk.var', {}, { intervalMs: VAR_REFRESH_MS });
  const report = query.data;
  return (
    <Panel title="Value at Risk (1 day)" area="var" bodyClassName="flush">
      {query.error ? (
        <p className="panel-error" data-testid="var-error" role="status">
          <span className="mono">{query.error.code}</span> {query.error.message}
        </p>
      ) : null}
      {report ? (
        <table className="grid-table var-table" data-testid="var-table">
          <thead>
            <tr>
              <th scope="col">Method</th>
              {CONFIDENCES.flatMap((c) => [
                <th key={`${c}-var`} scope="col" className="num" title={`Loss not exceeded on ${formatPercent(c, 0)} of days`}>
                  VaR {formatPercent(c, 0)}
                </th>,
                <th key={`${c}-cvar`} scope="col" className="num" title={`Average loss on the worst ${formatPercent(1 - c, 0)} of days`}>
                  CVaR {formatPercent(c, 0)}
                </th>,
              ])}
              <th scope="col" className="num" title="Observations used">
                n
              </th>
            </tr>
          </thead>
          <tbody>
            {report.methods.map((m) => (
              <MethodRow key={m.method} method={m} nav={report.nav} />
            ))}
          </tbody>
        </table>
      ) : !query.error ? (
        <p className="empty">Computing VaR…</p>
      ) : null}
      <div className="panel-foot">
        <span className="muted">Losses as positive amounts, account currency.</span>
        <button type="button" className="small" data-testid="var-refresh" onClick={query.refresh} disabled={query.loading}>
          {query.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
    </Panel>
  );
}
