// Risk settings: every limit the gate enforces, edited as the trader thinks of it (percent as
// percent), checked field by field against the shared schema before it is sent. The engine
// validates again, stores the limits and journals the change; its refusal is shown as it says it.
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError } from '../../../../shared/api/result.js';
import type { RiskTier } from '../../../../shared/risk.js';
import { actions } from '../../api/actions.js';
import { callEngine } from '../../api/call.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatTime } from '../../lib/format.js';
import {
  ACCOUNT_FIELDS,
  formToLimits,
  limitsToForm,
  LOSS_FIELDS,
  newRowId,
  ORDER_FIELDS,
  PORTFOLIO_FIELDS,
  RISK_TIERS,
  sameForm,
  SHORT_DATED_FIELDS,
  TIER_FIELDS,
  tierPath,
  type FieldSpec,
  type FormErrors,
  type RiskLimitsForm,
} from './risk-settings-form.js';

function FieldError({ id, message, testId }: { id: string; message: string | undefined; testId: string }) {
  if (!message) return null;
  return (
    <span className="field-error" id={id} data-testid={testId} role="alert">
      {message}
    </span>
  );
}

function TextInput({
  value,
  onChange,
  error,
  testId,
  label,
  numeric = true,
  className,
}: {
  value: string;
  onChange(value: string): void;
  error: string | undefined;
  testId: string;
  label: string;
  numeric?: boolean;
  className?: string;
}) {
  const errorId = useId();
  return (
    <>
      <input
        className={className}
        data-testid={testId}
        aria-label={label}
        value={value}
        inputMode={numeric ? 'decimal' : 'text'}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={errorId} message={error} testId={`${testId}-error`} />
    </>
  );
}

function NumberField({
  spec,
  form,
  errors,
  set,
}: {
  spec: FieldSpec;
  form: RiskLimitsForm;
  errors: FormErrors;
  set(path: string, value: string): void;
}) {
  return (
    <label className="setting" title={spec.help}>
      <span className="setting-label">{spec.label}</span>
      <span className="setting-input">
        <TextInput
          value={form.fields[spec.path] ?? ''}
          onChange={(v) => set(spec.path, v)}
          error={errors[spec.path]}
          testId={`limit-${spec.path}`}
          label={spec.label}
        />
        <span className="setting-unit">{spec.unit}</span>
      </span>
      {spec.help ? <span className="setting-help">{spec.help}</span> : null}
    </label>
  );
}

function Section({ title, children, note }: { title: string; children: ReactNode; note?: string }) {
  return (
    <fieldset className="settings-section">
      <legend>{title}</legend>
      {note ? <p className="settings-note">{note}</p> : null}
      {children}
    </fieldset>
  );
}

function TierSelect({ value, onChange, testId, label }: { value: RiskTier; onChange(t: RiskTier): void; testId: string; label: string }) {
  return (
    <select data-testid={testId} aria-label={label} value={value} onChange={(e) => onChange(e.target.value as RiskTier)}>
      {RISK_TIERS.map((t) => (
        <option key={t} value={t}>
          {t}
        </option>
      ))}
    </select>
  );
}

