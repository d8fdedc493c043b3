// The run's round-trip trades, virtualised (a long intraday run can have tens of thousands).
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { BacktestTrade } from '../../../../shared/backtest.js';
import { formatBarTime } from '../../../../shared/backtest.js';
import { Empty } from '../../components/Panel.js';
import { formatNumber, formatPercent, formatQty, pnlClass } from '../../lib/format.js';

const ROW_HEIGHT = 22;

export function TradesTable({ trades, intraday }: { trades: readonly BacktestTrade[]; intraday: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: trades.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const when = (t: number | null) => (t === null ? '' : formatBarTime(t, intraday));
  return (
    <div className="table-scroll" ref={scrollRef}>
      <table className="grid-table" data-testid="bt-trades">
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col" className="num">Qty</th>
            <th scope="col">Entry</th>
            <th scope="col" className="num">Price</th>
            <th scope="col">Exit</th>
            <th scope="col" className="num">Price</th>
            <th scope="col" className="num">P&amp;L</th>
            <th scope="col" className="num">Return</th>
            <th scope="col" className="num">Bars</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr className="spacer" aria-hidden="true" style={{ height: padTop }}>
              <td colSpan={9} />
            </tr>
          ) : null}
          {items.map((item) => {
            const t = trades[item.index]!;
            return (
              <tr key={item.index} data-testid="bt-trade-row" data-open={t.open} style={{ height: ROW_HEIGHT }}>
                <td className={t.side === 'LONG' ? 'side-buy' : 'side-sell'}>{t.side}</td>
                <td className="num">{formatQty(t.qty)}</td>
                <td className="muted">{when(t.entryTime)}</td>
                <td className="num">{formatNumber(t.entryPrice, 2)}</td>
                <td className="muted">{t.open ? 'open' : when(t.exitTime)}</td>
                <td className="num">{t.exitPrice === null ? '' : formatNumber(t.exitPrice, 2)}</td>
                <td className={`num ${pnlClass(t.pnl)}`} data-value={t.pnl}>
                  {formatNumber(t.pnl, 2)}
                </td>
                <td className={`num ${pnlClass(t.returnPct)}`}>{formatPercent(t.returnPct, 2)}</td>
                <td className="num">{t.bars}</td>
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr className="spacer" aria-hidden="true" style={{ height: padBottom }}>
              <td colSpan={9} />
            </tr>
          ) : null}
        </tbody>
      </table>
      {trades.length === 0 ? <Empty>No trades.</Empty> : null}
    </div>
  );
}
