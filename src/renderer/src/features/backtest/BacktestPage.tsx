// The backtest page: set up a run (data, strategy, parameters, costs), watch its progress, see
// the equity curve with its trades against buy-and-hold, the metrics and the trade list; keep
// runs (stored by the engine), compare them side by side, export them as CSV; sweep a grid.
import { useCallback, useEffect, useState } from 'react';
import type {
  BacktestExportKind,
  BacktestJob,
  BacktestRun,
  BacktestRunSummary,
  BacktestSources,
  StrategyInfo,
} from '../../../../shared/backtest.js';
import { actions } from '../../api/actions.js';
import { Empty, Panel } from '../../components/Panel.js';
import { useCockpit } from '../../stores/app-store.js';
import { formatNumber, formatPercent, pnlClass } from '../../lib/format.js';
import { BacktestChart } from './BacktestChart.js';
import { BacktestForm } from './BacktestForm.js';
import { defaultFormValues, parseBacktestForm, parseSweepGrid, type BacktestFormValues, type FormField } from './backtest-form.js';
import { download } from './download.js';
import { MetricsTable } from './MetricsTable.js';
import { TradesTable } from './TradesTable.js';
import './backtest.css';

const POLL_MS = 200;
/** Backtest calls can wait on a busy worker pool; a refusal is toasted and the page keeps what it has. */
const CALL = { timeoutMs: 15_000 };
const EXPORTS: readonly BacktestExportKind[] = ['trades', 'fills', 'equity', 'metrics'];

