// Cash Greeks as a tree: underlying → expiry → contract (stock positions sit directly under their
// underlying), each with % of NAV, the short-dated bucket (options expiring within
// greeks.shortDatedDays) alongside, and the portfolio total. Cells are coloured by the limit they
// use: tier exposure for underlyings, the portfolio and short-dated caps for the total row.
// Positions the engine could not value show their pricing error instead of figures.
import { useMemo, useState, type ReactNode } from 'react';
import type { CashGreeks, GreeksRow, PositionView } from '../../../../shared/domain.js';
import type { CheckLevel, LimitUsage } from '../../../../shared/risk.js';
import { useCockpit } from '../../stores/app-store.js';
import { Num } from '../../components/Num.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatExpiry, formatInstrument, formatNumber, formatPercent, formatQty, pnlClass } from '../../lib/format.js';
import { formatLimitValue } from '../../lib/risk-view.js';
import { allTreeKeys, buildGreeksTree, type ExpiryNode, type UnderlyingNode } from './greeks-tree.js';

type Metric = 'delta' | 'gamma' | 'vega' | 'theta';
type PctKey = 'deltaPctNav' | 'gammaPctNav' | 'vegaPctNav' | 'thetaPctNav';

/** Main columns: each cash Greek followed by its % of NAV. `testKey` keeps the portfolio test ids stable. */
const MAIN: readonly { key: keyof CashGreeks; testKey: string; label: string; title: string; decimals: number; pnl?: boolean; metric?: Metric; pct?: PctKey }[] = [
  { key: 'deltaShares', testKey: 'delta', label: 'Δ sh', title: 'Delta in underlying shares', decimals: 1 },
  { key: 'deltaCash', testKey: 'deltaCash', label: 'Δ $', title: 'Cash delta: shares × spot', decimals: 0, metric: 'delta', pct: 'deltaPctNav' },
  { key: 'gammaCash1Pct', testKey: 'gamma', label: 'Γ $/1%', title: 'Change of cash delta for a 1% move', decimals: 0, metric: 'gamma', pct: 'gammaPctNav' },
  { key: 'vegaCashPerPoint', testKey: 'vega', label: 'V $/pt', title: 'P&L for a one-vol-point rise in IV', decimals: 0, pnl: true, metric: 'vega', pct: 'vegaPctNav' },
  { key: 'thetaCashPerDay', testKey: 'theta', label: 'Θ $/d', title: 'P&L per calendar day from time decay', decimals: 0, pnl: true, metric: 'theta', pct: 'thetaPctNav' },
];

const SHORT: readonly { key: keyof CashGreeks; label: string; decimals: number; pnl?: boolean; metric: Metric }[] = [
  { key: 'deltaCash', label: 'Δ $', decimals: 0, metric: 'delta' },
  { key: 'gammaCash1Pct', label: 'Γ $/1%', decimals: 0, metric: 'gamma' },
  { key: 'vegaCashPerPoint', label: 'V $/pt', decimals: 0, pnl: true, metric: 'vega' },
  { key: 'thetaCashPerDay', label: 'Θ $/d', decimals: 0, pnl: true, metric: 'theta' },
];

/** Δ sh + 4 × ($, %NAV) + β. */
const MAIN_COLUMNS = 1 + 4 * 2 + 1;
const FIGURE_COLUMNS = MAIN_COLUMNS + SHORT.length;

interface Figures {
  greeks: CashGreeks;
  pct: Record<PctKey, number> | null;
  /** The short-dated part of the row; null when it has none to show. */
  short: CashGreeks | null;
  beta: number | null;
}

/** Which limit colours a cell: the main ($ and %NAV) cells of a metric, or its short-dated cell. */
interface CellLimits {
  main(metric: Metric): LimitUsage | undefined;
  short(metric: Metric): LimitUsage | undefined;
}

const NO_LIMITS: CellLimits = { main: () => undefined, short: () => undefined };

function limitTitle(limit: LimitUsage | undefined): string | undefined {
  if (!limit) return undefined;
  return `${limit.label}: ${formatLimitValue(limit.value, limit.unit)} of ${formatLimitValue(limit.limit, limit.unit)} (${formatPercent(limit.usage, 0)} used)`;
}

