// Toast stack (bottom right). Errors are announced assertively, confirmations politely.
import { useShallow } from 'zustand/react/shallow';
import { cockpitStore, useCockpit } from '../stores/app-store.js';
import { dismissToast } from '../stores/toasts.js';

export function Toasts() {
  const toasts = useCockpit(useShallow((s) => s.toasts));
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.kind}`}
          data-testid="toast"
          data-kind={t.kind}
          data-code={t.code}
          role={t.kind === 'error' ? 'alert' : 'status'}
        >
          <span className="toast-text">
            {t.code && t.kind === 'error' ? <span className="toast-code">{t.code}</span> : null}
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
