// The embedded default market: five US underlyings with realistic volatility, correlation to a
// common market factor, dividend yields and occasional jumps.
import type { UnderlyingSpec } from './sim-market.js';

export const DEFAULT_UNDERLYINGS: readonly UnderlyingSpec[] = [
  { symbol: 'SPY', kind: 'ETF', price: 668.4, vol: 0.15, drift: 0.07, marketLoading: 0.98, dividendYield: 0.012, jumpsPerHour: 0.6, jumpStd: 0.0015 },
  { symbol: 'QQQ', kind: 'ETF', price: 603.2, vol: 0.2, drift: 0.09, marketLoading: 0.92, dividendYield: 0.006, jumpsPerHour: 0.8, jumpStd: 0.002 },
  { symbol: 'TQQQ', kind: 'ETF', price: 98.75, vol: 0.6, drift: 0.2, marketLoading: 0.9, dividendYield: 0, jumpsPerHour: 1.2, jumpStd: 0.006 },
  { symbol: 'AAPL', kind: 'STOCK', price: 266.1, vol: 0.26, drift: 0.1, marketLoading: 0.6, dividendYield: 0.004, jumpsPerHour: 1, jumpStd: 0.003 },
  { symbol: 'NVDA', kind: 'STOCK', price: 182.5, vol: 0.48, drift: 0.15, marketLoading: 0.55, dividendYield: 0.0003, jumpsPerHour: 1.5, jumpStd: 0.005 },
];

export const DEFAULT_SEED = 20_261_121;
