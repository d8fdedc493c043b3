// The paper broker as a venue: partial fills by displayed size, stops, IOC, DAY expiry and
// market-rule rejections, seen through the events the OMS consumes.
import { afterEach, describe, expect, it } from 'vitest';
import type { Instrument, Quote } from '../../../shared/domain.js';
import type { BrokerEvent, BrokerOrderRequest } from '../types.js';
import { Ledger } from './ledger.js';
import { aShareBand } from './matching.js';
import { PaperBroker } from './paper-broker.js';

const STOCK: Instrument = { symbol: 'X', kind: 'STOCK', underlying: 'X', multiplier: 1 };
let quote: Quote = { symbol: 'X', bid: 99.9, ask: 100.1, last: 100, bidSize: 500, askSize: 300, prevClose: 99, ts: 0 };
let broker: PaperBroker;
let events: BrokerEvent[];
let ids = 0;

function open(extra: Partial<ConstructorParameters<typeof PaperBroker>[0]> = {}): void {
  events = [];
  broker = new PaperBroker({ ledger: new Ledger(1e6), quote: () => quote, instrument: () => STOCK, now: () => 0, newId: () => `F${++ids}`, latencyMs: 1, ...extra });
  broker.onEvent((e) => events.push(e));
}

const req = (over: Partial<BrokerOrderRequest> = {}): BrokerOrderRequest => ({ orderId: 'O1', clientOrderId: 'C1', symbol: 'X', side: 'BUY', qty: 100, orderType: 'MARKET', limitPrice: null, ...over });
const settle = () => new Promise((r) => setTimeout(r, 10));

afterEach(() => {
  broker.dispose();
  quote = { symbol: 'X', bid: 99.9, ask: 100.1, last: 100, bidSize: 500, askSize: 300, prevClose: 99, ts: 0 };
});

describe('PaperBroker', () => {
  it('fills a large market order in parts, by the displayed size, with a running average price', async () => {
    open();
    broker.placeOrder(req({ qty: 500 }));
    await settle();
    expect(events.map((e) => e.type)).toEqual(['accepted', 'fill']);
    expect(events[1]).toMatchObject({ filledQty: 300, complete: false, avgFillPrice: 100.1 });
    quote = { ...quote, ask: 100.3, askSize: 1000 };
    broker.onQuotes(new Set(['X']));
    expect(events[2]).toMatchObject({ type: 'fill', filledQty: 500, complete: true });
    const avg = (300 * 100.1 + 200 * 100.3) / 500;
    expect((events[2] as Extract<BrokerEvent, { type: 'fill' }>).avgFillPrice).toBeCloseTo(avg, 4);
    expect(broker.workingOrderIds()).toEqual([]);
  });

  it('IOC fills what it can at once and cancels the rest', async () => {
    open();
    broker.placeOrder(req({ qty: 500, tif: 'IOC' }));
    await settle();
    expect(events.map((e) => e.type)).toEqual(['accepted', 'fill', 'cancelled']);
    expect(events[2]).toMatchObject({ reason: expect.stringMatching(/IOC: 200 not filled/) });
  });

  it('a sell stop rests until the bid falls to it', async () => {
    open();
    broker.placeOrder(req({ side: 'SELL', orderType: 'STOP', stopPrice: 99 }));
    await settle();
    expect(events.map((e) => e.type)).toEqual(['accepted']);
    quote = { ...quote, bid: 98.9, ask: 99.1, last: 99 };
    broker.onQuotes(new Set(['X']));
    expect(events[1]).toMatchObject({ type: 'fill', complete: true, fill: { price: 98.9 } });
  });

  it('DAY orders expire at the end of the session, GTC orders stay', async () => {
    open();
    broker.placeOrder(req({ orderId: 'D', orderType: 'LIMIT', limitPrice: 90 }));
    broker.placeOrder(req({ orderId: 'G', orderType: 'LIMIT', limitPrice: 90, tif: 'GTC' }));
    await settle();
    broker.endSession();
    expect(events.filter((e) => e.type === 'cancelled').map((e) => e.orderId)).toEqual(['D']);
    expect(broker.workingOrderIds()).toEqual(['G']);
  });

  it('a DAY order placed after the close waits for the next session and expires at its end', async () => {
    let session: 'REGULAR' | 'CLOSED' = 'CLOSED';
    open({ session: () => session });
    broker.placeOrder(req({ orderId: 'late', orderType: 'LIMIT', limitPrice: 90 }));
    await settle();
    broker.endSession(); // the roll into the next session
    expect(broker.workingOrderIds()).toEqual(['late']);
    session = 'REGULAR';
    broker.endSession(); // the end of that session
    expect(events.filter((e) => e.type === 'cancelled').map((e) => e.orderId)).toEqual(['late']);
  });

  it('outside regular hours only outsideRth limit orders trade', async () => {
    open({ session: () => 'POST' });
    broker.placeOrder(req({ orderId: 'M' }));
    broker.placeOrder(req({ orderId: 'L', orderType: 'LIMIT', limitPrice: 101, outsideRth: true }));
    await settle();
    expect(events.filter((e) => e.type === 'fill').map((e) => e.orderId)).toEqual(['L']);
  });

  it('rejects what the market rules forbid, with the reason (A-share lots and bands)', async () => {
    open({ rules: () => ({ lotSize: 100, band: aShareBand(100, 0.1), suspended: false, sellable: 0 }) });
    broker.placeOrder(req({ orderId: 'lot', qty: 150 }));
    broker.placeOrder(req({ orderId: 'band', orderType: 'LIMIT', limitPrice: 120 }));
    await settle();
    expect(events).toEqual([
      expect.objectContaining({ type: 'rejected', orderId: 'lot', reason: expect.stringMatching(/lots of 100/) }),
      expect.objectContaining({ type: 'rejected', orderId: 'band', reason: expect.stringMatching(/price band 90–110/) }),
    ]);
  });
});