export function RiskSettingsPanel() {
  const ready = useCockpit(isReady);
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const [loaded, setLoaded] = useState<RiskLimitsForm | null>(null);
  const [form, setForm] = useState<RiskLimitsForm | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [engineError, setEngineError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'loading' | 'saving' | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [triedSave, setTriedSave] = useState(false);

  const load = useCallback(async () => {
    setBusy('loading');
    try {
      const result = await callEngine('risk.limits.get', {});
      if (result.ok) {
        const next = limitsToForm(result.value);
        setLoaded(next);
        setForm(next);
        setLoadError(null);
        setEngineError(null);
        setTriedSave(false);
      } else setLoadError(result.error);
    } finally {
      setBusy(null);
    }
  }, []);

  // First load, and again after a reconnect if nothing was edited meanwhile.
  const dirty = form !== null && loaded !== null && !sameForm(form, loaded);
  useEffect(() => {
    if (ready && !dirty) void load();
  }, [ready, load]);

  const parsed = useMemo(() => (form ? formToLimits(form) : null), [form]);
  const errors: FormErrors = parsed && !parsed.ok ? parsed.errors : {};
  const errorCount = Object.keys(errors).length;

  const update = (change: (f: RiskLimitsForm) => RiskLimitsForm) => {
    setForm((f) => (f ? change(f) : f));
    setEngineError(null);
    setSavedAt(null);
  };
  const set = (path: string, value: string) => update((f) => ({ ...f, fields: { ...f.fields, [path]: value } }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setTriedSave(true);
    if (!parsed?.ok) return;
    setBusy('saving');
    try {
      const result = await actions.setRiskLimits(parsed.limits);
      if (result.ok) {
        const next = limitsToForm(result.value);
        setLoaded(next);
        setForm(next);
        setEngineError(null);
        setSavedAt(Date.now());
        setTriedSave(false);
      } else setEngineError(result.error);
    } finally {
      setBusy(null);
    }
  };

  let body: ReactNode;
  if (!form) {
    body = loadError ? (
      <p className="panel-error" data-testid="risk-settings-error" role="alert">
        Could not load the limits: <span className="mono">{loadError.code}</span> {loadError.message}{' '}
        <button type="button" className="small" onClick={() => void load()}>
          Retry
        </button>
      </p>
    ) : (
      <Empty>Loading the limits from the engine…</Empty>
    );
  } else {
    const rowError = (key: string) => errors[key];
    body = (
      <form className="risk-settings" data-testid="risk-settings" data-dirty={String(dirty)} onSubmit={(e) => void save(e)} noValidate>
        <div className="settings-bar">
          <button type="submit" className="primary" data-testid="risk-save" disabled={!dirty || busy !== null || !ready}>
            {busy === 'saving' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" data-testid="risk-revert" disabled={busy !== null || !ready} onClick={() => void load()} title="Discard edits and reload the limits in force">
            {busy === 'loading' ? 'Loading…' : 'Revert'}
          </button>
          <span className="settings-status" data-testid="risk-settings-status" role="status">
            {errorCount > 0
              ? `${errorCount} field${errorCount === 1 ? '' : 's'} to fix${triedSave ? ' before saving' : ''}`
              : dirty
                ? 'Unsaved changes'
                : savedAt !== null
                  ? `Saved ${formatTime(savedAt, timezone)} — in force now`
                  : 'The limits in force'}
          </span>
        </div>
        {engineError ? (
          <p className="panel-error" data-testid="risk-settings-error" data-code={engineError.code} role="alert">
            <span className="mono">{engineError.code}</span> {engineError.message}
          </p>
        ) : null}

        <Section title="Per order">
          <div className="settings-grid">
            {ORDER_FIELDS.map((f) => (
              <NumberField key={f.path} spec={f} form={form} errors={errors} set={set} />
            ))}
          </div>
        </Section>

        <Section title="Tiers" note="Each underlying (and its options) is in a tier; the tier caps its orders, exposure and positions.">
          <table className="settings-table">
            <thead>
              <tr>
                <th scope="col">Tier</th>
                {TIER_FIELDS.map((f) => (
                  <th key={f.key} scope="col" title={f.help}>
                    {f.label} <span className="muted">{f.unit}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {RISK_TIERS.map((tier) => (
                <tr key={tier}>
                  <th scope="row">{tier}</th>
                  {TIER_FIELDS.map((f) => {
                    const path = tierPath(tier, f.key);
                    return (
                      <td key={f.key}>
                        <TextInput
                          value={form.fields[path] ?? ''}
                          onChange={(v) => set(path, v)}
                          error={errors[path]}
                          testId={`limit-${path}`}
                          label={`${tier} ${f.label} (${f.unit})`}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section title="Symbol tiers" note="Underlyings not listed get the default tier. Options inherit their underlying's tier.">
          <label className="setting inline">
            <span className="setting-label">Default tier</span>
            <TierSelect value={form.defaultTier} onChange={(t) => update((f) => ({ ...f, defaultTier: t }))} testId="limit-defaultTier" label="Default tier" />
          </label>
          <table className="settings-table" data-testid="symbol-tiers">
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col">Tier</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {form.symbolTiers.map((row) => (
                <tr key={row.id} data-testid="symbol-tier-row">
                  <td>
                    <TextInput
                      value={row.symbol}
                      numeric={false}
                      onChange={(v) => update((f) => ({ ...f, symbolTiers: f.symbolTiers.map((r) => (r.id === row.id ? { ...r, symbol: v } : r)) }))}
                      error={rowError(`symbolTiers#${row.id}`)}
                      testId="symbol-tier-symbol"
                      label="Symbol"
                    />
                  </td>
                  <td>
                    <TierSelect
                      value={row.tier}
                      onChange={(t) => update((f) => ({ ...f, symbolTiers: f.symbolTiers.map((r) => (r.id === row.id ? { ...r, tier: t } : r)) }))}
                      testId="symbol-tier-tier"
                      label={`Tier of ${row.symbol || 'new symbol'}`}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      data-testid="symbol-tier-remove"
                      aria-label={`Remove ${row.symbol || 'row'}`}
                      onClick={() => update((f) => ({ ...f, symbolTiers: f.symbolTiers.filter((r) => r.id !== row.id) }))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="small"
            data-testid="symbol-tier-add"
            onClick={() => update((f) => ({ ...f, symbolTiers: [...f.symbolTiers, { id: newRowId(), symbol: '', tier: f.defaultTier }] }))}
          >
            Add symbol
          </button>
        </Section>

        <Section title="Portfolio caps" note="Absolute portfolio cash Greeks as a share of NAV.">
          <div className="settings-grid">
            {PORTFOLIO_FIELDS.map((f) => (
              <NumberField key={f.path} spec={f} form={form} errors={errors} set={set} />
            ))}
          </div>
        </Section>

        <Section title="Short-dated caps" note="The same Greeks for options close to expiry only.">
          <div className="settings-grid">
            {SHORT_DATED_FIELDS.map((f) => (
              <NumberField key={f.path} spec={f} form={form} errors={errors} set={set} />
            ))}
          </div>
        </Section>

        <Section title="Loss circuit breakers" note="Tripping one sets the account to REDUCING: only risk-reducing orders pass.">
          <div className="settings-grid">
            {LOSS_FIELDS.map((f) => (
              <NumberField key={f.path} spec={f} form={form} errors={errors} set={set} />
            ))}
          </div>
        </Section>

        <Section title="Account, quotes and execution">
          <div className="settings-grid">
            {ACCOUNT_FIELDS.map((f) => (
              <NumberField key={f.path} spec={f} form={form} errors={errors} set={set} />
            ))}
          </div>
        </Section>

        <Section title="Beta" note="Beta-weighted delta is in benchmark shares. Symbols without a beta here use one estimated from price history, else 1.">
          <label className="setting inline">
            <span className="setting-label">Benchmark</span>
            <span className="setting-input">
              <TextInput
                value={form.benchmark}
                numeric={false}
                onChange={(v) => update((f) => ({ ...f, benchmark: v }))}
                error={errors['beta.benchmark']}
                testId="limit-beta.benchmark"
                label="Benchmark"
              />
            </span>
          </label>
          <table className="settings-table" data-testid="betas">
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col">Beta</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {form.betas.map((row) => (
                <tr key={row.id} data-testid="beta-row">
                  <td>
                    <TextInput
                      value={row.symbol}
                      numeric={false}
                      onChange={(v) => update((f) => ({ ...f, betas: f.betas.map((r) => (r.id === row.id ? { ...r, symbol: v } : r)) }))}
                      error={rowError(`betas#${row.id}`)}
                      testId="beta-symbol"
                      label="Symbol"
                    />
                  </td>
                  <td>
                    <TextInput
                      value={row.beta}
                      onChange={(v) => update((f) => ({ ...f, betas: f.betas.map((r) => (r.id === row.id ? { ...r, beta: v } : r)) }))}
                      error={rowError(`betas#${row.id}.beta`)}
                      testId="beta-value"
                      label={`Beta of ${row.symbol || 'new symbol'}`}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      data-testid="beta-remove"
                      aria-label={`Remove ${row.symbol || 'row'}`}
                      onClick={() => update((f) => ({ ...f, betas: f.betas.filter((r) => r.id !== row.id) }))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {form.betas.length === 0 ? <p className="settings-note">No betas set: all estimated.</p> : null}
          <button
            type="button"
            className="small"
            data-testid="beta-add"
            onClick={() => update((f) => ({ ...f, betas: [...f.betas, { id: newRowId(), symbol: '', beta: '1' }] }))}
          >
            Add beta
          </button>
        </Section>
        {errors.form ? <p className="panel-error">{errors.form}</p> : null}
      </form>
    );
  }

  return (
    <Panel title="Risk settings" area="settings">
      {body}
    </Panel>
  );
}
