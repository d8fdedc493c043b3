// Orders (working first, then most recent) with a cancel button on working ones.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Order } from '../../../../shared/domain.js';
import { actions } from '../../api/runtime.js';
import { useCockpit } from '../../stores/app-store.js';
import { isWorkingOrder, ordersForDisplay } from '../../stores/selectors.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatInstrument, formatNumber, formatQty, formatTime, MISSING } from '../../lib/format.js';

function CancelButton({ order }: { order: Order }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="small"
      data-testid="order-cancel"
      disabled={busy}
      aria-label={`Cancel order ${order.side} ${order.qty} ${order.symbol}`}
      onClick={async () => {
        setBusy(true);
        try {
          await actions.cancelOrder(order.id);
        } finally {
          setBusy(false);
        }
      }}
    >
      Cancel
    </button>
  );
}

export function OrdersTable() {
  const orders = useCockpit(useShallow((s) => ordersForDisplay(s.cockpit?.orders ?? [])));
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  return (
    <Panel title={`Orders (${orders.length})`} area="orders" bodyClassName="flush">
      <div className="table-scroll">
        <table className="grid-table" data-testid="orders-table">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Filled
              </th>
              <th scope="col" className="num">
                Avg fill
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
              <th scope="col">Updated</th>
              <th scope="col">Mode</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-testid="order-row" data-order-id={o.id} data-status={o.status} title={o.statusReason ?? undefined}>
                <td className="sym" title={o.symbol}>
                  {formatInstrument(instruments?.[o.symbol], o.symbol)}
                </td>
                <td className={o.side === 'BUY' ? 'side-buy' : 'side-sell'}>{o.side}</td>
                <td className="num">{formatQty(o.qty)}</td>
                <td>{o.orderType === 'LIMIT' ? `LMT ${formatNumber(o.limitPrice, 2)}` : 'MKT'}</td>
                <td>
                  <span className={`status status-${o.status}`}>{o.status.replace(/_/g, ' ')}</span>
                </td>
                <td className="num" data-col="filledQty" data-value={o.filledQty}>
                  {formatQty(o.filledQty)}
                </td>
                <td className="num" data-col="avgFillPrice" data-value={o.avgFillPrice ?? ''}>
                  {o.avgFillPrice === null ? MISSING : formatNumber(o.avgFillPrice, 2)}
                </td>
                <td>{isWorkingOrder(o) ? <CancelButton order={o} /> : null}</td>
                <td className="muted">{formatTime(o.updatedAt, timezone)}</td>
                <td className="muted">{o.mode}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {orders.length === 0 ? <Empty>No orders.</Empty> : null}
      </div>
    </Panel>
  );
}
