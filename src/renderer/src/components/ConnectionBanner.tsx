// The banner that says the engine is not (or no longer) connected, and the full-screen
// messages for the states a retry cannot fix (no token, token rejected, engine restarted with a
// new token), each with a field for the new URL or token.
import { useEffect, useState } from 'react';
import { reopenUrl } from '../api/token.js';
import { useCockpit } from '../stores/app-store.js';
import type { ConnectionPhase } from '../stores/cockpit-store.js';

/** The phases a retry cannot fix: the trader has to bring the running engine's token. */
export type FatalPhase = Extract<ConnectionPhase, 'no-token' | 'token-rejected' | 'engine-restarted'>;

export function isFatalPhase(phase: ConnectionPhase): phase is FatalPhase {
  return phase === 'no-token' || phase === 'token-rejected' || phase === 'engine-restarted';
}

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

  if (phase === 'live' || isFatalPhase(phase)) return null;
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

/** Paste the URL `deltadeck serve` printed (or its token) and open it. */
function ReopenForm() {
  const [input, setInput] = useState('');
  const [invalid, setInvalid] = useState(false);
  return (
    <form
      className="reopen-form"
      onSubmit={(e) => {
        e.preventDefault();
        const target = reopenUrl(input, window.location);
        setInvalid(target === null);
        if (target) window.location.assign(target);
      }}
    >
      <label>
        <span>New URL or token</span>
        <input
          data-testid="reopen-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder="http://127.0.0.1:7717/?token=…"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid}
        />
      </label>
      <button type="submit" className="primary" data-testid="reopen-submit">
        Open
      </button>
      {invalid ? (
        <p className="reopen-error" data-testid="reopen-error" role="status">
          That is not a Deltadeck URL on this machine (127.0.0.1 or localhost, with <code>?token=</code>) nor a token.
        </p>
      ) : null}
    </form>
  );
}

export function FatalConnectionScreen({ phase }: { phase: FatalPhase }) {
  return (
    <div className="fatal" data-testid="connection-banner" data-phase={phase} role="alert">
      {phase === 'engine-restarted' ? (
        <>
          <h1>The engine restarted</h1>
          <p>
            Deltadeck was restarted and gave this session a new token, so this page cannot reconnect with the old one. Nothing can
            be sent from here until you reopen the cockpit: use the URL printed by <code>deltadeck serve</code> when it started
            again (it ends in <code>?token=…</code>), or paste that URL or its token here.
          </p>
        </>
      ) : phase === 'no-token' ? (
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
            running <code>deltadeck serve</code> again, or paste it or its token here.
          </p>
        </>
      )}
      <ReopenForm />
    </div>
  );
}
