// The top of the Hedge page: the latest run's status and planning note, Re-plan / Reject, the
// limits it found in breach (or "inside every limit"), and what became of an approved plan.
import type { HedgeRun } from '../../../../shared/hedge.js';
import type { TradingMode } from '../../../../shared/domain.js';
import type { LimitUsage } from '../../../../shared/risk.js';
import { Num } from '../../components/Num.js';
import { Panel } from '../../components/Panel.js';
import { formatTime } from '../../lib/format.js';
import type { PolledQuery } from '../../lib/use-polled-query.js';
import { BreachTable } from './BreachTable.js';
import { Execution } from './Execution.js';
import { canReject, RUN_STATUS_LABEL } from './hedge-view.js';

export type HedgeBusy = 'approve' | 'reject' | 'replan' | null;

const MODE_EFFECT = {
  OFF: 'Mode OFF: the engine will refuse to execute a plan.',
  DRY_RUN: 'DRY_RUN: approved legs go to the paper ledger.',
  REAL: 'REAL: approved legs go to the connected broker (you confirm with the account number).',
} as const;

export function RunPanel({
  current,
  mode,
  liveBreaches,
  timezone,
  stale,
  busy,
  onReplan,
  onReject,
}: {
  current: PolledQuery<HedgeRun | null>;
  mode: TradingMode | undefined;
  /** The hedgeable limits over their cap now, from the live state. */
  liveBreaches: readonly LimitUsage[];
  timezone: string;
  stale: boolean;
  busy: HedgeBusy;
  onReplan(): void;
  onReject(): void;
}) {
  const run = current.data ?? null;
  const breaches = run?.result.breaches ?? [];
  const planningDone = run !== null && breaches.length > 0;
  return (
    <Panel title="Hedge" area="hedge-run">
      <div className="hedge-run-bar">
        {run ? (
          <span className={`hedge-run-status status-${run.status}`} data-testid="hedge-run-status" data-status={run.status}>
            {RUN_STATUS_LABEL[run.status]}
          </span>
        ) : (
          <span className="hedge-run-status" data-testid="hedge-run-status" data-status="">
            No hedge run yet
          </span>
        )}
        {run ? (
          <span className="muted">
            planned {formatTime(run.result.asOf, timezone)} ({run.result.trigger}) · {run.result.considered} candidates considered · NAV{' '}
            <Num value={run.result.nav} decimals={0} />
          </span>
        ) : null}
        <span className="hedge-spacer" />
        <span className={`muted mode-${mode ?? 'none'}`} data-testid="hedge-mode-note">
          {mode ? MODE_EFFECT[mode] : ''}
        </span>
        <button type="button" data-testid="hedge-replan" disabled={stale || busy !== null} onClick={onReplan} title="Plan again now on fresh quotes (hedge.runOnce)">
          {busy === 'replan' ? 'Planning…' : 'Re-plan'}
        </button>
        <button
          type="button"
          className="danger"
          data-testid="hedge-reject"
          disabled={stale || !run || !canReject(run) || busy !== null}
          onClick={onReject}
          title="Reject the proposed plan and its alternatives: nothing is sent"
        >
          {busy === 'reject' ? 'Rejecting…' : 'Reject'}
        </button>
      </div>
      {run?.note ? (
        <p className="hedge-run-note" data-testid="hedge-run-note">
          {run.note}
        </p>
      ) : null}
      {current.error && !current.data ? (
        <p className="panel-error" data-testid="hedge-error" role="status">
          <span className="mono">{current.error.code}</span> {current.error.message}
        </p>
      ) : null}
      {planningDone ? (
        <BreachTable breaches={breaches} />
      ) : current.updatedAt !== null && (run !== null || !current.error) ? (
        <p className="hedge-inside" data-testid="hedge-empty">
          {liveBreaches.length === 0 ? (
            <>
              <strong>Inside every limit.</strong> Nothing to hedge; Re-plan checks again on fresh quotes.
            </>
          ) : (
            <>
              {liveBreaches.length} limit{liveBreaches.length === 1 ? ' is' : 's are'} over the cap now ({liveBreaches.map((l) => l.label).join(', ')}) — Re-plan to
              propose a hedge.
            </>
          )}
        </p>
      ) : null}
      {run && planningDone && liveBreaches.length === 0 ? (
        <p className="muted" data-testid="hedge-live-inside">
          The book is inside every limit now (the breaches above are as of the planning).
        </p>
      ) : null}
      {run ? <Execution run={run} timezone={timezone} /> : null}
    </Panel>
  );
}
