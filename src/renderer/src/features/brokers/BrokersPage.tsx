// The Brokers page: every configured broker connection with its state dot, last heartbeat and
// error, connect / disconnect / edit / remove (with a confirm), and the add/edit form. The list is
// polled (`brokers.list`, once a second) — the engine never sends secret values, only whether each
// one is stored, and the form's secret fields start empty ("stored — leave empty to keep").
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { BROKER_SECRET_LABELS, BROKER_SECRETS, type BrokerConnectionView, type BrokerSecretName, type BrokerVenue } from '../../../../shared/brokers.js';
import { actions } from '../../api/actions.js';
import { useEngineQuery } from '../../api/call.js';
import { Empty, Panel } from '../../components/Panel.js';
import { addressChanged, DEFAULT_ENDPOINTS, emptyForm, formFromView, formToRequest, heartbeatAge, reenterMessage, secretsToReenter, type BrokerForm } from './broker-form.js';
import './brokers.css';

const VENUE_LABEL: Record<BrokerVenue, string> = { futu: 'Futu OpenD', tiger: 'Tiger Open API' };

const POLL = { intervalMs: 1_000, timeoutMs: 10_000 };
/** Connecting to a broker (or switching the trading account) can take a while. */
const SLOW = { timeoutMs: 30_000 };

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

type RowAction = 'connect' | 'disconnect' | 'remove' | 'use' | 'unuse';

