// The risk settings form: RiskLimits ↔ editable text. Percentages are typed as percent (5 = 5 %)
// and stored as fractions; the shared RiskLimits schema validates, and its issues come back as
// one plain message per field. Pure.
import { RiskLimits, type RiskTier } from '../../../../shared/risk.js';

export type FieldKind = 'pct' | 'money' | 'int' | 'number';

export interface FieldSpec {
  /** Dotted path into RiskLimits, e.g. `loss.dailyLossPct`. */
  path: string;
  label: string;
  kind: FieldKind;
  /** Shown after the input. */
  unit: string;
  help?: string;
}

const TIERS: readonly RiskTier[] = ['T1', 'T2', 'T3'];
export const RISK_TIERS = TIERS;

export const ORDER_FIELDS: readonly FieldSpec[] = [
  { path: 'order.maxNotional', label: 'Max order notional', kind: 'money', unit: '$', help: 'qty × price × multiplier, any symbol' },
  { path: 'order.maxQty', label: 'Max shares per order', kind: 'int', unit: 'sh' },
  { path: 'order.maxContracts', label: 'Max contracts per order', kind: 'int', unit: 'ct' },
  { path: 'order.fatFingerAmberPct', label: 'Fat finger: amber', kind: 'pct', unit: '%', help: 'limit price this far through the market' },
  { path: 'order.fatFingerRedPct', label: 'Fat finger: red', kind: 'pct', unit: '%', help: 'refused beyond this' },
];

export const TIER_FIELDS: readonly { key: 'maxOrderNotional' | 'maxExposureNotional' | 'maxPositionPctNav'; label: string; kind: FieldKind; unit: string; help: string }[] = [
  { key: 'maxOrderNotional', label: 'Max order', kind: 'money', unit: '$', help: 'largest single order in the underlying or its options' },
  { key: 'maxExposureNotional', label: 'Max exposure', kind: 'money', unit: '$', help: 'largest |cash delta| in one underlying' },
  { key: 'maxPositionPctNav', label: 'Max position', kind: 'pct', unit: '% NAV', help: 'largest |market value| of one position' },
];

const greekFields = (prefix: 'portfolio' | 'shortDated'): FieldSpec[] => [
  { path: `${prefix}.deltaPctNav`, label: '|Δ $|', kind: 'pct', unit: '% NAV' },
  { path: `${prefix}.gammaPctNav`, label: '|Γ $ per 1%|', kind: 'pct', unit: '% NAV' },
  { path: `${prefix}.vegaPctNav`, label: '|V $ per vol pt|', kind: 'pct', unit: '% NAV' },
  { path: `${prefix}.thetaPctNav`, label: '|Θ $ per day|', kind: 'pct', unit: '% NAV' },
];

export const PORTFOLIO_FIELDS: readonly FieldSpec[] = greekFields('portfolio');
export const SHORT_DATED_FIELDS: readonly FieldSpec[] = [
  { path: 'shortDated.days', label: 'Window', kind: 'int', unit: 'days', help: 'options expiring within this many days' },
  ...greekFields('shortDated'),
];

export const LOSS_FIELDS: readonly FieldSpec[] = [
  { path: 'loss.dailyLossPct', label: 'Daily loss', kind: 'pct', unit: '% NAV', help: 'from start-of-day NAV: the account goes REDUCING' },
  { path: 'loss.maxDrawdownPct', label: 'Max drawdown', kind: 'pct', unit: '%', help: 'from the NAV high-water mark: REDUCING' },
];

export const ACCOUNT_FIELDS: readonly FieldSpec[] = [
  { path: 'account.cashReservePctNav', label: 'Cash reserve', kind: 'pct', unit: '% NAV', help: 'buys may not leave less cash' },
  { path: 'account.maxOrdersPerMinute', label: 'Max orders per minute', kind: 'int', unit: '/min' },
  { path: 'quotes.staleAfterSec', label: 'Quote stale after', kind: 'number', unit: 's', help: 'older quotes refuse orders' },
  { path: 'execution.slippagePct', label: 'Slippage alert', kind: 'pct', unit: '%', help: 'fill vs arrival price; raises a risk event' },
];

