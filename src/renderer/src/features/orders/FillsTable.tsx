// Fills, newest first.
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../../stores/app-store.js';
import { fillsNewestFirst } from '../../stores/selectors.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatInstrument, formatNumber, formatQty, formatTime } from '../../lib/format.js';

export function FillsTable() {
  const fills = useCockpit(useShallow((s) => fillsNewestFirst(s.cockpit?.fills ?? [])));
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  return (
    <Panel title={`Fills (${fills.length})`} area="fills" bodyClassName="flush">
      <div className="table-scroll">
        <table className="grid-table" data-testid="fills-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Comm.
              </th>
            </tr>
          </thead>
          <tbody>
            {fills.map((f) => (
              <tr key={f.id} data-testid="fill-row" data-symbol={f.symbol} data-order-id={f.orderId}>
                <td className="muted">{formatTime(f.ts, timezone)}</td>
                <td className="sym" title={f.symbol}>
                  {formatInstrument(instruments?.[f.symbol], f.symbol)}
                </td>
                <td className={f.side === 'BUY' ? 'side-buy' : 'side-sell'}>{f.side}</td>
                <td className="num" data-value={f.qty}>
                  {formatQty(f.qty)}
                </td>
                <td className="num" data-value={f.price}>
                  {formatNumber(f.price, 2)}
                </td>
                <td className="num" data-value={f.commission}>
                  {formatNumber(f.commission, 2)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {fills.length === 0 ? <Empty>No fills.</Empty> : null}
      </div>
    </Panel>
  );
}
