import { describe, expect, it } from 'vitest';
import { order } from '../../testing/fixtures.js';
import { initialModifyValues, modifyFieldsFor, parseModify } from './order-modify.js';

const stopLimit = order('o1', { orderType: 'STOP_LIMIT', qty: 10, filledQty: 4, stopPrice: 105, limitPrice: 106, status: 'partially_filled' });

describe('order modify editor', () => {
  it('starts from the order\'s terms and sends only what changed, with a summary to confirm', () => {
    const values = initialModifyValues(stopLimit);
    expect(values).toEqual({ qty: '10', limitPrice: '106', stopPrice: '105' });
    expect(parseModify(stopLimit, values)).toEqual({ ok: false, field: null, message: 'Nothing changed yet.' });
    expect(parseModify(stopLimit, { ...values, limitPrice: '107' })).toEqual({ ok: true, change: { limitPrice: 107 }, summary: 'limit 106 → 107' });
    expect(parseModify(stopLimit, { qty: '12', limitPrice: '106', stopPrice: '104.5' })).toEqual({
      ok: true,
      change: { qty: 12, stopPrice: 104.5 },
      summary: 'qty 10 → 12, stop 105 → 104.5',
    });
  });

  it('refuses a quantity at or below the filled part, and empty or non-positive prices', () => {
    const values = initialModifyValues(stopLimit);
    expect(parseModify(stopLimit, { ...values, qty: '4' })).toMatchObject({ ok: false, field: 'qty', message: expect.stringContaining('4 already filled') });
    expect(parseModify(stopLimit, { ...values, qty: '2.5' })).toMatchObject({ ok: false, field: 'qty' });
    expect(parseModify(stopLimit, { ...values, limitPrice: '' })).toMatchObject({ ok: false, field: 'limitPrice' });
    expect(parseModify(stopLimit, { ...values, stopPrice: '-1' })).toMatchObject({ ok: false, field: 'stopPrice' });
  });

  it('ignores the prices an order type does not have', () => {
    const market = order('o2', { orderType: 'MARKET', qty: 5 });
    expect(modifyFieldsFor(market)).toEqual({ limit: false, stop: false });
    expect(parseModify(market, { qty: '6', limitPrice: '1', stopPrice: '2' })).toEqual({ ok: true, change: { qty: 6 }, summary: 'qty 5 → 6' });
    expect(modifyFieldsFor(order('o3', { orderType: 'STOP' }))).toEqual({ limit: false, stop: true });
  });
});
