// The account's trading state with its circuit breakers (daily loss, drawdown) and the way back
// to ACTIVE, then one gauge per limit: how much of it the book uses, breached ones first.
import { useState } from 'react';
import type { LimitUsage } from '../../../../shared/risk.js';
import { actions } from '../../api/actions.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { Panel, Empty } from '../../components/Panel.js';
import { Num } from '../../components/Num.js';
import { formatNumber, formatPercent, formatTime } from '../../lib/format.js';
import { formatLimitValue, gaugeFillPct, sortLimitsForGauges } from '../../lib/risk-view.js';

const GROUP_LABEL: Record<LimitUsage['group'], string> = {
  portfolio: 'portfolio',
  'short-dated': 'short-dated',
  loss: 'loss',
  account: 'account',
  tier: 'tier',
};

function LossLine({ label, limit, testId }: { label: string; limit: LimitUsage | undefined; testId: string }) {
  if (!limit) return null;
  return (
    <div className={`loss-line usage-${limit.level}`} data-testid={testId} data-value={limit.value} data-limit={limit.limit}>
      <span className="loss-label">{label}</span>
      <span className="num">{formatPercent(limit.value, 2)}</span>
      <span className="muted">of</span>
      <span className="num">{formatPercent(limit.limit, 1)}</span>
      <span className="gauge-bar small" aria-hidden="true">
        <span className={`gauge-fill level-${limit.level}`} style={{ width: `${gaugeFillPct(limit.usage)}%` }} />
      </span>
    </div>
  );
}

function CircuitBreaker() {
  const account = useCockpit((s) => s.cockpit?.risk.account);
  const limits = useCockpit((s) => s.cockpit?.risk.limits);
  const nav = useCockpit((s) => s.cockpit?.account.nav);
  const mode = useCockpit((s) => s.cockpit?.mode);
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const ready = useCockpit(isReady);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!account) return null;

  const daily = limits?.find((l) => l.id === 'loss.daily');
  const drawdown = limits?.find((l) => l.id === 'loss.drawdown');
  const reset = async () => {
    setBusy(true);
    try {
      const result = await actions.resetTradingState();
      if (result.ok) setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`circuit-breaker state-${account.state}`} data-testid="circuit-breaker" data-state={account.state}>
      <div className="cb-head">
        <span className="stat-label">Trading state</span>
        <span className={`trading-state state-${account.state}`}>{account.state}</span>
        {account.since !== null ? <span className="muted">since {formatTime(account.since, timezone, true)}</span> : null}
      </div>
      {account.reason ? (
        <p className="cb-reason" data-testid="trading-state-reason">
          {account.reason}
        </p>
      ) : (
        <p className="cb-reason muted">Orders pass the risk gate normally. The loss breakers set REDUCING; the kill switch sets HALTED.</p>
      )}
      <LossLine label="Daily loss" limit={daily} testId="cb-daily-loss" />
      <LossLine label="Drawdown" limit={drawdown} testId="cb-drawdown" />
      <div className="cb-bases muted">
        Loss base NAV <Num value={account.lossBaseNav} decimals={0} /> · peak NAV <Num value={account.peakNav} decimals={0} />
      </div>
      {account.state !== 'ACTIVE' ? (
        confirming ? (
          <div className="cb-confirm" role="alertdialog" aria-label="Confirm reset">
            <p>
              Reset to ACTIVE? The daily-loss and drawdown limits re-arm from the current NAV ({formatNumber(nav, 2)}): losses so far no
              longer count toward them.
              {mode === 'OFF' ? ' The trading mode stays OFF — switch it to DRY_RUN or REAL in the header to trade.' : ''}
            </p>
            <div className="dialog-buttons">
              <button type="button" data-testid="risk-reset-cancel" onClick={() => setConfirming(false)} disabled={busy}>
                Cancel
              </button>
              <button type="button" className="danger" data-testid="risk-reset-confirm" onClick={() => void reset()} disabled={busy || !ready}>
                {busy ? 'Resetting…' : 'Reset to ACTIVE'}
              </button>
            </div>
          </div>
        ) : (
          <div className="cb-actions">
            <button type="button" className="primary" data-testid="risk-reset" disabled={!ready} onClick={() => setConfirming(true)}>
              Reset to ACTIVE…
            </button>
            <span className="muted">Re-arms the loss limits from the current NAV.</span>
          </div>
        )
      ) : null}
    </div>
  );
}

function Gauge({ limit }: { limit: LimitUsage }) {
  return (
    <li
      className={`gauge level-${limit.level}`}
      data-testid="limit-gauge"
      data-id={limit.id}
      data-level={limit.level}
      data-usage={limit.usage}
      title={`${limit.label}: ${formatLimitValue(limit.value, limit.unit)} of ${formatLimitValue(limit.limit, limit.unit)}`}
    >
      <div className="gauge-label">
        <span className="gauge-name">{limit.label}</span>
        <span className="tag">{GROUP_LABEL[limit.group]}</span>
        <span className={`gauge-usage num usage-${limit.level}`}>{limit.usage >= 999 ? '∞' : formatPercent(limit.usage, 0)}</span>
      </div>
      <div className="gauge-row">
        <span className="gauge-bar" aria-hidden="true">
          <span className={`gauge-fill level-${limit.level}`} style={{ width: `${gaugeFillPct(limit.usage)}%` }} />
          <span className="gauge-amber-mark" />
        </span>
        <span className="gauge-figures num muted">
          {formatLimitValue(limit.value, limit.unit)} / {formatLimitValue(limit.limit, limit.unit)}
        </span>
      </div>
    </li>
  );
}

export function LimitGaugesPanel() {
  const limits = useCockpit((s) => s.cockpit?.risk.limits);
  const sorted = limits ? sortLimitsForGauges(limits) : [];
  const breached = sorted.filter((l) => l.level === 'red').length;
  return (
    <Panel title={`Limits${breached > 0 ? ` — ${breached} breached` : ''}`} area="limits" bodyClassName="flush">
      <div className="limits-body" data-testid="limit-gauges" data-breached={breached}>
        <CircuitBreaker />
        {sorted.length === 0 ? (
          <Empty>No limit usage from the engine yet.</Empty>
        ) : (
          <ol className="gauges">
            {sorted.map((l) => (
              <Gauge key={l.id} limit={l} />
            ))}
          </ol>
        )}
      </div>
    </Panel>
  );
}
