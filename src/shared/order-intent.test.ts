// The order-intent schema: which prices each order type takes, defaults for time in force and
// outside-RTH, and the messages a trader sees when a combination is refused.
import { describe, expect, it } from 'vitest';
import { OrderIntent, orderEventLabel, withIntentDefaults } from './domain.js';
import { commands } from './api/contract.js';

const base = { symbol: 'SPY', side: 'BUY', qty: 10 } as const;
const issues = (input: unknown) => {
  const r = OrderIntent.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('OrderIntent schema', () => {
  it('defaults to DAY, regular hours only', () => {
    expect(OrderIntent.parse({ ...base, orderType: 'MARKET' })).toEqual({ ...base, orderType: 'MARKET', tif: 'DAY', outsideRth: false });
    expect(withIntentDefaults({ ...base, orderType: 'MARKET' })).toEqual({ ...base, orderType: 'MARKET', tif: 'DAY', outsideRth: false });
  });

  it('accepts each order type with exactly its prices', () => {
    expect(issues({ ...base, orderType: 'MARKET', tif: 'IOC' })).toEqual([]);
    expect(issues({ ...base, orderType: 'LIMIT', limitPrice: 500, tif: 'GTC', outsideRth: true })).toEqual([]);
    expect(issues({ ...base, orderType: 'STOP', stopPrice: 510 })).toEqual([]);
    expect(issues({ ...base, orderType: 'STOP_LIMIT', stopPrice: 510, limitPrice: 511, tif: 'GTC' })).toEqual([]);
  });

  it('refuses missing or extra prices, naming the field and the rule', () => {
    expect(issues({ ...base, orderType: 'LIMIT' })).toEqual([{ path: 'limitPrice', message: 'A limit order needs a limit price.' }]);
    expect(issues({ ...base, orderType: 'LIMIT', limitPrice: 1, stopPrice: 2 })).toEqual([{ path: 'stopPrice', message: 'A limit order takes no stop price.' }]);
    expect(issues({ ...base, orderType: 'MARKET', limitPrice: 1 })).toEqual([{ path: 'limitPrice', message: 'A market order takes no limit price.' }]);
    expect(issues({ ...base, orderType: 'MARKET', stopPrice: 1 })).toEqual([{ path: 'stopPrice', message: 'A market order takes no stop price.' }]);
    expect(issues({ ...base, orderType: 'STOP' })).toEqual([{ path: 'stopPrice', message: 'A stop order needs a stop price.' }]);
    expect(issues({ ...base, orderType: 'STOP', stopPrice: 1, limitPrice: 2 })).toEqual([
      { path: 'limitPrice', message: 'A stop order takes no limit price (use STOP_LIMIT for a stop with a limit).' },
    ]);
    expect(issues({ ...base, orderType: 'STOP_LIMIT', limitPrice: 2 })).toEqual([{ path: 'stopPrice', message: 'A stop-limit order needs a stop price.' }]);
    expect(issues({ ...base, orderType: 'STOP_LIMIT', stopPrice: 2 })).toEqual([{ path: 'limitPrice', message: 'A stop-limit order needs a limit price.' }]);
  });

  it('outside-RTH is for limit orders only; IOC is not for stops', () => {
    for (const orderType of ['MARKET', 'STOP', 'STOP_LIMIT'] as const) {
      const prices = orderType === 'STOP' ? { stopPrice: 1 } : orderType === 'STOP_LIMIT' ? { stopPrice: 1, limitPrice: 1 } : {};
      expect(issues({ ...base, orderType, ...prices, outsideRth: true })).toEqual([
        { path: 'outsideRth', message: 'Only limit orders can trade outside regular hours.' },
      ]);
    }
    expect(issues({ ...base, orderType: 'STOP', stopPrice: 1, tif: 'IOC' })).toEqual([
      { path: 'tif', message: 'IOC does not apply to stop orders: a stop waits for its trigger. Use DAY or GTC.' },
    ]);
  });

  it('refuses unknown order types and times in force, and non-positive prices', () => {
    expect(issues({ ...base, orderType: 'TRAIL' })).not.toEqual([]);
    expect(issues({ ...base, orderType: 'MARKET', tif: 'FOK' })).not.toEqual([]);
    expect(issues({ ...base, orderType: 'STOP', stopPrice: 0 })).not.toEqual([]);
    expect(issues({ ...base, orderType: 'STOP', stopPrice: -5 })).not.toEqual([]);
  });
});

describe('order.modify request', () => {
  const req = commands['order.modify'].request;
  it('needs something to change and refuses bad values and unknown fields', () => {
    expect(req.safeParse({ orderId: 'O1', limitPrice: 101 }).success).toBe(true);
    expect(req.safeParse({ orderId: 'O1', qty: 5, stopPrice: 99 }).success).toBe(true);
    const empty = req.safeParse({ orderId: 'O1' });
    expect(empty.success).toBe(false);
    expect(empty.error!.issues[0]!.message).toBe('Say what to change: a new quantity, limit price or stop price.');
    expect(req.safeParse({ orderId: 'O1', qty: 1.5 }).success).toBe(false);
    expect(req.safeParse({ orderId: 'O1', limitPrice: -1 }).success).toBe(false);
    expect(req.safeParse({ orderId: 'O1', side: 'SELL', qty: 1 }).success).toBe(false);
  });
});

describe('orderEventLabel', () => {
  it('names status changes by the new status and requests / answers by their note', () => {
    expect(orderEventLabel({ fromStatus: null, toStatus: 'pending_approval', detail: 'ticket T1' })).toBe('pending approval');
    expect(orderEventLabel({ fromStatus: 'submitted', toStatus: 'accepted', detail: null })).toBe('accepted');
    expect(orderEventLabel({ fromStatus: 'accepted', toStatus: 'accepted', detail: 'modify requested: limit 1 → 2; verdict green' })).toBe('modify requested');
    expect(orderEventLabel({ fromStatus: 'accepted', toStatus: 'accepted', detail: 'modified: limit 1 → 2' })).toBe('modified');
    expect(orderEventLabel({ fromStatus: 'accepted', toStatus: 'accepted', detail: 'modify rejected: band' })).toBe('modify rejected');
    expect(orderEventLabel({ fromStatus: 'accepted', toStatus: 'accepted', detail: 'cancel requested: user' })).toBe('cancel requested');
  });
});
