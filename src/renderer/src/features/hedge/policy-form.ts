// The auto-hedge settings form: AutoHedgePolicy ↔ editable text. The price tolerance is typed as
// percent (1 = 1 %) and stored as a fraction; the shared AutoHedgePolicy schema validates, and its
// issues come back as one plain message per field, so a wrong field never loses the others. Pure.
import { AutoHedgePolicy } from '../../../../shared/hedge.js';

export type PolicyFieldPath =
  | 'maxNotionalPerDay'
  | 'cooldownSec'
  | 'scheduleSec'
  | 'priceTolerancePct'
  | 'weights.delta'
  | 'weights.gamma'
  | 'weights.vega'
  | 'weights.theta';

export interface PolicyFieldSpec {
  path: PolicyFieldPath;
  label: string;
  kind: 'money' | 'int' | 'pct' | 'number';
  unit: string;
  help: string;
}

export const POLICY_FIELDS: readonly PolicyFieldSpec[] = [
  { path: 'maxNotionalPerDay', label: 'Max notional per day', kind: 'money', unit: '$', help: 'total the policy may trade per session' },
  { path: 'cooldownSec', label: 'Cooldown', kind: 'int', unit: 's', help: 'between two automatic hedges of one underlying' },
  { path: 'scheduleSec', label: 'Re-plan every', kind: 'int', unit: 's', help: 'while the market is open; 0: only on a breach or on demand' },
  { path: 'priceTolerancePct', label: 'Price tolerance', kind: 'pct', unit: '%', help: 'quotes moved more than this since planning: re-plan, not send' },
];

export const WEIGHT_FIELDS: readonly PolicyFieldSpec[] = [
  { path: 'weights.delta', label: 'Δ weight', kind: 'number', unit: '', help: 'weight of delta risk removed in the score' },
  { path: 'weights.gamma', label: 'Γ weight', kind: 'number', unit: '', help: 'weight of gamma risk removed in the score' },
  { path: 'weights.vega', label: 'V weight', kind: 'number', unit: '', help: 'weight of vega risk removed in the score' },
  { path: 'weights.theta', label: 'Θ weight', kind: 'number', unit: '', help: 'weight of theta risk removed in the score' },
];

const ALL_FIELDS: readonly PolicyFieldSpec[] = [...POLICY_FIELDS, ...WEIGHT_FIELDS];
const FIELD_BY_PATH = new Map(ALL_FIELDS.map((f) => [f.path, f]));

export interface PolicyForm {
  enabled: boolean;
  fields: Record<PolicyFieldPath, string>;
}

/** Error keys: a field's path, or `form` for a problem that belongs to no single field. */
export type PolicyErrors = Partial<Record<PolicyFieldPath | 'form', string>>;

/** Rounds away binary noise: 0.07 * 100 → 7. */
const clean = (x: number): number => Number(x.toPrecision(12));

function read(policy: AutoHedgePolicy, path: PolicyFieldPath): number {
  if (path.startsWith('weights.')) return policy.weights[path.slice('weights.'.length) as keyof AutoHedgePolicy['weights']];
  return policy[path as Exclude<PolicyFieldPath, `weights.${string}`>];
}

export function policyToForm(policy: AutoHedgePolicy): PolicyForm {
  const fields = {} as Record<PolicyFieldPath, string>;
  for (const f of ALL_FIELDS) {
    const value = read(policy, f.path);
    fields[f.path] = f.kind === 'pct' ? String(clean(value * 100)) : String(value);
  }
  return { enabled: policy.enabled, fields };
}

export function samePolicyForm(a: PolicyForm, b: PolicyForm): boolean {
  if (a.enabled !== b.enabled) return false;
  return ALL_FIELDS.every((f) => a.fields[f.path].trim() === b.fields[f.path].trim());
}

/** `100,000` and `100 000` read as 100000; empty or non-numeric text is an error, never zero. */
function parseNumberText(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim().replace(/[,\s_]/g, '');
  if (t === '') return { ok: false, message: 'Required.' };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: 'Enter a number.' };
  return { ok: true, value };
}

const fmtBound = (spec: PolicyFieldSpec | undefined, bound: number): string =>
  spec?.kind === 'pct' ? `${clean(bound * 100)}%` : new Intl.NumberFormat('en-US').format(bound);

function issueMessage(issue: { code: string; [k: string]: unknown }, spec: PolicyFieldSpec | undefined): string {
  switch (issue.code) {
    case 'too_big':
      return issue.inclusive === false ? `Must be below ${fmtBound(spec, issue.maximum as number)}.` : `At most ${fmtBound(spec, issue.maximum as number)}.`;
    case 'too_small':
      if (issue.minimum === 0) return issue.inclusive === false ? 'Must be above zero.' : 'Must not be negative.';
      return issue.inclusive === false ? `Must be above ${fmtBound(spec, issue.minimum as number)}.` : `At least ${fmtBound(spec, issue.minimum as number)}.`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'A whole number.' : 'Enter a number.';
    default:
      return typeof issue.message === 'string' ? issue.message : 'Invalid.';
  }
}

/** The form as an AutoHedgePolicy, or one message per field that is wrong. */
export function formToPolicy(form: PolicyForm): { ok: true; policy: AutoHedgePolicy } | { ok: false; errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const weights: Record<string, number> = {};
  const candidate: Record<string, unknown> = { enabled: form.enabled, weights };
  for (const f of ALL_FIELDS) {
    const parsed = parseNumberText(form.fields[f.path] ?? '');
    if (!parsed.ok) {
      errors[f.path] = parsed.message;
      continue;
    }
    const value = f.kind === 'pct' ? clean(parsed.value / 100) : parsed.value;
    if (f.path.startsWith('weights.')) weights[f.path.slice('weights.'.length)] = value;
    else candidate[f.path] = value;
  }
  const checked = AutoHedgePolicy.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.join('.') as PolicyFieldPath;
      const spec = FIELD_BY_PATH.get(path);
      if (!spec) {
        errors.form ??= issue.message;
        continue;
      }
      // A field that did not parse keeps its own message ("Required.", "Enter a number.").
      errors[path] ??= issueMessage(issue as unknown as { code: string }, spec);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return checked.success ? { ok: true, policy: checked.data } : { ok: false, errors: { form: 'Invalid settings.' } };
}
