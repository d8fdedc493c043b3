// The per-test Futu REAL account of the engine tests that trade a broker: useTestEngine's engine
// and client, with a fake OpenD on loopback (the real wire protocol) started before each test and
// stopped after it, and a mirror of the state stream whenever the engine is open. The engine's
// wall clock is pinned to a regular session, so no test depends on the day or hour it runs. What
// reaches the broker is read at the fake (its recorded requests). Vitest only.
import type { CommandResponse } from '../../shared/api/contract.js';
import { FakeOpenD, md5, REAL_ACC_ID, type RecordedRequest } from '../brokers/futu/fake/server.js';
import { PROTO } from '../brokers/futu/proto.js';
import { useTestEngine, type TestEngine } from './engine.testing.js';
import { StateMirror } from './testing.js';

/** The trade password the fake OpenD unlocks REAL with. */
export const PASSWORD = 'open-sesame-4711';
/** The fake's REAL account, as the engine names it (and as REAL's confirmation takes it). */
export const ACCOUNT = REAL_ACC_ID.toString();
/** The label the account's connection is saved under. */
export const LABEL = 'Futu live';
/** Short broker timeouts and reconnect delays, for tests. */
export const TUNING = { requestTimeoutMs: 2_000, connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 }, heartbeatMs: 100 };

/** A Wednesday at 10:00 New York time, moving with real time: the regular session, whatever day the test runs. */
const T0 = Date.parse('2026-11-18T15:00:00Z');
const started = Date.now();
/** The engine's and the fake's clock. */
export const wallClock = (): number => T0 + (Date.now() - started);

export interface FutuAccountOptions {
  /** The prefix of each test's data directory. */
  tempPrefix?: string;
  /** Runs once the fake OpenD is started, before the engine opens: e.g. seeds the account. */
  prepare?: (fake: FakeOpenD) => void;
}

export interface FutuAccount extends TestEngine {
  /** Follows the state stream; ready (first snapshot in) whenever the engine is open. */
  readonly mirror: StateMirror;
  readonly fake: FakeOpenD;
  /** The fake OpenD's port. */
  readonly port: number;
  /** Saves the fake's REAL account with this trade password, connects it and uses it for trading. */
  useFutu(tradePassword?: string): Promise<{ id: string; used: CommandResponse<'brokers.use'> }>;
  /** The PlaceOrder requests the fake OpenD has received, oldest first. */
  placeOrders(): RecordedRequest[];
}

export function useFutuAccount(options: FutuAccountOptions = {}): FutuAccount {
  let fake: FakeOpenD | undefined;
  let port: number | undefined;
  let mirror: StateMirror | undefined;
  const te = useTestEngine(
    { brokerTuning: TUNING, liveRefreshMs: 100, wallClock },
    {
      tempPrefix: options.tempPrefix,
      async before() {
        fake = new FakeOpenD({ tradePasswordMd5: md5(PASSWORD), now: wallClock });
        port = (await fake.start()).port;
        options.prepare?.(fake);
      },
      async opened(client) {
        mirror = new StateMirror(client);
        await mirror.ready();
      },
      closing() {
        mirror?.stop();
        mirror = undefined;
      },
      async after() {
        await fake?.stop(); // stopping is idempotent: a test may have stopped it already
      },
    },
  );
  return {
    call: te.call,
    refused: te.refused,
    reopen: te.reopen,
    get dir() {
      return te.dir;
    },
    get engine() {
      return te.engine;
    },
    get client() {
      return te.client;
    },
    get mirror() {
      return mirror!;
    },
    get fake() {
      return fake!;
    },
    get port() {
      return port!;
    },
    async useFutu(tradePassword = PASSWORD) {
      const saved = await te.call('brokers.save', { venue: 'futu', label: LABEL, host: '127.0.0.1', port: port!, env: 'REAL', accountId: ACCOUNT, secrets: { tradePassword } });
      await te.call('brokers.connect', { id: saved.id });
      const used = await te.call('brokers.use', { id: saved.id });
      return { id: saved.id, used };
    },
    placeOrders: () => fake!.requestsOf(PROTO.TrdPlaceOrder),
  };
}
