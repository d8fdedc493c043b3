// The live verdict for the order being typed: the gate's level, its non-green reasons and the
// what-if Greeks. Nothing is created; the engine answers ticket.preview.
import type { OrderIntent } from '../../../../shared/domain.js';
import type { GateVerdict } from '../../../../shared/risk.js';
import type { ApiError } from '../../../../shared/api/result.js';
import { describeIntent } from '../../api/actions.js';
import { formatNumber } from '../../lib/format.js';
import { sortChecks } from '../../lib/risk-view.js';
import { WhatIfTable } from './WhatIfTable.js';

export type PreviewState =
  | { status: 'idle' }
  | { status: 'checking'; intent: OrderIntent; last: GateVerdict | null }
  | { status: 'done'; intent: OrderIntent; verdict: GateVerdict }
  | { status: 'error'; intent: OrderIntent; error: ApiError };

export function TicketPreview({ preview }: { preview: PreviewState }) {
  if (preview.status === 'idle') return null;
  if (preview.status === 'error') {
    return (
      <div className="ticket-preview verdict-error" data-testid="ticket-preview" data-verdict="error" role="status">
        <div className="preview-head">
          <span className="verdict-badge verdict-red">error</span>
          <span className="mono">{describeIntent(preview.intent)}</span>
        </div>
        <p className="preview-error">
          <span className="mono">{preview.error.code}</span> {preview.error.message}
        </p>
      </div>
    );
  }
  const verdict = preview.status === 'done' ? preview.verdict : preview.last;
  const checking = preview.status === 'checking';
  if (!verdict) {
    return (
      <div className="ticket-preview" data-testid="ticket-preview" data-verdict="checking" aria-busy="true">
        <span className="muted">Checking {describeIntent(preview.intent)}…</span>
      </div>
    );
  }
  const reasons = sortChecks(verdict.checks).filter((c) => c.level !== 'green');
  return (
    <div
      className={`ticket-preview verdict-${verdict.level}${checking ? ' checking' : ''}`}
      data-testid="ticket-preview"
      data-verdict={checking ? 'checking' : verdict.level}
      aria-busy={checking}
      aria-live="polite"
    >
      <div className="preview-head">
        <span className={`verdict-badge verdict-${verdict.level}`} title="What the pre-trade checks would say now">
          {verdict.level}
        </span>
        <span className="mono">{describeIntent(preview.intent)}</span>
        <span className="muted" title="Estimated notional">
          ≈ {formatNumber(verdict.estNotional, 2)}
        </span>
        {verdict.whatIf?.riskReducing ? (
          <span className="tag tag-reducing" title="This order lowers the book's risk">
            reduces risk
          </span>
        ) : null}
      </div>
      {reasons.length > 0 ? (
        <ul className="checks">
          {reasons.map((c, i) => (
            <li key={`${c.code}-${i}`} className={`check check-${c.level}`} data-testid="preview-check" data-level={c.level} data-code={c.code}>
              <span className={`check-dot check-${c.level}`} aria-label={c.level} />
              <span className="check-name">{c.code}</span> {c.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="preview-ok">All {verdict.checks.length} checks green.</p>
      )}
      {verdict.whatIf ? (
        <WhatIfTable whatIf={verdict.whatIf} testIdPrefix="whatif" />
      ) : (
        <p className="muted">No what-if: the order's Greeks cannot be computed.</p>
      )}
    </div>
  );
}
