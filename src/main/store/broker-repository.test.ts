// Broker connections and sealed secrets in a real SQLite file.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../engine/testing.js';
import { SecretsVault } from '../secrets/vault.js';
import { BrokerConfigError, BrokerRepository } from './broker-repository.js';
import { closeDatabase, openDatabase, type Db } from './database.js';
import type { BrokerConnectionConfig } from '../../shared/brokers.js';

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
let repo: BrokerRepository;

beforeEach(() => {
  temp = makeTempDir('deltadeck-brokers-repo-');
  db = openDatabase(join(temp.dir, 'deltadeck.db'));
  repo = new BrokerRepository(db);
});
afterEach(() => {
  closeDatabase(db);
  temp.remove();
});

const futu = (over: Partial<BrokerConnectionConfig> = {}): BrokerConnectionConfig => ({
  id: 'futu-1',
  venue: 'futu',
  label: 'Futu paper',
  host: '127.0.0.1',
  port: 11111,
  env: 'SIMULATE',
  accountId: null,
  tigerId: null,
  settings: { market: 'US' },
  enabled: true,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

describe('BrokerRepository', () => {
  it('saves, reads back, updates and lists connections in creation order', () => {
    repo.save(futu());
    repo.save(futu({ id: 'tiger-1', venue: 'tiger', label: 'Tiger', tigerId: '2015', accountId: 'U123', settings: { gatewayUrl: 'http://127.0.0.1:9/gateway' }, createdAt: 2, updatedAt: 2 }));
    expect(repo.get('futu-1')).toEqual(futu());
    repo.save(futu({ label: 'Futu sim', port: 11112, updatedAt: 5, enabled: false }));
    expect(repo.get('futu-1')).toMatchObject({ label: 'Futu sim', port: 11112, updatedAt: 5, createdAt: 1, enabled: false });
    const list = repo.list();
    expect(list.map((e) => (e.ok ? e.config.id : e.id))).toEqual(['futu-1', 'tiger-1']);
    expect(list[1]).toMatchObject({ ok: true, config: { tigerId: '2015', accountId: 'U123', settings: { gatewayUrl: 'http://127.0.0.1:9/gateway' } } });
    expect(repo.get('nope')).toBeUndefined();
  });

  it('refuses an invalid config before writing anything', () => {
    expect(() => repo.save(futu({ port: 70_000 }))).toThrow();
    expect(() => repo.save(futu({ label: '  ' }))).toThrow(/name/);
    expect(() => repo.save({ ...futu(), settings: { unknown: 1 } as never })).toThrow();
    expect(repo.list()).toEqual([]);
  });

  it('reports a stored row that no longer validates instead of returning it', () => {
    repo.save(futu());
    db.prepare("UPDATE broker_connections SET settings = '{not json' WHERE id = 'futu-1'").run();
    expect(() => repo.get('futu-1')).toThrow(BrokerConfigError);
    expect(repo.list()).toEqual([{ ok: false, id: 'futu-1', error: expect.stringMatching(/not valid JSON/) }]);
  });

  it('keeps secrets sealed (no plaintext in the database) and removes them with the connection', () => {
    const vault = new SecretsVault(temp.dir);
    repo.save(futu());
    repo.putSecret('futu-1', 'tradePassword', vault.seal('futu-1', 'tradePassword', 'hunter2-plaintext', 'OpenD 127.0.0.1:11111'), 10);
    expect(repo.secretNames('futu-1')).toEqual(['tradePassword']);
    const sealed = repo.getSecret('futu-1', 'tradePassword')!;
    expect(vault.open('futu-1', 'tradePassword', sealed, 'OpenD 127.0.0.1:11111')).toBe('hunter2-plaintext');
    const raw = db.prepare('SELECT * FROM broker_secrets').all();
    expect(JSON.stringify(raw)).not.toContain('hunter2');
    expect(Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]).toString('latin1')).not.toContain('hunter2');
    // A secret cannot exist without its connection.
    expect(() => repo.putSecret('ghost', 'tradePassword', sealed, 10)).toThrow(/FOREIGN KEY/);
    expect(repo.remove('futu-1')).toBe(true);
    expect(repo.remove('futu-1')).toBe(false);
    expect(db.prepare('SELECT COUNT(*) AS n FROM broker_secrets').get()).toEqual({ n: 0 });
  });
});
