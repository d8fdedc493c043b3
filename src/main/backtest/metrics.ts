// Performance metrics computed while the equity curve streams past, in constant memory:
// returns, Sharpe and Sortino on daily returns, drawdowns with their dates, exposure; and the
// per-trade figures from the closed trades.
import type { BacktestMetrics, BacktestTrade } from '../../shared/backtest.js';
import { DAY_MS } from './bars.js';

export const TRADING_DAYS_PER_YEAR = 252;
const YEAR_MS = 365.25 * DAY_MS;

export class EquityStats {
  private bars = 0;
  private exposedBars = 0;
  private firstTime = Number.NaN;
  private lastTime = Number.NaN;
  private lastEquity: number;
  // daily returns (Welford) and downside
  private day = Number.NaN;
  private prevDayEquity: number;
  private returns = 0;
  private mean = 0;
  private m2 = 0;
  private downsideSq = 0;
  // drawdowns
  private peak: number;
  private peakTime = Number.NaN;
  private maxDd = 0;
  private ddPeakTime = Number.NaN;
  private ddPeakValue = Number.NaN;
  private ddTroughTime = Number.NaN;
  private ddRecoveryTime = Number.NaN;
  private longestUnderwaterMs = 0;
  private underwater = false;

  constructor(readonly startValue: number) {
    this.lastEquity = startValue;
    this.prevDayEquity = startValue;
    this.peak = startValue;
  }

  update(time: number, equity: number, exposed: boolean): void {
    if (this.bars++ === 0) {
      this.firstTime = time;
      this.peakTime = time;
    }
    if (exposed) this.exposedBars++;
    const day = Math.floor(time / DAY_MS);
    if (day !== this.day) {
      if (this.day === this.day) this.closeDay(this.lastEquity);
      this.day = day;
    }
    this.lastTime = time;
    this.lastEquity = equity;

    if (equity >= this.peak) {
      if (this.underwater) {
        // Back at (or above) the peak: the stretch under water ends here.
        this.longestUnderwaterMs = Math.max(this.longestUnderwaterMs, time - this.peakTime);
        if (equity >= this.ddPeakValue && this.ddRecoveryTime !== this.ddRecoveryTime) this.ddRecoveryTime = time;
        this.underwater = false;
      }
      this.peak = equity;
      this.peakTime = time;
    } else {
      this.underwater = true;
      this.longestUnderwaterMs = Math.max(this.longestUnderwaterMs, time - this.peakTime);
      const dd = (this.peak - equity) / this.peak;
      if (dd > this.maxDd) {
        this.maxDd = dd;
        this.ddPeakTime = this.peakTime;
        this.ddPeakValue = this.peak;
        this.ddTroughTime = time;
        this.ddRecoveryTime = Number.NaN;
      }
    }
  }

  private closeDay(equity: number): void {
    const r = this.prevDayEquity === 0 ? 0 : equity / this.prevDayEquity - 1;
    this.prevDayEquity = equity;
    this.returns++;
    const delta = r - this.mean;
    this.mean += delta / this.returns;
    this.m2 += delta * (r - this.mean);
    if (r < 0) this.downsideSq += r * r;
  }

  /** The equity-curve half of the metrics; call once, after the last bar. */
  finish(): Omit<BacktestMetrics, 'trades' | 'winRate' | 'profitFactor' | 'expectancy' | 'commissions'> {
    if (this.day === this.day) {
      this.closeDay(this.lastEquity);
      this.day = Number.NaN;
    }
    const end = this.lastEquity;
    const totalReturn = end / this.startValue - 1;
    const spanMs = this.lastTime - this.firstTime;
    const annualizedReturn = spanMs >= DAY_MS && end > 0 ? (end / this.startValue) ** (YEAR_MS / spanMs) - 1 : spanMs >= DAY_MS ? -1 : null;
    const sd = this.returns > 1 ? Math.sqrt(this.m2 / (this.returns - 1)) : 0;
    const sharpe = sd > 0 ? (this.mean / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
    const downside = this.returns > 0 ? Math.sqrt(this.downsideSq / this.returns) : 0;
    const sortino = downside > 0 ? (this.mean / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
    const hasDd = this.maxDd > 0;
    const recovered = this.ddRecoveryTime === this.ddRecoveryTime;
    const ddEnd = recovered ? this.ddRecoveryTime : this.lastTime;
    return {
      startValue: this.startValue,
      endValue: end,
      totalReturn,
      annualizedReturn,
      sharpe,
      sortino,
      maxDrawdown: this.maxDd,
      maxDrawdownPeak: hasDd ? this.ddPeakTime : null,
      maxDrawdownTrough: hasDd ? this.ddTroughTime : null,
      maxDrawdownRecovery: hasDd && recovered ? this.ddRecoveryTime : null,
      maxDrawdownDays: hasDd ? (ddEnd - this.ddPeakTime) / DAY_MS : null,
      longestDrawdownDays: this.longestUnderwaterMs / DAY_MS,
      calmar: hasDd && annualizedReturn !== null ? annualizedReturn / this.maxDd : null,
      exposure: this.bars === 0 ? 0 : this.exposedBars / this.bars,
      bars: this.bars,
    };
  }
}

/** Win rate, profit factor and expectancy over closed trades (net of commissions). */
export function tradeStats(trades: Iterable<Pick<BacktestTrade, 'pnl' | 'open'>>): Pick<BacktestMetrics, 'trades' | 'winRate' | 'profitFactor' | 'expectancy'> {
  let n = 0;
  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  for (const t of trades) {
    if (t.open) continue;
    n++;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else {
      grossLoss -= t.pnl;
    }
  }
  return {
    trades: n,
    winRate: n ? wins / n : null,
    profitFactor: n === 0 ? null : grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: n ? (grossProfit - grossLoss) / n : null,
  };
}
