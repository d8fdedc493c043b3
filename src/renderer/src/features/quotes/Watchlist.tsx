// Watchlist of underlyings (STOCK / ETF instruments): last, bid, ask, change vs previous close.
// Each row subscribes to its own quote, so a tick re-renders one row and flashes its last price.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../../stores/app-store.js';
import { changeFraction, underlyingSymbols } from '../../stores/selectors.js';
import { formatNumber, formatPercent, pnlClass, MISSING } from '../../lib/format.js';
import { Panel, Empty } from '../../components/Panel.js';

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

function useTickFlash(value: number | undefined) {
  const ref = useRef<HTMLTableCellElement>(null);
  const previous = useRef<number | undefined>(value);
  useEffect(() => {
    const before = previous.current;
    previous.current = value;
    const el = ref.current;
    if (!el || before === undefined || value === undefined || before === value || reducedMotion()) return;
    const color = value > before ? 'rgba(38, 166, 91, 0.35)' : 'rgba(229, 72, 77, 0.35)';
    el.animate([{ backgroundColor: color }, { backgroundColor: 'transparent' }], { duration: 450, easing: 'ease-out' });
  }, [value]);
  return ref;
}

function QuoteRow({ symbol }: { symbol: string }) {
  const quote = useCockpit((s) => s.cockpit?.quotes[symbol]);
  const flashRef = useTickFlash(quote?.last);
  const change = quote ? changeFraction(quote) : null;
  return (
    <tr data-testid={`quote-${symbol}`}>
      <th scope="row" className="sym">
        {symbol}
      </th>
      <td ref={flashRef} className="num" data-testid={`quote-${symbol}-last`} data-value={quote?.last ?? ''}>
        {quote ? formatNumber(quote.last, 2) : MISSING}
      </td>
      <td className="num">{quote ? formatNumber(quote.bid, 2) : MISSING}</td>
      <td className="num">{quote ? formatNumber(quote.ask, 2) : MISSING}</td>
      <td className={`num ${pnlClass(change)}`} data-value={change ?? ''}>
        {formatPercent(change, 2, true)}
      </td>
    </tr>
  );
}

export function Watchlist() {
  const symbols = useCockpit(useShallow((s) => underlyingSymbols(s.cockpit)));
  return (
    <Panel title="Watchlist" area="quotes" bodyClassName="flush">
      {symbols.length === 0 ? (
        <Empty>No underlyings known yet.</Empty>
      ) : (
        <table className="grid-table" data-testid="watchlist">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col" className="num">
                Last
              </th>
              <th scope="col" className="num">
                Bid
              </th>
              <th scope="col" className="num">
                Ask
              </th>
              <th scope="col" className="num" title="Change vs previous close">
                Chg
              </th>
            </tr>
          </thead>
          <tbody>
            {symbols.map((s) => (
              <QuoteRow key={s} symbol={s} />
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
