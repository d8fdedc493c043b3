import { describe, expect, it } from 'vitest';
import { canonicalSymbol, EMPTY_TICKET_FORM, parseTicketForm } from './ticket-form.js';

const form = (over: Partial<typeof EMPTY_TICKET_FORM>) => ({ ...EMPTY_TICKET_FORM, ...over });

describe('ticket form', () => {
  it('builds a market intent without a limit price', () => {
    expect(parseTicketForm(form({ symbol: ' AAPL ', qty: '10', limitPrice: '123' }))).toEqual({
      ok: true,
      intent: { symbol: 'AAPL', side: 'BUY', qty: 10, orderType: 'MARKET' },
    });
  });

  it('builds a limit intent with its price', () => {
    expect(parseTicketForm(form({ symbol: 'SPY', side: 'SELL', qty: '3', orderType: 'LIMIT', limitPrice: '501.25' }))).toEqual({
      ok: true,
      intent: { symbol: 'SPY', side: 'SELL', qty: 3, orderType: 'LIMIT', limitPrice: 501.25 },
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
});
