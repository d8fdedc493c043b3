// A year of simulated daily closes for a new data directory, so VaR and beta estimates have history
// on first start. Same model as the live simulator (market factor + idiosyncratic noise) on daily
// steps, from its own random stream (the live path is untouched), walked backwards from today's
// prices over real trading days. Stored marked as simulated.
import type { TradingCalendar } from './calendar.js';
import { addDays } from './calendar.js';
import { Rng } from './rng.js';
import type { UnderlyingSpec } from './sim-market.js';

export function simulatedHistory(opts: {
  underlyings: readonly UnderlyingSpec[];
  seed: number;
  days: number;
  /** Closes are for the trading days strictly before this date. */
  before: string;
  calendar: TradingCalendar;
}): Map<string, { date: string; close: number }[]> {
  const dates: string[] = [];
  let d = addDays(opts.before, -1);
  while (dates.length < opts.days) {
    if (opts.calendar.isTradingDay(d)) dates.push(d);
    d = addDays(d, -1);
  }
  dates.reverse();
  const rng = new Rng((opts.seed ^ 0x5eed_1157) >>> 0);
  const dt = 1 / 252;
  const n = dates.length;
  // Daily log returns, newest last.
  const returns = new Map<string, number[]>(opts.underlyings.map((u) => [u.symbol, new Array<number>(n).fill(0)]));
  for (let k = 0; k < n; k++) {
    const market = rng.normal();
    for (const u of opts.underlyings) {
      const shock = u.marketLoading * market + Math.sqrt(1 - u.marketLoading * u.marketLoading) * rng.normal();
      returns.get(u.symbol)![k] = (u.drift - 0.5 * u.vol * u.vol) * dt + u.vol * Math.sqrt(dt) * shock;
    }
  }
  const out = new Map<string, { date: string; close: number }[]>();
  for (const u of opts.underlyings) {
    const r = returns.get(u.symbol)!;
    const closes = new Array<number>(n);
    // The last simulated close sits one day's return before today's price.
    let price = u.price / Math.exp(r[n - 1]!);
    for (let k = n - 1; k >= 0; k--) {
      closes[k] = Math.round(price * 100) / 100;
      if (k > 0) price /= Math.exp(r[k - 1]!);
    }
    out.set(u.symbol, dates.map((date, k) => ({ date, close: closes[k]! })));
  }
  return out;
}
