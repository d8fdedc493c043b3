// The banner that says the engine is not (or no longer) connected, and the full-screen
// messages for the two states a retry cannot fix (no token, token rejected).
import { useEffect, useState } from 'react';
import { useCockpit } from '../stores/app-store.js';

function useSecondsUntil(target: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (target === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [target]);
  if (target === null) return null;
  return Math.max(0, Math.ceil((target - now) / 1000));
}

export function ConnectionBanner() {
  const phase = useCockpit((s) => s.connection.phase);
  const nextRetryAt = useCockpit((s) => s.connection.nextRetryAt);
  const attempt = useCockpit((s) => s.connection.attempt);
  const seconds = useSecondsUntil(nextRetryAt);

  if (phase === 'live' || phase === 'no-token' || phase === 'token-rejected') return null;
  const retry = seconds !== null && seconds > 0 ? ` Next attempt in ${seconds}s (attempt ${attempt + 1}).` : '';
  const text =
    phase === 'reconnecting'
      ? `Disconnected from engine — reconnecting…${retry} Figures below are stale.`
      : `Connecting to engine…${retry}`;
  return (
    <div className={`connection-banner phase-${phase}`} data-testid="connection-banner" role="status" aria-live="assertive">
      {text}
    </div>
  );
}

export function FatalConnectionScreen({ phase }: { phase: 'no-token' | 'token-rejected' }) {
  return (
    <div className="fatal" data-testid="connection-banner" role="alert">
      {phase === 'no-token' ? (
        <>
          <h1>No session token</h1>
          <p>
            This cockpit needs the session token of a running engine. Open the URL printed by <code>deltadeck serve</code>{' '}
            (it ends in <code>?token=…</code>).
          </p>
        </>
      ) : (
        <>
          <h1>Session token rejected</h1>
          <p>
            The engine refused this session token — it may have been restarted with a new one. Open the URL printed by the
            running <code>deltadeck serve</code> again.
          </p>
        </>
      )}
    </div>
  );
}
