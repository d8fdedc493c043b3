// The backtest form's values (as typed) and their parsing into a BacktestRequest or a sweep
// grid, with the field to point at when something is wrong. Pure: tested without a DOM.
import type { BacktestRequest, StrategyInfo } from '../../../../shared/backtest.js';

export const SIM_DATA = 'sim';

export interface BacktestFormValues {
  /** A data file id from backtest.sources, or SIM_DATA. */
  dataId: string;
  simSymbol: string;
  simBars: string;
  simSeed: string;
  strategy: string;
  /** Strategy parameters by key, as typed. */
  params: Record<string, string>;
  cash: string;
  /** Percent of traded value: "0.1" = 0.1%. */
  commissionPct: string;
  slippagePct: string;
  aShare: boolean;
  label: string;
  /** e.g. `period=10,20,30; size=1..3` */
  sweep: string;
}

export type FormField = keyof BacktestFormValues | `param:${string}`;
export type Parsed<T> = { ok: true; value: T } | { ok: false; field: FormField; message: string };

export function defaultFormValues(strategies: readonly StrategyInfo[], dataId: string): BacktestFormValues {
  const first = strategies[0];
  return {
    dataId,
    simSymbol: 'SPY',
    simBars: '2520',
    simSeed: '1',
    strategy: first?.name ?? '',
    params: first ? paramDefaults(first) : {},
    cash: '100000',
    commissionPct: '0.1',
    slippagePct: '0',
    aShare: false,
    label: '',
    sweep: '',
  };
}

export function paramDefaults(info: StrategyInfo): Record<string, string> {
  return Object.fromEntries(info.params.map((p) => [p.key, String(p.default)]));
}

const fail = (field: FormField, message: string): { ok: false; field: FormField; message: string } => ({ ok: false, field, message });

function number(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function parseBacktestForm(values: BacktestFormValues, strategies: readonly StrategyInfo[]): Parsed<BacktestRequest> {
  const info = strategies.find((s) => s.name === values.strategy);
  if (!info) return fail('strategy', 'Choose a strategy.');
  if (!values.dataId) return fail('dataId', 'Choose the data to test on.');

  let data: BacktestRequest['data'];
  if (values.dataId === SIM_DATA) {
    const bars = number(values.simBars);
    const seed = number(values.simSeed);
    if (!Number.isInteger(bars) || bars < 10 || bars > 2_000_000) return fail('simBars', 'Simulated days: a whole number from 10 to 2,000,000.');
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) return fail('simSeed', 'Seed: a whole number ≥ 0.');
    data = { kind: 'sim', symbol: values.simSymbol, bars, seed };
  } else {
    data = { kind: 'file', id: values.dataId };
  }

  const params: Record<string, number> = {};
  for (const p of info.params) {
    const value = number(values.params[p.key] ?? '');
    if (!Number.isFinite(value) || value < p.min || value > p.max) return fail(`param:${p.key}`, `${p.label}: a number from ${p.min} to ${p.max}.`);
    if (p.integer && !Number.isInteger(value)) return fail(`param:${p.key}`, `${p.label}: a whole number.`);
    params[p.key] = value;
  }

  const cash = number(values.cash);
  if (!Number.isFinite(cash) || cash <= 0) return fail('cash', 'Starting cash must be a positive number.');
  const commission = number(values.commissionPct || '0');
  if (!Number.isFinite(commission) || commission < 0 || commission > 10) return fail('commissionPct', 'Commission: a percent of traded value from 0 to 10.');
  const slippage = number(values.slippagePct || '0');
  if (!Number.isFinite(slippage) || slippage < 0 || slippage > 10) return fail('slippagePct', 'Slippage: a percent of price from 0 to 10.');

  const request: BacktestRequest = {
    data,
    strategy: info.name,
    params,
    config: {
      cash,
      commission: commission > 0 ? { kind: 'percent', rate: commission / 100 } : { kind: 'none' },
      multiplier: 1,
      ...(slippage > 0 ? { slippage: { kind: 'percent', rate: slippage / 100 } } : {}),
      ...(values.aShare ? { aShare: { lotSize: 100, priceLimit: 0.1, stampDuty: 0 } } : {}),
    },
  };
  if (values.label.trim()) request.label = values.label.trim();
  return { ok: true, value: request };
}

/**
 * `period=10,20,30; size=1..3` → { period: [10, 20, 30], size: [1, 2, 3] }. A range `a..b`
 * steps by 1, `a..b/s` by s. Only the strategy's own parameters, inside their ranges.
 */
export function parseSweepGrid(text: string, info: StrategyInfo): Parsed<Record<string, number[]>> {
  const grid: Record<string, number[]> = {};
  const parts = text
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return fail('sweep', 'Give at least one parameter to sweep, e.g. period=10,20,30.');
  for (const part of parts) {
    const match = /^([\w-]+)\s*=\s*(.+)$/.exec(part);
    if (!match) return fail('sweep', `"${part}" is not key=values.`);
    const key = match[1]!;
    const spec = info.params.find((p) => p.key === key);
    if (!spec) return fail('sweep', `${info.name} has no parameter "${key}" (it has ${info.params.map((p) => p.key).join(', ')}).`);
    const values: number[] = [];
    for (const item of match[2]!.split(',').map((v) => v.trim())) {
      const range = /^(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)(?:\s*\/\s*([\d.]+))?$/.exec(item);
      if (range) {
        const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
        if (!(step > 0) || to < from) return fail('sweep', `"${item}": a range goes up, by a positive step.`);
        for (let v = from; v <= to + 1e-9 && values.length <= 500; v += step) values.push(Math.round(v * 1e9) / 1e9);
      } else {
        const v = number(item);
        if (!Number.isFinite(v)) return fail('sweep', `"${item}" is not a number.`);
        values.push(v);
      }
    }
    for (const v of values) {
      if (v < spec.min || v > spec.max || (spec.integer && !Number.isInteger(v))) {
        return fail('sweep', `${key}=${v} is outside ${spec.min}–${spec.max}${spec.integer ? ' (whole numbers)' : ''}.`);
      }
    }
    if (values.length > 200) return fail('sweep', `${key}: at most 200 values.`);
    grid[key] = values;
  }
  const combos = Object.values(grid).reduce((n, v) => n * v.length, 1);
  if (combos > 2_000) return fail('sweep', `${combos} combinations; at most 2,000.`);
  return { ok: true, value: grid };
}
