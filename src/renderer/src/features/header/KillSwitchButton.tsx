// One click: mode OFF and every working order cancelled. No confirmation on purpose —
// it is the emergency stop. While the engine cannot be reached it stays in view but off, and
// says so: a click that silently goes nowhere is worse than a stop that says it cannot stop.
import { useState } from 'react';
import { actions } from '../../api/actions.js';
import { useCockpit } from '../../stores/app-store.js';
import { isReady } from '../../stores/cockpit-store.js';
import { KILL_SWITCH_UNREACHABLE } from '../../lib/engine-link.js';

export function KillSwitchButton() {
  const [busy, setBusy] = useState(false);
  const reachable = useCockpit(isReady);
  return (
    <button
      type="button"
      className={`kill-switch ${reachable ? '' : 'kill-switch-unreachable'}`}
      data-testid="kill-switch"
      data-reachable={String(reachable)}
      disabled={busy || !reachable}
      title={reachable ? 'Set mode OFF and cancel all working orders' : KILL_SWITCH_UNREACHABLE}
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
      {reachable ? null : (
        <span className="kill-switch-note" data-testid="kill-switch-unreachable">
          engine unreachable
        </span>
      )}
    </button>
  );
}
