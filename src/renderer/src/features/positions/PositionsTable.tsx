// Positions: TanStack Table (stable row id = symbol, sortable) over a virtualised body with a
// fixed row height, so a 10k-line book scrolls as smoothly as a ten-line one.
import { useMemo, useRef, useState } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PositionView } from '../../../../shared/domain.js';
import { useCockpit } from '../../stores/app-store.js';
import { formatInstrument, formatNumber, formatQty, compareInstruments, pnlClass } from '../../lib/format.js';
import { Panel, Empty } from '../../components/Panel.js';

export const POSITION_ROW_HEIGHT = 22;

const col = createColumnHelper<PositionView>();

interface NumericMeta {
  numeric?: boolean;
  pnl?: boolean;
  decimals?: number;
  qty?: boolean;
  title?: string;
}

const columns = [
  col.accessor((p) => p.instrument, {
    id: 'symbol',
    sortingFn: (a, b) => compareInstruments(a.original.instrument, b.original.instrument),
    header: 'Symbol',
    cell: (c) => formatInstrument(c.row.original.instrument, c.row.original.symbol),
  }),
  col.accessor((p) => p.instrument.kind, { id: 'kind', header: 'Type' }),
  col.accessor('qty', { id: 'qty', header: 'Qty', meta: { numeric: true, qty: true } satisfies NumericMeta }),
  col.accessor('avgPrice', { id: 'avgPrice', header: 'Avg', meta: { numeric: true, decimals: 2 } satisfies NumericMeta }),
  col.accessor('last', {
    id: 'last',
    header: 'Last',
    sortUndefined: 'last',
    meta: { numeric: true, decimals: 2 } satisfies NumericMeta,
  }),
  col.accessor('marketValue', { id: 'marketValue', header: 'Mkt value', meta: { numeric: true, decimals: 2 } satisfies NumericMeta }),
  col.accessor('unrealizedPnl', {
    id: 'unrealizedPnl',
    header: 'Unreal P&L',
    meta: { numeric: true, decimals: 2, pnl: true } satisfies NumericMeta,
  }),
  col.accessor((p) => p.greeks.deltaShares, {
    id: 'delta',
    header: 'Δ sh',
    meta: { numeric: true, decimals: 1, title: 'Delta in underlying shares' } satisfies NumericMeta,
  }),
  col.accessor((p) => p.greeks.gammaCash1Pct, {
    id: 'gamma',
    header: 'Γ $/1%',
    meta: { numeric: true, decimals: 0, title: 'Change of cash delta for a 1% move in the underlying' } satisfies NumericMeta,
  }),
  col.accessor((p) => p.greeks.vegaCashPerPoint, {
    id: 'vega',
    header: 'V $/pt',
    meta: { numeric: true, decimals: 0, pnl: true, title: 'P&L for a one-vol-point rise in implied volatility' } satisfies NumericMeta,
  }),
  col.accessor((p) => p.greeks.thetaCashPerDay, {
    id: 'theta',
    header: 'Θ $/d',
    meta: { numeric: true, decimals: 0, pnl: true, title: 'P&L per calendar day from time decay' } satisfies NumericMeta,
  }),
];

function renderValue(value: unknown, meta: NumericMeta | undefined): string {
  if (!meta?.numeric) return String(value ?? '');
  const n = value as number | null;
  return meta.qty ? formatQty(n) : formatNumber(n, meta.decimals ?? 2);
}

export function PositionsTable() {
  const positions = useCockpit((s) => s.cockpit?.positions);
  const data = useMemo(() => positions ?? [], [positions]);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'symbol', desc: false }]);

  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (p) => p.symbol,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => POSITION_ROW_HEIGHT,
    overscan: 20,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <Panel title={`Positions (${data.length})`} area="positions" bodyClassName="flush">
      <div className="table-scroll" ref={scrollRef}>
        <table className="grid-table" data-testid="positions-table">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta as NumericMeta | undefined;
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={meta?.numeric ? 'num' : undefined}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                      title={meta?.title}
                    >
                      <button type="button" className="sort-btn" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span className="sort-mark" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr className="spacer" aria-hidden="true" style={{ height: padTop }}>
                <td colSpan={columns.length} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <tr key={row.id} data-testid="position-row" data-symbol={row.original.symbol} style={{ height: POSITION_ROW_HEIGHT }}>
                  {row.getVisibleCells().map((cell) => {
                    const meta = cell.column.columnDef.meta as NumericMeta | undefined;
                    const value = cell.getValue();
                    if (cell.column.id === 'symbol' || cell.column.id === 'kind') {
                      return (
                        <td key={cell.id} data-col={cell.column.id} className={cell.column.id === 'symbol' ? 'sym' : 'muted'}>
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </td>
                      );
                    }
                    return (
                      <td
                        key={cell.id}
                        data-col={cell.column.id}
                        data-value={typeof value === 'number' ? value : ''}
                        className={`num ${meta?.pnl ? pnlClass(value as number) : ''}`}
                      >
                        {renderValue(value, meta)}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr className="spacer" aria-hidden="true" style={{ height: padBottom }}>
                <td colSpan={columns.length} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {data.length === 0 ? <Empty>No positions.</Empty> : null}
      </div>
    </Panel>
  );
}