const usageClass = (limit: LimitUsage | undefined): string => (limit ? ` usage-${limit.level}` : '');

function FigureCells({ figures, limits, testPrefix }: { figures: Figures; limits: CellLimits; testPrefix?: string }) {
  const cells: ReactNode[] = [];
  for (const c of MAIN) {
    const limit = c.metric ? limits.main(c.metric) : undefined;
    cells.push(
      <td key={c.key} className={`num${usageClass(limit)}`} data-col={c.testKey} data-level={limit?.level} title={limitTitle(limit)}>
        <Num value={figures.greeks[c.key]} decimals={c.decimals} pnl={c.pnl ?? false} testId={testPrefix ? `${testPrefix}-${c.testKey}` : undefined} />
      </td>,
    );
    if (c.pct) {
      const value = figures.pct ? figures.pct[c.pct] : null;
      cells.push(
        <td key={c.pct} className={`num pct-nav${limit ? usageClass(limit) : ` ${pnlClass(value)}`}`} data-col={c.pct} data-level={limit?.level} title={limitTitle(limit)}>
          <span data-testid={testPrefix ? `${testPrefix}-${c.pct}` : undefined} data-value={value ?? ''}>
            {formatPercent(value, Math.abs(value ?? 0) < 0.001 && value ? 3 : 1, true)}
          </span>
        </td>,
      );
    }
  }
  cells.push(
    <td key="beta" className="num muted" data-col="beta" title="Beta against the benchmark">
      {figures.beta === null ? '' : <Num value={figures.beta} decimals={2} testId={testPrefix ? `${testPrefix}-beta` : undefined} />}
    </td>,
  );
  SHORT.forEach((c, i) => {
    const limit = limits.short(c.metric);
    cells.push(
      <td
        key={`short-${c.key}`}
        className={`num short${i === 0 ? ' group-start' : ''}${usageClass(limit)}`}
        data-col={`short-${c.key}`}
        data-level={limit?.level}
        title={limitTitle(limit)}
      >
        {figures.short ? (
          <Num value={figures.short[c.key]} decimals={c.decimals} pnl={c.pnl ?? false} testId={testPrefix ? `${testPrefix}-short-${c.key}` : undefined} />
        ) : null}
      </td>,
    );
  });
  return <>{cells}</>;
}

function rowFigures(row: GreeksRow): Figures {
  return { greeks: row, pct: row, short: row.shortDated, beta: row.beta };
}

function positionFigures(p: PositionView, nav: number, shortDated: boolean): Figures {
  const per = (x: number) => (nav > 0 ? x / nav : Number.NaN);
  return {
    greeks: p.greeks,
    pct: {
      deltaPctNav: per(p.greeks.deltaCash),
      gammaPctNav: per(p.greeks.gammaCash1Pct),
      vegaPctNav: per(p.greeks.vegaCashPerPoint),
      thetaPctNav: per(p.greeks.thetaCashPerDay),
    },
    short: shortDated ? p.greeks : null,
    beta: null,
  };
}

function UnpricedFlag({ positions, count }: { positions: readonly PositionView[]; count: number }) {
  if (count <= 0) return null;
  const reasons = positions.map((p) => `${p.symbol}: ${p.pricingError}`).join('\n');
  return (
    <span
      className="tag tag-unpriced"
      data-testid="greeks-unpriced"
      data-value={count}
      title={`Greeks unknown for ${count} position${count === 1 ? '' : 's'} — not included in these totals.${reasons ? `\n${reasons}` : ''}`}
    >
      ⚠ {count} unpriced
    </span>
  );
}

function PositionRow({ position, nav, shortDated, depth }: { position: PositionView; nav: number; shortDated: boolean; depth: 2 | 3 }) {
  const isOption = position.instrument.kind === 'OPTION';
  return (
    <tr
      className={`tree-row tree-l${depth}${position.pricingError ? ' unpriced' : ''}`}
      data-testid="greeks-contract"
      data-symbol={position.symbol}
      data-unpriced={position.pricingError ? 'true' : 'false'}
    >
      <th scope="row" className="sym tree-name" title={position.symbol}>
        {isOption ? formatInstrument(position.instrument, position.symbol) : `${position.symbol} shares`}{' '}
        <span className="muted" title="Quantity">
          ×{formatQty(position.qty)}
        </span>
      </th>
      {position.pricingError ? (
        <td colSpan={FIGURE_COLUMNS} className="pricing-error" data-testid="greeks-pricing-error" title="Greeks unknown — not zero">
          ⚠ {position.pricingError}
        </td>
      ) : (
        <FigureCells figures={positionFigures(position, nav, shortDated)} limits={NO_LIMITS} />
      )}
    </tr>
  );
}

