// The Hedge page: the latest hedge run (`hedge.current`, polled once a second) — the limits in
// breach, the proposed plan and its alternatives side by side (legs, Greeks before → after, cost
// and its breakdown, score; infeasible ones with their reason), the scenario grid before and after
// the selected plan, approve / reject / re-plan, and what became of an approved plan leg by leg.
// Below: the auto-hedge policy and the log of what the hedge flow did and why. The engine decides
// everything (mode, gate, tolerance, duplicates); the page shows its answers and its refusals.
// This file holds the page's state and the trader's actions; each part is its own component.
import { useState } from 'react';
import type { HedgePlan } from '../../../../shared/hedge.js';
import { actions } from '../../api/actions.js';
import { useEngineQuery } from '../../api/call.js';
import { Panel } from '../../components/Panel.js';
import { RealModeDialog } from '../../components/RealModeDialog.js';
import { useCockpit } from '../../stores/app-store.js';
import { approvalConfirmation, hedgeableBreaches, selectedPlan } from './hedge-view.js';
import { LogPanel } from './LogPanel.js';
import { PlanCard } from './PlanCard.js';
import { PolicyPanel } from './PolicyPanel.js';
import { RunPanel, type HedgeBusy } from './RunPanel.js';
import { ScenarioCompare } from './ScenarioCompare.js';
import './hedge.css';

export const HEDGE_POLL_MS = 1_000;

export function HedgePage({ stale }: { stale: boolean }) {
  const current = useEngineQuery('hedge.current', {}, { intervalMs: HEDGE_POLL_MS, timeoutMs: 10_000 });
  const mode = useCockpit((s) => s.cockpit?.mode);
  const broker = useCockpit((s) => s.cockpit?.broker);
  const liveLimits = useCockpit((s) => s.cockpit?.risk?.limits);
  const timezone = useCockpit((s) => s.cockpit?.clock?.timezone ?? 'UTC');
  const [picked, setPicked] = useState<{ runId: string; planId: string } | null>(null);
  const [busy, setBusy] = useState<HedgeBusy>(null);
  const [confirming, setConfirming] = useState<{ runId: string; planId: string; account: { accountId: string; label: string } | null } | null>(null);
  const [logKey, setLogKey] = useState(0);

  const run = current.data ?? null;
  const plan = selectedPlan(run, picked);
  const liveBreaches = hedgeableBreaches(liveLimits);
  const { refresh } = current;

  const after = () => {
    refresh();
    setLogKey((k) => k + 1);
  };

  const execute = async (runId: string, planId: string, confirm?: string) => {
    setBusy('approve');
    const result = await actions.send('hedge.execute', confirm !== undefined ? { runId, planId, confirm } : { runId, planId }, { timeoutMs: 60_000 });
    setBusy(null);
    if (result.ok) {
      const executed = result.value.result.plans.find((p) => p.id === planId);
      const { status, execution } = result.value;
      actions.toast(status === 'failed' ? 'error' : 'info', `Hedge ${status}: ${executed?.description ?? planId}${execution?.message ? ` — ${execution.message}` : ''}`);
    }
    after();
  };

  const approve = (target: HedgePlan) => {
    if (!run) return;
    const confirmation = approvalConfirmation(mode, broker);
    if (confirmation) {
      setConfirming({ runId: run.id, planId: target.id, account: confirmation.account });
      return;
    }
    void execute(run.id, target.id);
  };

  const reject = async () => {
    if (!run) return;
    setBusy('reject');
    const result = await actions.send('hedge.reject', { runId: run.id, reason: 'rejected in the cockpit' }, { timeoutMs: 15_000 });
    setBusy(null);
    if (result.ok) actions.toast('info', 'Hedge plan rejected.');
    after();
  };

  const replan = async () => {
    setBusy('replan');
    const result = await actions.send('hedge.runOnce', {}, { timeoutMs: 30_000 });
    setBusy(null);
    if (result.ok) {
      setPicked(null);
      const { breaches, plans } = result.value.result;
      const n = breaches.length;
      actions.toast('info', n === 0 ? 'Re-planned: inside every limit.' : `Re-planned: ${n} breach${n === 1 ? '' : 'es'}, ${plans.length} plan${plans.length === 1 ? '' : 's'}.`);
    }
    after();
  };

  const plans = run?.result.plans ?? [];
  const chosenIndex = run?.result.chosen ?? null;

  return (
    <div className={`hedge-page ${stale ? 'stale' : ''}`} data-testid="hedge-page"
      data-run-id={run?.id ?? ''}
      data-run-ts={run?.ts ?? ''}
      data-run-status={run?.status ?? ''}
    >
      <RunPanel
        current={current}
        mode={mode}
        liveBreaches={liveBreaches}
        timezone={timezone}
        stale={stale}
        busy={busy}
        onReplan={() => void replan()}
        onReject={() => void reject()}
      />

      {run && plans.length > 0 ? (
        <Panel title={`Plans — ${chosenIndex === null ? 'none feasible' : 'proposed first'}, ${plans.length} shown of ${run.result.considered}`} area="hedge-plans">
          {chosenIndex === null ? (
            <p className="hedge-run-note" data-testid="hedge-no-feasible">
              No feasible plan: each one below says why. Re-plan when quotes or limits change.
            </p>
          ) : null}
          <div className="hedge-plans" data-testid="hedge-plans">
            {plans.map((p, i) => (
              <PlanCard
                key={p.id}
                run={run}
                plan={p}
                chosen={i === chosenIndex}
                selected={plan?.id === p.id}
                busy={busy !== null}
                onSelect={() => setPicked({ runId: run.id, planId: p.id })}
                onApprove={() => approve(p)}
              />
            ))}
          </div>
        </Panel>
      ) : null}

      {run && plan ? (
        <Panel title="Scenarios: before and after the selected plan" area="hedge-scenario" bodyClassName="flush">
          <ScenarioCompare run={run} plan={plan} />
        </Panel>
      ) : null}

      <div className="hedge-bottom">
        <PolicyPanel />
        <LogPanel timezone={timezone} refreshKey={logKey} />
      </div>

      <RealModeDialog
        open={confirming !== null}
        account={confirming?.account ?? null}
        testId="hedge-confirm"
        title="Send this hedge to the broker?"
        intro={<p>In REAL mode the plan's legs go to the connected broker as live orders, each re-checked by the risk gate on fresh quotes.</p>}
        confirmLabel="Approve and send"
        busyLabel="Sending…"
        onClose={() => setConfirming(null)}
        onConfirm={async (typed) => {
          const target = confirming;
          setConfirming(null);
          if (target) await execute(target.runId, target.planId, typed.trim());
        }}
      />
    </div>
  );
}