function ConnectionRow({
  view,
  now,
  busy,
  used,
  onAction,
  onEdit,
}: {
  view: BrokerConnectionView;
  now: number;
  busy: boolean;
  /** This connection's account is the one used for trading (attached or waiting for the connection). */
  used: { attached: boolean; accountId: string | null } | null;
  onAction(kind: RowAction, id: string): void;
  onEdit(view: BrokerConnectionView): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const { state, lastHeartbeatTs, error } = view.status;
  const live = state !== 'disconnected';
  return (
    <tr data-testid="broker-row" data-id={view.id} data-state={state}>
      <td>
        <span className={`dot dot-${state}`} data-testid="broker-state" data-state={state} aria-label={state} />
        {state}
      </td>
      <td>
        <strong data-testid="broker-label">{view.label}</strong>
        <div className="muted">{VENUE_LABEL[view.venue]}</div>
      </td>
      <td className="mono">
        {view.host}:{view.port}
      </td>
      <td>
        <span className={`tag env-${view.env}`}>{view.env}</span>
        {view.accountId ? <div className="muted mono">{view.accountId}</div> : null}
        {used ? (
          <div className="tag tag-used" data-testid="broker-used" data-attached={used.attached}>
            {used.attached ? `trading ${used.accountId ?? ''}` : 'used for trading (waiting for the connection)'}
          </div>
        ) : null}
      </td>
      <td data-testid="broker-heartbeat" data-ts={lastHeartbeatTs ?? ''} title={lastHeartbeatTs ? new Date(lastHeartbeatTs).toISOString() : 'no heartbeat yet'}>
        {live ? heartbeatAge(lastHeartbeatTs, now) : '—'}
      </td>
      <td className="broker-error">
        {error ? <span data-testid="broker-error">{error}</span> : null}
        {view.problems.map((p) => (
          <div key={p} className="broker-problem" data-testid="broker-problem">
            {p}
          </div>
        ))}
      </td>
      <td className="broker-actions">
        {live ? (
          <button type="button" className="small" data-testid="broker-disconnect" disabled={busy} onClick={() => onAction('disconnect', view.id)}>
            Disconnect
          </button>
        ) : (
          <button type="button" className="small primary" data-testid="broker-connect" disabled={busy} onClick={() => onAction('connect', view.id)}>
            Connect
          </button>
        )}
        {used ? (
          <button type="button" className="small" data-testid="broker-unuse" disabled={busy} onClick={() => onAction('unuse', view.id)} title="Back to the simulated market and the demo account">
            Stop using
          </button>
        ) : state === 'connected' ? (
          <button
            type="button"
            className="small primary"
            data-testid="broker-use"
            disabled={busy}
            onClick={() => onAction('use', view.id)}
            title="Show this account's positions, cash and quotes; REAL orders go to it; DRY_RUN trades a paper copy of it"
          >
            Use for trading
          </button>
        ) : null}
        <button type="button" className="small" data-testid="broker-edit" disabled={busy} onClick={() => onEdit(view)}>
          Edit
        </button>
        {confirming ? (
          <span className="broker-confirm">
            Remove {view.label}?{' '}
            <button type="button" className="small danger" data-testid="broker-remove-confirm" disabled={busy} onClick={() => onAction('remove', view.id)}>
              Remove
            </button>
            <button type="button" className="small" data-testid="broker-remove-cancel" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="small" data-testid="broker-remove" disabled={busy} onClick={() => setConfirming(true)}>
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

function ConnectionForm({ initial, stored, onDone }: { initial: BrokerForm; stored: ReadonlySet<string>; onDone(saved: boolean): void }) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof BrokerForm>(key: K, value: BrokerForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const editing = form.id !== null;
  // Moving a saved connection: its stored secrets must be typed again (the engine refuses otherwise).
  const moved = addressChanged(initial, form);
  const movedSecrets = moved ? BROKER_SECRETS[form.venue].filter((name) => stored.has(name)) : [];

  const changeVenue = (venue: BrokerVenue) =>
    setForm((f) => ({ ...f, venue, host: DEFAULT_ENDPOINTS[venue].host, port: String(DEFAULT_ENDPOINTS[venue].port), secrets: {} }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const built = formToRequest(form);
    if (!built.ok) {
      setError({ field: built.field, message: built.message });
      return;
    }
    const reenter = secretsToReenter(initial, form, stored);
    if (reenter.length > 0) {
      setError({ field: `secret-${reenter[0]}`, message: reenterMessage(reenter) });
      return;
    }
    setError(null);
    setSaving(true);
    const saved = await actions.send('brokers.save', built.request, SLOW);
    setSaving(false);
    if (!saved.ok) return; // the engine's refusal is shown as a toast; the form keeps what was typed
    actions.toast('success', `${saved.value.label} saved.`);
    onDone(true);
  };

  const field = (key: 'label' | 'host' | 'port' | 'accountId' | 'tigerId' | 'gatewayUrl', label: string, testId: string, placeholder = '') => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={testId}
        value={form[key]}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error?.field === key ? true : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
    </label>
  );

  return (
    <form className="broker-form" data-testid="broker-form" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span>Venue</span>
        <select data-testid="broker-venue" value={form.venue} disabled={editing} onChange={(e) => changeVenue(e.target.value as BrokerVenue)}>
          <option value="futu">Futu OpenD</option>
          <option value="tiger">Tiger Open API</option>
        </select>
      </label>
      {field('label', 'Name', 'broker-label-input')}
      {field('host', form.venue === 'futu' ? 'OpenD host' : 'Push host', 'broker-host')}
      {field('port', 'Port', 'broker-port')}
      <label className="field">
        <span>Environment</span>
        <select data-testid="broker-env" value={form.env} onChange={(e) => set('env', e.target.value as BrokerForm['env'])}>
          <option value="SIMULATE">SIMULATE (paper)</option>
          <option value="REAL">REAL</option>
        </select>
      </label>
      {field('accountId', 'Account', 'broker-account', form.venue === 'futu' ? 'first account of the environment' : '')}
      {form.venue === 'tiger' ? (
        <>
          {field('tigerId', 'Tiger ID', 'broker-tiger-id')}
          {field('gatewayUrl', 'Gateway URL', 'broker-gateway-url', 'Tiger production gateway')}
          <label className="field wide">
            <span>Extra CA certificate (PEM, optional)</span>
            <textarea data-testid="broker-ca-cert" rows={2} value={form.caCert} spellCheck={false} onChange={(e) => set('caCert', e.target.value)} />
          </label>
        </>
      ) : null}
      {BROKER_SECRETS[form.venue].map((name: BrokerSecretName) => (
        <label className="field wide" key={`${form.venue}-${name}`}>
          <span>{BROKER_SECRET_LABELS[name]}</span>
          {/* Uncontrolled on purpose: React would mirror a controlled value into the HTML attribute. */}
          <input
            type="password"
            data-testid={`broker-secret-${name}`}
            defaultValue=""
            autoComplete="new-password"
            placeholder={moved && stored.has(name) ? 'address changed — enter it again' : stored.has(name) ? 'stored — leave empty to keep' : 'not stored'}
            aria-required={moved && stored.has(name) ? true : undefined}
            aria-invalid={error?.field === `secret-${name}` ? true : undefined}
            onChange={(e) => set('secrets', { ...form.secrets, [name]: e.target.value })}
          />
        </label>
      ))}
      {movedSecrets.length > 0 ? (
        <p className="muted broker-reenter" data-testid="broker-reenter-hint">
          {reenterMessage(movedSecrets)}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="broker-form-error">
          {error.message}
        </p>
      ) : null}
      <div className="broker-form-buttons">
        <button type="submit" className="primary" data-testid="broker-save" disabled={saving}>
          {editing ? 'Save changes' : 'Add connection'}
        </button>
        <button type="button" data-testid="broker-cancel" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function BrokersPage({ stale }: { stale: boolean }) {
  const brokers = useEngineQuery('brokers.list', {}, POLL);
  const usedQuery = useEngineQuery('brokers.used', {}, POLL);
  const now = useNow(1_000);
  const [editing, setEditing] = useState<{ form: BrokerForm; stored: Set<string>; key: number } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { refresh } = brokers;
  const refreshUsed = usedQuery.refresh;
  const used = usedQuery.data ?? null;

  const act = useCallback(
    async (kind: RowAction, id: string) => {
      setBusy(id);
      if (kind === 'use') {
        const result = await actions.send('brokers.use', { id }, SLOW);
        if (result.ok && result.value) actions.toast('info', `Trading account ${result.value.accountId} on ${result.value.label}: positions, cash and quotes come from the broker.`);
      } else if (kind === 'unuse') {
        const result = await actions.send('brokers.use', { id: null }, SLOW);
        if (result.ok) actions.toast('info', 'Back to the simulated market and the demo account.');
      } else {
        const result = await actions.send(`brokers.${kind}`, { id }, SLOW);
        if (result.ok && kind === 'remove') actions.toast('info', 'Connection removed.');
      }
      setBusy(null);
      refresh();
      refreshUsed();
    },
    [refresh, refreshUsed],
  );

  const list = brokers.data ?? [];
  return (
    <div className={`brokers-page ${stale ? 'stale' : ''}`} data-testid="brokers-page">
      <Panel title="Broker connections" area="brokers">
        {brokers.error && !brokers.data ? <p className="panel-error">{brokers.error.message}</p> : null}
        {list.length === 0 && brokers.data ? <Empty>No broker connections yet. Add Futu OpenD or Tiger below.</Empty> : null}
        {list.length > 0 ? (
          <table className="grid-table brokers-table">
            <thead>
              <tr>
                <th>State</th>
                <th>Connection</th>
                <th>Address</th>
                <th>Env / account</th>
                <th>Heartbeat</th>
                <th>Problem</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((view) => (
                <ConnectionRow
                  key={view.id}
                  view={view}
                  now={now}
                  busy={busy === view.id}
                  used={used && used.connectionId === view.id ? used : null}
                  onAction={(kind, id) => void act(kind, id)}
                  onEdit={(v) => setEditing({ form: formFromView(v), stored: new Set(v.secrets.filter((s) => s.stored).map((s) => s.name)), key: Date.now() })}
                />
              ))}
            </tbody>
          </table>
        ) : null}
        <div className="broker-add">
          {editing ? null : (
            <button type="button" className="primary" data-testid="broker-add" onClick={() => setEditing({ form: emptyForm('futu'), stored: new Set(), key: Date.now() })}>
              Add connection
            </button>
          )}
        </div>
        {editing ? (
          <ConnectionForm
            key={editing.key}
            initial={editing.form}
            stored={editing.stored}
            onDone={(saved) => {
              setEditing(null);
              if (saved) refresh();
            }}
          />
        ) : null}
        <p className="muted broker-note">
          Secrets are encrypted on this machine (AES-256-GCM; the key is in the data directory, or in the OS keychain in the desktop app) and are never shown again.
          Run <code>deltadeck doctor</code> to check every connection from the command line.
        </p>
      </Panel>
    </div>
  );
}