export const tierPath = (tier: RiskTier, key: string): string => `tiers.${tier}.${key}`;

/** Every scalar field of the form, in display order. */
export const SCALAR_FIELDS: readonly FieldSpec[] = [
  ...ORDER_FIELDS,
  ...TIERS.flatMap((tier) => TIER_FIELDS.map((f) => ({ path: tierPath(tier, f.key), label: `${tier} ${f.label.toLowerCase()}`, kind: f.kind, unit: f.unit }))),
  ...PORTFOLIO_FIELDS,
  ...SHORT_DATED_FIELDS,
  ...LOSS_FIELDS,
  ...ACCOUNT_FIELDS,
];

const FIELD_BY_PATH = new Map(SCALAR_FIELDS.map((f) => [f.path, f]));

export interface SymbolTierRow {
  id: number;
  symbol: string;
  tier: RiskTier;
}

export interface BetaRow {
  id: number;
  symbol: string;
  beta: string;
}

export interface RiskLimitsForm {
  fields: Record<string, string>;
  symbolTiers: SymbolTierRow[];
  defaultTier: RiskTier;
  benchmark: string;
  betas: BetaRow[];
}

/** Error keys: a scalar's path, `defaultTier`, `beta.benchmark`, `symbolTiers#<row id>`, `betas#<row id>`, `betas#<row id>.beta`, `form`. */
export type FormErrors = Record<string, string>;

export type ParsedRiskLimitsForm = { ok: true; limits: RiskLimits } | { ok: false; errors: FormErrors };

let nextRowId = 1;
export const newRowId = (): number => nextRowId++;

/** Rounds away binary noise: 0.07 * 100 → 7, 7 / 100 → 0.07. */
const clean = (x: number): number => Number(x.toPrecision(12));

export function fractionToPercentText(fraction: number): string {
  return String(clean(fraction * 100));
}

export function percentTextToFraction(text: string): number {
  return clean(Number(text.trim()) / 100);
}

