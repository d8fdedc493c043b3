import { describe, expect, it } from 'vitest';
import type { BrokerConnectionView } from '../../../../shared/brokers.js';
import { addressChanged, emptyForm, formFromView, formToRequest, heartbeatAge, reenterMessage, secretsToReenter } from './broker-form.js';

const view: BrokerConnectionView = {
  id: 'tiger-1',
  venue: 'tiger',
  label: 'Tiger',
  host: 'push.example',
  port: 9883,
  env: 'REAL',
  accountId: 'U1',
  tigerId: '2015',
  settings: { gatewayUrl: 'https://gw.example/gateway' },
  enabled: true,
  createdAt: 1,
  updatedAt: 2,
  secrets: [{ name: 'privateKey', stored: true }, { name: 'tigerPublicKey', stored: true }],
  problems: [],
  status: { state: 'connected', lastHeartbeatTs: 1, error: null },
};

describe('broker form', () => {
  it('editing keeps secrets out of the form and out of the request unless typed', () => {
    const form = formFromView(view);
    expect(form.secrets).toEqual({});
    const r = formToRequest({ ...form, label: 'Tiger main' });
    expect(r).toEqual({
      ok: true,
      request: { id: 'tiger-1', venue: 'tiger', label: 'Tiger main', host: 'push.example', port: 9883, env: 'REAL', accountId: 'U1', tigerId: '2015', settings: { gatewayUrl: 'https://gw.example/gateway' }, secrets: {} },
    });
    const typed = formToRequest({ ...form, secrets: { privateKey: 'PEM', tigerPublicKey: '' } });
    expect(typed.ok && typed.request.secrets).toEqual({ privateKey: 'PEM' });
  });

  it('new Futu connections default to the local OpenD; bad fields are named', () => {
    const form = emptyForm('futu');
    expect(form).toMatchObject({ host: '127.0.0.1', port: '11111', env: 'SIMULATE', id: null });
    const r = formToRequest({ ...form, secrets: { tradePassword: 'pw' } });
    expect(r.ok && r.request).toMatchObject({ venue: 'futu', tigerId: null, settings: {}, secrets: { tradePassword: 'pw' } });
    expect(r.ok && 'id' in r.request).toBe(false);
    expect(formToRequest({ ...form, port: '99999' })).toMatchObject({ ok: false, field: 'port' });
    expect(formToRequest({ ...form, label: ' ' })).toMatchObject({ ok: false, field: 'label' });
  });

  it('moving a saved connection (host, port or gateway URL) asks for its stored secrets again; other edits do not', () => {
    const initial = formFromView(view);
    const stored = new Set(['privateKey', 'tigerPublicKey']);
    expect(addressChanged(initial, { ...initial, label: 'renamed', env: 'SIMULATE', caCert: 'PEM' })).toBe(false);
    expect(addressChanged(initial, { ...initial, host: ' PUSH.example ' })).toBe(false); // same host, as the engine compares it
    for (const moved of [{ host: 'push2.example' }, { port: '9884' }, { gatewayUrl: 'https://gw2.example/gateway' }, { gatewayUrl: '' }]) {
      const form = { ...initial, ...moved };
      expect(addressChanged(initial, form)).toBe(true);
      expect(secretsToReenter(initial, form, stored)).toEqual(['privateKey', 'tigerPublicKey']);
      expect(secretsToReenter(initial, { ...form, secrets: { privateKey: 'PEM' } }, stored)).toEqual(['tigerPublicKey']);
      expect(secretsToReenter(initial, { ...form, secrets: { privateKey: 'PEM', tigerPublicKey: 'PEM' } }, stored)).toEqual([]);
    }
    // Nothing stored, nothing to re-enter; a new connection has no address to move from.
    expect(secretsToReenter(initial, { ...initial, host: 'elsewhere' }, new Set())).toEqual([]);
    const fresh = emptyForm('futu');
    expect(addressChanged(fresh, { ...fresh, host: '10.0.0.5' })).toBe(false);
    expect(reenterMessage(['privateKey', 'tigerPublicKey'])).toBe(
      'The address changed: enter the private key and the Tiger public key again. Deltadeck only sends a secret to the address it was entered for.',
    );
  });

  it('a Tiger gateway URL must be https://', () => {
    const form = formFromView(view);
    expect(formToRequest({ ...form, gatewayUrl: 'http://gw.example/gateway' })).toMatchObject({ ok: false, field: 'gatewayUrl', message: expect.stringMatching(/https:\/\//) });
    expect(formToRequest({ ...form, gatewayUrl: 'https://gw.example/gateway' }).ok).toBe(true);
  });

  it('heartbeat age', () => {
    expect(heartbeatAge(null, 10_000)).toBe('—');
    expect(heartbeatAge(7_000, 10_000)).toBe('3s ago');
    expect(heartbeatAge(0, 125_000)).toBe('2m ago');
  });
});