function ExpiryRows({
  node,
  underlying,
  nav,
  shortDatedDays,
  expanded,
  toggle,
}: {
  node: ExpiryNode;
  underlying: string;
  nav: number;
  shortDatedDays: number;
  expanded: boolean;
  toggle(key: string): void;
}) {
  const bucket = node.bucket;
  const shortDated = bucket?.shortDated ?? false;
  const unpriced = node.contracts.filter((p) => p.pricingError !== null);
  return (
    <>
      <tr
        className={`tree-row tree-l2${shortDated ? ' short-dated' : ''}`}
        data-testid="greeks-expiry"
        data-underlying={underlying}
        data-expiry={node.expiry}
        data-short-dated={String(shortDated)}
      >
        <th scope="row" className="tree-name">
          <button
            type="button"
            className="tree-toggle"
            data-testid="greeks-expand-expiry"
            data-underlying={underlying}
            data-expiry={node.expiry}
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Collapse' : 'Expand'} ${underlying} ${node.expiry}`}
            onClick={() => toggle(node.key)}
          >
            {expanded ? '▾' : '▸'}
          </button>{' '}
          <span className="mono">{formatExpiry(node.expiry)}</span>{' '}
          {bucket ? (
            <span className="muted" title="Days to expiry">
              {formatNumber(bucket.dte, 1)}d
            </span>
          ) : null}
          {shortDated ? (
            <span className="tag tag-short" title={`Expires within ${shortDatedDays} days: counts toward the short-dated caps`}>
              ≤{shortDatedDays}d
            </span>
          ) : null}
          <UnpricedFlag positions={unpriced} count={unpriced.length} />
        </th>
        {bucket ? (
          <FigureCells figures={{ greeks: bucket, pct: bucket, short: shortDated ? bucket : null, beta: null }} limits={NO_LIMITS} />
        ) : (
          <td colSpan={FIGURE_COLUMNS} className="muted">
            Waiting for the engine's figures for this expiry…
          </td>
        )}
      </tr>
      {expanded
        ? node.contracts.map((p) => <PositionRow key={p.symbol} position={p} nav={nav} shortDated={shortDated} depth={3} />)
        : null}
    </>
  );
}

