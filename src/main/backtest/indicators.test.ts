import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Atr, Bollinger, Ema, Macd, Rsi, RollingExtreme, Sma } from './indicators.js';

// Independent, deliberately naive computations straight from the definitions: whole windows
// re-summed at every bar, no incremental state shared with the streaming versions.
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function naiveSma(xs: readonly number[], p: number): number[] {
  return xs.map((_, i) => (i + 1 < p ? Number.NaN : mean(xs.slice(i + 1 - p, i + 1))));
}

function naiveEma(xs: readonly number[], p: number): number[] {
  const out: number[] = [];
  const k = 2 / (p + 1);
  for (let i = 0; i < xs.length; i++) {
    if (i + 1 < p) out.push(Number.NaN);
    else if (i + 1 === p) out.push(mean(xs.slice(0, p)));
    else out.push(xs[i]! * k + out[i - 1]! * (1 - k));
  }
  return out;
}

function naiveRsi(xs: readonly number[], p: number): number[] {
  const out: number[] = [Number.NaN];
  const gains = xs.slice(1).map((x, i) => Math.max(0, x - xs[i]!));
  const losses = xs.slice(1).map((x, i) => Math.max(0, xs[i]! - x));
  let ag = Number.NaN;
  let al = Number.NaN;
  for (let i = 0; i < gains.length; i++) {
    if (i + 1 < p) {
      out.push(Number.NaN);
      continue;
    }
    if (i + 1 === p) {
      ag = mean(gains.slice(0, p));
      al = mean(losses.slice(0, p));
    } else {
      ag = (ag * (p - 1) + gains[i]!) / p;
      al = (al * (p - 1) + losses[i]!) / p;
    }
    out.push(al === 0 ? (ag === 0 ? 50 : 100) : 100 - 100 / (1 + ag / al));
  }
  return out;
}

function naiveBands(xs: readonly number[], p: number, k: number): { mid: number; up: number; lo: number }[] {
  return xs.map((_, i) => {
    if (i + 1 < p) return { mid: Number.NaN, up: Number.NaN, lo: Number.NaN };
    const w = xs.slice(i + 1 - p, i + 1);
    const m = mean(w);
    const sd = Math.sqrt(mean(w.map((x) => (x - m) ** 2)));
    return { mid: m, up: m + k * sd, lo: m - k * sd };
  });
}

function naiveAtr(h: readonly number[], l: readonly number[], c: readonly number[], p: number): number[] {
  const tr = h.map((hi, i) => (i === 0 ? hi - l[i]! : Math.max(hi - l[i]!, Math.abs(hi - c[i - 1]!), Math.abs(l[i]! - c[i - 1]!))));
  const out: number[] = [];
  for (let i = 0; i < tr.length; i++) {
    if (i + 1 < p) out.push(Number.NaN);
    else if (i + 1 === p) out.push(mean(tr.slice(0, p)));
    else out.push((out[i - 1]! * (p - 1) + tr[i]!) / p);
  }
  return out;
}

function expectSeries(actual: readonly number[], expected: readonly number[], digits = 9): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (Number.isNaN(expected[i]!)) expect(a, `index ${i}`).toBeNaN();
    else expect(a, `index ${i}`).toBeCloseTo(expected[i]!, digits);
  });
}

const prices = fc.array(fc.double({ min: 1, max: 1_000, noNaN: true }), { minLength: 1, maxLength: 120 });

