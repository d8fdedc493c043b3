// The auto-hedge policy: on / off and its limits, loaded from the engine and followed while the
// trader is not editing; saved through `hedge.policy.set`. Enabling it in REAL asks for the broker
// account's number first (the engine says which account).
import { useEffect, useState } from 'react';
import type { AutoHedgePolicy } from '../../../../shared/hedge.js';
import { actions } from '../../api/actions.js';
import { callEngine, useEngineQuery } from '../../api/call.js';
import { Empty, Panel } from '../../components/Panel.js';
import { RealModeDialog } from '../../components/RealModeDialog.js';
import { formToPolicy, POLICY_FIELDS, policyToForm, samePolicyForm, WEIGHT_FIELDS, type PolicyErrors, type PolicyFieldSpec, type PolicyForm } from './policy-form.js';
import { PolicyField } from './PolicyField.js';

const POLICY_POLL_MS = 10_000;

export function PolicyPanel() {
  const query = useEngineQuery('hedge.policy.get', {}, { intervalMs: POLICY_POLL_MS, timeoutMs: 10_000 });
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
    const request = confirm === undefined ? { policy: parsed.policy } : { policy: parsed.policy, confirm };
    // Silent call: CONFIRMATION_REQUIRED opens the dialog; other refusals get their own words below.
    const result = await callEngine('hedge.policy.set', request, { timeoutMs: 15_000 });
    setSaving(false);
    const account = result.ok ? null : (result.error.details as { accountId?: unknown; label?: unknown } | undefined);
    if (!result.ok && result.error.code === 'CONFIRMATION_REQUIRED' && typeof account?.accountId === 'string' && confirm === undefined) {
      setConfirmReal({ accountId: account.accountId, label: typeof account.label === 'string' ? account.label : account.accountId, policy: parsed.policy });
      return;
    }
    if (!result.ok) {
      // What was typed stays; the engine's words go beside the Save button and into a toast.
      setErrors({ form: result.error.message });
      actions.toast('error', `Auto-hedge settings not saved: ${result.error.message}`);
      return;
    }
    setSaved(result.value);
    setForm(policyToForm(result.value));
    actions.toast('success', `Auto-hedge settings saved — auto-hedge ${result.value.enabled ? 'ON' : 'off'}.`);
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
