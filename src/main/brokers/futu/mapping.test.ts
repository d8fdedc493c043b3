// Futu structures → venue types, on bodies that went through Futu's protobuf encoding (so
// absent optional fields look the way protobufjs really hands them over).
import { describe, expect, it } from 'vitest';
import { mapFill, mapFunds, mapOrder, mapPosition, orderStatusOf, statusRank } from './mapping.js';
import { decodeResponse, encodeResponse, PROTO } from './proto.js';
import { OrderStatus, type Funds, type Order, type OrderFill, type Position } from './wire.js';

const header = { trdEnv: 1, accID: '1', trdMarket: 2 };

function roundTripPosition(position: object): Position {
  const body = encodeResponse(PROTO.TrdGetPositionList, { retType: 0, s2c: { header, positionList: [position] } });
  return decodeResponse<{ positionList: Position[] }>(PROTO.TrdGetPositionList, body).s2c!.positionList[0]!;
}

function roundTripOrder(order: object): Order {
  const body = encodeResponse(PROTO.TrdUpdateOrder, { retType: 0, s2c: { header, order } });
  return decodeResponse<{ order: Order }>(PROTO.TrdUpdateOrder, body).s2c!.order;
}

const basePosition = { positionID: '1', positionSide: 0, code: 'AAPL', name: 'Apple', qty: 100, canSellQty: 100, price: 230, val: 23_000, plVal: 0 };
const baseOrder = { trdSide: 1, orderType: 1, orderStatus: 5, orderID: '5870498377428972628', orderIDEx: 'x', code: 'AAPL261218C230000', name: 'c', qty: 2, price: 5.5, createTime: '2026-07-01 09:30:00', updateTime: '2026-07-01 09:31:00', secMarket: 2 };

describe('positions', () => {
  it('uses the average cost, else the (older) cost price when a simulated account sends no average', () => {
    expect(mapPosition(roundTripPosition({ ...basePosition, averageCostPrice: 201.5, costPrice: 199 }), 2).avgCost).toBe(201.5);
    expect(mapPosition(roundTripPosition({ ...basePosition, costPrice: 199 }), 2).avgCost).toBe(199);
    expect(mapPosition(roundTripPosition({ ...basePosition, averageCostPrice: 0, costPrice: 199 }), 2).avgCost).toBe(0); // a real 0 is kept
  });

  it('signs short positions negative', () => {
    expect(mapPosition(roundTripPosition({ ...basePosition, positionSide: 1, qty: 5, code: 'AAPL261218P200000', costPrice: 3 }), 2)).toEqual({ symbol: 'AAPL261218P00200000', qty: -5, avgCost: 3 });
    expect(mapPosition(roundTripPosition({ ...basePosition, qty: -7, costPrice: 3 }), 2).qty).toBe(-7);
  });
});

describe('orders', () => {
  it('maps an option order with its remark, 64-bit id and exchange-local times when no timestamps are sent', () => {
    const order = mapOrder(roundTripOrder({ ...baseOrder, remark: 'cid-9', timeInForce: 1 }), 2, 0);
    expect(order).toEqual({
      brokerOrderId: '5870498377428972628',
      clientOrderId: 'cid-9',
      symbol: 'AAPL261218C00230000',
      side: 'BUY',
      qty: 2,
      filledQty: 0,
      avgFillPrice: 0,
      orderType: 'LIMIT',
      limitPrice: 5.5,
      stopPrice: null,
      tif: 'GTC',
      status: 'accepted',
      updatedTs: Date.parse('2026-07-01T13:31:00Z'),
    });
  });

  it('has no clientOrderId for an order placed outside Deltadeck, and keeps the venue reason', () => {
    const order = mapOrder(roundTripOrder({ ...baseOrder, orderStatus: OrderStatus.Failed, lastErrMsg: 'Insufficient buying power', updateTimestamp: 1_780_000_000.5 }), 2, 0);
    expect(order).toMatchObject({ clientOrderId: null, status: 'rejected', reason: 'Insufficient buying power', updatedTs: 1_780_000_000_500 });
  });

  it('maps stop orders with their trigger price, and sell-short as a sell', () => {
    expect(mapOrder(roundTripOrder({ ...baseOrder, trdSide: 3, orderType: 11, auxPrice: 5 }), 2, 0)).toMatchObject({ side: 'SELL', orderType: 'STOP_LIMIT', limitPrice: 5.5, stopPrice: 5 });
    expect(mapOrder(roundTripOrder({ ...baseOrder, orderType: 10, auxPrice: 5 }), 2, 0)).toMatchObject({ orderType: 'STOP', limitPrice: null, stopPrice: 5 });
  });

  it('orders the lifecycle so that a final state outranks every working one', () => {
    const table: [number, number, string][] = [
      [OrderStatus.Submitting, 0, 'submitted'],
      [OrderStatus.TimeOut, 0, 'submitted'],
      [OrderStatus.Submitted, 0, 'accepted'],
      [OrderStatus.FilledPart, 3, 'partially_filled'],
      [OrderStatus.CancellingPart, 3, 'partially_filled'],
      [OrderStatus.CancellingAll, 0, 'accepted'],
      [OrderStatus.FilledAll, 10, 'filled'],
      [OrderStatus.CancelledPart, 3, 'cancelled'],
      [OrderStatus.CancelledAll, 0, 'cancelled'],
      [OrderStatus.Deleted, 0, 'cancelled'],
      [OrderStatus.Disabled, 0, 'expired'],
      [OrderStatus.SubmitFailed, 0, 'rejected'],
      [OrderStatus.Failed, 0, 'rejected'],
    ];
    for (const [futu, filled, expected] of table) expect(orderStatusOf(futu, filled), String(futu)).toBe(expected);
    expect(statusRank('submitted')).toBeLessThan(statusRank('accepted'));
    expect(statusRank('accepted')).toBeLessThan(statusRank('partially_filled'));
    expect(statusRank('partially_filled')).toBeLessThan(statusRank('cancelled'));
  });
});

describe('fills and funds', () => {
  it('maps a fill without an order id to an empty brokerOrderId', () => {
    const body = encodeResponse(PROTO.TrdUpdateOrderFill, { retType: 0, s2c: { header, orderFill: { trdSide: 2, fillID: '77', fillIDEx: 'f', code: 'AAPL', name: 'a', qty: 3, price: 230.5, createTime: '2026-07-01 10:00:00' } } });
    const fill = decodeResponse<{ orderFill: OrderFill }>(PROTO.TrdUpdateOrderFill, body).s2c!.orderFill;
    expect(mapFill(fill, 2, null, 0)).toEqual({ fillId: '77', brokerOrderId: '', clientOrderId: null, symbol: 'AAPL', side: 'SELL', qty: 3, price: 230.5, commission: 0, ts: Date.parse('2026-07-01T14:00:00Z') });
  });

  it('names the funds currency from the reply, else from the requested one', () => {
    const funds = (currency?: number) => {
      const body = encodeResponse(PROTO.TrdGetFunds, { retType: 0, s2c: { header, funds: { power: 1, totalAssets: 2, cash: 3, marketVal: 4, frozenCash: 0, debtCash: 0, avlWithdrawalCash: 0, ...(currency ? { currency } : {}) } } });
      return decodeResponse<{ funds: Funds }>(PROTO.TrdGetFunds, body).s2c!.funds;
    };
    expect(mapFunds(funds(), 1)).toEqual({ currency: 'HKD', cash: 3, nav: 2, marketValue: 4, buyingPower: 1 });
    expect(mapFunds(funds(2), 1).currency).toBe('USD');
  });
});
