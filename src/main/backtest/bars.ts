// Columnar bars: one typed array per field, so the simulator's hot loop reads numbers without
// allocating. A BarBlock is a window of bars; a BarSource yields blocks one after another, so a
// run streams a file of any length in constant memory, or walks an in-memory series in slices.

/** Bar times: exchange-local wall time stored as if it were UTC, in ms (see formatBarDate). */
export interface BarBlock {
  length: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface BarSource {
  readonly symbol: string;
  /** True when bars carry a time of day (several bars per date). */
  readonly intraday: boolean;
  /** Yields blocks in time order. A block's arrays may be reused by the next one. */
  blocks(): Iterable<BarBlock>;
  /** Total bars when known up front (for progress), else null. */
  readonly size: number | null;
}

/** A growable in-memory series; `adjClose` and `openInterest` are kept when the data has them. */
export class BarSeries implements BarSource {
  length = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  adjClose: Float64Array | null;
  openInterest: Float64Array | null;

  constructor(
    readonly symbol: string,
    readonly intraday: boolean,
    options: { capacity?: number; adjClose?: boolean; openInterest?: boolean } = {},
  ) {
    const capacity = Math.max(16, options.capacity ?? 1024);
    const make = (n: number) => new Float64Array(n);
    this.time = make(capacity);
    this.open = make(capacity);
    this.high = make(capacity);
    this.low = make(capacity);
    this.close = make(capacity);
    this.volume = make(capacity);
    this.adjClose = options.adjClose ? make(capacity) : null;
    this.openInterest = options.openInterest ? make(capacity) : null;
  }

  get size(): number {
    return this.length;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number, adjClose = Number.NaN, openInterest = Number.NaN): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
    if (this.adjClose) this.adjClose[i] = adjClose;
    if (this.openInterest) this.openInterest[i] = openInterest;
  }

  private grow(): void {
    const next = this.time.length * 2;
    const widen = (a: Float64Array) => {
      const b = new Float64Array(next);
      b.set(a);
      return b;
    };
    this.time = widen(this.time);
    this.open = widen(this.open);
    this.high = widen(this.high);
    this.low = widen(this.low);
    this.close = widen(this.close);
    this.volume = widen(this.volume);
    if (this.adjClose) this.adjClose = widen(this.adjClose);
    if (this.openInterest) this.openInterest = widen(this.openInterest);
  }

  /** Slices of at most `blockSize` bars, as views (no copy). */
  *blocks(blockSize = 65_536): Iterable<BarBlock> {
    for (let start = 0; start < this.length; start += blockSize) {
      const end = Math.min(this.length, start + blockSize);
      yield {
        length: end - start,
        time: this.time.subarray(start, end),
        open: this.open.subarray(start, end),
        high: this.high.subarray(start, end),
        low: this.low.subarray(start, end),
        close: this.close.subarray(start, end),
        volume: this.volume.subarray(start, end),
      };
    }
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export const DAY_MS = 86_400_000;
