// Streaming indicators: each takes one bar at a time in O(1) (Donchian's rolling extremes are
// amortised O(1)) with fixed memory, and reads NaN until it has enough bars. The same objects
// run in backtests and live, so a strategy computes the same numbers in both.

/** Simple moving average over the last `period` values. */
export class Sma {
  value = Number.NaN;
  private readonly ring: Float64Array;
  private index = 0;
  private count = 0;
  private sum = 0;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period must be a whole number ≥ 1 (got ${period})`);
    this.ring = new Float64Array(period);
  }

  update(x: number): number {
    const p = this.period;
    if (this.count < p) {
      this.count++;
      this.sum += x;
    } else {
      this.sum += x - this.ring[this.index]!;
    }
    this.ring[this.index] = x;
    this.index = this.index + 1 === p ? 0 : this.index + 1;
    this.value = this.count === p ? this.sum / p : Number.NaN;
    return this.value;
  }

  get ready(): boolean {
    return this.count === this.period;
  }
}

/** Exponential moving average, α = 2/(period+1), seeded with the SMA of the first `period` values. */
export class Ema {
  value = Number.NaN;
  private readonly alpha: number;
  private count = 0;
  private seedSum = 0;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`EMA period must be a whole number ≥ 1 (got ${period})`);
    this.alpha = 2 / (period + 1);
  }

  update(x: number): number {
    if (this.count < this.period) {
      this.count++;
      this.seedSum += x;
      if (this.count === this.period) this.value = this.seedSum / this.period;
    } else {
      this.value += this.alpha * (x - this.value);
    }
    return this.value;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }
}

/** Wilder's RSI: average gain and loss seeded by their simple mean over `period` changes, then smoothed by 1/period. */
export class Rsi {
  value = Number.NaN;
  private prev = Number.NaN;
  private changes = 0;
  private avgGain = 0;
  private avgLoss = 0;

  constructor(readonly period = 14) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`RSI period must be a whole number ≥ 1 (got ${period})`);
  }

  update(close: number): number {
    if (Number.isNaN(this.prev)) {
      this.prev = close;
      return this.value;
    }
    const change = close - this.prev;
    this.prev = close;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const p = this.period;
    if (this.changes < p) {
      this.changes++;
      this.avgGain += gain;
      this.avgLoss += loss;
      if (this.changes < p) return this.value;
      this.avgGain /= p;
      this.avgLoss /= p;
    } else {
      this.avgGain = (this.avgGain * (p - 1) + gain) / p;
      this.avgLoss = (this.avgLoss * (p - 1) + loss) / p;
    }
    this.value = this.avgLoss === 0 ? (this.avgGain === 0 ? 50 : 100) : 100 - 100 / (1 + this.avgGain / this.avgLoss);
    return this.value;
  }
}

/** MACD: EMA(fast) − EMA(slow); signal = EMA(signalPeriod) of MACD; histogram = MACD − signal. */
export class Macd {
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signalEma: Ema;

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    if (fastPeriod >= slowPeriod) throw new RangeError(`MACD fast period (${fastPeriod}) must be shorter than the slow one (${slowPeriod})`);
    this.fast = new Ema(fastPeriod);
    this.slow = new Ema(slowPeriod);
    this.signalEma = new Ema(signalPeriod);
  }

  update(close: number): number {
    const fast = this.fast.update(close);
    const slow = this.slow.update(close);
    if (Number.isNaN(slow)) return this.macd;
    this.macd = fast - slow;
    this.signal = this.signalEma.update(this.macd);
    this.histogram = this.macd - this.signal;
    return this.macd;
  }
}

/** Bollinger Bands: SMA(period) ± k × population standard deviation over the same window. */
export class Bollinger {
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  private readonly ring: Float64Array;
  private index = 0;
  private count = 0;
  /** Window mean and sum of squared deviations, updated in place (Welford with removal). */
  private mean = 0;
  private m2 = 0;

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    if (!Number.isInteger(period) || period < 2) throw new RangeError(`Bollinger period must be a whole number ≥ 2 (got ${period})`);
    this.ring = new Float64Array(period);
  }

  update(x: number): number {
    const p = this.period;
    if (this.count < p) {
      this.count++;
      const delta = x - this.mean;
      this.mean += delta / this.count;
      this.m2 += delta * (x - this.mean);
    } else {
      const old = this.ring[this.index]!;
      const oldMean = this.mean;
      this.mean += (x - old) / p;
      this.m2 += (x - old) * (x - this.mean + old - oldMean);
    }
    this.ring[this.index] = x;
    this.index = this.index + 1 === p ? 0 : this.index + 1;
    if (this.count === p) {
      const sd = Math.sqrt(Math.max(0, this.m2 / p));
      this.middle = this.mean;
      this.upper = this.mean + this.k * sd;
      this.lower = this.mean - this.k * sd;
    }
    return this.middle;
  }
}

/** Wilder's Average True Range: the first value is the mean true range of `period` bars, then smoothed by 1/period. */
export class Atr {
  value = Number.NaN;
  private prevClose = Number.NaN;
  private count = 0;
  private sum = 0;

  constructor(readonly period = 14) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period must be a whole number ≥ 1 (got ${period})`);
  }

  update(high: number, low: number, close: number): number {
    const tr = Number.isNaN(this.prevClose)
      ? high - low
      : Math.max(high - low, Math.abs(high - this.prevClose), Math.abs(low - this.prevClose));
    this.prevClose = close;
    const p = this.period;
    if (this.count < p) {
      this.count++;
      this.sum += tr;
      if (this.count === p) this.value = this.sum / p;
    } else {
      this.value = (this.value * (p - 1) + tr) / p;
    }
    return this.value;
  }
}

/** Highest (or lowest) of the last `period` values, by a monotonic queue: amortised O(1) per value. */
export class RollingExtreme {
  value = Number.NaN;
  private readonly values: Float64Array;
  private readonly seq: Float64Array;
  private head = 0;
  private size = 0;
  private n = 0;

  constructor(
    readonly period: number,
    readonly kind: 'max' | 'min',
  ) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`window must be a whole number ≥ 1 (got ${period})`);
    this.values = new Float64Array(period);
    this.seq = new Float64Array(period);
  }

  update(x: number): number {
    const cap = this.period;
    const n = this.n++;
    // Drop the front when it leaves the window.
    if (this.size > 0 && this.seq[this.head]! <= n - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    // Drop from the back everything x dominates.
    const max = this.kind === 'max';
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      const v = this.values[back]!;
      if (max ? v <= x : v >= x) this.size--;
      else break;
    }
    const slot = (this.head + this.size) % cap;
    this.values[slot] = x;
    this.seq[slot] = n;
    this.size++;
    this.value = n + 1 >= cap ? this.values[this.head]! : Number.NaN;
    return this.value;
  }
}
