// The state publisher's coalescing, driven by a manual clock and scheduler (no wall time): every
// change between two flushes goes out as one patch, at most one per interval; the live slices when
// they change and at least once a second; nothing accumulates without subscribers; a newcomer's
// snapshot comes after what earlier subscribers were owed.
import { describe, expect, it } from 'vitest';
import type { StateStreamMessage } from '../../shared/api/contract.js';
import type { StatePatch } from '../../shared/api/state.js';
import type { CockpitState, Fill, Order, Quote } from '../../shared/domain.js';
import { ManualTime } from '../timers.testing.js';
import { LIVE_SLICES_EVERY_MS, StatePublisher, type PublisherSource } from './publisher.js';

/** A Monday 10:00 New York; the publisher only measures differences on it. */
const T0 = Date.parse('2026-06-08T14:00:00Z');
const INTERVAL_MS = 50;

const quote = (symbol: string, last: number, ts: number): Quote => ({ symbol, bid: last - 0.01, ask: last + 0.01, last, bidSize: 100, askSize: 100, prevClose: 100, ts });
const order = (id: string, status: Order['status'], filledQty = 0): Order => ({
  id,
  clientOrderId: `c-${id}`,
  ticketId: null,
  mode: 'DRY_RUN',
  venue: 'sim',
  symbol: 'SPY',
  side: 'BUY',
  qty: 10,
  orderType: 'LIMIT',
  limitPrice: 600,
  stopPrice: null,
  tif: 'DAY',
  outsideRth: false,
  status,
  filledQty,
  avgFillPrice: null,
  createdAt: T0,
  updatedAt: T0,
  statusReason: null,
});
const fill = (id: string, qty: number): Fill => ({ id, orderId: 'o1', symbol: 'SPY', side: 'BUY', qty, price: 600, commission: 1, ts: T0 });

/** The engine side: counts how often each slice is computed; the snapshot is only passed through. */
function source() {
  const calls = { valuation: 0, live: 0, snapshots: [] as number[] };
  const src: PublisherSource = {
    snapshot: (seq) => {
      calls.snapshots.push(seq);
      return { seq } as unknown as CockpitState; // the publisher never looks inside a snapshot
    },
    valuationSlices: () => {
      calls.valuation++;
      return { positions: [] };
    },
    liveSlices: () => {
      calls.live++;
      return { mode: 'DRY_RUN' };
    },
  };
  return { src, calls };
}

function setup() {
  const time = new ManualTime(T0);
  const { src, calls } = source();
  const publisher = new StatePublisher(src, INTERVAL_MS, { now: time.now, timers: time });
  const messages: Array<{ at: number; message: StateStreamMessage }> = [];
  const listen = () => publisher.subscribe((message) => messages.push({ at: time.now(), message }));
  const patches = () => messages.flatMap((m) => (m.message.type === 'patch' ? [{ at: m.at, patch: m.message.patch }] : []));
  return { time, publisher, calls, messages, listen, patches };
}

/** Started and subscribed, with the first (live-slices) patch already out: a quiet baseline. */
function running() {
  const s = setup();
  s.publisher.start();
  s.listen();
  s.time.advance(INTERVAL_MS);
  expect(s.patches()).toHaveLength(1);
  s.messages.length = 0;
  s.calls.valuation = 0;
  s.calls.live = 0;
  return s;
}

const keysOf = (patch: StatePatch) => Object.keys(patch).sort();

