// Fault injection: 1,000 randomized submissions from a live order desk running in its own process
// against the fake OpenD on loopback, while the fake drops connections (before and after handling a
// place order, so replies are lost), delays replies, duplicates and reorders pushes and moves the
// market — and the desk process is SIGKILLed at random points and restarted. Afterwards: zero
// duplicate orders at the broker, zero orders the journal does not know, zero journal orders left
// working that the broker does not hold, and journal = broker for every order's status, filled
// quantity and every fill. Seeded: FAULT_SEED=<n> picks the faults and kill points (timing still
// varies run to run); FAULT_DEBUG=1 prints the journal of any order that disagrees.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FutuConnection } from '../brokers/futu/connection.js';
import { FakeOpenD, md5, REAL_ACC_ID } from '../brokers/futu/fake/server.js';
import { makeTempDir } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { closeDatabase, openDatabase } from '../store/database.js';
import { Repository } from '../store/repository.js';
import { VenueRepository } from '../store/venue-repository.js';
import { Rng } from '../marketdata/rng.js';

const TOTAL = 1_000;
const SEED = Number(process.env.FAULT_SEED ?? 20_261_121);
const REAL = REAL_ACC_ID.toString();


interface Life {
  child: ChildProcess;
  submitted: number;
  ready: Promise<void>;
  exited: Promise<number | null>;
  done: Promise<void>;
}

function startDesk(dbFile: string, port: number, seed: number, orders: number): Life {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/oms/fault/desk-process.ts', '--db', dbFile, '--port', String(port), '--seed', String(seed), '--orders', String(orders)], {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const life = { child, submitted: 0 } as Life;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  life.exited = exited;
  const lines = createInterface({ input: child.stdout! });
  life.ready = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; submitted?: number };
      if (msg.ready) resolve();
      if (msg.submitted !== undefined) life.submitted = msg.submitted + 1;
    });
    void exited.then((code) => reject(new Error(`desk exited (${code}) before it was ready: ${stderr}`)));
  });
  life.done = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      if ((JSON.parse(line) as { done?: boolean }).done) resolve();
    });
    void exited.then((code) => (code === 0 ? resolve() : reject(new Error(`desk exited with ${code}: ${stderr}`))));
  });
  life.ready.catch(() => undefined);
  life.done.catch(() => undefined);
  return life;
}

