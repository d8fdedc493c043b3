// One number of the auto-hedge policy form, with its unit, help and the field's error.
import type { PolicyErrors, PolicyFieldSpec, PolicyForm } from './policy-form.js';

export function PolicyField({ spec, form, errors, onChange }: { spec: PolicyFieldSpec; form: PolicyForm; errors: PolicyErrors; onChange(text: string): void }) {
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