describe('streaming indicators against independent computations', () => {
  it('SMA', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (xs, p) => {
        const sma = new Sma(p);
        expectSeries(xs.map((x) => sma.update(x)), naiveSma(xs, p), 7);
      }),
    );
  });

  it('EMA, seeded with the SMA of the first period', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (xs, p) => {
        const ema = new Ema(p);
        expectSeries(xs.map((x) => ema.update(x)), naiveEma(xs, p), 7);
      }),
    );
  });

  it("RSI (Wilder) matches the naive computation and StockCharts' published example", () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 20 }), (xs, p) => {
        const rsi = new Rsi(p);
        expectSeries(xs.map((x) => rsi.update(x)), naiveRsi(xs, p), 7);
      }),
    );
    // StockCharts ChartSchool "Relative Strength Index" worked example, 14 periods.
    const closes = [
      44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282,
      46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672,
      43.4205, 42.6628, 43.1314,
    ];
    const published = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.3, 33.08, 37.77];
    const rsi = new Rsi(14);
    const values = closes.map((c) => rsi.update(c));
    expect(values.slice(0, 14).every(Number.isNaN)).toBe(true);
    // Published to two decimals: each value must round to it.
    values.slice(14).forEach((v, i) => expect(Math.abs(v - published[i]!), `RSI #${i + 1} = ${v}`).toBeLessThanOrEqual(0.005 + 1e-9));
  });

  it('MACD is EMA(fast) − EMA(slow), its signal the EMA of MACD, the histogram their difference', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1_000, noNaN: true }), { minLength: 40, maxLength: 120 }), (xs) => {
        const macd = new Macd(12, 26, 9);
        const got = xs.map((x) => {
          macd.update(x);
          return { m: macd.macd, s: macd.signal, h: macd.histogram };
        });
        const fast = naiveEma(xs, 12);
        const slow = naiveEma(xs, 26);
        const line = xs.map((_, i) => fast[i]! - slow[i]!);
        const signal = naiveEma(line.slice(25), 9);
        expectSeries(got.map((g) => g.m), line, 7);
        expectSeries(got.slice(25).map((g) => g.s), signal, 7);
        expectSeries(got.slice(25).map((g) => g.h), line.slice(25).map((m, i) => m - signal[i]!), 7);
      }),
    );
  });

  it('Bollinger Bands use the population standard deviation of the window', () => {
    // Found by a long run: the band of a flat window right after a far price.
    const bb = new Bollinger(2, 0.9268189949539678);
    [511.0000000000884, 1, 1].forEach((x) => bb.update(x));
    expect(bb.middle).toBeCloseTo(1, 9);
    expect(Math.abs(bb.lower - 1)).toBeLessThan(0.9268189949539678 * 4 * Math.sqrt(Number.EPSILON) * 511.0000000000884);
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 25 }), fc.double({ min: 0.5, max: 3, noNaN: true }), (xs, p, k) => {
        const bb = new Bollinger(p, k);
        const got = xs.map((x) => {
          bb.update(x);
          return { mid: bb.middle, up: bb.upper, lo: bb.lower };
        });
        const want = naiveBands(xs, p, k);
        expectSeries(got.map((g) => g.mid), want.map((w) => w.mid), 6);
        // A streaming deviation carries an absolute error of about √ε times the price scale when the
        // window's true deviation is near zero (rounding in m2, then a square root): e.g. a window
        // [1, 1] just after 511 gives 5e-6. Bands are held to k·4√ε·max|price|, which is 6e-6 of a
        // $1,000 stock per unit of k.
        const tolerance = k * 4 * Math.sqrt(Number.EPSILON) * Math.max(...xs.map(Math.abs)) + 1e-12;
        got.forEach((g, i) => {
          const w = want[i]!;
          if (Number.isNaN(w.up)) {
            expect(g.up, `index ${i}`).toBeNaN();
            return;
          }
          expect(Math.abs(g.up - w.up), `upper at ${i}`).toBeLessThanOrEqual(tolerance);
          expect(Math.abs(g.lo - w.lo), `lower at ${i}`).toBeLessThanOrEqual(tolerance);
        });
      }),
    );
  });

  it('ATR (Wilder) with the true range against the previous close', () => {
    const bars = fc.array(
      fc.tuple(fc.double({ min: 10, max: 100, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
      { minLength: 1, maxLength: 100 },
    );
    fc.assert(
      fc.property(bars, fc.integer({ min: 1, max: 20 }), (rows, p) => {
        const l = rows.map(([low]) => low);
        const h = rows.map(([low, range]) => low + range);
        const c = rows.map(([low, range, at]) => low + range * at);
        const atr = new Atr(p);
        expectSeries(rows.map((_, i) => atr.update(h[i]!, l[i]!, c[i]!)), naiveAtr(h, l, c, p), 7);
      }),
    );
  });

  it('rolling highest and lowest (Donchian channels)', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (xs, p) => {
        const hi = new RollingExtreme(p, 'max');
        const lo = new RollingExtreme(p, 'min');
        xs.forEach((x, i) => {
          const h = hi.update(x);
          const l = lo.update(x);
          if (i + 1 < p) {
            expect(h).toBeNaN();
            expect(l).toBeNaN();
          } else {
            const w = xs.slice(i + 1 - p, i + 1);
            expect(h).toBe(Math.max(...w));
            expect(l).toBe(Math.min(...w));
          }
        });
      }),
    );
  });

  it('refuses nonsense periods', () => {
    expect(() => new Sma(0)).toThrow(/period/);
    expect(() => new Ema(1.5)).toThrow(/period/);
    expect(() => new Macd(26, 12)).toThrow(/shorter/);
    expect(() => new Bollinger(1)).toThrow(/period/);
  });
});
