// The header's word on the link to the engine: "Live", or "Disconnected — reconnecting…" the
// moment the connection drops (the banner below it counts down to the next attempt).
import { useCockpit } from '../../stores/app-store.js';
import { engineLinkView } from '../../lib/engine-link.js';

export function EngineLink() {
  const phase = useCockpit((s) => s.connection.phase);
  const attempt = useCockpit((s) => s.connection.attempt);
  const view = engineLinkView({ phase, attempt });
  return (
    <div className={`engine-link engine-link-${view.tone}`} data-testid="engine-link" data-phase={phase} title={view.title} role="status" aria-live="assertive">
      <span className={`dot dot-${view.tone === 'live' ? 'connected' : 'disconnected'}`} aria-hidden="true" />
      {view.label}
    </div>
  );
}
