// OFF / DRY_RUN / REAL. REAL goes through a typed confirmation; the engine has the last word
// (it refuses REAL without a connected live broker, and says why).
import { useState } from 'react';
import type { TradingMode } from '../../../../shared/domain.js';
import { actions } from '../../api/actions.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { RealModeDialog } from '../../components/RealModeDialog.js';

const MODES: readonly TradingMode[] = ['OFF', 'DRY_RUN', 'REAL'];

const MODE_HELP: Record<TradingMode, string> = {
  OFF: 'No order intents are generated',
  DRY_RUN: 'Approved orders go to the paper ledger',
  REAL: 'Approved orders go to the connected broker',
};

export function ModeSwitch() {
  const mode = useCockpit((s) => s.cockpit?.mode);
  const broker = useCockpit((s) => s.cockpit?.broker);
  const account = broker?.kind === 'live' && broker.accountId ? { accountId: broker.accountId, label: broker.label ?? broker.name } : null;
  const ready = useCockpit(isReady);
  const [busy, setBusy] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);

  const choose = async (next: TradingMode) => {
    if (next === mode) return;
    if (next === 'REAL') {
      setConfirmOpen(true);
      return;
    }
    setBusy(true);
    try {
      await actions.setMode(next);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mode-switch">
      <span className="stat-label">
        Mode{' '}
        <span className={`mode-current mode-${mode ?? 'none'}`} data-testid="trading-mode">
          {mode ?? '—'}
        </span>
      </span>
      <div className="segmented" role="group" aria-label="Trading mode">
        {MODES.map((m) => (
          <button
            key={m}
            type="button"
            className={`seg seg-${m}`}
            data-testid={`mode-${m}`}
            aria-pressed={mode === m}
            title={MODE_HELP[m]}
            disabled={!ready || busy}
            onClick={() => void choose(m)}
          >
            {m}
          </button>
        ))}
      </div>
      <RealModeDialog
        open={confirmOpen}
        account={account}
        onClose={() => setConfirmOpen(false)}
        onConfirm={async (typed) => {
          setBusy(true);
          try {
            await actions.setMode('REAL', typed);
          } finally {
            setBusy(false);
            setConfirmOpen(false);
          }
        }}
      />
    </div>
  );
}