function getPath(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export function limitsToForm(limits: RiskLimits): RiskLimitsForm {
  const fields: Record<string, string> = {};
  for (const f of SCALAR_FIELDS) {
    const value = getPath(limits, f.path) as number;
    fields[f.path] = f.kind === 'pct' ? fractionToPercentText(value) : String(value);
  }
  return {
    fields,
    symbolTiers: Object.entries(limits.symbolTiers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([symbol, tier]) => ({ id: newRowId(), symbol, tier })),
    defaultTier: limits.defaultTier,
    benchmark: limits.beta.benchmark,
    betas: Object.entries(limits.beta.betas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([symbol, beta]) => ({ id: newRowId(), symbol, beta: String(beta) })),
  };
}

/** Same content (row ids aside): the form has no unsaved change. */
export function sameForm(a: RiskLimitsForm, b: RiskLimitsForm): boolean {
  const strip = (f: RiskLimitsForm) => ({
    ...f,
    symbolTiers: f.symbolTiers.map(({ symbol, tier }) => ({ symbol: symbol.trim().toUpperCase(), tier })),
    betas: f.betas.map(({ symbol, beta }) => ({ symbol: symbol.trim().toUpperCase(), beta: beta.trim() })),
  });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

const fmtBound = (spec: FieldSpec | undefined, bound: number): string =>
  spec?.kind === 'pct' ? `${fractionToPercentText(bound)}%` : new Intl.NumberFormat('en-US').format(bound);

/** A schema issue in the trader's terms, for the field it belongs to. */
function issueMessage(issue: { code: string; [k: string]: unknown }, spec: FieldSpec | undefined): string {
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return `At most ${String(issue.maximum)} characters.`;
      return issue.inclusive === false ? `Must be below ${fmtBound(spec, issue.maximum as number)}.` : `At most ${fmtBound(spec, issue.maximum as number)}.`;
    case 'too_small':
      if (issue.origin === 'string') return 'Required.';
      if (issue.minimum === 0) return issue.inclusive === false ? 'Must be above zero.' : 'Must not be negative.';
      return issue.inclusive === false ? `Must be above ${fmtBound(spec, issue.minimum as number)}.` : `At least ${fmtBound(spec, issue.minimum as number)}.`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'A whole number.' : 'Enter a number.';
    case 'invalid_key':
    case 'invalid_format':
      return 'An upper-case ticker, e.g. SPY or BRK.B.';
    case 'invalid_value':
      return 'Choose one of the options.';
    default:
      return typeof issue.message === 'string' ? issue.message : 'Invalid.';
  }
}

function parseNumberText(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Required.' };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: 'Enter a number.' };
  return { ok: true, value };
}

const normaliseSymbol = (s: string): string => s.trim().toUpperCase();

/** The form as RiskLimits, or one message per field that is wrong. */
export function formToLimits(form: RiskLimitsForm): ParsedRiskLimitsForm {
  const errors: FormErrors = {};
  const candidate: Record<string, unknown> = {};

  for (const f of SCALAR_FIELDS) {
    const parsed = parseNumberText(form.fields[f.path] ?? '');
    if (!parsed.ok) {
      errors[f.path] = parsed.message;
      continue;
    }
    setPath(candidate, f.path, f.kind === 'pct' ? percentTextToFraction(form.fields[f.path]!) : parsed.value);
  }

  const symbolTiers: Record<string, RiskTier> = {};
  const tierRowBySymbol = new Map<string, number>();
  for (const row of form.symbolTiers) {
    const symbol = normaliseSymbol(row.symbol);
    const key = `symbolTiers#${row.id}`;
    if (!symbol) errors[key] = 'Enter a symbol, or remove the row.';
    else if (tierRowBySymbol.has(symbol)) errors[key] = `${symbol} is listed twice.`;
    else {
      tierRowBySymbol.set(symbol, row.id);
      symbolTiers[symbol] = row.tier;
    }
  }
  candidate.symbolTiers = symbolTiers;
  candidate.defaultTier = form.defaultTier;

  const betas: Record<string, number> = {};
  const betaRowBySymbol = new Map<string, number>();
  for (const row of form.betas) {
    const symbol = normaliseSymbol(row.symbol);
    const key = `betas#${row.id}`;
    if (!symbol) errors[key] = 'Enter a symbol, or remove the row.';
    else if (betaRowBySymbol.has(symbol)) errors[key] = `${symbol} is listed twice.`;
    const parsed = parseNumberText(row.beta);
    if (!parsed.ok) errors[`${key}.beta`] = parsed.message;
    if (symbol && !betaRowBySymbol.has(symbol) && parsed.ok) {
      betaRowBySymbol.set(symbol, row.id);
      betas[symbol] = parsed.value;
    }
  }
  candidate.beta = { benchmark: normaliseSymbol(form.benchmark), betas };

  const result = RiskLimits.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      let key: string;
      if (path[0] === 'symbolTiers' && path.length === 2) key = `symbolTiers#${tierRowBySymbol.get(path[1]!) ?? 'x'}`;
      else if (path[0] === 'beta' && path[1] === 'betas' && path.length === 3) {
        const row = betaRowBySymbol.get(path[2]!);
        key = issue.code === 'invalid_key' ? `betas#${row ?? 'x'}` : `betas#${row ?? 'x'}.beta`;
      } else key = path.join('.');
      // A field that failed to parse already has its message (and its missing parent object is no news).
      const known = key in errors || Object.keys(errors).some((k) => k.startsWith(`${key}.`));
      if (!known) {
        errors[key] = issueMessage(issue as unknown as { code: string }, FIELD_BY_PATH.get(key));
      }
    }
  }

  const order = candidate.order as { fatFingerAmberPct?: number; fatFingerRedPct?: number } | undefined;
  if (
    order?.fatFingerAmberPct !== undefined &&
    order.fatFingerRedPct !== undefined &&
    order.fatFingerAmberPct > order.fatFingerRedPct &&
    !('order.fatFingerAmberPct' in errors)
  ) {
    errors['order.fatFingerAmberPct'] = 'Must not exceed the red threshold.';
  }

  if (Object.keys(errors).length > 0 || !result.success) {
    if (Object.keys(errors).length === 0) errors.form = 'The limits are not valid.';
    return { ok: false, errors };
  }
  return { ok: true, limits: result.data };
}
