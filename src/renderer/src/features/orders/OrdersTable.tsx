// The orders blotter: working orders (cancel, inline modify with a confirm) above done ones.
// Clicking an order opens its event history from the journal (`order.events`), refreshed
// whenever the order changes.
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { orderEventLabel, type Order, type OrderEvent } from '../../../../shared/domain.js';
import { actions, describeOrderPrices } from '../../api/actions.js';
import { callEngine } from '../../api/call.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { isWorkingOrder, ordersForDisplay } from '../../stores/selectors.js';
import { ENGINE_UNREACHABLE } from '../../lib/engine-link.js';
import { Panel, Empty } from '../../components/Panel.js';
import { formatInstrument, formatNumber, formatQty, formatTime, MISSING } from '../../lib/format.js';
import { initialModifyValues, modifyFieldsFor, parseModify, type ModifyValues } from './order-modify.js';

const COLUMNS = 10;

function CancelButton({ order, onDone }: { order: Order; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const reachable = useCockpit(isReady);
  return (
    <button
      type="button"
      className="small"
      data-testid="order-cancel"
      disabled={busy || !reachable}
      title={reachable ? undefined : ENGINE_UNREACHABLE}
      aria-label={`Cancel order ${order.side} ${order.qty} ${order.symbol}`}
      onClick={async (e) => {
        e.stopPropagation();
        setBusy(true);
        try {
          await actions.cancelOrder(order.id);
        } finally {
          setBusy(false);
          onDone();
        }
      }}
    >
      Cancel
    </button>
  );
}

/** The inline editor under a working order: new qty / limit / stop, a summary of the change, and Confirm. */
function ModifyRow({ order, onClose, onDone }: { order: Order; onClose: () => void; onDone: () => void }) {
  const [values, setValues] = useState<ModifyValues>(() => initialModifyValues(order));
  const [busy, setBusy] = useState(false);
  const reachable = useCockpit(isReady);
  const fields = modifyFieldsFor(order);
  const parsed = parseModify(order, values);
  const set = (key: keyof ModifyValues, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const confirm = async () => {
    if (!parsed.ok) return;
    setBusy(true);
    try {
      const result = await actions.modifyOrder(order.id, parsed.change);
      if (result.ok) onClose();
    } finally {
      setBusy(false);
      onDone();
    }
  };
  const input = (key: keyof ModifyValues, label: string, testId: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={testId}
        type="number"
        step="any"
        min={0}
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        aria-invalid={!parsed.ok && parsed.field === key}
      />
    </label>
  );
  return (
    <tr className="order-modify" data-testid="order-modify" data-order-id={order.id}>
      <td colSpan={COLUMNS}>
        <form
          className="order-modify-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
          noValidate
        >
          {input('qty', 'Qty', 'order-modify-qty')}
          {fields.limit ? input('limitPrice', 'Limit', 'order-modify-limit') : null}
          {fields.stop ? input('stopPrice', 'Stop', 'order-modify-stop') : null}
          <span className="order-modify-summary" data-testid="order-modify-summary" role={parsed.ok ? undefined : 'status'}>
            {parsed.ok ? `Change ${parsed.summary}?` : parsed.message}
          </span>
          <button type="submit" className="small primary" data-testid="order-modify-confirm" disabled={busy || !parsed.ok || !reachable} title={reachable ? undefined : ENGINE_UNREACHABLE}>
            {busy ? 'Checking…' : 'Confirm modify'}
          </button>
          <button type="button" className="small" data-testid="order-modify-close" onClick={onClose}>
            Keep as is
          </button>
        </form>
      </td>
    </tr>
  );
}

type HistoryState = { status: 'loading' } | { status: 'done'; events: OrderEvent[] } | { status: 'error'; message: string };

/** The selected order's journal. Refetches when the order changes or after an action on it. */
function OrderHistory({ order, version, timezone, onClose }: { order: Order; version: number; timezone: string; onClose: () => void }) {
  const [history, setHistory] = useState<HistoryState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    void callEngine('order.events', { orderId: order.id }).then((result) => {
      if (!live) return;
      setHistory(result.ok ? { status: 'done', events: result.value } : { status: 'error', message: result.error.message });
    });
    return () => {
      live = false;
    };
  }, [order.id, order.updatedAt, order.status, order.qty, order.limitPrice, order.stopPrice, version]);
  return (
    <aside className="order-history" data-testid="order-history" data-order-id={order.id} aria-label={`History of order ${order.id}`}>
      <header>
        <h3>
          {order.side} {formatQty(order.qty)} {order.symbol} {describeOrderPrices(order)} {order.tif}
          {order.outsideRth ? ' +ext hours' : ''} — {order.id}
        </h3>
        <button type="button" className="small" data-testid="order-history-close" onClick={onClose}>
          Close
        </button>
      </header>
      {history.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {history.status === 'error' ? <p className="form-error">{history.message}</p> : null}
      {history.status === 'done' ? (
        <ol data-testid="order-events">
          {history.events.map((e) => {
            const label = orderEventLabel(e);
            // "modify requested: limit 1 → 2" under the label "modify requested": show the rest only.
            const detail = e.detail?.startsWith(`${label}: `) ? e.detail.slice(label.length + 2) : e.detail;
            return (
              <li key={e.seq} data-testid="order-event" data-label={label}>
                <span className="muted">{formatTime(e.ts, timezone)}</span> <span className="order-event-label">{label}</span>
                {detail ? <span className="order-event-detail"> — {detail}</span> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </aside>
  );
}

function OrderRows({
  orders,
  selectedId,
  modifyingId,
  onSelect,
  onModify,
  onActionDone,
}: {
  orders: Order[];
  selectedId: string | null;
  modifyingId: string | null;
  onSelect: (id: string) => void;
  onModify: (id: string | null) => void;
  onActionDone: () => void;
}) {
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const instruments = useCockpit((s) => s.cockpit?.instruments);
  return (
    <>
      {orders.map((o) => {
        const working = isWorkingOrder(o);
        return (
          <Fragment key={o.id}>
            <tr
              className="order-row"
              data-testid="order-row"
              data-order-id={o.id}
              data-status={o.status}
              aria-selected={selectedId === o.id}
              title={o.statusReason ?? undefined}
              onClick={() => onSelect(o.id)}
            >
              <td className="sym" title={o.symbol}>
                {formatInstrument(instruments?.[o.symbol], o.symbol)}
              </td>
              <td className={o.side === 'BUY' ? 'side-buy' : 'side-sell'}>{o.side}</td>
              <td className="num" data-testid="order-qty" data-value={o.qty}>
                {formatQty(o.qty)}
              </td>
              <td data-testid="order-type" data-value={o.orderType} data-limit={o.limitPrice ?? ''} data-stop={o.stopPrice ?? ''}>
                {describeOrderPrices(o)}
              </td>
              <td data-testid="order-tif" data-value={o.tif} data-outside-rth={o.outsideRth}>
                {o.tif}
                {o.outsideRth ? ' +ext' : ''}
              </td>
              <td>
                <span className={`status status-${o.status}`}>{o.status.replace(/_/g, ' ')}</span>
                {o.queuedUntil !== undefined ? (
                  <span
                    className="tag tag-warn"
                    data-testid="order-queued"
                    title={`Waiting for the broker's order-rate limit; it goes out at about ${new Date(o.queuedUntil).toLocaleTimeString()}`}
                  >
                    queued (rate limit)
                  </span>
                ) : null}
              </td>
              <td className="num" data-col="filledQty" data-value={o.filledQty}>
                {formatQty(o.filledQty)}
              </td>
              <td className="num" data-col="avgFillPrice" data-value={o.avgFillPrice ?? ''}>
                {o.avgFillPrice === null ? MISSING : formatNumber(o.avgFillPrice, 2)}
              </td>
              <td>
                {working ? (
                  <span className="order-actions">
                    <button
                      type="button"
                      className="small"
                      data-testid="order-modify-open"
                      aria-expanded={modifyingId === o.id}
                      onClick={(e) => {
                        e.stopPropagation();
                        onModify(modifyingId === o.id ? null : o.id);
                      }}
                    >
                      Modify
                    </button>
                    <CancelButton order={o} onDone={onActionDone} />
                  </span>
                ) : null}
              </td>
              <td className="muted">
                {formatTime(o.updatedAt, timezone)} · {o.mode}
              </td>
            </tr>
            {working && modifyingId === o.id ? <ModifyRow order={o} onClose={() => onModify(null)} onDone={onActionDone} /> : null}
          </Fragment>
        );
      })}
    </>
  );
}

function OrdersGrid({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <table className="grid-table" data-testid={testId} aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col">Side</th>
          <th scope="col" className="num">
            Qty
          </th>
          <th scope="col">Type</th>
          <th scope="col">TIF</th>
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
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function OrdersTable() {
  const orders = useCockpit(useShallow((s) => ordersForDisplay(s.cockpit?.orders ?? [])));
  const timezone = useCockpit((s) => s.cockpit?.clock.timezone ?? 'UTC');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [modifyingId, setModifyingId] = useState<string | null>(null);
  // Bumped after every action so the history refetches even when the order itself did not change.
  const [version, setVersion] = useState(0);
  const working = orders.filter(isWorkingOrder);
  const done = orders.filter((o) => !isWorkingOrder(o));
  const selected = orders.find((o) => o.id === selectedId) ?? null;
  const rows = (list: Order[]) => (
    <OrderRows
      orders={list}
      selectedId={selectedId}
      modifyingId={modifyingId}
      onSelect={(id) => setSelectedId((current) => (current === id ? null : id))}
      onModify={setModifyingId}
      onActionDone={() => setVersion((v) => v + 1)}
    />
  );
  return (
    <Panel title={`Orders (${working.length} working, ${done.length} done)`} area="orders" bodyClassName="flush">
      <div className="table-scroll" data-testid="orders-table">
        <h3 className="orders-section-title">Working ({working.length})</h3>
        <OrdersGrid label="Working orders" testId="orders-working">
          {rows(working)}
        </OrdersGrid>
        {working.length === 0 ? <Empty>No working orders.</Empty> : null}
        <h3 className="orders-section-title">Done ({done.length})</h3>
        <OrdersGrid label="Done orders" testId="orders-done">
          {rows(done)}
        </OrdersGrid>
        {done.length === 0 ? <Empty>No orders done yet.</Empty> : null}
        {selected ? <OrderHistory order={selected} version={version} timezone={timezone} onClose={() => setSelectedId(null)} /> : null}
      </div>
    </Panel>
  );
}
