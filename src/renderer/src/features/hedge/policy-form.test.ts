import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTO_HEDGE_POLICY, type AutoHedgePolicy } from '../../../../shared/hedge.js';
import { formToPolicy, policyToForm, samePolicyForm, type PolicyForm } from './policy-form.js';

const edit = (form: PolicyForm, path: keyof PolicyForm['fields'], text: string): PolicyForm => ({ ...form, fields: { ...form.fields, [path]: text } });

describe('policyToForm / formToPolicy', () => {
  it('round-trips a policy, the price tolerance typed as percent', () => {
    const policy: AutoHedgePolicy = {
      enabled: true,
      maxNotionalPerDay: 250_000,
      cooldownSec: 600,
      scheduleSec: 30,
      priceTolerancePct: 0.015,
      weights: { delta: 1, gamma: 2.5, vega: 0.5, theta: 0 },
    };
    const form = policyToForm(policy);
    expect(form.fields.priceTolerancePct).toBe('1.5');
    expect(form.fields['weights.gamma']).toBe('2.5');
    expect(formToPolicy(form)).toEqual({ ok: true, policy });
    expect(formToPolicy(policyToForm(DEFAULT_AUTO_HEDGE_POLICY))).toEqual({ ok: true, policy: DEFAULT_AUTO_HEDGE_POLICY });
  });

  it('reads grouped money as typed', () => {
    const form = edit(policyToForm(DEFAULT_AUTO_HEDGE_POLICY), 'maxNotionalPerDay', '1,250,000');
    const parsed = formToPolicy(form);
    expect(parsed.ok && parsed.policy.maxNotionalPerDay).toBe(1_250_000);
  });

  it('gives one message per wrong field and keeps the others', () => {
    let form = policyToForm(DEFAULT_AUTO_HEDGE_POLICY);
    form = edit(form, 'cooldownSec', '2.5');
    form = edit(form, 'priceTolerancePct', '25');
    form = edit(form, 'weights.vega', '');
    form = edit(form, 'maxNotionalPerDay', 'lots');
    form = edit(form, 'scheduleSec', '-1');
    const parsed = formToPolicy(form);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      cooldownSec: 'A whole number.',
      priceTolerancePct: 'At most 20%.',
      'weights.vega': 'Required.',
      maxNotionalPerDay: 'Enter a number.',
      scheduleSec: 'Must not be negative.',
    });
    // the form itself is untouched: what was typed stays for the trader to fix
    expect(form.fields.cooldownSec).toBe('2.5');
  });

  it('refuses a zero price tolerance and a weight over 100', () => {
    let form = policyToForm(DEFAULT_AUTO_HEDGE_POLICY);
    form = edit(form, 'priceTolerancePct', '0');
    form = edit(form, 'weights.delta', '101');
    const parsed = formToPolicy(form);
    expect(parsed.ok ? null : parsed.errors).toEqual({ priceTolerancePct: 'Must be above zero.', 'weights.delta': 'At most 100.' });
  });

  it('knows when the form has no unsaved change', () => {
    const form = policyToForm(DEFAULT_AUTO_HEDGE_POLICY);
    expect(samePolicyForm(form, policyToForm(DEFAULT_AUTO_HEDGE_POLICY))).toBe(true);
    expect(samePolicyForm(form, { ...form, enabled: true })).toBe(false);
    expect(samePolicyForm(form, edit(form, 'cooldownSec', '301'))).toBe(false);
  });
});
