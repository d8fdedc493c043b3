// A live order desk in its own process, for the fault-injection test (fault-injection.test.ts):
//   node --import tsx src/main/oms/fault/desk-process.ts --db FILE --port N --seed S --orders N
// It connects to a Futu OpenD (the fake) as a REAL account, reconciles its journal with the broker,
// prints {"ready":…}, then submits N random orders (market and resting limit buys/sells, with random
// cancels of working orders) as fast as the journal allows, and finally waits until nothing is in
// flight and prints {"done":…}. The test SIGKILLs it at random points along the way.
import { parseArgs } from 'node:util';
import { FutuConnection } from '../../brokers/futu/connection.js';
import { md5, REAL_ACC_ID } from '../../brokers/futu/fake/server.js';
import { closeDatabase, openDatabase } from '../../store/database.js';
import { LiveDesk } from '../live-desk.js';
import { Rng } from '../../marketdata/rng.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string', default: '1' },
    orders: { type: 'string', default: '0' },
  },
});
const say = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);

async function main(): Promise<void> {
  const seeded = new Rng(Number(values.seed));
  const random = () => seeded.next();
  const db = openDatabase(values.db!);
  const connection = new FutuConnection({
    port: Number(values.port),
    env: 'REAL',
    clientId: `fault-desk-${process.pid}`,
    tradePasswordMd5: () => md5('123456'),
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    requestTimeoutMs: 1_000,
  });
  const desk = new LiveDesk({
    db,
    journalAccountId: 'futu-real',
    connection,
    brokerAccountId: REAL_ACC_ID.toString(),
    venueId: 'futu:fault',
    name: 'Futu OpenD',
    limits: {},
    rateLimitedRetryMs: 50,
  });
  desk.ensureInstrument({ symbol: 'AAPL', kind: 'STOCK', underlying: 'AAPL', multiplier: 1 });
  // The fake may drop the connection mid-handshake: keep trying, as the engine would.
  for (let attempt = 1; ; attempt++) {
    try {
      await connection.connect();
      break;
    } catch (error) {
      if (attempt >= 100) throw error;
      await connection.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await desk.sync.request();
  say({ ready: true, pid: process.pid });

  const total = Number(values.orders);
  for (let i = 0; i < total; i++) {
    const r = random();
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    const qty = 1 + Math.floor(random() * 5);
    if (r < 0.15) {
      const working = desk.repo.workingOrders();
      const victim = working[Math.floor(random() * working.length)];
      if (victim) {
        try {
          desk.oms.cancelOrder(victim.id, 'fault test');
        } catch {
          // already closed meanwhile: fine
        }
      }
    }
    // Market orders fill at once; limits 1–3% away rest until the test moves the quote.
    if (r < 0.55) desk.submit({ symbol: 'AAPL', side, qty, orderType: 'MARKET' });
    else desk.submit({ symbol: 'AAPL', side, qty, orderType: 'LIMIT', limitPrice: side === 'BUY' ? 225 - Math.floor(random() * 5) : 235 + Math.floor(random() * 5) });
    say({ submitted: i });
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
  }
  // Let answers and pushes arrive, then a last reconciliation.
  for (let tries = 0; tries < 200 && desk.venue.pendingOrderIds().size > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  await desk.sync.request();
  await desk.sync.idle();
  say({ done: true, pending: desk.venue.pendingOrderIds().size });
  desk.close();
  await connection.disconnect();
  closeDatabase(db);
}

main().catch((error: unknown) => {
  process.stderr.write(`desk-process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
