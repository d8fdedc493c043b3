import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../../../../shared/risk.js';
import {
  formToLimits,
  fractionToPercentText,
  limitsToForm,
  newRowId,
  percentTextToFraction,
  sameForm,
  SCALAR_FIELDS,
  type RiskLimitsForm,
} from './risk-settings-form.js';

const edit = (form: RiskLimitsForm, path: string, text: string): RiskLimitsForm => ({ ...form, fields: { ...form.fields, [path]: text } });

function errorsOf(form: RiskLimitsForm): Record<string, string> {
  const parsed = formToLimits(form);
  if (parsed.ok) throw new Error('expected errors');
  return parsed.errors;
}

describe('percent conversion', () => {
  it('shows fractions as percent without float noise and reads them back exactly', () => {
    expect(fractionToPercentText(0.005)).toBe('0.5');
    expect(fractionToPercentText(0.07)).toBe('7');
    expect(fractionToPercentText(0.0025)).toBe('0.25');
    expect(fractionToPercentText(1)).toBe('100');
    expect(percentTextToFraction('7')).toBe(0.07);
    expect(percentTextToFraction(' 0.29 ')).toBe(0.0029);
    expect(percentTextToFraction('15')).toBe(0.15);
  });
});

describe('risk settings form', () => {
  it('round-trips the defaults exactly', () => {
    const form = limitsToForm(DEFAULT_RISK_LIMITS);
    expect(form.fields['loss.dailyLossPct']).toBe('3');
    expect(form.fields['shortDated.gammaPctNav']).toBe('5');
    expect(form.fields['order.maxQty']).toBe('5000');
    expect(form.symbolTiers.map((r) => [r.symbol, r.tier])).toEqual([
      ['AAPL', 'T2'],
      ['NVDA', 'T2'],
      ['QQQ', 'T1'],
      ['SPY', 'T1'],
      ['TQQQ', 'T3'],
    ]);
    expect(formToLimits(form)).toEqual({ ok: true, limits: DEFAULT_RISK_LIMITS });
  });

  it('covers every numeric field of RiskLimits', () => {
    const leaves: string[] = [];
    const walk = (node: unknown, path: string[]) => {
      if (typeof node === 'number') leaves.push(path.join('.'));
      else if (node && typeof node === 'object' && !['symbolTiers', 'betas'].includes(path[path.length - 1] ?? '')) {
        for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      }
    };
    walk(DEFAULT_RISK_LIMITS, []);
    expect(SCALAR_FIELDS.map((f) => f.path).sort()).toEqual(leaves.sort());
  });

  it('converts typed percent to fractions', () => {
    const form = edit(edit(limitsToForm(DEFAULT_RISK_LIMITS), 'loss.dailyLossPct', '2.5'), 'tiers.T3.maxPositionPctNav', '7');
    const parsed = formToLimits(form);
    expect(parsed.ok && parsed.limits.loss.dailyLossPct).toBe(0.025);
    expect(parsed.ok && parsed.limits.tiers.T3.maxPositionPctNav).toBe(0.07);
  });

  it('says what is wrong with each field, in percent for percentages', () => {
    let form = limitsToForm(DEFAULT_RISK_LIMITS);
    form = edit(form, 'loss.dailyLossPct', '150');
    form = edit(form, 'account.maxOrdersPerMinute', '2.5');
    form = edit(form, 'order.maxContracts', '0');
    form = edit(form, 'order.maxNotional', '');
    form = edit(form, 'quotes.staleAfterSec', 'abc');
    form = edit(form, 'portfolio.deltaPctNav', '-1');
    form = edit(form, 'shortDated.days', '90');
    expect(errorsOf(form)).toEqual({
      'loss.dailyLossPct': 'At most 100%.',
      'account.maxOrdersPerMinute': 'A whole number.',
      'order.maxContracts': 'Must be above zero.',
      'order.maxNotional': 'Required.',
      'quotes.staleAfterSec': 'Enter a number.',
      'portfolio.deltaPctNav': 'Must not be negative.',
      'shortDated.days': 'At most 60.',
    });
  });

  it('refuses a fat-finger amber threshold above the red one (the engine does too)', () => {
    const form = edit(limitsToForm(DEFAULT_RISK_LIMITS), 'order.fatFingerAmberPct', '12');
    expect(errorsOf(form)).toEqual({ 'order.fatFingerAmberPct': 'Must not exceed the red threshold.' });
  });

  it('normalises symbols, and flags empty, duplicate and malformed ones on their row', () => {
    const base = limitsToForm(DEFAULT_RISK_LIMITS);
    const ok = formToLimits({ ...base, symbolTiers: [{ id: newRowId(), symbol: ' msft ', tier: 'T3' }], benchmark: 'qqq' });
    expect(ok.ok && ok.limits.symbolTiers).toEqual({ MSFT: 'T3' });
    expect(ok.ok && ok.limits.beta.benchmark).toBe('QQQ');

    const [a, b, c, d] = [newRowId(), newRowId(), newRowId(), newRowId()];
    const errors = errorsOf({
      ...base,
      symbolTiers: [
        { id: a, symbol: 'SPY', tier: 'T1' },
        { id: b, symbol: 'spy', tier: 'T2' },
        { id: c, symbol: '', tier: 'T2' },
        { id: d, symbol: '1X', tier: 'T2' },
      ],
    });
    expect(errors).toEqual({
      [`symbolTiers#${b}`]: 'SPY is listed twice.',
      [`symbolTiers#${c}`]: 'Enter a symbol, or remove the row.',
      [`symbolTiers#${d}`]: 'An upper-case ticker, e.g. SPY or BRK.B.',
    });
  });

  it('validates betas per row and keeps them as numbers', () => {
    const base = limitsToForm(DEFAULT_RISK_LIMITS);
    const [a, b] = [newRowId(), newRowId()];
    const good = formToLimits({ ...base, betas: [{ id: a, symbol: 'NVDA', beta: '1.8' }] });
    expect(good.ok && good.limits.beta.betas).toEqual({ NVDA: 1.8 });
    const errors = errorsOf({
      ...base,
      betas: [
        { id: a, symbol: 'NVDA', beta: '20' },
        { id: b, symbol: 'AAPL', beta: '' },
      ],
    });
    expect(errors).toEqual({ [`betas#${a}.beta`]: 'At most 10.', [`betas#${b}.beta`]: 'Required.' });
  });

  it('knows when nothing changed', () => {
    const limits: RiskLimits = structuredClone(DEFAULT_RISK_LIMITS);
    const a = limitsToForm(limits);
    const b = limitsToForm(limits);
    expect(sameForm(a, b)).toBe(true);
    expect(sameForm(a, edit(b, 'order.maxQty', '4000'))).toBe(false);
  });
});
