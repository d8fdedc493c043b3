// The Hedge page: the latest hedge run (`hedge.current`, polled once a second) — the limits in
// breach, the proposed plan and its alternatives side by side (legs, Greeks before → after, cost
// and its breakdown, score; infeasible ones with their reason), the scenario grid before and after
// the selected plan, approve / reject / re-plan, and what became of an approved plan leg by leg.
// Below: the auto-hedge policy and the log of what the hedge flow did and why. The engine decides
// everything (mode, gate, tolerance, duplicates); the page shows its answers and its refusals.
import { useEffect, useMemo, useState } from 'react';
import { fail } from '../../../../shared/api/result.js';
import type { AutoHedgePolicy, HedgeBreach, HedgeLogEntry, HedgePlan, HedgeRun } from '../../../../shared/hedge.js';
import { engineClient } from '../../api/runtime.js';
import { Num } from '../../components/Num.js';
import { Empty, Panel } from '../../components/Panel.js';
import { formatNumber, formatPercent, formatTime } from '../../lib/format.js';
import { usePolledQuery } from '../../lib/use-polled-query.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { callEngine, toast } from '../backtest/engine-calls.js';
import { ENGINE_UNREACHABLE } from '../header/engine-link.js';
import { RealModeDialog } from '../header/RealModeDialog.js';
import { HeatMap, HEAT_SATURATION, SCENARIO_REFRESH_MS } from '../risk/ScenarioPanel.js';
import { gaugeFillPct } from '../risk/risk-view.js';
import {
  actorLabel,
  approvalConfirmation,
  approvedBy,
  breachLabel,
  canApprove,
  canReject,
  costRows,
  describeLeg,
  formatBreachValue,
  formatScore,
  GREEK_ROWS,
  greekScopes,
  hedgeableBreaches,
  instrumentName,
  isPolicyActor,
  logMessage,
  PLAN_KIND_LABEL,
  RUN_STATUS_LABEL,
  selectedPlan,
} from './hedge-view.js';
import { formToPolicy, POLICY_FIELDS, policyToForm, samePolicyForm, WEIGHT_FIELDS, type PolicyErrors, type PolicyFieldSpec, type PolicyForm } from './policy-form.js';
import './hedge.css';

export const HEDGE_POLL_MS = 1_000;
const LOG_POLL_MS = 2_000;
const POLICY_POLL_MS = 10_000;
const LOG_LIMIT = 100;

const disconnected = () => Promise.resolve(fail('DISCONNECTED', 'Not connected to the engine.'));

function fetchCurrent() {
  const client = engineClient();
  return client ? client.call('hedge.current', {}, { timeoutMs: 10_000 }) : disconnected();
}

function fetchLog() {
  const client = engineClient();
  return client ? client.call('hedge.log', { limit: LOG_LIMIT }, { timeoutMs: 10_000 }) : disconnected();
}

function fetchPolicy() {
  const client = engineClient();
  return client ? client.call('hedge.policy.get', {}, { timeoutMs: 10_000 }) : disconnected();
}

const MODE_EFFECT = {
  OFF: 'Mode OFF: the engine will refuse to execute a plan.',
  DRY_RUN: 'DRY_RUN: approved legs go to the paper ledger.',
  REAL: 'REAL: approved legs go to the connected broker (you confirm with the account number).',
} as const;

// ── breaches ───────────────────────────────────────────────────────────────────────────────────

