// Toast stack (bottom left, over the chart: never over the ticket or order buttons). Errors are announced assertively, confirmations politely.
import { useShallow } from 'zustand/react/shallow';
import { cockpitStore, useCockpit } from '../stores/app-store.js';
import { dismissToast } from '../stores/toasts.js';

export function Toasts() {
  const toasts = useCockpit(useShallow((s) => s.toasts));
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          {t.code && t.kind === 'error' ? <span className="toast-code">{t.code}</span> : null}
          <span className="toast-text" data-testid="toast" data-kind={t.kind} data-code={t.code}>
            {t.message}
          </span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(cockpitStore, t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