describe('fault injection: 1,000 randomized submissions with disconnects, delays, duplicated pushes and SIGKILLs', () => {
  const tmp = makeTempDir();
  const dbFile = join(tmp.dir, 'journal.db');
  const fake = new FakeOpenD({ enforceRateLimits: false, recordRequests: false });
  const faultRng = new Rng(SEED);
  const killRng = new Rng(SEED ^ 0x5eed);
  const random = () => faultRng.next(); // faults
  const lives = () => killRng.next(); // kill points
  let port = 0;
  let kills = 0;
  let faults = 0;

  beforeAll(async () => {
    ({ port } = await fake.start());
  });
  afterAll(async () => {
    await fake.stop();
    tmp.remove();
  });

  function journalOrderCount(): number {
    const db = openDatabase(dbFile);
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
    } finally {
      closeDatabase(db);
    }
  }

  it('leaves zero duplicates, zero lost orders, and a journal equal to the broker', { timeout: 240_000 }, async () => {
    // Faults while the desk runs.
    const chaos = setInterval(() => {
      const r = random();
      faults++;
      if (r < 0.12) fake.dropConnectionOn(2202, { afterHandling: random() < 0.5 });
      else if (r < 0.2) fake.killConnections();
      else if (r < 0.3) fake.delayReplies(random() < 0.5 ? 0 : Math.floor(random() * 150), [2202, 2205]);
      else if (r < 0.4) fake.setDuplicatePushes(random() < 0.5);
      else if (r < 0.5) fake.setReorderPushes(random() < 0.5);
      else if (r < 0.8) {
        // Move the market through the resting limits (buys at 221–225, sells at 235–239).
        const mid = 220 + random() * 20;
        fake.setQuote('AAPL', { bid: Math.round((mid - 0.05) * 100) / 100, ask: Math.round((mid + 0.05) * 100) / 100, last: Math.round(mid * 100) / 100 });
      } else faults--;
    }, 25);

    try {
      let life = 0;
      while (journalOrderCount() < TOTAL) {
        const remaining = TOTAL - journalOrderCount();
        const desk = startDesk(dbFile, port, SEED + ++life, remaining);
        await desk.ready;
        // Kill it at a random point — right after start-up (mid-reconciliation) or mid-submission —
        // unless the point lies beyond its last order, in which case it finishes cleanly.
        const target = Math.floor(lives() * 250);
        if (target < remaining) {
          while (desk.submitted < target && desk.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 1));
          desk.child.kill('SIGKILL');
          kills++;
          await desk.exited;
        } else {
          await desk.done;
        }
      }
    } finally {
      clearInterval(chaos);
    }
    // Calm: no more faults; a last desk starts, reconciles, and exits cleanly.
    fake.delayReplies(0);
    fake.setDuplicatePushes(false);
    fake.setReorderPushes(false);
    const last = startDesk(dbFile, port, SEED, 0);
    await last.done;
    expect(await last.exited).toBe(0);
    expect(kills).toBeGreaterThan(3);
    expect(faults).toBeGreaterThan(20);

    // What the broker holds, read raw from the fake and through a fresh adapter.
    const account = fake.account(REAL_ACC_ID);
    const brokerOrders = [...account.orders.values()];
    const byRemark = new Map<string, number>();
    for (const o of brokerOrders) byRemark.set(o.remark, (byRemark.get(o.remark) ?? 0) + 1);
    const duplicates = [...byRemark].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);

    const reader = new FutuConnection({ port, env: 'REAL', clientId: 'fault-check', tradePasswordMd5: () => md5('123456') });
    await reader.connect();
    const [venueOrders, venueFills] = await Promise.all([reader.todaysOrders(REAL), reader.fills(REAL)]);
    await reader.disconnect();

    const db = openDatabase(dbFile);
    try {
      const repo = new Repository(db);
      const venueRepo = new VenueRepository(db);
      const journal = venueRepo.recentOrders('futu:fault', 0);
      expect(journal.length).toBeGreaterThanOrEqual(TOTAL);
      const journalByClient = new Map(journal.map((o) => [o.clientOrderId, o]));

      // Zero orders at the broker that the journal does not know.
      const unknown = venueOrders.filter((o) => !o.clientOrderId || !journalByClient.has(o.clientOrderId));
      expect(unknown).toEqual([]);

      // Every journal order: at the broker with the same status and fills, or closed as never arrived.
      const brokerByClient = new Map(venueOrders.map((o) => [o.clientOrderId!, o]));
      const mismatches: string[] = [];
      let neverArrived = 0;
      for (const o of journal) {
        const b = brokerByClient.get(o.clientOrderId);
        if (!b) {
          if (o.status !== 'rejected') mismatches.push(`${o.id} is ${o.status} in the journal but unknown to the broker`);
          neverArrived++;
          continue;
        }
        if (b.status !== o.status || Math.abs(b.filledQty - o.filledQty) > 1e-9) {
          mismatches.push(`${o.id}: journal ${o.status} ${o.filledQty}, broker ${b.status} ${b.filledQty}`);
          if (process.env.FAULT_DEBUG) process.stdout.write(`${JSON.stringify(repo.orderEvents(o.id))}\n${JSON.stringify(b)}\n`);
        }
        if (o.brokerOrderId !== b.brokerOrderId) mismatches.push(`${o.id}: broker id ${o.brokerOrderId} vs ${b.brokerOrderId}`);
      }
      expect(mismatches).toEqual([]);

      // Fills: the same set on both sides, each once.
      const journalFills = repo.recentFills(100_000).map((f) => f.id).sort();
      const brokerFills = venueFills.map((f) => `futu:fault:${f.fillId}`).sort();
      expect(journalFills).toEqual(brokerFills);
      expect(new Set(journalFills).size).toBe(journalFills.length);

      // The run exercised what it claims to.
      const statuses = new Set(journal.map((o) => o.status));
      expect(statuses.has('filled')).toBe(true);
      expect(statuses.has('cancelled')).toBe(true);
      process.stdout.write(
        `fault injection (seed ${SEED}): ${journal.length} orders, ${brokerOrders.length} at the broker, ${neverArrived} never arrived, ${journalFills.length} fills, ${kills} SIGKILLs, ${faults} faults\n`,
      );
    } finally {
      closeDatabase(db);
    }
  });
});
