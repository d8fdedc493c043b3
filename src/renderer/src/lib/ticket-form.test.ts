import { describe, expect, it } from 'vitest';
import { canonicalSymbol, EMPTY_TICKET_FORM, fieldsFor, parseTicketForm } from './ticket-form.js';

const form = (over: Partial<typeof EMPTY_TICKET_FORM>) => ({ ...EMPTY_TICKET_FORM, ...over });

describe('ticket form', () => {
  it('builds a market intent without a limit price', () => {
    expect(parseTicketForm(form({ symbol: ' AAPL ', qty: '10', limitPrice: '123' }))).toEqual({
      ok: true,
      intent: { symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'MARKET', tif: 'DAY', outsideRth: false },
    });
  });

  it('builds a limit intent with its price', () => {
    expect(parseTicketForm(form({ symbol: 'SPY', side: 'SELL', qty: '3', orderType: 'LIMIT', limitPrice: '501.25' }))).toEqual({
      ok: true,
      intent: { symbol: 'SPY', side: 'SELL', qty: 3, orderType: 'LIMIT', limitPrice: 501.25, tif: 'DAY', outsideRth: false },
    });
  });

  it('refuses a missing symbol, a bad quantity or a limit order without a price', () => {
    expect(parseTicketForm(form({ qty: '1' }))).toMatchObject({ ok: false, field: 'symbol' });
    for (const qty of ['', '0', '-5', '1.5', 'abc']) {
      expect(parseTicketForm(form({ symbol: 'AAPL', qty }))).toMatchObject({ ok: false, field: 'qty' });
    }
    expect(parseTicketForm(form({ symbol: 'AAPL', qty: '1', orderType: 'LIMIT' }))).toMatchObject({ ok: false, field: 'limitPrice' });
    expect(parseTicketForm(form({ symbol: 'AAPL', qty: '1', orderType: 'LIMIT', limitPrice: '0' }))).toMatchObject({
      ok: false,
      field: 'limitPrice',
    });
  });

  it('applies the shared schema limits (e.g. max quantity)', () => {
    expect(parseTicketForm(form({ symbol: 'AAPL', qty: '2000000' }))).toMatchObject({ ok: false, field: 'qty' });
  });

  it('matches a known symbol case-insensitively, else sends what was typed', () => {
    const known = ['AAPL', 'SPY'];
    expect(canonicalSymbol('aapl', known)).toBe('AAPL');
    expect(canonicalSymbol(' spy', known)).toBe('SPY');
    expect(canonicalSymbol('xyz', known)).toBe('xyz');
    expect(parseTicketForm(form({ symbol: 'aapl', qty: '1' }), known)).toMatchObject({ ok: true, intent: { symbol: 'AAPL' } });
  });

  it('builds stop and stop-limit intents with only the prices their type takes', () => {
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '2', orderType: 'STOP', stopPrice: '610', limitPrice: '611', tif: 'GTC' }))).toEqual({
      ok: true,
      intent: { symbol: 'SPY', side: 'BUY', qty: 2, orderType: 'STOP', stopPrice: 610, tif: 'GTC', outsideRth: false },
    });
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '2', orderType: 'STOP_LIMIT', stopPrice: '610', limitPrice: '611' }))).toEqual({
      ok: true,
      intent: { symbol: 'SPY', side: 'BUY', qty: 2, orderType: 'STOP_LIMIT', stopPrice: 610, limitPrice: 611, tif: 'DAY', outsideRth: false },
    });
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '2', orderType: 'STOP' }))).toMatchObject({ ok: false, field: 'stopPrice', message: 'A stop order needs a stop price above zero.' });
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '2', orderType: 'STOP_LIMIT', stopPrice: '610' }))).toMatchObject({ ok: false, field: 'limitPrice' });
  });

  it('sends outside-RTH only with a limit order, and shows the schema\'s rule for IOC stops on the TIF field', () => {
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '1', orderType: 'LIMIT', limitPrice: '600', outsideRth: true }))).toMatchObject({
      ok: true,
      intent: { outsideRth: true },
    });
    // The checkbox is hidden for a market order: its stale value is not sent.
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '1', orderType: 'MARKET', outsideRth: true }))).toMatchObject({ ok: true, intent: { outsideRth: false } });
    expect(parseTicketForm(form({ symbol: 'SPY', qty: '1', orderType: 'STOP', stopPrice: '590', tif: 'IOC' }))).toEqual({
      ok: false,
      field: 'tif',
      message: 'IOC does not apply to stop orders: a stop waits for its trigger. Use DAY or GTC.',
    });
  });

  it('shows only the fields an order type takes', () => {
    expect(fieldsFor('MARKET')).toEqual({ limit: false, stop: false, outsideRth: false });
    expect(fieldsFor('LIMIT')).toEqual({ limit: true, stop: false, outsideRth: true });
    expect(fieldsFor('STOP')).toEqual({ limit: false, stop: true, outsideRth: false });
    expect(fieldsFor('STOP_LIMIT')).toEqual({ limit: true, stop: true, outsideRth: false });
  });
});
