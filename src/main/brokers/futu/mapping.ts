// Futu trade and quote structures → Deltadeck's venue types, and the order-status ordering
// that keeps pushes from moving an order backwards.
import type { Side } from '../../../shared/domain.js';
import type { TimeInForce, VenueFill, VenueFunds, VenueOrder, VenueOrderStatus, VenueOrderType, VenuePosition } from '../venue.js';
import { fromFutuTradeCode, localTimeToEpochMs, marketTimeZone } from './symbols.js';
import {
  Currency,
  int64String,
  OrderStatus,
  OrderType,
  PositionSide,
  QotMarket,
  TimeInForce as FutuTif,
  TrdMarket,
  TrdSide,
  type Funds,
  type Order,
  type OrderFill,
  type Position,
  present,
} from './wire.js';

export function sideOf(trdSide: number): Side {
  return trdSide === TrdSide.Sell || trdSide === TrdSide.SellShort ? 'SELL' : 'BUY';
}

export function orderTypeOf(futuType: number): VenueOrderType {
  switch (futuType) {
    case OrderType.Market:
      return 'MARKET';
    case OrderType.Stop:
      return 'STOP';
    case OrderType.StopLimit:
      return 'STOP_LIMIT';
    default:
      return 'LIMIT';
  }
}

export function tifOf(futuTif: number | undefined): TimeInForce {
  if (futuTif === FutuTif.GTC) return 'GTC';
  if (futuTif === FutuTif.IOC) return 'IOC';
  return 'DAY';
}

/** Futu OrderStatus → Deltadeck status. "Cancelling" is still working; "timed out" is unknown, so still submitted. */
export function orderStatusOf(futuStatus: number, filledQty: number): VenueOrderStatus {
  switch (futuStatus) {
    case OrderStatus.Unsubmitted:
    case OrderStatus.WaitingSubmit:
    case OrderStatus.Submitting:
    case OrderStatus.TimeOut:
    case OrderStatus.Unknown:
      return 'submitted';
    case OrderStatus.Submitted:
      return filledQty > 0 ? 'partially_filled' : 'accepted';
    case OrderStatus.FilledPart:
      return 'partially_filled';
    case OrderStatus.CancellingPart:
    case OrderStatus.CancellingAll:
      return filledQty > 0 ? 'partially_filled' : 'accepted';
    case OrderStatus.FilledAll:
      return 'filled';
    case OrderStatus.CancelledPart:
    case OrderStatus.CancelledAll:
    case OrderStatus.Deleted:
      return 'cancelled';
    case OrderStatus.Disabled:
      return 'expired';
    case OrderStatus.SubmitFailed:
    case OrderStatus.Failed:
    case OrderStatus.FillCancelled:
      return 'rejected';
    default:
      return 'submitted';
  }
}

const RANK: Record<VenueOrderStatus, number> = {
  submitted: 0,
  accepted: 1,
  partially_filled: 2,
  filled: 3,
  cancelled: 3,
  rejected: 3,
  expired: 3,
};

/** Position in the lifecycle; final states share the top rank (one final state never replaces another). */
export function statusRank(status: VenueOrderStatus): number {
  return RANK[status];
}

export function isFinal(status: VenueOrderStatus): boolean {
  return RANK[status] === 3;
}

function qotMarketOfTrd(trdMarket: number): number {
  if (trdMarket === TrdMarket.HK) return QotMarket.HK;
  if (trdMarket === TrdMarket.CN) return QotMarket.CNSH;
  return QotMarket.US;
}

/** Futu timestamps are seconds (double); older OpenD versions only send exchange-local strings. */
export function futuTimeMs(timestamp: number | undefined, text: string | undefined, trdMarket: number, fallback: number): number {
  if (timestamp && timestamp > 0) return Math.round(timestamp * 1000);
  if (text) {
    const ms = localTimeToEpochMs(text, marketTimeZone(qotMarketOfTrd(trdMarket)));
    if (Number.isFinite(ms)) return ms;
  }
  return fallback;
}

export function mapOrder(order: Order, trdMarket: number, now: number): VenueOrder {
  const filledQty = order.fillQty ?? 0;
  const status = orderStatusOf(order.orderStatus, filledQty);
  const type = orderTypeOf(order.orderType);
  const mapped: VenueOrder = {
    brokerOrderId: int64String(order.orderID),
    clientOrderId: order.remark ? order.remark : null,
    symbol: fromFutuTradeCode(order.code, order.secMarket, trdMarket),
    side: sideOf(order.trdSide),
    qty: order.qty,
    filledQty,
    avgFillPrice: order.fillAvgPrice ?? 0,
    orderType: type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? (order.price ?? null) : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? (order.auxPrice ?? null) : null,
    tif: tifOf(order.timeInForce),
    status,
    updatedTs: futuTimeMs(order.updateTimestamp, order.updateTime, trdMarket, now),
  };
  if (order.lastErrMsg) mapped.reason = order.lastErrMsg;
  return mapped;
}

/** Futu fills carry no fees (those come from a separate order-fee query), so commission is 0. */
export function mapFill(fill: OrderFill, trdMarket: number, clientOrderId: string | null, now: number): VenueFill {
  return {
    fillId: int64String(fill.fillID),
    brokerOrderId: present(fill, 'orderID') ? int64String(fill.orderID) : '',
    clientOrderId,
    symbol: fromFutuTradeCode(fill.code, fill.secMarket, trdMarket),
    side: sideOf(fill.trdSide),
    qty: fill.qty,
    price: fill.price,
    commission: 0,
    ts: futuTimeMs(fill.createTimestamp, fill.createTime, trdMarket, now),
  };
}

export function mapPosition(position: Position, trdMarket: number): VenuePosition {
  const size = Math.abs(position.qty);
  return {
    symbol: fromFutuTradeCode(position.code, position.secMarket, trdMarket),
    qty: position.positionSide === PositionSide.Short || position.qty < 0 ? -size : size,
    // Simulated accounts have no averageCostPrice; costPrice is deprecated but still sent.
    avgCost: present(position, 'averageCostPrice') ? position.averageCostPrice! : present(position, 'costPrice') ? position.costPrice! : (position.dilutedCostPrice ?? 0),
  };
}

const CURRENCY_NAME: Record<number, string> = { [Currency.HKD]: 'HKD', [Currency.USD]: 'USD', [Currency.CNH]: 'CNH' };

export function currencyOfMarket(trdMarket: number): number {
  if (trdMarket === TrdMarket.HK) return Currency.HKD;
  if (trdMarket === TrdMarket.CN) return Currency.CNH;
  return Currency.USD;
}

export function mapFunds(funds: Funds, requestedCurrency: number): VenueFunds {
  return {
    currency: CURRENCY_NAME[present(funds, 'currency') ? funds.currency! : requestedCurrency] ?? 'USD',
    cash: funds.cash,
    nav: funds.totalAssets,
    marketValue: funds.marketVal,
    buyingPower: funds.power,
  };
}
