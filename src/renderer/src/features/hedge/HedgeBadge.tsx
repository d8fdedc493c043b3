// "Hedge: N breaches →" in the header while a Greek limit (portfolio, short-dated or an
// underlying's exposure) is over its cap, so a new user meets the hedge flow on first start.
// One click opens the Hedge page.
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../../stores/app-store.js';
import { showPage } from '../../stores/navigation.js';
import { badgeText, badgeValue, hedgeableBreaches } from './hedge-view.js';

export function HedgeBadge() {
  const labels = useCockpit(useShallow((s) => hedgeableBreaches(s.cockpit?.risk?.limits).map((l) => l.label)));
  if (labels.length === 0) return null;
  return (
    <button
      type="button"
      className="stat hedge-badge"
      data-testid="hedge-badge"
      data-value={labels.length}
      aria-label={badgeText(labels.length)}
      title={`Over the cap: ${labels.join(', ')} — open the Hedge page for the proposed plan`}
      onClick={() => showPage('hedge')}
    >
      <span className="stat-label">Hedge:</span> <span className="stat-value">{badgeValue(labels.length)}</span>
    </button>
  );
}