describe('StatePublisher', () => {
  it('a burst of quote changes between two flushes goes out as one patch, with the latest quote per symbol, valued once', () => {
    const s = running();
    for (let i = 0; i < 200; i++) s.publisher.quotesChanged([quote('SPY', 600 + i / 100, T0 + i)]);
    s.publisher.quotesChanged([quote('QQQ', 500, T0 + 1), quote('QQQ', 501, T0 + 2)]);
    s.time.advance(INTERVAL_MS - 1);
    expect(s.patches()).toEqual([]);
    s.time.advance(1);
    const out = s.patches();
    expect(out).toHaveLength(1);
    const patch = out[0]!.patch;
    expect(patch.seq).toBe(2);
    expect(patch.quotes).toEqual({ SPY: quote('SPY', 601.99, T0 + 199), QQQ: quote('QQQ', 501, T0 + 2) });
    expect(patch.positions).toEqual([]); // the valuation slices ride along: quotes moved the book
    expect(s.calls.valuation).toBe(1);
    expect(patch.mode).toBeUndefined(); // live slices not due yet
    // Nothing changed since: the next intervals send nothing.
    s.time.advance(5 * INTERVAL_MS);
    expect(s.patches()).toHaveLength(1);
  });

  it('a quote every 7 ms for a second: one patch per interval, each with the newest quote before its flush', () => {
    const s = running();
    const start = s.time.now();
    let k = 0;
    while (s.time.now() - start < 1_000) {
      s.publisher.quotesChanged([quote('SPY', 600 + k / 100, start + 7 * k)]);
      k++;
      s.time.advance(7);
    }
    const out = s.patches();
    // Flushes every 50 ms, each with at least one change behind it: exactly one patch each.
    expect(out).toHaveLength(Math.floor((s.time.now() - start) / INTERVAL_MS));
    expect(out.map((p) => p.patch.seq)).toEqual(out.map((_, i) => 2 + i));
    for (const { at, patch } of out) {
      const newest = Math.ceil((at - start) / 7) - 1; // quote n changed at start + 7n, before a flush at `at` when 7n < at - start
      expect(patch.quotes, `flush at +${at - start} ms`).toEqual({ SPY: quote('SPY', 600 + newest / 100, start + 7 * newest) });
    }
    expect(s.calls.valuation).toBe(out.length);
  });

  it('the live slices go out when they change, and otherwise once a second with nothing else', () => {
    const s = running(); // live slices last went out at T0 + 50
    const lastLive = T0 + INTERVAL_MS;
    s.time.advance(LIVE_SLICES_EVERY_MS - INTERVAL_MS);
    expect(s.patches()).toEqual([]); // 950 ms: not due
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toHaveLength(1);
    const { at, patch } = s.patches()[0]!;
    expect(at - lastLive).toBe(LIVE_SLICES_EVERY_MS);
    expect(keysOf(patch)).toEqual(['mode', 'seq']);
    expect(s.calls.live).toBe(1);
    expect(s.calls.valuation).toBe(0);

    s.publisher.liveChanged();
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toHaveLength(2);
    expect(keysOf(s.patches()[1]!.patch)).toEqual(['mode', 'seq']);
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toHaveLength(2); // once, not every interval after
  });

  it('orders and tickets go out as their latest version per id; fills, risk events and equity points all, in order', () => {
    const s = running();
    s.publisher.orderChanged(order('o1', 'submitted'));
    s.publisher.orderChanged(order('o2', 'submitted'));
    s.publisher.orderChanged(order('o1', 'partially_filled', 4));
    s.publisher.fillBooked(fill('f1', 4));
    s.publisher.orderChanged(order('o1', 'filled', 10));
    s.publisher.fillBooked(fill('f2', 6));
    s.publisher.riskEvent({ id: 1, ts: T0, severity: 'warning', code: 'A', message: 'a', symbol: null });
    s.publisher.riskEvent({ id: 2, ts: T0, severity: 'critical', code: 'B', message: 'b', symbol: 'SPY' });
    s.publisher.equityPoint({ ts: T0, nav: 1, cash: 1 });
    s.publisher.equityPoint({ ts: T0 + 1, nav: 2, cash: 1 });
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toHaveLength(1);
    const patch = s.patches()[0]!.patch;
    expect(patch.orders).toEqual([order('o1', 'filled', 10), order('o2', 'submitted')]);
    expect(patch.fills!.map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(patch.riskEvents!.map((e) => e.code)).toEqual(['A', 'B']);
    expect(patch.equity!.map((e) => e.nav)).toEqual([1, 2]);
    expect(s.calls.valuation).toBe(1); // fills move cash and positions
  });

  it('with nobody subscribed, changes are dropped rather than piled up; a subscriber starts from a snapshot', () => {
    const s = setup();
    s.publisher.start();
    s.publisher.quotesChanged([quote('SPY', 600, T0)]);
    s.publisher.orderChanged(order('o1', 'submitted'));
    s.time.advance(INTERVAL_MS);
    expect(s.messages).toEqual([]);
    s.listen();
    expect(s.messages.map((m) => m.message.type)).toEqual(['snapshot']);
    s.time.advance(INTERVAL_MS);
    const out = s.patches();
    expect(out).toHaveLength(1); // the live slices, never sent yet
    expect(out[0]!.patch.quotes).toBeUndefined();
    expect(out[0]!.patch.orders).toBeUndefined();
  });

  it('a newcomer gets its snapshot only after earlier subscribers got what was pending, at the same seq', () => {
    const s = running();
    const late: StateStreamMessage[] = [];
    s.publisher.quotesChanged([quote('SPY', 601, T0)]);
    s.publisher.subscribe((message) => {
      late.push(message);
      // By the time the newcomer hears anything, the earlier subscriber already has the pending patch.
      expect(s.patches().map((p) => p.patch.quotes?.SPY?.last)).toEqual([601]);
    });
    expect(late).toHaveLength(1);
    expect(late[0]!.type).toBe('snapshot');
    expect(s.calls.snapshots.at(-1)).toBe(s.patches()[0]!.patch.seq);
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toHaveLength(1); // nothing pending twice
  });

  it('resync sends every subscriber a new snapshot at a new seq and drops what was pending (the snapshot has it)', () => {
    const s = running();
    s.publisher.quotesChanged([quote('SPY', 602, T0)]);
    s.publisher.resync();
    expect(s.messages.map((m) => m.message.type)).toEqual(['snapshot']);
    expect(s.calls.snapshots.at(-1)).toBe(2);
    s.time.advance(INTERVAL_MS);
    expect(s.patches()).toEqual([]);
    s.publisher.quotesChanged([quote('SPY', 603, T0)]);
    s.time.advance(INTERVAL_MS);
    expect(s.patches().map((p) => p.patch.seq)).toEqual([3]);
  });

  it('start runs one timer at the interval however often it is called; stop cancels it', () => {
    const s = setup();
    s.publisher.start();
    s.publisher.start();
    expect(s.time.intervals).toEqual([INTERVAL_MS]);
    s.listen();
    s.publisher.stop();
    expect(s.time.intervals).toEqual([]);
    s.publisher.quotesChanged([quote('SPY', 600, T0)]);
    s.time.advance(10 * INTERVAL_MS);
    expect(s.patches()).toEqual([]);
    s.publisher.flush(); // a direct flush still delivers
    expect(s.patches()).toHaveLength(1);
  });
});
