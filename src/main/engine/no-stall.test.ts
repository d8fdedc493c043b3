// No client can stall the engine: a connection has at most MAX_CALLS_IN_FLIGHT calls awaiting work
// (the rest are answered BUSY at once, while ping and the kill switch always go through); VaR and
// scenario grids compute on worker threads, so another client's ping and kill switch are answered
// while sixteen of them are still computing; and a state subscriber that stops reading is not
// buffered for — its patches are dropped until its socket drains, then it gets a fresh snapshot.
// Real sockets, the real engine; the assertions are on order and content, never on durations.
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { CockpitClient } from '../../shared/api/client.js';
import type { StateStreamMessage } from '../../shared/api/contract.js';
import type { Result } from '../../shared/api/result.js';
import { applyPatch } from '../../shared/api/state.js';
import type { CockpitState } from '../../shared/domain.js';
import { startHeadless, wsChannel } from '../headless/server.js';
import { MAX_CALLS_IN_FLIGHT, serveChannel } from './api-server.js';
import { useTestEngine } from './engine.testing.js';
import { connect, FAST, makeTempDir, openTestEngine, waitFor } from './testing.js';

const range = (from: number, step: number, n: number) => Array.from({ length: n }, (_, i) => from + i * step);
/** The largest grid the contract allows: 41 × 41 cells. */
const BIG_GRID = { spotPcts: range(-0.2, 0.01, 41), volPts: range(-20, 1, 41), days: 1 };

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('calls in flight per connection', () => {
  const t = useTestEngine();

  it(`runs at most ${MAX_CALLS_IN_FLIGHT} awaiting calls per connection: the rest are answered BUSY at once, ping and the kill switch still go through, other connections are unaffected`, async () => {
    const arrivals: string[] = [];
    const track = <T,>(label: string, call: Promise<Result<T>>) =>
      call.then((r) => {
        arrivals.push(r.ok ? label : r.error.code);
        return r;
      });
    const heavy = Array.from({ length: MAX_CALLS_IN_FLIGHT + 4 }, (_, i) =>
      i % 2 ? track<unknown>('heavy', t.client.call('risk.var', {})) : track<unknown>('heavy', t.client.call('risk.scenario', {})),
    );
    const ping = track('ping', t.client.call('ping', {}));
    const kill = track('kill', t.client.call('killSwitch.activate', {}));
    const other = connect(t.engine);
    const otherVar = other.call('risk.var', {});

    const results = await Promise.all(heavy);
    expect(results.slice(0, MAX_CALLS_IN_FLIGHT).every((r) => r.ok)).toBe(true);
    const refused = results.slice(MAX_CALLS_IN_FLIGHT);
    expect(refused.map((r) => !r.ok && r.error.code)).toEqual(['BUSY', 'BUSY', 'BUSY', 'BUSY']);
    if (!refused[0]!.ok) {
      expect(refused[0]!.error.message).toBe(`${MAX_CALLS_IN_FLIGHT} calls of this connection are still running; risk.scenario was not run. Wait for their answers, then retry.`);
    }
    expect((await ping).ok).toBe(true);
    const killed = await kill;
    expect(killed.ok && killed.value.mode).toBe('OFF');
    expect((await otherVar).ok).toBe(true);
    // Refused at once, and the cheap calls not held back: all six answered before any heavy one.
    expect(arrivals.slice(0, 6).sort()).toEqual(['BUSY', 'BUSY', 'BUSY', 'BUSY', 'kill', 'ping']);
    // The answers freed the slots.
    const again = await Promise.all(Array.from({ length: MAX_CALLS_IN_FLIGHT }, () => t.client.call('risk.var', {})));
    expect(again.every((r) => r.ok)).toBe(true);
    other.close();
  });

  it('a call answered on the spot never holds a slot, however many are pipelined', async () => {
    const answers = await Promise.all(Array.from({ length: 4 * MAX_CALLS_IN_FLIGHT }, () => t.client.call('risk.limits.get', {})));
    expect(answers.every((r) => r.ok)).toBe(true);
  });
});

describe('heavy calls run off the engine loop', () => {
  it('another connection’s ping and kill switch are answered while 16 VaR and scenario calls are still computing', async () => {
    const tmp = makeTempDir();
    const host = await startHeadless({ ...FAST, dataDir: tmp.dir, port: 0, rendererDir: `${tmp.dir}/no-ui` });
    const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
    const heavyClient = new CockpitClient(wsChannel(await openSocket(url)), 60_000);
    const trader = new CockpitClient(wsChannel(await openSocket(url)), 60_000);
    try {
      expect((await trader.call('ping', {})).ok).toBe(true);
      let heavyDone = 0;
      const heavy = Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? heavyClient.call('risk.var', {}) : heavyClient.call('risk.scenario', BIG_GRID)).finally(() => heavyDone++),
      );
      // The engine has taken them in: they wait for or run on the risk workers.
      await waitFor(() => host.engine.riskWorkers.outstanding >= 12, 'the heavy calls at the risk workers');
      const pong = await trader.call('ping', {});
      const kill = await trader.call('killSwitch.activate', {});
      const computingAtKill = host.engine.riskWorkers.outstanding;
      const doneAtKill = heavyDone;
      expect(pong.ok).toBe(true);
      expect(kill.ok && kill.value.mode).toBe('OFF');
      // On the loop, the heavy calls would have finished before the ping was even read.
      expect(computingAtKill).toBeGreaterThan(0);
      expect(doneAtKill).toBeLessThan(16);
      const results = await Promise.all(heavy);
      expect(results.filter((r) => r.ok)).toHaveLength(16);
      const grid = results[0]!.ok ? results[0]!.value : undefined;
      expect(grid && 'cells' in grid && grid.cells.length).toBe(41);
    } finally {
      heavyClient.close();
      trader.close();
      await host.close();
      tmp.remove();
    }
  });
});