export function BacktestPage() {
  const live = useCockpit((s) => s.connection.phase === 'live');
  const [sources, setSources] = useState<BacktestSources | null>(null);
  const [strategies, setStrategies] = useState<StrategyInfo[]>([]);
  const [values, setValues] = useState<BacktestFormValues | null>(null);
  const [error, setError] = useState<{ field: FormField; message: string } | null>(null);
  const [job, setJob] = useState<BacktestJob | null>(null);
  const [runs, setRuns] = useState<BacktestRunSummary[]>([]);
  const [current, setCurrent] = useState<BacktestRun | null>(null);
  const [compare, setCompare] = useState<string[]>([]);

  const refreshRuns = useCallback(async () => {
    const list = await actions.send('backtest.runs', {}, CALL);
    if (list.ok) setRuns(list.value);
  }, []);

  const open = useCallback(async (runId: string) => {
    const run = await actions.send('backtest.run', { runId }, CALL);
    if (run.ok) setCurrent(run.value);
  }, []);

  // Data choices, strategies and stored runs, once connected.
  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    void (async () => {
      const [sourcesResult, strategiesResult] = await Promise.all([actions.send('backtest.sources', {}, CALL), actions.send('backtest.strategies', {}, CALL)]);
      if (cancelled || !sourcesResult.ok || !strategiesResult.ok) return;
      const src = sourcesResult.value;
      const strats = strategiesResult.value;
      setSources(src);
      setStrategies(strats);
      setValues((v) => v ?? defaultFormValues(strats, src.files[0]?.id ?? 'sim'));
      await refreshRuns();
    })();
    return () => {
      cancelled = true;
    };
  }, [live, refreshRuns]);

  // Progress of the running job.
  const jobId = job?.state === 'running' ? job.id : null;
  useEffect(() => {
    if (!jobId) return;
    const timer = setInterval(() => {
      void actions.send('backtest.job', { jobId }, CALL).then((result) => {
        if (!result.ok) return;
        const next = result.value;
        setJob(next);
        if (next.state === 'done' && next.runId) {
          void open(next.runId);
          void refreshRuns();
        } else if (next.state === 'done') {
          actions.toast('success', `Sweep done: ${next.rows.length} combinations.`);
        } else if (next.state === 'failed') {
          actions.toast('error', `Backtest failed: ${next.error}`);
        }
      });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [jobId, open, refreshRuns]);

  const start = async (params?: Record<string, number>) => {
    if (!values) return;
    const parsed = parseBacktestForm(values, strategies);
    if (!parsed.ok) return setError(parsed);
    setError(null);
    const request = params ? { ...parsed.value, params } : parsed.value;
    const started = await actions.send('backtest.start', request, CALL);
    if (started.ok) setJob(started.value);
  };

  const sweep = async () => {
    if (!values) return;
    const parsed = parseBacktestForm(values, strategies);
    if (!parsed.ok) return setError(parsed);
    const grid = parseSweepGrid(values.sweep, strategies.find((s) => s.name === values.strategy)!);
    if (!grid.ok) return setError(grid);
    setError(null);
    const started = await actions.send('backtest.sweep', { ...parsed.value, grid: grid.value }, CALL);
    if (started.ok) setJob(started.value);
  };

  const exportCsv = async (kind: BacktestExportKind) => {
    if (!current) return;
    const file = await actions.send('backtest.export', { runId: current.id, kind }, CALL);
    if (file.ok) download(file.value.filename, file.value.csv);
  };

  const remove = async (runId: string) => {
    const result = await actions.send('backtest.delete', { runId }, CALL);
    if (!result.ok) return;
    setCompare((ids) => ids.filter((id) => id !== runId));
    if (current?.id === runId) setCurrent(null);
    await refreshRuns();
  };

  const compared = compare.map((id) => runs.find((r) => r.id === id)).filter((r): r is BacktestRunSummary => r !== undefined);
  const running = job?.state === 'running';

  return (
    <div className="bt-page" data-testid="backtest-page">
      <Panel title="Backtest" area="bt-setup">
        {sources && values ? (
          <BacktestForm
            sources={sources}
            strategies={strategies}
            values={values}
            error={error}
            busy={running}
            onChange={setValues}
            onRun={() => void start()}
            onSweep={() => void sweep()}
          />
        ) : (
          <Empty>{live ? 'Loading…' : 'Waiting for the engine…'}</Empty>
        )}
        {job ? <JobProgress job={job} /> : null}
      </Panel>

      <Panel title={current ? `Equity: ${current.label}` : 'Equity'} area="bt-chart" bodyClassName="flush">
        <BacktestChart run={current} />
      </Panel>

      <Panel title="Metrics" area="bt-metrics" bodyClassName="flush">
        {current ? (
          <>
            <div className="bt-toolbar">
              <span className="muted">
                {current.bars.toLocaleString('en-US')} {current.intraday ? 'intraday' : 'daily'} bars · final value{' '}
                <span className="num" data-testid="bt-final-value" data-value={current.finalValue}>
                  {formatNumber(current.finalValue, 2)}
                </span>
              </span>
              <span className="bt-exports">
                {EXPORTS.map((kind) => (
                  <button key={kind} type="button" className="small" data-testid={`bt-export-${kind}`} onClick={() => void exportCsv(kind)}>
                    {kind} CSV
                  </button>
                ))}
              </span>
            </div>
            <MetricsTable runs={[current]} testId="bt-metrics" />
            {current.notes.length ? (
              <details className="bt-notes">
                <summary>{current.notes.length} note(s): orders refused or left working</summary>
                <ul>
                  {current.notes.map((n, i) => (
                    <li key={i}>{n}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        ) : (
          <Empty>Run a backtest, or open a stored run.</Empty>
        )}
      </Panel>

      <Panel title={current ? `Trades (${current.trades.length})` : 'Trades'} area="bt-trades" bodyClassName="flush">
        <TradesTable trades={current?.trades ?? []} intraday={current?.intraday ?? false} />
      </Panel>

      <Panel title={`Runs (${runs.length})`} area="bt-runs" bodyClassName="flush">
        <RunsList runs={runs} currentId={current?.id ?? null} compare={compare} onOpen={(id) => void open(id)} onCompare={setCompare} onDelete={(id) => void remove(id)} />
      </Panel>

      <Panel title={job?.kind === 'sweep' ? `Sweep (${job.rows.length}/${job.total})` : `Compare (${compared.length})`} area="bt-compare" bodyClassName="flush">
        {job?.kind === 'sweep' ? (
          <SweepTable job={job} onRun={(params) => void start(params)} busy={running} />
        ) : compared.length ? (
          <MetricsTable runs={compared} testId="bt-compare" />
        ) : (
          <Empty>Tick runs in the list to compare them side by side.</Empty>
        )}
      </Panel>
    </div>
  );
}

function JobProgress({ job }: { job: BacktestJob }) {
  const label =
    job.state === 'failed'
      ? `Failed: ${job.error}`
      : job.state === 'done'
        ? job.kind === 'sweep'
          ? `Sweep done: ${job.rows.length} combinations`
          : 'Done'
        : job.kind === 'sweep'
          ? `Sweeping… ${job.rows.length}/${job.total}`
          : `Running… ${Math.round(job.progress * 100)}%`;
  return (
    <div className="bt-progress" data-testid="bt-progress" data-state={job.state} data-progress={job.progress}>
      <progress max={1} value={job.progress} aria-label="Backtest progress" />
      <span className={job.state === 'failed' ? 'neg' : 'muted'}>{label}</span>
    </div>
  );
}

interface RunsListProps {
  runs: readonly BacktestRunSummary[];
  currentId: string | null;
  compare: readonly string[];
  onOpen(id: string): void;
  onCompare(ids: string[]): void;
  onDelete(id: string): void;
}

function RunsList({ runs, currentId, compare, onOpen, onCompare, onDelete }: RunsListProps) {
  if (runs.length === 0) return <Empty>No stored runs yet.</Empty>;
  const toggle = (id: string, on: boolean) => onCompare(on ? [...compare, id] : compare.filter((x) => x !== id));
  return (
    <div className="table-scroll">
      <table className="grid-table" data-testid="bt-runs">
        <thead>
          <tr>
            <th scope="col" title="Compare">⇆</th>
            <th scope="col">Run</th>
            <th scope="col" className="num">Return</th>
            <th scope="col" className="num">Sharpe</th>
            <th scope="col" className="num">Max DD</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="bt-run-row" data-run-id={r.id} className={r.id === currentId ? 'selected' : undefined}>
              <td>
                <input type="checkbox" data-testid="bt-compare-toggle" aria-label={`Compare ${r.label}`} checked={compare.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
              </td>
              <td className="bt-run-label" title={r.label}>
                <button type="button" className="link" onClick={() => onOpen(r.id)} data-testid="bt-open-run">
                  {r.label}
                </button>
              </td>
              <td className={`num ${pnlClass(r.metrics.totalReturn)}`}>{formatPercent(r.metrics.totalReturn, 2)}</td>
              <td className="num">{formatNumber(r.metrics.sharpe, 2)}</td>
              <td className="num">{formatPercent(r.metrics.maxDrawdown, 2)}</td>
              <td>
                <button type="button" className="small" data-testid="bt-delete-run" aria-label={`Delete ${r.label}`} onClick={() => onDelete(r.id)}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SweepTable({ job, onRun, busy }: { job: BacktestJob; onRun(params: Record<string, number>): void; busy: boolean }) {
  const keys = Object.keys(job.rows[0]?.params ?? {});
  if (job.rows.length === 0) return <Empty>{job.state === 'failed' ? job.error : 'Waiting for the first results…'}</Empty>;
  return (
    <div className="table-scroll">
      <table className="grid-table" data-testid="bt-sweep-table">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k} scope="col" className="num">
                {k}
              </th>
            ))}
            <th scope="col" className="num">Return</th>
            <th scope="col" className="num">Sharpe</th>
            <th scope="col" className="num">Max DD</th>
            <th scope="col" className="num">Trades</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {job.rows.map((row, i) => (
            <tr key={i} data-testid="bt-sweep-row">
              {keys.map((k) => (
                <td key={k} className="num">
                  {row.params[k]}
                </td>
              ))}
              <td className={`num ${pnlClass(row.metrics.totalReturn)}`} data-value={row.metrics.totalReturn}>
                {formatPercent(row.metrics.totalReturn, 2)}
              </td>
              <td className="num">{formatNumber(row.metrics.sharpe, 2)}</td>
              <td className="num">{formatPercent(row.metrics.maxDrawdown, 2)}</td>
              <td className="num">{row.metrics.trades}</td>
              <td>
                <button type="button" className="small" disabled={busy} onClick={() => onRun(row.params)} title="Run these parameters in full">
                  Run
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
