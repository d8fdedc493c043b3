// The log of what the hedge flow did and why: plans, approvals (the trader's or the policy's),
// rejections and automatic hedges, newest first. `refreshKey` changes after the trader acts.
import type { HedgeLogEntry } from '../../../../shared/hedge.js';
import { useEngineQuery } from '../../api/call.js';
import { Empty, Panel } from '../../components/Panel.js';
import { formatTime } from '../../lib/format.js';
import { actorLabel, isPolicyActor, logMessage } from './hedge-view.js';

const LOG_POLL_MS = 2_000;
const LOG_LIMIT = 100;

export function LogPanel({ timezone, refreshKey }: { timezone: string; refreshKey: number }) {
  const query = useEngineQuery('hedge.log', { limit: LOG_LIMIT }, { intervalMs: LOG_POLL_MS, timeoutMs: 10_000, refreshKey });
  const entries: readonly HedgeLogEntry[] = query.data ?? [];
  return (
    <Panel title="Hedge log" area="hedge-log" bodyClassName="flush">
      {query.error && !query.data ? (
        <p className="panel-error">
          <span className="mono">{query.error.code}</span> {query.error.message}
        </p>
      ) : null}
      {query.data && entries.length === 0 ? <Empty>Nothing yet: plans, approvals, rejections and automatic hedges are listed here.</Empty> : null}
      {entries.length > 0 ? (
        <div className="table-scroll">
          <table className="grid-table hedge-log" data-testid="hedge-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Underlying</th>
                <th scope="col">What and why</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, i) => (
                <tr key={`${entry.ts}-${i}`} data-testid="hedge-log-entry" data-actor={entry.actor} data-action={entry.action} data-run-id={entry.runId ?? ''}>
                  <td className="mono">{formatTime(entry.ts, timezone, true)}</td>
                  <td>{isPolicyActor(entry.actor) ? <span className="tag tag-auto">{actorLabel(entry.actor)}</span> : actorLabel(entry.actor)}</td>
                  <td>{entry.action}</td>
                  <td>{entry.underlying ?? ''}</td>
                  <td className="hedge-wrap" data-testid="hedge-log-message">
                    {logMessage(entry)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