function UnderlyingRows({
  node,
  nav,
  shortDatedDays,
  expanded,
  toggle,
}: {
  node: UnderlyingNode;
  nav: number;
  shortDatedDays: number;
  expanded: ReadonlySet<string>;
  toggle(key: string): void;
}) {
  const open = expanded.has(node.key);
  const exposure = node.exposure;
  const limits: CellLimits = { main: (m) => (m === 'delta' ? exposure : undefined), short: () => undefined };
  const level: CheckLevel | undefined = exposure?.level;
  return (
    <>
      <tr className={`tree-row tree-l1${level ? ` level-${level}` : ''}`} data-testid="greeks-row" data-underlying={node.row.underlying} data-level={level}>
        <th scope="row" className="sym tree-name">
          <button
            type="button"
            className="tree-toggle"
            data-testid="greeks-expand"
            data-underlying={node.row.underlying}
            aria-expanded={open}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${node.row.underlying}`}
            onClick={() => toggle(node.key)}
          >
            {open ? '▾' : '▸'}
          </button>{' '}
          {node.row.underlying}
          <UnpricedFlag positions={node.unpriced} count={node.row.unpriced} />
        </th>
        <FigureCells figures={rowFigures(node.row)} limits={limits} />
      </tr>
      {open ? (
        <>
          {node.shares.map((p) => (
            <PositionRow key={p.symbol} position={p} nav={nav} shortDated={false} depth={2} />
          ))}
          {node.expiries.map((e) => (
            <ExpiryRows
              key={e.key}
              node={e}
              underlying={node.row.underlying}
              nav={nav}
              shortDatedDays={shortDatedDays}
              expanded={expanded.has(e.key)}
              toggle={toggle}
            />
          ))}
        </>
      ) : null}
    </>
  );
}

export function GreeksSummaryPanel() {
  const greeks = useCockpit((s) => s.cockpit?.greeks);
  const positions = useCockpit((s) => s.cockpit?.positions);
  const limits = useCockpit((s) => s.cockpit?.risk.limits);
  const nav = useCockpit((s) => s.cockpit?.account.nav ?? 0);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());

  const tree = useMemo(() => (greeks ? buildGreeksTree(greeks, positions ?? [], limits ?? []) : []), [greeks, positions, limits]);
  const portfolioLimits = useMemo<CellLimits>(() => {
    const byId = new Map((limits ?? []).map((l) => [l.id, l]));
    return { main: (m) => byId.get(`portfolio.${m}`), short: (m) => byId.get(`short.${m}`) };
  }, [limits]);

  const toggle = (key: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const keys = allTreeKeys(tree);
  const allOpen = keys.length > 0 && keys.every((k) => expanded.has(k));

  return (
    <Panel title="Greeks" area="greeks" bodyClassName="flush">
      {!greeks ? (
        <Empty>Waiting for the engine…</Empty>
      ) : (
        <>
          <div className="table-scroll">
            <table className="grid-table greeks-table" data-testid="greeks-summary">
              <thead>
                <tr className="group-row">
                  <th scope="col" colSpan={1 + MAIN_COLUMNS} />
                  <th scope="colgroup" colSpan={SHORT.length} className="group-start short-head">
                    ≤ {greeks.shortDatedDays} d to expiry
                  </th>
                </tr>
                <tr>
                  <th scope="col">Underlying / expiry / contract</th>
                  {MAIN.map((c) => [
                    <th key={c.key} scope="col" className="num" title={c.title}>
                      {c.label}
                    </th>,
                    c.pct ? (
                      <th key={c.pct} scope="col" className="num pct-nav" title={`${c.title}, as a share of NAV`}>
                        %NAV
                      </th>
                    ) : null,
                  ])}
                  <th scope="col" className="num" title={`Beta against ${greeks.benchmark}`}>
                    β
                  </th>
                  {SHORT.map((c, i) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={`num short${i === 0 ? ' group-start' : ''}`}
                      title={`Options expiring within ${greeks.shortDatedDays} days`}
                    >
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {tree.map((node) => (
                  <UnderlyingRows
                    key={node.key}
                    node={node}
                    nav={nav}
                    shortDatedDays={greeks.shortDatedDays}
                    expanded={expanded}
                    toggle={toggle}
                  />
                ))}
              </tbody>
              <tfoot>
                <tr className="total-row" data-testid="greeks-portfolio">
                  <th scope="row">
                    Portfolio
                    <UnpricedFlag positions={(positions ?? []).filter((p) => p.pricingError !== null)} count={greeks.portfolio.unpriced} />
                  </th>
                  <FigureCells figures={rowFigures(greeks.portfolio)} limits={portfolioLimits} testPrefix="greeks-portfolio" />
                </tr>
              </tfoot>
            </table>
          </div>
          <div className="panel-foot greeks-foot">
            <span title={`Sum over underlyings of cash delta × beta, in ${greeks.benchmark} shares`}>
              β-weighted Δ{' '}
              <Num value={greeks.betaWeightedShares} decimals={1} testId="greeks-beta-weighted" className="strong" /> {greeks.benchmark} sh
              <span className="muted">
                {' '}
                (<Num value={greeks.portfolio.betaDeltaCash} decimals={0} /> $)
              </span>
            </span>
            <span className="muted">
              Colours: limit usage ≥ 80% amber, over 100% red · underlyings by tier exposure, total by the portfolio and short-dated caps
            </span>
            <button
              type="button"
              className="small"
              data-testid="greeks-expand-all"
              disabled={keys.length === 0}
              onClick={() => setExpanded(allOpen ? new Set() : new Set(keys))}
            >
              {allOpen ? 'Collapse all' : 'Expand all'}
            </button>
          </div>
        </>
      )}
    </Panel>
  );
}
