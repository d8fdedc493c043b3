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
