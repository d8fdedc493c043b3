// The account's trading state (ACTIVE / REDUCING / HALTED), always in the header, with the count
// of limits over their cap beside it. Either one opens the Risk page, where the state is reset.
import { useCockpit } from '../../stores/app-store.js';
import { showPage } from '../../stores/navigation.js';
import { formatTime } from '../../lib/format.js';

const STATE_HELP = {
  ACTIVE: 'ACTIVE: orders pass the risk gate normally.',
  REDUCING: 'REDUCING: a loss limit tripped; only risk-reducing orders pass.',
  HALTED: 'HALTED: no order passes until the account is reset on the Risk page.',
} as const;

export function TradingStateBadge() {
  const account = useCockpit((s) => s.cockpit?.risk.account);
  const breached = useCockpit((s) => s.cockpit?.risk.limits.filter((l) => l.level === 'red').length ?? 0);
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  if (!account) {
    return (
      <div className="stat">
        <span className="stat-label">Trading</span>
        <span className="stat-value">—</span>
      </div>
    );
  }
  const since = account.since !== null ? ` (since ${formatTime(account.since, timezone, true)})` : '';
  const title = account.reason ? `${account.state}${since}: ${account.reason}` : STATE_HELP[account.state];
  return (
    <div className="stat">
      <span className="stat-label">Trading</span>
      <span className="stat-value trading-state-value">
        <button
          type="button"
          className={`trading-state state-${account.state}`}
          data-testid="trading-state"
          data-value={account.state}
          title={`${title} — click for the Risk page`}
          onClick={() => showPage('risk')}
        >
          {account.state}
        </button>
        {breached > 0 ? (
          <button
            type="button"
            className="limits-breached"
            data-testid="limits-breached"
            data-value={breached}
            title={`${breached} risk limit${breached === 1 ? ' is' : 's are'} over the cap — click for the limit gauges`}
            onClick={() => showPage('risk')}
          >
            ⚠ {breached}
          </button>
        ) : null}
      </span>
    </div>
  );
}
