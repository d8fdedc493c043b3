// "New ticket": a manual order intent. It becomes a ticket with pre-trade checks; nothing
// is sent to a market until the ticket is approved. While the trader types, a valid intent is
// previewed (debounced, latest answer wins): the gate's verdict and the what-if Greeks.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { OrderIntent } from '../../../../shared/domain.js';
import type { GateVerdict } from '../../../../shared/risk.js';
import type { Result } from '../../../../shared/api/result.js';
import { actions } from '../../api/actions.js';
import { callEngine } from '../../api/call.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { knownSymbols } from '../../stores/selectors.js';
import { createDebouncedLatest } from '../../lib/async.js';
import { fieldsFor, ORDER_TYPE_LABEL, parseTicketForm, type TicketFormValues } from '../../lib/ticket-form.js';
import { OrderType, TimeInForce } from '../../../../shared/domain.js';
import { updateTicketDraft, useDraftIntent, useTicketDraft } from '../../stores/ticket-draft.js';
import { TicketPreview, type PreviewState } from './TicketPreview.js';

export const PREVIEW_DEBOUNCE_MS = 250;

/** Previews the draft intent again whenever it, the mode, the trading state or the book changes. */
function useTicketPreview(intent: OrderIntent | null): PreviewState {
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const mode = useCockpit((s) => s.cockpit?.mode);
  const tradingState = useCockpit((s) => s.cockpit?.risk.account.state);
  const positions = useCockpit((s) => s.cockpit?.positions.length);
  const fills = useCockpit((s) => s.cockpit?.fills.length);
  const ready = useCockpit(isReady);
  const previewer = useMemo(
    () =>
      createDebouncedLatest<OrderIntent, Result<GateVerdict>>({
        delayMs: PREVIEW_DEBOUNCE_MS,
        run: (intent) => callEngine('ticket.preview', { intent }),
        onResult: (result, i) =>
          setPreview(result.ok ? { status: 'done', intent: i, verdict: result.value } : { status: 'error', intent: i, error: result.error }),
      }),
    [],
  );
  useEffect(() => () => previewer.cancel(), [previewer]);
  useEffect(() => {
    if (!intent || !ready) {
      previewer.cancel();
      setPreview({ status: 'idle' });
      return;
    }
    setPreview((p) => ({ status: 'checking', intent, last: p.status === 'done' ? p.verdict : p.status === 'checking' ? p.last : null }));
    previewer.schedule(intent);
  }, [intent, ready, mode, tradingState, positions, fills, previewer]);
  return preview;
}

export function TicketForm() {
  const listId = useId();
  const symbols = useCockpit(useShallow((s) => knownSymbols(s.cockpit)));
  const ready = useCockpit(isReady);
  const values = useTicketDraft();
  const draftIntent = useDraftIntent();
  const preview = useTicketPreview(draftIntent);
  const [error, setError] = useState<{ field: keyof TicketFormValues; message: string } | null>(null);
  const [sending, setSending] = useState(false);

  const set = <K extends keyof TicketFormValues>(key: K, value: TicketFormValues[K]) => {
    updateTicketDraft({ [key]: value } as Partial<TicketFormValues>);
    if (error?.field === key) setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTicketForm(values, symbols);
    if (!parsed.ok) {
      setError({ field: parsed.field, message: parsed.message });
      return;
    }
    setError(null);
    setSending(true);
    try {
      const result = await actions.createTicket(parsed.intent);
      if (result.ok) updateTicketDraft({ qty: '', limitPrice: '', stopPrice: '' });
    } finally {
      setSending(false);
    }
  };

  const shown = fieldsFor(values.orderType);
  return (
    <form className="ticket-form" data-testid="ticket-form" onSubmit={(e) => void submit(e)} noValidate>
      <label className="field field-symbol">
        <span>Symbol</span>
        <input
          data-testid="ticket-symbol"
          list={listId}
          value={values.symbol}
          onChange={(e) => set('symbol', e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error?.field === 'symbol'}
          placeholder="AAPL"
        />
        <datalist id={listId}>
          {symbols.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Side</span>
        <select data-testid="ticket-side" value={values.side} onChange={(e) => set('side', e.target.value as TicketFormValues['side'])}>
          <option value="BUY">BUY</option>
          <option value="SELL">SELL</option>
        </select>
      </label>
      <label className="field field-qty">
        <span>Qty</span>
        <input
          data-testid="ticket-qty"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={values.qty}
          onChange={(e) => set('qty', e.target.value)}
          aria-invalid={error?.field === 'qty'}
        />
      </label>
      <label className="field">
        <span>Type</span>
        <select
          data-testid="ticket-type"
          value={values.orderType}
          onChange={(e) => set('orderType', e.target.value as TicketFormValues['orderType'])}
        >
          {OrderType.options.map((t) => (
            <option key={t} value={t}>
              {ORDER_TYPE_LABEL[t]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Time in force</span>
        <select
          data-testid="ticket-tif"
          value={values.tif}
          onChange={(e) => set('tif', e.target.value as TicketFormValues['tif'])}
          aria-invalid={error?.field === 'tif'}
          title="DAY: expires at the session's end · GTC: until filled or cancelled · IOC: fill now, cancel the rest"
        >
          {TimeInForce.options.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {shown.stop ? (
        <label className="field field-stop">
          <span>Stop</span>
          <input
            data-testid="ticket-stop"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={values.stopPrice}
            onChange={(e) => set('stopPrice', e.target.value)}
            aria-invalid={error?.field === 'stopPrice'}
            placeholder="0.00"
          />
        </label>
      ) : null}
      {shown.limit ? (
        <label className="field field-limit">
          <span>Limit</span>
          <input
            data-testid="ticket-limit"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={values.limitPrice}
            onChange={(e) => set('limitPrice', e.target.value)}
            aria-invalid={error?.field === 'limitPrice'}
            placeholder="0.00"
          />
        </label>
      ) : null}
      {shown.outsideRth ? (
        <label className="field field-check" title="Let this limit order trade in the US pre-market and after-hours sessions">
          <span>Outside RTH</span>
          <input
            data-testid="ticket-outside-rth"
            type="checkbox"
            checked={values.outsideRth}
            onChange={(e) => set('outsideRth', e.target.checked)}
          />
        </label>
      ) : null}
      <button type="submit" className="primary" data-testid="ticket-submit" disabled={sending || !ready}>
        {sending ? 'Checking…' : 'Create ticket'}
      </button>
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <TicketPreview preview={preview} />
    </form>
  );
}
