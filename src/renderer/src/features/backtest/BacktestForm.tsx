// Choose data, strategy and parameters, costs and rules; run one backtest or sweep a grid.
import type { FormEvent } from 'react';
import type { BacktestSources, StrategyInfo } from '../../../../shared/backtest.js';
import { paramDefaults, SIM_DATA, type BacktestFormValues, type FormField } from './backtest-form.js';

export interface BacktestFormProps {
  sources: BacktestSources;
  strategies: readonly StrategyInfo[];
  values: BacktestFormValues;
  error: { field: FormField; message: string } | null;
  busy: boolean;
  onChange(values: BacktestFormValues): void;
  onRun(): void;
  onSweep(): void;
}

export function BacktestForm({ sources, strategies, values, error, busy, onChange, onRun, onSweep }: BacktestFormProps) {
  const set = <K extends keyof BacktestFormValues>(key: K, value: BacktestFormValues[K]) => onChange({ ...values, [key]: value });
  const info = strategies.find((s) => s.name === values.strategy);
  const invalid = (field: FormField) => error?.field === field;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onRun();
  };
  return (
    <form className="bt-form" data-testid="bt-form" onSubmit={submit} noValidate>
      <label className="field bt-wide">
        <span>Data</span>
        <select data-testid="bt-data" value={values.dataId} onChange={(e) => set('dataId', e.target.value)} aria-invalid={invalid('dataId')}>
          {sources.files.map((f) => (
            <option key={f.id} value={f.id}>
              {f.origin === 'sample' ? `${f.label} (sample)` : f.label}
            </option>
          ))}
          <option value={SIM_DATA}>Simulator</option>
        </select>
      </label>
      {values.dataId === SIM_DATA ? (
        <>
          <label className="field">
            <span>Symbol</span>
            <select data-testid="bt-sim-symbol" value={values.simSymbol} onChange={(e) => set('simSymbol', e.target.value)}>
              {sources.simSymbols.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Days</span>
            <input data-testid="bt-sim-bars" inputMode="numeric" value={values.simBars} onChange={(e) => set('simBars', e.target.value)} aria-invalid={invalid('simBars')} />
          </label>
          <label className="field">
            <span>Seed</span>
            <input data-testid="bt-sim-seed" inputMode="numeric" value={values.simSeed} onChange={(e) => set('simSeed', e.target.value)} aria-invalid={invalid('simSeed')} />
          </label>
        </>
      ) : null}
      <p className="bt-hint bt-wide muted">
        Your own CSV files (<span className="mono">Date[,Time],Open,High,Low,Close[,Adj Close],Volume</span>) go in{' '}
        <span className="mono" data-testid="bt-data-folder">
          {sources.dataFolder}
        </span>
      </p>
      <label className="field bt-wide">
        <span>Strategy</span>
        <select
          data-testid="bt-strategy"
          value={values.strategy}
          onChange={(e) => {
            const next = strategies.find((s) => s.name === e.target.value);
            onChange({ ...values, strategy: e.target.value, params: next ? paramDefaults(next) : {} });
          }}
          aria-invalid={invalid('strategy')}
        >
          {strategies.map((s) => (
            <option key={s.name} value={s.name}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      {info ? <p className="bt-hint bt-wide muted">{info.description}</p> : null}
      {info?.params.map((p) => (
        <label key={p.key} className="field" title={`${p.label}: ${p.min} to ${p.max}`}>
          <span>{p.key}</span>
          <input
            data-testid={`bt-param-${p.key}`}
            inputMode="decimal"
            value={values.params[p.key] ?? ''}
            onChange={(e) => set('params', { ...values.params, [p.key]: e.target.value })}
            aria-invalid={invalid(`param:${p.key}`)}
          />
        </label>
      ))}
      <label className="field">
        <span>Cash</span>
        <input data-testid="bt-cash" inputMode="decimal" value={values.cash} onChange={(e) => set('cash', e.target.value)} aria-invalid={invalid('cash')} />
      </label>
      <label className="field">
        <span>Commission %</span>
        <input data-testid="bt-commission" inputMode="decimal" value={values.commissionPct} onChange={(e) => set('commissionPct', e.target.value)} aria-invalid={invalid('commissionPct')} />
      </label>
      <label className="field">
        <span>Slippage %</span>
        <input data-testid="bt-slippage" inputMode="decimal" value={values.slippagePct} onChange={(e) => set('slippagePct', e.target.value)} aria-invalid={invalid('slippagePct')} />
      </label>
      <label className="bt-check bt-wide">
        <input type="checkbox" data-testid="bt-ashare" checked={values.aShare} onChange={(e) => set('aShare', e.target.checked)} /> A-share rules (T+1, 100-share lots, ±10% limits, no shorting)
      </label>
      <label className="field bt-wide">
        <span>Label</span>
        <input data-testid="bt-label" value={values.label} onChange={(e) => set('label', e.target.value)} placeholder="(optional)" maxLength={120} />
      </label>
      <button type="submit" className="primary bt-wide" data-testid="bt-run" disabled={busy}>
        Run backtest
      </button>
      <label className="field bt-wide">
        <span>Sweep grid</span>
        <input
          data-testid="bt-sweep-grid"
          value={values.sweep}
          onChange={(e) => set('sweep', e.target.value)}
          placeholder="period=10,20,30; size=100..300/100"
          aria-invalid={invalid('sweep')}
          spellCheck={false}
        />
      </label>
      <button type="button" className="bt-wide" data-testid="bt-sweep" disabled={busy} onClick={onSweep}>
        Sweep on all cores
      </button>
      {error ? (
        <p className="form-error bt-wide" role="alert" data-testid="bt-form-error">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
