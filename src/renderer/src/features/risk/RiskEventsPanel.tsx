// Risk events, newest first, coloured by severity.
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../../stores/app-store.js';
import { riskEventsNewestFirst } from '../../stores/selectors.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatTime } from '../../lib/format.js';

export function RiskEventsPanel() {
  const events = useCockpit(useShallow((s) => riskEventsNewestFirst(s.cockpit?.riskEvents ?? [])));
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  return (
    <Panel title={`Risk events (${events.length})`} area="risk" bodyClassName="flush">
      <ol className="feed" data-testid="risk-events">
        {events.map((e) => (
          <li
            key={e.id}
            className={`feed-item sev-${e.severity}`}
            data-testid="risk-event"
            data-code={e.code}
            data-severity={e.severity}
          >
            <div className="feed-meta">
              <time dateTime={new Date(e.ts).toISOString()}>{formatTime(e.ts, timezone)}</time>
              <span className={`sev-badge sev-${e.severity}`}>{e.severity}</span>
              <span className="feed-code">{e.code}</span>
              {e.symbol ? <span className="sym">{e.symbol}</span> : null}
            </div>
            <div className="feed-msg">{e.message}</div>
          </li>
        ))}
      </ol>
      {events.length === 0 ? <Empty>No risk events.</Empty> : null}
    </Panel>
  );
}
