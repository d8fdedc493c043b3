// "New ticket": a manual order intent. It becomes a ticket with pre-trade checks; nothing
// is sent to a market until the ticket is approved.
import { useId, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { actions } from '../../api/runtime.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { knownSymbols } from '../../stores/selectors.js';
import { EMPTY_TICKET_FORM, parseTicketForm, type TicketFormValues } from './ticket-form.js';

export function TicketForm() {
  const listId = useId();
  const symbols = useCockpit(useShallow((s) => knownSymbols(s.cockpit)));
  const ready = useCockpit(isReady);
  const [values, setValues] = useState<TicketFormValues>(EMPTY_TICKET_FORM);
  const [error, setError] = useState<{ field: keyof TicketFormValues; message: string } | null>(null);
  const [sending, setSending] = useState(false);

  const set = <K extends keyof TicketFormValues>(key: K, value: TicketFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
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
      if (result.ok) setValues((v) => ({ ...v, qty: '', limitPrice: '' }));
    } finally {
      setSending(false);
    }
  };

  const isLimit = values.orderType === 'LIMIT';
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
          <option value="MARKET">MARKET</option>
          <option value="LIMIT">LIMIT</option>
        </select>
      </label>
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
          disabled={!isLimit}
          aria-invalid={error?.field === 'limitPrice'}
          placeholder={isLimit ? '0.00' : '—'}
        />
      </label>
      <button type="submit" className="primary" data-testid="ticket-submit" disabled={sending || !ready}>
        {sending ? 'Checking…' : 'Create ticket'}
      </button>
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
