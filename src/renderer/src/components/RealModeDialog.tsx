// Typed confirmation for REAL mode: the trader types the broker account number the orders will go
// to (or REAL when no broker account is in use — the engine then refuses, and says why). Shared by
// the header's mode switch and the Hedge page (approving a plan, enabling auto-hedge in REAL).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

export interface RealModeDialogProps {
  open: boolean;
  /** The broker account in use, if any: its number is what the trader types. */
  account?: { accountId: string; label: string } | null;
  onClose(): void;
  onConfirm(typed: string): Promise<void>;
  /** The same typed confirmation for another REAL action (e.g. approving a hedge plan): its own wording and test ids. */
  title?: string;
  intro?: ReactNode;
  confirmLabel?: string;
  busyLabel?: string;
  /** Test-id prefix: `<testId>`, `<testId>-input`, `-ok`, `-cancel`, `-account`. */
  testId?: string;
}

export const REAL_CONFIRMATION_WORD = 'REAL';

export function RealModeDialog({
  open,
  account,
  onClose,
  onConfirm,
  title = 'Switch to REAL trading?',
  intro,
  confirmLabel = 'Switch to REAL',
  busyLabel = 'Switching…',
  testId = 'confirm-real',
}: RealModeDialogProps) {
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
      data-testid={testId}
      aria-labelledby={`${testId}-title`}
      onClose={onClose}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${testId}-title`}>{title}</h2>
        {intro ?? (
          <p>
            In REAL mode, approved tickets are sent to the connected broker as live orders. The engine only allows it with a
            connected live broker and real-time data. Pending tickets and a proposed hedge plan are cancelled: they were
            reviewed for another mode. If auto-hedge is enabled, this confirmation also lets it send hedge orders to this
            account without asking.
          </p>
        )}
        {account ? (
          <p data-testid={`${testId}-account`}>
            Orders will go to <strong>{account.label}</strong>, account <strong className="mono">{account.accountId}</strong>.
          </p>
        ) : null}
        <label className="field">
          <span>
            Type <strong className="mono">{word}</strong> to confirm
          </span>
          <input
            data-testid={`${testId}-input`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoFocus
          />
        </label>
        <div className="dialog-buttons">
          <button type="button" data-testid={`${testId}-cancel`} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="danger"
            data-testid={`${testId}-ok`}
            disabled={typed.trim() !== word || sending}
          >
            {sending ? busyLabel : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
