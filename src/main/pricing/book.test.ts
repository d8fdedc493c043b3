import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanOption } from './american.js';
import { blackScholes } from './black-scholes.js';
import { DELTA, OptionBook, PRICE, type BookOption } from './book.js';

const GREEKS = ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const;

function expectRowMatches(book: OptionBook, id: number, spot: number): void {
  const o = book.option(id);
  const row = book.rowOf(id);
  const p = { right: o.right, spot, strike: o.strike, t: o.time, r: o.r, q: o.q, vol: o.vol };
  const reference = o.style === 'american' ? americanOption(p) : blackScholes(p);
  for (const greek of GREEKS) {
    expect(Math.abs(book[greek][row]! - reference[greek]), `${greek} of ${JSON.stringify(o)}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(reference[greek])));
  }
}

const optionArb = (underlyings: string[]) =>
  fc.record({
    underlying: fc.constantFrom(...underlyings),
    right: fc.constantFrom<'C' | 'P'>('C', 'P'),
    strike: fc.double({ min: 50, max: 150, noNaN: true }),
    time: fc.double({ min: -0.01, max: 2, noNaN: true }),
    vol: fc.double({ min: 0, max: 1, noNaN: true }),
    r: fc.double({ min: -0.01, max: 0.08, noNaN: true }),
    q: fc.double({ min: 0, max: 0.06, noNaN: true }),
    style: fc.constantFrom<'european' | 'american'>('european', 'american'),
    size: fc.integer({ min: -500, max: 500 }),
  });

describe('OptionBook', () => {
  it('values every row exactly as blackScholes / americanOption do, including expired and zero-vol rows', () => {
    fc.assert(
      fc.property(fc.array(optionArb(['AAA', 'BBB', 'CCC']), { minLength: 1, maxLength: 25 }), (options) => {
        const book = new OptionBook(4); // small, so adding grows the columns
        const spots: Record<string, number> = { AAA: 100, BBB: 80, CCC: 120 };
        for (const [u, s] of Object.entries(spots)) book.setSpot(u, s);
        const ids = options.map((o) => book.add(o as BookOption));
        book.revalueAll();
        ids.forEach((id, k) => expectRowMatches(book, id, spots[options[k]!.underlying]!));
        for (const greek of GREEKS) for (let row = 0; row < book.count; row++) expect(Number.isFinite(book[greek][row]!)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('a quote for one underlying revalues only that underlying’s options', () => {
    const book = new OptionBook();
    book.setSpot('AAA', 100);
    book.setSpot('BBB', 50);
    const a = book.add({ underlying: 'AAA', right: 'C', strike: 100, time: 0.5, vol: 0.3, r: 0.04, q: 0.01, style: 'american', size: 10 });
    const b = book.add({ underlying: 'BBB', right: 'P', strike: 50, time: 0.5, vol: 0.3, r: 0.04, q: 0.01, style: 'european', size: -5 });
    book.revalueAll();
    const bBefore = book.price[book.rowOf(b)]!;
    book.setSpot('AAA', 104);
    book.setSpot('BBB', 45); // moved, but not revalued
    book.revalueUnderlying('AAA');
    expectRowMatches(book, a, 104);
    expect(book.price[book.rowOf(b)]).toBe(bBefore);
    expect([...book.rowsOf('AAA')]).toEqual([book.rowOf(a)]);
    book.revalueUnderlying('BBB');
    expectRowMatches(book, b, 45);
  });

  it('keeps ids stable through removals and the per-underlying row lists consistent', () => {
    fc.assert(
      fc.property(
        fc.array(optionArb(['AAA', 'BBB']), { minLength: 2, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (options, removals) => {
          const book = new OptionBook(2);
          book.setSpot('AAA', 100);
          book.setSpot('BBB', 90);
          const live = new Map(options.map((o) => [book.add(o as BookOption), o]));
          for (const pick of removals) {
            const ids = [...live.keys()];
            if (ids.length === 0) break;
            const id = ids[pick % ids.length]!;
            book.remove(id);
            live.delete(id);
          }
          expect(book.count).toBe(live.size);
          for (const [id, o] of live) expect(book.option(id)).toEqual({ ...o });
          for (const u of ['AAA', 'BBB']) {
            const rows = [...book.rowsOf(u)].sort((x, y) => x - y);
            const expected = [...live].filter(([, o]) => o.underlying === u).map(([id]) => book.rowOf(id)).sort((x, y) => x - y);
            expect(rows).toEqual(expected);
          }
          book.revalueAll();
          for (const [id, o] of live) expectRowMatches(book, id, o.underlying === 'AAA' ? 100 : 90);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('re-solves an American boundary after setVol, setTime and update, not otherwise', () => {
    const book = new OptionBook();
    book.setSpot('AAA', 95);
    const id = book.add({ underlying: 'AAA', right: 'P', strike: 100, time: 0.5, vol: 0.3, r: 0.05, q: 0, style: 'american', size: 1 });
    book.revalueAll();
    expectRowMatches(book, id, 95);
    book.setVol(id, 0.45);
    book.revalueAll();
    expectRowMatches(book, id, 95);
    book.setTime(id, 0.1);
    book.revalueUnderlying('AAA');
    expectRowMatches(book, id, 95);
    book.update(id, { r: 0.02, q: 0.03, right: 'C', strike: 90 });
    book.revalueAll();
    expectRowMatches(book, id, 95);
    book.update(id, { style: 'european' });
    book.revalueAll();
    expectRowMatches(book, id, 95);
  });

  it('sums positions: totals = Σ size × per-unit values', () => {
    const book = new OptionBook();
    book.setSpot('AAA', 100);
    const x = book.add({ underlying: 'AAA', right: 'C', strike: 100, time: 0.5, vol: 0.2, r: 0.03, q: 0, style: 'european', size: 3 });
    const y = book.add({ underlying: 'AAA', right: 'P', strike: 95, time: 0.5, vol: 0.2, r: 0.03, q: 0, style: 'european', size: -2 });
    book.revalueAll();
    const out = book.totals(new Float64Array(6), 'AAA');
    expect(out[PRICE]).toBeCloseTo(3 * book.price[book.rowOf(x)]! - 2 * book.price[book.rowOf(y)]!, 12);
    expect(out[DELTA]).toBeCloseTo(3 * book.delta[book.rowOf(x)]! - 2 * book.delta[book.rowOf(y)]!, 12);
    expect(book.totals(new Float64Array(6))).toEqual(out);
  });

  it('rejects bad input with a RangeError and keeps its state', () => {
    const book = new OptionBook();
    const good: BookOption = { underlying: 'AAA', right: 'C', strike: 100, time: 0.5, vol: 0.2, r: 0.03, q: 0, style: 'european', size: 1 };
    expect(() => book.add(good)).toThrow(/no spot yet/);
    expect(() => book.setSpot('AAA', Number.NaN)).toThrow(RangeError);
    expect(() => book.setSpot('AAA', -1)).toThrow(RangeError);
    book.setSpot('AAA', 100);
    for (const bad of [{ strike: 0 }, { vol: -0.1 }, { vol: Number.NaN }, { time: Infinity }, { r: Number.NaN }, { size: Number.NaN }, { right: 'X' }, { style: 'bermudan' }]) {
      expect(() => book.add({ ...good, ...(bad as Partial<BookOption>) }), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect(book.count).toBe(0);
    const id = book.add(good);
    expect(() => book.setVol(id, Number.NaN)).toThrow(RangeError);
    expect(() => book.update(id, { strike: -5 })).toThrow(RangeError);
    expect(book.option(id)).toEqual(good);
    expect(() => book.rowOf(id + 1)).toThrow(/unknown option id/);
    book.remove(id);
    expect(() => book.remove(id)).toThrow(/unknown option id/);
  });
});