function BreachTable({ breaches }: { breaches: readonly HedgeBreach[] }) {
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

// ── plans ──────────────────────────────────────────────────────────────────────────────────────

function PlanGreeks({ plan }: { plan: HedgePlan }) {
  const shortDatedDays = useCockpit((s) => s.cockpit?.greeks?.shortDatedDays ?? null);
  return (
    <table className="grid-table hedge-greeks" data-testid="hedge-plan-greeks">
      <thead>
        <tr>
          <th scope="col">Cash Greeks</th>
          {GREEK_ROWS.map((g) => (
            <th key={g.key} scope="col" className="num" title={g.title}>
              {g.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {greekScopes(plan, shortDatedDays).map((scope) =>
          (['before', 'after'] as const).map((when) => (
            <tr key={`${scope.id}-${when}`} className={`when-${when}`} data-scope={scope.id} data-when={when}>
              <th scope="row">
                {when === 'before' ? scope.label : <span className="muted">→ after</span>}
              </th>
              {GREEK_ROWS.map((g) => {
                const value = scope[when][g.key];
                const changed = when === 'after' && Math.abs(value - scope.before[g.key]) > 0.5;
                return (
                  <td key={g.key} className={`num${changed ? ' changed' : ''}`} data-greek={g.key}>
                    <Num value={value} decimals={0} />
                  </td>
                );
              })}
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

function PlanCost({ plan }: { plan: HedgePlan }) {
  return (
    <table className="grid-table hedge-cost" data-testid="hedge-plan-costs">
      <tbody>
        {costRows(plan).map((row) => (
          <tr key={row.key} className={row.inCost ? '' : 'muted'} title={row.title} data-testid={`hedge-cost-${row.key}`} data-value={row.value}>
            <th scope="row">{row.label}</th>
            <td className="num">
              <Num value={row.value} decimals={2} />
            </td>
          </tr>
        ))}
        <tr className="hedge-cost-total">
          <th scope="row" title="Half spread + commission + slippage + theta carry when it costs">
            Cost
          </th>
          <td className="num">
            <Num value={plan.cost} decimals={2} testId="hedge-plan-cost" />
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function PlanCard({
  run,
  plan,
  chosen,
  selected,
  busy,
  onSelect,
  onApprove,
}: {
  run: HedgeRun;
  plan: HedgePlan;
  chosen: boolean;
  selected: boolean;
  busy: boolean;
  onSelect(): void;
  onApprove(): void;
}) {
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  const reachable = useCockpit(isReady);
  const approvable = canApprove(run, plan);
  const title = `${PLAN_KIND_LABEL[plan.kind]} · ${plan.underlying}`;
  return (
    <article
      className={`hedge-plan${chosen ? ' chosen' : ''}${plan.feasible ? '' : ' infeasible'}${selected ? ' selected' : ''}`}
      data-testid="hedge-plan"
      data-plan-id={plan.id}
      data-feasible={String(plan.feasible)}
      data-chosen={String(chosen)}
      data-selected={String(selected)}
      aria-label={`${chosen ? 'Proposed plan' : plan.feasible ? 'Alternative' : 'Infeasible plan'}: ${plan.description}`}
    >
      <header className="hedge-plan-head">
        <span className="hedge-plan-title">{title}</span>
        {chosen ? <span className="tag tag-chosen">proposed</span> : null}
        {plan.feasible ? null : <span className="tag tag-infeasible">{plan.reasonCode ?? 'infeasible'}</span>}
      </header>
      <p className="hedge-plan-desc" data-testid="hedge-plan-description">
        {plan.description}
      </p>
      {plan.feasible ? null : (
        <p className="hedge-plan-reason" data-testid="hedge-plan-reason" role="note">
          Not usable: {plan.reason ?? 'the engine gave no reason'}
        </p>
      )}
      <table className="grid-table hedge-legs" data-testid="hedge-plan-legs">
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col">Instrument</th>
            <th scope="col" className="num" title="Expected price: the ask for a buy, the bid for a sell">
              Price
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.legs.map((leg, i) => {
            const detail = plan.legDetails[i];
            return (
              <tr key={`${leg.symbol}-${i}`} data-testid="hedge-plan-leg" data-symbol={leg.symbol} data-side={leg.side} data-qty={leg.qty} title={describeLeg(leg)}>
                <td className={`side-${leg.side.toLowerCase()}`}>{leg.side}</td>
                <td className="num">{formatNumber(leg.qty, 0)}</td>
                <td className="mono">{instrumentName(leg.symbol, instruments?.[leg.symbol])}</td>
                <td className="num" title={detail ? `bid ${formatNumber(detail.bid, 2)} / ask ${formatNumber(detail.ask, 2)}, ${formatNumber(detail.displayedSize, 0)} shown` : undefined}>
                  {detail ? formatNumber(detail.price, 2) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <PlanGreeks plan={plan} />
      <PlanCost plan={plan} />
      <div className="hedge-plan-score">
        <span title="Cost per unit of weighted limit usage removed: lower is better">
          Score <strong data-testid="hedge-plan-score" data-value={plan.score ?? ''}>{formatScore(plan.score)}</strong>
        </span>
        <span className="muted" title="Weighted limit usage removed (1 = one whole limit's worth)">
          risk removed {formatNumber(plan.riskRemoved, 2)}
        </span>
        {plan.breachesAfter.length > 0 ? (
          <span className="usage-amber" data-testid="hedge-plan-breaches-after" title="Limits still (or newly) outside after this plan">
            still outside: {plan.breachesAfter.join(', ')}
          </span>
        ) : null}
      </div>
      <footer className="hedge-plan-actions">
        <button
          type="button"
          className={chosen ? 'approve' : ''}
          data-testid="hedge-approve"
          disabled={!reachable || !approvable || busy}
          title={
            !reachable
              ? ENGINE_UNREACHABLE
              : plan.feasible
              ? run.status === 'proposed'
                ? 'Send this plan as one ticket group: each leg re-checked by the gate on fresh quotes'
                : `The run is ${run.status}: re-plan to approve again`
              : `Not approvable: ${plan.reason ?? 'infeasible'}`
          }
          onClick={onApprove}
        >
          Approve
        </button>
        <button type="button" className="small" data-testid="hedge-plan-select" aria-pressed={selected} onClick={onSelect}>
          {selected ? 'In the scenario grid' : 'Show scenario'}
        </button>
      </footer>
    </article>
  );
}

// ── scenario grid before / after ───────────────────────────────────────────────────────────────

function ScenarioCompare({ run, plan }: { run: HedgeRun; plan: HedgePlan }) {
  const key = `${run.id}|${plan.id}`;
  const query = usePolledQuery(
    async () => {
      const client = engineClient();
      if (!client) return disconnected();
      const result = await client.call('hedge.scenario', { runId: run.id, planId: plan.id }, { timeoutMs: 15_000 });
      return result.ok ? { ok: true as const, value: { key, ...result.value } } : result;
    },
    SCENARIO_REFRESH_MS,
    key,
  );
  // The previous plan's grids stay in the query until the new answer: never show them as this plan's.
  const grids = query.data?.key === key ? query.data : null;
  return (
    <div className="hedge-scenarios" aria-busy={query.loading}>
      {query.error ? (
        <p className="panel-error" data-testid="hedge-scenario-error" role="status">
          <span className="mono">{query.error.code}</span> {query.error.message}
        </p>
      ) : null}
      <div className="hedge-scenario" data-testid="hedge-scenario-before">
        <h3>Book now</h3>
        {grids ? <HeatMap grid={grids.before} /> : <p className="empty">Computing…</p>}
      </div>
      <div className="hedge-scenario" data-testid="hedge-scenario-after" data-plan-id={plan.id}>
        <h3>
          After <span className="mono">{plan.description}</span>
        </h3>
        {grids ? <HeatMap grid={grids.after} /> : <p className="empty">Computing…</p>}
      </div>
      <p className="muted note">
        P&amp;L vs now for every underlying moved (rows) and every implied vol moved (columns); colour full at ±{formatPercent(HEAT_SATURATION, 0)} of NAV.
      </p>
    </div>
  );
}

// ── execution ──────────────────────────────────────────────────────────────────────────────────

function Execution({ run, timezone }: { run: HedgeRun; timezone: string }) {
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  const execution = run.execution;
  if (!execution) return null;
  const plan = run.result.plans.find((p) => p.id === execution.planId);
  return (
    <div className="hedge-execution" data-testid="hedge-execution" data-plan-id={execution.planId}>
      <p>
        <strong>{plan ? plan.description : execution.planId}</strong> —{' '}
        <span data-testid="hedge-exec-actor" data-actor={execution.actor} className={isPolicyActor(execution.actor) ? 'tag tag-auto' : ''}>
          {approvedBy(execution.actor)}
        </span>{' '}
        at {formatTime(execution.startedAt, timezone)}
        {execution.finishedAt !== null ? `, done ${formatTime(execution.finishedAt, timezone)}` : ''} · notional{' '}
        <Num value={execution.notional} decimals={0} />
      </p>
      <table className="grid-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Leg</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Filled
            </th>
            <th scope="col">Ticket / order</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {execution.legs.map((leg, i) => (
            <tr
              key={`${leg.symbol}-${i}`}
              data-testid="hedge-exec-leg"
              data-status={leg.status}
              data-symbol={leg.symbol}
              data-order-id={leg.orderId ?? ''}
              data-filled={leg.filledQty}
            >
              <td className="num">{i + 1}</td>
              <td className="mono" title={describeLeg(leg)}>
                {leg.side} {formatNumber(leg.qty, 0)} {instrumentName(leg.symbol, instruments?.[leg.symbol])}
              </td>
              <td>
                <span className={`status status-${leg.status}`}>{leg.status}</span>
              </td>
              <td className="num">
                {formatNumber(leg.filledQty, 0)} / {formatNumber(leg.qty, 0)}
              </td>
              <td className="mono muted">{[leg.ticketId, leg.orderId].filter(Boolean).join(' · ') || '—'}</td>
              <td className="hedge-wrap">{leg.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hedge-exec-message" data-testid="hedge-exec-message">
        {execution.message}
      </p>
    </div>
  );
}

// ── auto-hedge policy ──────────────────────────────────────────────────────────────────────────

function PolicyField({ spec, form, errors, onChange }: { spec: PolicyFieldSpec; form: PolicyForm; errors: PolicyErrors; onChange(text: string): void }) {
  const id = `hedge-policy-${spec.path.replace('.', '-')}`;
  const error = errors[spec.path];
  return (
    <label className="field hedge-policy-field" title={spec.help}>
      <span>
        {spec.label}
        {spec.unit ? ` (${spec.unit})` : ''}
      </span>
      <input
        data-testid={id}
        value={form.fields[spec.path]}
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

function PolicyPanel() {
  const query = usePolledQuery(fetchPolicy, POLICY_POLL_MS, 'hedge-policy');
  const [saved, setSaved] = useState<AutoHedgePolicy | null>(null);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [errors, setErrors] = useState<PolicyErrors>({});
  const [saving, setSaving] = useState(false);
  /** In REAL, enabling auto-hedge asks for the broker account's number (the engine says which). */
  const [confirmReal, setConfirmReal] = useState<{ accountId: string; label: string; policy: AutoHedgePolicy } | null>(null);

  // Follow the engine's policy (changed elsewhere, e.g. another cockpit) unless the trader is editing.
  useEffect(() => {
    const next = query.data;
    if (!next) return;
    setForm((current) => (current === null || saved === null || samePolicyForm(current, policyToForm(saved)) ? policyToForm(next) : current));
    setSaved(next);
    // `saved` is read as of this answer on purpose: it is what the form was last loaded from.
  }, [query.data]);

  if (!form) {
    return (
      <Panel title="Auto-hedge" area="hedge-policy">
        {query.error ? (
          <p className="panel-error" data-testid="hedge-policy-load-error">
            <span className="mono">{query.error.code}</span> {query.error.message}
          </p>
        ) : (
          <Empty>Loading the auto-hedge policy…</Empty>
        )}
      </Panel>
    );
  }

  const dirty = saved === null || !samePolicyForm(form, policyToForm(saved));
  const setField = (path: PolicyFieldSpec['path'], text: string) => {
    setForm((f) => (f ? { ...f, fields: { ...f.fields, [path]: text } } : f));
    setErrors((e) => {
      const { [path]: _gone, form: _formError, ...rest } = e;
      return rest;
    });
  };

  const save = async (confirm?: string) => {
    const parsed = formToPolicy(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    const client = engineClient();
    const request = confirm === undefined ? { policy: parsed.policy } : { policy: parsed.policy, confirm };
    const result = client ? await client.call('hedge.policy.set', request, { timeoutMs: 15_000 }) : await disconnected();
    setSaving(false);
    const account = result.ok ? null : (result.error.details as { accountId?: unknown; label?: unknown } | undefined);
    if (!result.ok && result.error.code === 'CONFIRMATION_REQUIRED' && typeof account?.accountId === 'string' && confirm === undefined) {
      setConfirmReal({ accountId: account.accountId, label: typeof account.label === 'string' ? account.label : account.accountId, policy: parsed.policy });
      return;
    }
    if (!result.ok) {
      // What was typed stays; the engine's words go beside the Save button and into a toast.
      setErrors({ form: result.error.message });
      toast('error', `Auto-hedge settings not saved: ${result.error.message}`);
      return;
    }
    setSaved(result.value);
    setForm(policyToForm(result.value));
    toast('success', `Auto-hedge settings saved — auto-hedge ${result.value.enabled ? 'ON' : 'off'}.`);
    query.refresh();
  };

  return (
    <Panel title={`Auto-hedge — ${saved?.enabled ? 'ON' : 'off'}`} area="hedge-policy">
      <form
        className="hedge-policy"
        data-testid="hedge-policy"
        data-enabled={String(saved?.enabled ?? false)}
        aria-label="Auto-hedge policy"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field-check hedge-policy-enabled">
          <input
            type="checkbox"
            data-testid="hedge-policy-enabled"
            checked={form.enabled}
            onChange={(e) => setForm((f) => (f ? { ...f, enabled: e.target.checked } : f))}
          />
          <span>
            Execute risk-reducing plans automatically, within these limits, only while the market is open. Each one is journaled as approved by policy
            auto-hedge.
          </span>
        </label>
        <div className="hedge-policy-grid">
          {POLICY_FIELDS.map((spec) => (
            <PolicyField key={spec.path} spec={spec} form={form} errors={errors} onChange={(t) => setField(spec.path, t)} />
          ))}
        </div>
        <fieldset className="hedge-policy-weights">
          <legend title="Score = cost per unit of weighted risk removed">Score weights</legend>
          <div className="hedge-policy-grid">
            {WEIGHT_FIELDS.map((spec) => (
              <PolicyField key={spec.path} spec={spec} form={form} errors={errors} onChange={(t) => setField(spec.path, t)} />
            ))}
          </div>
        </fieldset>
        {errors.form ? (
          <p className="form-error" role="alert" data-testid="hedge-policy-error">
            {errors.form}
          </p>
        ) : null}
        <div className="hedge-policy-buttons">
          <button type="submit" className="primary" data-testid="hedge-policy-save" disabled={saving || !dirty}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            data-testid="hedge-policy-revert"
            disabled={saving || !dirty || saved === null}
            onClick={() => {
              if (saved) setForm(policyToForm(saved));
              setErrors({});
            }}
          >
            Revert
          </button>
          {dirty ? <span className="muted">unsaved changes</span> : null}
        </div>
      </form>
      <RealModeDialog
        open={confirmReal !== null}
        account={confirmReal}
        onClose={() => setConfirmReal(null)}
        onConfirm={async (typed) => {
          setConfirmReal(null);
          await save(typed);
        }}
        title="Let auto-hedge trade in REAL?"
        intro={<p>Auto-hedge sends risk-reducing hedge orders without asking you, within its limits. In REAL they are live orders.</p>}
        confirmLabel="Enable auto-hedge in REAL"
        busyLabel="Enabling…"
        testId="confirm-auto-hedge-real"
      />
    </Panel>
  );
}

// ── log ────────────────────────────────────────────────────────────────────────────────────────

function LogPanel({ timezone, refreshKey }: { timezone: string; refreshKey: number }) {
  const query = usePolledQuery(fetchLog, LOG_POLL_MS, `hedge-log-${refreshKey}`);
  const entries: readonly HedgeLogEntry[] = query.data ?? [];
  return (
    <Panel title="Hedge log" area="hedge-log" bodyClassName="flush">
      {query.error && !query.data ? (
        <p className="panel-error">
          <span className="mono">{query.error.code}</span> {query.error.message}
        </p>
      ) : null}
      {query.data && entries.length === 0 ? <Empty>Nothing yet: plans, approvals, rejections and automatic hedges are listed here.</Empty> : null}
      {entries.length > 0 ? (
        <div className="table-scroll">
          <table className="grid-table hedge-log" data-testid="hedge-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Underlying</th>
                <th scope="col">What and why</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, i) => (
                <tr key={`${entry.ts}-${i}`} data-testid="hedge-log-entry" data-actor={entry.actor} data-action={entry.action} data-run-id={entry.runId ?? ''}>
                  <td className="mono">{formatTime(entry.ts, timezone, true)}</td>
                  <td>{isPolicyActor(entry.actor) ? <span className="tag tag-auto">{actorLabel(entry.actor)}</span> : actorLabel(entry.actor)}</td>
                  <td>{entry.action}</td>
                  <td>{entry.underlying ?? ''}</td>
                  <td className="hedge-wrap" data-testid="hedge-log-message">
                    {logMessage(entry)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}

// ── the page ───────────────────────────────────────────────────────────────────────────────────

type Busy = 'approve' | 'reject' | 'replan' | null;

export function HedgePage({ stale }: { stale: boolean }) {
  const current = usePolledQuery(fetchCurrent, HEDGE_POLL_MS, 'hedge-current');
  const mode = useCockpit((s) => s.cockpit?.mode);
  const broker = useCockpit((s) => s.cockpit?.broker);
  const liveLimits = useCockpit((s) => s.cockpit?.risk?.limits);
  const timezone = useCockpit((s) => s.cockpit?.clock?.timezone ?? 'UTC');
  const [picked, setPicked] = useState<{ runId: string; planId: string } | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
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
    const result = await callEngine('hedge.execute', confirm !== undefined ? { runId, planId, confirm } : { runId, planId }, 60_000);
    setBusy(null);
    if (result) {
      const executed = result.result.plans.find((p) => p.id === planId);
      toast(result.status === 'failed' ? 'error' : 'info', `Hedge ${result.status}: ${executed?.description ?? planId}${result.execution?.message ? ` — ${result.execution.message}` : ''}`);
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
    const result = await callEngine('hedge.reject', { runId: run.id, reason: 'rejected in the cockpit' });
    setBusy(null);
    if (result) toast('info', 'Hedge plan rejected.');
    after();
  };

  const replan = async () => {
    setBusy('replan');
    const result = await callEngine('hedge.runOnce', {}, 30_000);
    setBusy(null);
    if (result) {
      setPicked(null);
      const n = result.result.breaches.length;
      toast('info', n === 0 ? 'Re-planned: inside every limit.' : `Re-planned: ${n} breach${n === 1 ? '' : 'es'}, ${result.result.plans.length} plan${result.result.plans.length === 1 ? '' : 's'}.`);
    }
    after();
  };

  const breaches = run?.result.breaches ?? [];
  const plans = run?.result.plans ?? [];
  const chosenIndex = run?.result.chosen ?? null;
  const planningDone = run !== null && breaches.length > 0;

  return (
    <div className={`hedge-page ${stale ? 'stale' : ''}`} data-testid="hedge-page"
      data-run-id={run?.id ?? ''}
      data-run-ts={run?.ts ?? ''}
      data-run-status={run?.status ?? ''}
    >
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
          <button type="button" data-testid="hedge-replan" disabled={stale || busy !== null} onClick={() => void replan()} title="Plan again now on fresh quotes (hedge.runOnce)">
            {busy === 'replan' ? 'Planning…' : 'Re-plan'}
          </button>
          <button
            type="button"
            className="danger"
            data-testid="hedge-reject"
            disabled={stale || !run || !canReject(run) || busy !== null}
            onClick={() => void reject()}
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
