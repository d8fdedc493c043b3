// The broker adapter interface every venue implements: the paper ledger now, Futu and Tiger later.
import type { BrokerState, Fill, OrderType, Side } from '../../shared/domain.js';

export interface BrokerOrderRequest {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  orderType: OrderType | 'STOP' | 'STOP_LIMIT';
  limitPrice: number | null;
  stopPrice?: number | null;
  /** Default DAY. */
  tif?: 'DAY' | 'GTC' | 'IOC';
  outsideRth?: boolean;
}

export type BrokerEvent =
  | { type: 'accepted'; orderId: string; ts: number }
  | { type: 'fill'; orderId: string; fill: Fill; filledQty: number; avgFillPrice: number; complete: boolean }
  | { type: 'rejected'; orderId: string; reason: string; ts: number }
  | { type: 'cancelled'; orderId: string; reason: string; ts: number }
  /** A modify was applied: the order's terms are now these. */
  | { type: 'modified'; orderId: string; qty: number; limitPrice: number | null; stopPrice: number | null; ts: number }
  /** A modify was refused; the order keeps working on its previous terms. */
  | { type: 'modifyRejected'; orderId: string; reason: string; ts: number };

/** What a modify may change on a working order; omitted fields stay as they are. */
export interface OrderChange {
  qty?: number;
  limitPrice?: number;
  stopPrice?: number;
}

export interface BrokerAdapter {
  readonly id: string;
  state(): BrokerState;
  /** Sends an order; what happens to it arrives as events. */
  placeOrder(request: BrokerOrderRequest): void;
  /** Cancels a working order. Returns false when the venue no longer holds it as working. */
  cancelOrder(orderId: string): boolean;
  /**
   * Asks the venue to change a working order's quantity or prices. Returns false when the venue
   * no longer holds it as working; otherwise the outcome arrives as a `modified` or
   * `modifyRejected` event.
   */
  modifyOrder(orderId: string, change: OrderChange): boolean;
  onEvent(listener: (event: BrokerEvent) => void): void;
}
