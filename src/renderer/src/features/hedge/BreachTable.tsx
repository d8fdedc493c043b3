// The limits a hedge run found over their cap, as of its planning: value, cap, usage and why.
import { useMemo } from 'react';
import type { HedgeBreach } from '../../../../shared/hedge.js';
import { formatPercent } from '../../lib/format.js';
import { gaugeFillPct } from '../../lib/risk-view.js';
import { useCockpit } from '../../stores/app-store.js';
import { breachLabel, formatBreachValue } from './hedge-view.js';

export function BreachTable({ breaches }: { breaches: readonly HedgeBreach[] }) {
  const limits = useCockpit((s) => s.cockpit?.risk?.limits);
  const labels = useMemo(() => new Map((limits ?? []).map((l) => [l.id, l.label])), [limits]);
  return (
    <table className="grid-table hedge-breaches" data-testid="hedge-breaches">
      <thead>
        <tr>
          <th scope="col">Limit</th>
          <th scope="col" className="num">
            Value
          </th>
          <th scope="col" className="num">
            Cap
          </th>
          <th scope="col">Usage</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {breaches.map((b) => (
          <tr key={b.id} data-testid="hedge-breach" data-id={b.id} data-greek={b.greek} data-usage={b.usage} data-value={b.value} data-limit={b.limit}>
            <th scope="row">
              {breachLabel(b, labels)} {b.underlying ? <span className="tag">{b.underlying}</span> : null}
            </th>
            <td className="num usage-red">{formatBreachValue(b.value, b.unit)}</td>
            <td className="num">{formatBreachValue(b.limit, b.unit)}</td>
            <td className="hedge-usage">
              <span className="gauge-bar small" aria-hidden="true">
                <span className="gauge-fill level-red" style={{ width: `${gaugeFillPct(b.usage)}%` }} />
              </span>{' '}
              <span className="num usage-red">{formatPercent(b.usage, 0)}</span>
            </td>
            <td className="hedge-wrap muted">{b.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