describe('a state subscriber that stops reading', () => {
  it('is not buffered for: its patches are dropped while its socket is backed up, then it is resynced from a fresh snapshot', async () => {
    const tmp = makeTempDir();
    const engine = await openTestEngine(tmp.dir);
    const highWater = 256 * 1024;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    let server: WebSocket | undefined;
    const sent = { results: 0, events: 0 };
    wss.on('connection', (ws) => {
      server = ws;
      const channel = wsChannel(ws);
      serveChannel(
        engine,
        {
          ...channel,
          send: (frame) => {
            if (frame.startsWith('{"t":"result"')) sent.results++;
            else if (frame.startsWith('{"t":"event"')) sent.events++;
            channel.send(frame);
          },
        },
        { streamHighWaterBytes: highWater, streamResumeBytes: 16 * 1024, drainCheckMs: 10 },
      );
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    const clientSocket = await openSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const client = new CockpitClient(wsChannel(clientSocket), 120_000);
    const received: StateStreamMessage[] = [];
    let published = 0;
    let unsubscribeProbe: (() => void) | undefined;
    try {
      client.subscribe('state', (m) => received.push(m));
      await waitFor(() => received.filter((m) => m.type === 'patch').length >= 3, 'a few patches');
      // Subscribed after the client, so it sees each publication after the client's listener ran.
      unsubscribeProbe = engine.subscribeState(() => published++);

      // The client stops reading. It keeps asking for whole states until more than the high-water
      // mark waits in the server's socket (the kernel's buffers fill first).
      (clientSocket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const calls: Promise<{ ok: boolean }>[] = [];
      while (server!.bufferedAmount <= 2 * highWater) {
        if (calls.length > 20_000) throw new Error('the socket never backed up');
        for (let i = 0; i < 50; i++) calls.push(client.call('state.get', {}));
        await waitFor(() => sent.results === calls.length, 'the server to answer');
      }

      // From here the engine keeps publishing, and nothing more is queued for this client.
      const backlog = server!.bufferedAmount;
      const eventsBefore = sent.events;
      const from = published;
      let peak = 0;
      await waitFor(() => {
        peak = Math.max(peak, server!.bufferedAmount);
        return published >= from + 25;
      }, '25 publications');
      expect(sent.events).toBe(eventsBefore);
      expect(peak).toBeLessThanOrEqual(backlog);

      // It reads again: everything drains, and a fresh snapshot comes before any further patch.
      const receivedBefore = received.length;
      (clientSocket as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await Promise.all(calls)).every((r) => r.ok)).toBe(true);
      await waitFor(() => {
        const after = received.slice(receivedBefore);
        const snapshotAt = after.findIndex((m) => m.type === 'snapshot');
        return snapshotAt >= 0 && after.length - snapshotAt > 3;
      }, 'a snapshot and patches after it');

      // Every patch the client applied follows the one before it: a gap only ever ends in a snapshot.
      let seq = -1;
      let state: CockpitState | undefined;
      const gapsClosedBy: string[] = [];
      for (const m of received) {
        const next = m.type === 'snapshot' ? m.state.seq : m.patch.seq;
        if (seq >= 0 && next !== seq + 1) gapsClosedBy.push(m.type);
        if (m.type === 'snapshot') state = m.state;
        else state = applyPatch(state!, m.patch);
        seq = next;
      }
      expect(gapsClosedBy.length).toBeGreaterThan(0);
      expect(gapsClosedBy.every((type) => type === 'snapshot')).toBe(true);
      expect(received.filter((m) => m.type === 'snapshot')).toHaveLength(2);
      const truth = await client.invoke('state.get', {});
      expect(state!.account.id).toBe(truth.account.id);
      expect(state!.positions.map((p) => [p.symbol, p.qty])).toEqual(truth.positions.map((p) => [p.symbol, p.qty]));
      expect(server!.bufferedAmount).toBeLessThanOrEqual(highWater);
    } finally {
      unsubscribeProbe?.();
      client.close();
      // A paused socket cannot complete a closing handshake: cut both ends.
      clientSocket.terminate();
      server?.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await engine.close();
      tmp.remove();
    }
  });
});
