// Typed confirmation for REAL mode: the trader types the broker account number the orders will go
// to (or REAL when no broker account is in use — the engine then refuses, and says why).
import { useEffect, useRef, useState, type FormEvent } from 'react';

export interface RealModeDialogProps {
  open: boolean;
  /** The broker account in use, if any: its number is what the trader types. */
  account?: { accountId: string; label: string } | null;
  onClose(): void;
  onConfirm(typed: string): Promise<void>;
}

export const REAL_CONFIRMATION_WORD = 'REAL';

export function RealModeDialog({ open, account, onClose, onConfirm }: RealModeDialogProps) {
  const word = account?.accountId ?? REAL_CONFIRMATION_WORD;
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [sending, setSending] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped('');
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim() !== word || sending) return;
    setSending(true);
    try {
      await onConfirm(typed);
    } finally {
      setSending(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog dialog-danger"
      data-testid="confirm-real"
      aria-labelledby="confirm-real-title"
      onClose={onClose}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="confirm-real-title">Switch to REAL trading?</h2>
        <p>
          In REAL mode, approved tickets are sent to the connected broker as live orders. The engine only allows it with a
          connected live broker and real-time data.
        </p>
        {account ? (
          <p data-testid="confirm-real-account">
            Orders will go to <strong>{account.label}</strong>, account <strong className="mono">{account.accountId}</strong>.
          </p>
        ) : null}
        <label className="field">
          <span>
            Type <strong className="mono">{word}</strong> to confirm
          </span>
          <input
            data-testid="confirm-real-input"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoFocus
          />
        </label>
        <div className="dialog-buttons">
          <button type="button" data-testid="confirm-real-cancel" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="danger"
            data-testid="confirm-real-ok"
            disabled={typed.trim() !== word || sending}
          >
            {sending ? 'Switching…' : 'Switch to REAL'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
