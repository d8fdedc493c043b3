// One click: mode OFF and every working order cancelled. No confirmation on purpose —
// it is the emergency stop.
import { useState } from 'react';
import { actions } from '../../api/runtime.js';

export function KillSwitchButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="kill-switch"
      data-testid="kill-switch"
      disabled={busy}
      title="Set mode OFF and cancel all working orders"
      onClick={async () => {
        setBusy(true);
        try {
          await actions.activateKillSwitch();
        } finally {
          setBusy(false);
        }
      }}
    >
      KILL SWITCH
    </button>
  );
}
