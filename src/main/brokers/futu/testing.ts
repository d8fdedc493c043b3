// Test helpers for the Futu adapter: a fake OpenD on a random loopback port, a connected
// FutuConnection, an event recorder and a polling wait (no sleeps with fixed expectations).
import type { VenueEvent } from '../venue.js';
import { FutuConnection, type FutuConfig } from './connection.js';
import { FakeOpenD, md5, REAL_ACC_ID, SIMULATE_ACC_ID, type FakeOpenDOptions } from './fake/server.js';

export { md5, REAL_ACC_ID, SIMULATE_ACC_ID };
export const PAPER = SIMULATE_ACC_ID.toString();
export const REAL = REAL_ACC_ID.toString();
export const TRADE_PASSWORD_MD5 = md5('123456');

/** Polls until `predicate` returns a truthy value (returned), or fails after `timeoutMs`. */
export async function waitFor<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export class EventLog {
  readonly events: VenueEvent[] = [];
  constructor(connection: FutuConnection) {
    connection.onEvent((event) => this.events.push(event));
  }
  of<T extends VenueEvent['type']>(type: T): Extract<VenueEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<VenueEvent, { type: T }> => e.type === type);
  }
  clear(): void {
    this.events.length = 0;
  }
}

export interface Harness {
  fake: FakeOpenD;
  connection: FutuConnection;
  log: EventLog;
  close(): Promise<void>;
}

/** A started fake OpenD and a connected FutuConnection (REAL by default, with the right password). */
export async function harness(config: Partial<FutuConfig> = {}, fakeOptions: FakeOpenDOptions = {}): Promise<Harness> {
  const fake = new FakeOpenD(fakeOptions);
  const { port } = await fake.start();
  const connection = new FutuConnection({
    port,
    env: 'REAL',
    clientId: 'deltadeck-test',
    tradePasswordMd5: () => TRADE_PASSWORD_MD5,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    requestTimeoutMs: 2_000,
    ...config,
  });
  const log = new EventLog(connection);
  await connection.connect();
  return {
    fake,
    connection,
    log,
    async close() {
      await connection.disconnect();
      await fake.stop();
    },
  };
}