describe('PaperBroker.modifyOrder', () => {
  const last = () => events.at(-1)!;

  it('a modified limit that now crosses fills at once, at the touch', async () => {
    open();
    broker.placeOrder(req({ orderType: 'LIMIT', limitPrice: 99, qty: 100 }));
    await settle();
    expect(events.map((e) => e.type)).toEqual(['accepted']);
    expect(broker.modifyOrder('O1', { limitPrice: 100.2 })).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['accepted', 'modified', 'fill']);
    expect(events[1]).toMatchObject({ qty: 100, limitPrice: 100.2, stopPrice: null });
    expect(events[2]).toMatchObject({ complete: true, fill: { price: 100.1 } });
    expect(broker.workingOrderIds()).toEqual([]);
  });

  it('a modified limit that still does not cross keeps resting with its new terms', async () => {
    open();
    broker.placeOrder(req({ orderType: 'LIMIT', limitPrice: 99, qty: 100 }));
    await settle();
    broker.modifyOrder('O1', { limitPrice: 99.5, qty: 150 });
    expect(last()).toMatchObject({ type: 'modified', qty: 150, limitPrice: 99.5 });
    quote = { ...quote, ask: 99.5, askSize: 1000 };
    broker.onQuotes(new Set(['X']));
    expect(last()).toMatchObject({ type: 'fill', filledQty: 150, complete: true, fill: { price: 99.5 } });
  });

  it('quantity cannot go to or below what has filled; the order keeps working on its old terms', async () => {
    open();
    broker.placeOrder(req({ qty: 500 })); // market: 300 fill at once (displayed size)
    await settle();
    expect(events[1]).toMatchObject({ type: 'fill', filledQty: 300 });
    expect(broker.modifyOrder('O1', { qty: 300 })).toBe(true);
    expect(last()).toMatchObject({ type: 'modifyRejected', reason: expect.stringContaining('not above the 300 already filled') });
    expect(broker.modifyOrder('O1', { qty: 200 })).toBe(true);
    expect(last()).toMatchObject({ type: 'modifyRejected' });
    expect(broker.workingOrderIds()).toEqual(['O1']);
    // Cutting to 400 leaves 100 to fill; the next quote completes it at 400, not 500.
    broker.modifyOrder('O1', { qty: 400 });
    expect(events.filter((e) => e.type === 'modified')).toHaveLength(1);
    quote = { ...quote, askSize: 1000 };
    broker.onQuotes(new Set(['X']));
    expect(last()).toMatchObject({ type: 'fill', filledQty: 400, complete: true });
  });

  it('refuses prices the order type does not have, and moving a stop that already triggered', async () => {
    open();
    broker.placeOrder(req({ orderId: 'M' }));
    broker.placeOrder(req({ orderId: 'S', side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 99.95, limitPrice: 50, qty: 10 }));
    broker.placeOrder(req({ orderId: 'L', orderType: 'LIMIT', limitPrice: 90, qty: 10 }));
    await settle();
    broker.modifyOrder('L', { stopPrice: 95 });
    expect(last()).toMatchObject({ type: 'modifyRejected', orderId: 'L', reason: expect.stringContaining('limit order has no stop price') });
    // S: the bid 99.9 is below its stop 99.95 → triggered; the limit 50 fills at the bid at once.
    expect(events.some((e) => e.type === 'fill' && e.orderId === 'S')).toBe(true);
    broker.placeOrder(req({ orderId: 'T', side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 99.95, limitPrice: 120, qty: 10 }));
    await settle();
    broker.modifyOrder('T', { stopPrice: 98 });
    expect(last()).toMatchObject({ type: 'modifyRejected', orderId: 'T', reason: expect.stringContaining('already triggered') });
    broker.modifyOrder('T', { limitPrice: 99 });
    expect(events.filter((e) => e.orderId === 'T').map((e) => e.type)).toEqual(['accepted', 'modifyRejected', 'modified', 'fill']);
  });

  it('returns false for an order it does not hold; market rules apply to the new terms', async () => {
    open({ rules: () => ({ lotSize: 100, band: { lower: 90, upper: 110 }, suspended: false, sellable: Infinity }) });
    expect(broker.modifyOrder('nope', { qty: 1 })).toBe(false);
    broker.placeOrder(req({ orderType: 'LIMIT', limitPrice: 95, qty: 100 }));
    await settle();
    broker.modifyOrder('O1', { qty: 150 });
    expect(last()).toMatchObject({ type: 'modifyRejected', reason: expect.stringContaining('lots of 100') });
    broker.modifyOrder('O1', { limitPrice: 111 });
    expect(last()).toMatchObject({ type: 'modifyRejected', reason: expect.stringContaining('price band') });
    expect(events.filter((e) => e.type === 'modified')).toHaveLength(0);
  });
});
