// Simulated daily bars for backtests on the simulator: geometric Brownian motion with the
// embedded market's volatility and drift per underlying, overnight gaps and an intraday range,
// seeded so the same request always gives the same bars. Dates are weekdays from 2000-01-03.
import { Rng } from '../marketdata/rng.js';
import { DEFAULT_UNDERLYINGS } from '../marketdata/sim-config.js';
import { BarSeries, DAY_MS, daysFromCivil } from './bars.js';

export const SIM_SYMBOLS: readonly string[] = DEFAULT_UNDERLYINGS.map((u) => u.symbol);

export function simulatedBars(symbol: string, bars: number, seed: number): BarSeries {
  const spec = DEFAULT_UNDERLYINGS.find((u) => u.symbol === symbol);
  if (!spec) throw new RangeError(`the simulator has no ${symbol}; choose one of ${SIM_SYMBOLS.join(', ')}`);
  const rng = new Rng(seed);
  const dt = 1 / 252;
  const dailyVol = spec.vol * Math.sqrt(dt);
  // Roughly a fifth of the daily variance happens overnight.
  const gapVol = dailyVol * Math.sqrt(0.2);
  const sessionVol = dailyVol * Math.sqrt(0.8);
  const drift = (spec.drift - 0.5 * spec.vol * spec.vol) * dt;
  const series = new BarSeries(symbol, false, { capacity: bars });
  let day = daysFromCivil(2000, 1, 3);
  let close = spec.price;
  for (let i = 0; i < bars; i++) {
    const open = close * Math.exp(gapVol * rng.normal());
    const next = open * Math.exp(drift + sessionVol * rng.normal());
    const high = Math.max(open, next) * Math.exp(Math.abs(rng.normal()) * sessionVol * 0.5);
    const low = Math.min(open, next) * Math.exp(-Math.abs(rng.normal()) * sessionVol * 0.5);
    const volume = Math.round(1e6 * Math.exp(0.3 * rng.normal()));
    series.push(day * DAY_MS, round2(open), round2(high), round2(low), round2(next), volume);
    close = next;
    day += (day + 4) % 7 === 5 ? 3 : 1; // 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on Sundays
  }
  return series;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
