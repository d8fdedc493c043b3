// The Brokers page's form model: a connection's editable fields as text, the save request built
// from them, and the heartbeat age shown in the list. Secrets start empty; left empty they keep
// the stored value, so a form never holds a secret it did not just receive from the trader —
// except when the edit moves the connection to another address: then the stored secrets must be
// typed again (the engine refuses otherwise; a secret only goes where it was entered for).
import { BROKER_SECRETS, brokerAddress, type BrokerConnectionView, type BrokerSaveRequest, type BrokerSecretName, type BrokerVenue } from '../../../../shared/brokers.js';

export interface BrokerForm {
  id: string | null;
  venue: BrokerVenue;
  label: string;
  host: string;
  port: string;
  env: 'SIMULATE' | 'REAL';
  accountId: string;
  tigerId: string;
  gatewayUrl: string;
  caCert: string;
  secrets: Record<string, string>;
}

export const DEFAULT_ENDPOINTS: Record<BrokerVenue, { host: string; port: number }> = {
  futu: { host: '127.0.0.1', port: 11111 },
  tiger: { host: 'openapi.tigerfintech.com', port: 9883 },
};

export function emptyForm(venue: BrokerVenue = 'futu'): BrokerForm {
  return {
    id: null,
    venue,
    label: venue === 'futu' ? 'Futu OpenD' : 'Tiger',
    host: DEFAULT_ENDPOINTS[venue].host,
    port: String(DEFAULT_ENDPOINTS[venue].port),
    env: 'SIMULATE',
    accountId: '',
    tigerId: '',
    gatewayUrl: '',
    caCert: '',
    secrets: {},
  };
}

export function formFromView(view: BrokerConnectionView): BrokerForm {
  return {
    id: view.id,
    venue: view.venue,
    label: view.label,
    host: view.host,
    port: String(view.port),
    env: view.env,
    accountId: view.accountId ?? '',
    tigerId: view.tigerId ?? '',
    gatewayUrl: view.settings.gatewayUrl ?? '',
    caCert: view.settings.caCert ?? '',
    secrets: {},
  };
}

/** The save request, or the first problem a trader must fix. Secrets left empty are not sent. */
export function formToRequest(form: BrokerForm): { ok: true; request: BrokerSaveRequest } | { ok: false; field: string; message: string } {
  if (!form.label.trim()) return { ok: false, field: 'label', message: 'Give the connection a name.' };
  if (!form.host.trim()) return { ok: false, field: 'host', message: 'Enter a host.' };
  const port = Number(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, field: 'port', message: 'The port is a whole number from 1 to 65535.' };
  const gatewayUrl = form.gatewayUrl.trim();
  if (form.venue === 'tiger' && gatewayUrl && !/^https:\/\//i.test(gatewayUrl)) {
    return { ok: false, field: 'gatewayUrl', message: 'Tiger’s gateway URL must start with https://.' };
  }
  const secrets: Record<string, string> = {};
  for (const name of BROKER_SECRETS[form.venue]) {
    const value = form.secrets[name] ?? '';
    if (value !== '') secrets[name] = value;
  }
  const settings: Record<string, string> = {};
  if (form.venue === 'tiger') {
    if (form.gatewayUrl.trim()) settings.gatewayUrl = form.gatewayUrl.trim();
    if (form.caCert.trim()) settings.caCert = form.caCert.trim();
  }
  return {
    ok: true,
    request: {
      ...(form.id ? { id: form.id } : {}),
      venue: form.venue,
      label: form.label.trim(),
      host: form.host.trim(),
      port,
      env: form.env,
      accountId: form.accountId.trim() || null,
      tigerId: form.venue === 'tiger' ? form.tigerId.trim() || null : null,
      settings,
      secrets,
    },
  };
}

const formAddress = (f: BrokerForm) =>
  brokerAddress({ venue: f.venue, host: f.host, port: Number(f.port), settings: f.venue === 'tiger' && f.gatewayUrl.trim() ? { gatewayUrl: f.gatewayUrl.trim() } : {} });

/** Whether this edit points a saved connection at another host, port or gateway than it had. */
export function addressChanged(initial: BrokerForm, form: BrokerForm): boolean {
  return form.id !== null && formAddress(initial) !== formAddress(form);
}

/** The stored secrets that must be typed again before this edit can be saved; empty when none. */
export function secretsToReenter(initial: BrokerForm, form: BrokerForm, stored: ReadonlySet<string>): BrokerSecretName[] {
  if (!addressChanged(initial, form)) return [];
  return BROKER_SECRETS[form.venue].filter((name) => stored.has(name) && !(form.secrets[name] ?? '').trim());
}

const SECRET_NAMES: Record<BrokerSecretName, string> = { tradePassword: 'trade password', privateKey: 'private key', tigerPublicKey: 'Tiger public key' };

/** Why the secrets must be typed again, naming them. */
export function reenterMessage(names: readonly BrokerSecretName[]): string {
  return `The address changed: enter the ${names.map((n) => SECRET_NAMES[n]).join(' and the ')} again. Deltadeck only sends a secret to the address it was entered for.`;
}

/** "4s ago", "3m ago", "—" before the first heartbeat. */
export function heartbeatAge(lastHeartbeatTs: number | null, now: number): string {
  if (lastHeartbeatTs === null) return '—';
  const s = Math.max(0, Math.round((now - lastHeartbeatTs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}
