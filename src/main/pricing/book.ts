// A struct-of-arrays option book for the risk engine: one row per option in typed-array columns,
// revalued (price and five Greeks, per unit of the underlying) in one allocation-free loop — for
// the whole book, or for the options of one underlying only (each underlying keeps the list of
// its rows), so a quote for one underlying touches only its own positions.
//
// Inputs per row: underlying index, strike, years to expiry, vol, r, q (Float64Array), right
// (+1 call, −1 put) and style (0 European, 1 American) (Int8Array), position size (Float64Array).
// Outputs per row: price, delta, gamma, vega, theta, rho (Float64Array), units as in
// conventions.ts. American rows use the integral-equation pricer (american.ts); their exercise
// boundary is cached per row and re-solved only when vol, time or rates change, never for a spot
// move. Rows are dense: removing an option moves the last row into its place, so read outputs
// through rowOf(id) (ids are stable, rows are not).
import { addEarlyExerciseInto, AMERICAN_STRIDE, EE_PRICE, EE_RATE, EE_SPOT, EE_STRIKE, EE_YIELD, EE_LENGTH, hasEarlyExercise, prepareAmerican } from './american.js';
import { MIN_TOTAL_VOL, normCdfInPlace, type Right } from './black-scholes.js';
import type { ExerciseStyle } from './conventions.js';

const INV_SQRT_2PI = 0.3989422804014327;

export type OptionId = number;

export interface BookOption {
  underlying: string;
  right: Right;
  strike: number;
  /** Years to expiry (0 or less: expired, valued at intrinsic). */
  time: number;
  vol: number;
  r: number;
  q: number;
  style: ExerciseStyle;
  /** Position size in units of the underlying (e.g. contracts × multiplier); signed. */
  size: number;
}

/** Column indexes of the Greeks in totals(). */
export const PRICE = 0;
export const DELTA = 1;
export const GAMMA = 2;
export const VEGA = 3;
export const THETA = 4;
export const RHO = 5;

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}

function validateOption(o: BookOption): void {
  check(o.right === 'C' || o.right === 'P', `right must be 'C' or 'P' (got ${String(o.right)})`);
  check(o.style === 'european' || o.style === 'american', `style must be 'european' or 'american' (got ${String(o.style)})`);
  check(Number.isFinite(o.strike) && o.strike > 0, `strike must be a finite number > 0 (got ${o.strike})`);
  check(Number.isFinite(o.time), `time must be finite (got ${o.time})`);
  check(Number.isFinite(o.vol) && o.vol >= 0, `vol must be a finite number ≥ 0 (got ${o.vol})`);
  check(Number.isFinite(o.r) && Number.isFinite(o.q), `r and q must be finite (got ${o.r}, ${o.q})`);
  check(Number.isFinite(o.size), `size must be finite (got ${o.size})`);
}

export class OptionBook {
  // ── inputs ──
  underlyingOf = new Int32Array(0);
  strike = new Float64Array(0);
  time = new Float64Array(0);
  vol = new Float64Array(0);
  r = new Float64Array(0);
  q = new Float64Array(0);
  right = new Int8Array(0);
  style = new Int8Array(0);
  size = new Float64Array(0);
  // ── outputs (per unit of the underlying) ──
  price = new Float64Array(0);
  delta = new Float64Array(0);
  gamma = new Float64Array(0);
  vega = new Float64Array(0);
  theta = new Float64Array(0);
  rho = new Float64Array(0);
  /** Spot per underlying index. */
  spots = new Float64Array(0);

  /** Number of options (rows 0..count−1 are live). */
  count = 0;
  private capacity = 0;
  private idOfRow = new Int32Array(0);
  private rowOfId = new Int32Array(0);
  private freeIds: number[] = [];
  private nextId = 0;
  // American rows own a slot of AMERICAN_STRIDE doubles in a pool (European rows own none).
  private americanSlot = new Int32Array(0);
  private americanPool = new Float64Array(0);
  private americanSlots = 0;
  private freeAmericanSlots: number[] = [];
  private stale = new Uint8Array(0); // American boundary needs re-solving
  private positionInUnderlying = new Int32Array(0);
  private readonly underlyingIndex = new Map<string, number>();
  private readonly underlyingNames: string[] = [];
  private members: Int32Array[] = [];
  private memberCount: number[] = [];
  // Per-revaluation scratch columns (the CDFs run as one pass over a column: no call per value).
  private cdf1 = new Float64Array(0); // ±d₁, then Φ(±d₁)
  private cdf2 = new Float64Array(0); // ±d₂, then Φ(±d₂)
  private d1 = new Float64Array(0);
  private sqrtT = new Float64Array(0);
  private dfR = new Float64Array(0);
  private dfQ = new Float64Array(0);
  private skip = new Uint8Array(0); // row already valued (expired or zero variance)
  private readonly early = new Float64Array(EE_LENGTH);

  constructor(initialCapacity = 1024) {
    this.grow(Math.max(1, initialCapacity));
  }

  // ── underlyings ──

  /** Sets an underlying's spot, registering the underlying on first use; returns its index. */
  setSpot(underlying: string | number, spot: number): number {
    if (!(Number.isFinite(spot) && spot > 0)) throw new RangeError(`spot must be a finite number > 0 (got ${spot})`);
    let u: number;
    if (typeof underlying === 'number') {
      if (!(underlying >= 0 && underlying < this.underlyingNames.length)) throw new RangeError(`unknown underlying index ${underlying}`);
      u = underlying;
    } else {
      u = this.underlyingIndex.get(underlying) ?? this.registerUnderlying(underlying);
    }
    this.spots[u] = spot;
    return u;
  }

  /** Index of a known underlying, or −1. */
  underlying(symbol: string): number {
    return this.underlyingIndex.get(symbol) ?? -1;
  }

  underlyingName(index: number): string {
    return this.underlyingNames[index]!;
  }

  get underlyingCount(): number {
    return this.underlyingNames.length;
  }

  /** Rows of one underlying (a view: valid until the next add or remove). */
  rowsOf(underlying: string | number): Int32Array {
    const u = typeof underlying === 'number' ? underlying : this.underlying(underlying);
    if (u < 0 || u >= this.members.length) return new Int32Array(0);
    return this.members[u]!.subarray(0, this.memberCount[u]!);
  }

  private registerUnderlying(symbol: string): number {
    const u = this.underlyingNames.length;
    this.underlyingNames.push(symbol);
    this.underlyingIndex.set(symbol, u);
    this.members.push(new Int32Array(16));
    this.memberCount.push(0);
    if (this.spots.length <= u) {
      const spots = new Float64Array(Math.max(16, 2 * this.spots.length));
      spots.set(this.spots);
      this.spots = spots;
    }
    return u;
  }

  // ── options ──

  /** Adds an option; its underlying must already have a spot (setSpot). Returns a stable id. */
  add(o: BookOption): OptionId {
    validateOption(o);
    const u = this.underlyingIndex.get(o.underlying);
    check(u !== undefined, `underlying ${o.underlying} has no spot yet: call setSpot first`);
    if (this.count === this.capacity) this.grow(2 * this.capacity);
    const row = this.count++;
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.nextId++;
    if (id >= this.rowOfId.length) {
      const ids = new Int32Array(Math.max(2 * this.rowOfId.length, id + 1)).fill(-1);
      ids.set(this.rowOfId);
      this.rowOfId = ids;
    }
    this.rowOfId[id] = row;
    this.idOfRow[row] = id;
    this.underlyingOf[row] = u!;
    this.writeRow(row, o);
    // Append to the underlying's row list.
    let list = this.members[u!]!;
    const n = this.memberCount[u!]!;
    if (n === list.length) {
      const bigger = new Int32Array(2 * list.length);
      bigger.set(list);
      list = bigger;
      this.members[u!] = list;
    }
    list[n] = row;
    this.positionInUnderlying[row] = n;
    this.memberCount[u!] = n + 1;
    return id;
  }

  /** Removes an option. The last row moves into its place. */
  remove(id: OptionId): void {
    const row = this.rowOf(id);
    const u = this.underlyingOf[row]!;
    // Drop the row from its underlying's list (swap with the list's last entry).
    const list = this.members[u]!;
    const last = --this.memberCount[u]!;
    const at = this.positionInUnderlying[row]!;
    const moved = list[last]!;
    list[at] = moved;
    this.positionInUnderlying[moved] = at;
    if (this.americanSlot[row]! >= 0) this.freeAmericanSlots.push(this.americanSlot[row]!);
    this.americanSlot[row] = -1;
    // Move the book's last row into `row`.
    const tail = --this.count;
    if (row !== tail) {
      this.copyRow(tail, row);
      this.americanSlot[tail] = -1;
      const tailId = this.idOfRow[tail]!;
      this.idOfRow[row] = tailId;
      this.rowOfId[tailId] = row;
      const tu = this.underlyingOf[row]!;
      this.members[tu]![this.positionInUnderlying[row]!] = row;
    }
    this.rowOfId[id] = -1;
    this.freeIds.push(id);
  }

  /** Changes any inputs of an option (its underlying cannot change: remove and add instead). */
  update(id: OptionId, changes: Partial<Omit<BookOption, 'underlying'>>): void {
    const row = this.rowOf(id);
    const current = this.option(id);
    const next = { ...current, ...changes };
    validateOption(next);
    this.writeRow(row, next);
  }

  setVol(id: OptionId, vol: number): void {
    if (!(vol >= 0 && vol < Infinity)) throw new RangeError(`vol must be a finite number ≥ 0 (got ${vol})`);
    const row = this.rowOf(id);
    if (this.vol[row] !== vol) {
      this.vol[row] = vol;
      this.stale[row] = 1;
    }
  }

  setTime(id: OptionId, years: number): void {
    if (!Number.isFinite(years)) throw new RangeError(`time must be finite (got ${years})`);
    const row = this.rowOf(id);
    if (this.time[row] !== years) {
      this.time[row] = years;
      this.stale[row] = 1;
    }
  }

  /** The inputs of an option, as a new object (not for hot paths). */
  option(id: OptionId): BookOption {
    const row = this.rowOf(id);
    return {
      underlying: this.underlyingNames[this.underlyingOf[row]!]!,
      right: this.right[row] === 1 ? 'C' : 'P',
      strike: this.strike[row]!,
      time: this.time[row]!,
      vol: this.vol[row]!,
      r: this.r[row]!,
      q: this.q[row]!,
      style: this.style[row] === 1 ? 'american' : 'european',
      size: this.size[row]!,
    };
  }

  /** Current row of an option id (changes when another option is removed). */
  rowOf(id: OptionId): number {
    const row = id >= 0 && id < this.rowOfId.length ? this.rowOfId[id]! : -1;
    if (row < 0) throw new RangeError(`unknown option id ${id}`);
    return row;
  }

  // ── revaluation ──

  /** Revalues every option at the current spots. */
  revalueAll(): void {
    this.revalueRows(null, this.count);
  }

  /** Revalues only the options on one underlying. */
  revalueUnderlying(underlying: string | number): void {
    const u = typeof underlying === 'number' ? underlying : this.underlying(underlying);
    if (u < 0 || u >= this.members.length) return;
    this.revalueRows(this.members[u]!, this.memberCount[u]!);
  }

  /**
   * Position-weighted sums Σ size·(price, delta, gamma, vega, theta, rho) over one underlying's
   * options (or all when underlying is omitted), written into `out` (length ≥ 6).
   */
  totals(out: Float64Array, underlying?: string | number): Float64Array {
    out.fill(0, 0, 6);
    if (underlying === undefined) {
      for (let row = 0; row < this.count; row++) this.accumulate(out, row);
    } else {
      const u = typeof underlying === 'number' ? underlying : this.underlying(underlying);
      if (u < 0 || u >= this.members.length) return out;
      const list = this.members[u]!;
      for (let k = 0; k < this.memberCount[u]!; k++) this.accumulate(out, list[k]!);
    }
    return out;
  }

  private accumulate(out: Float64Array, row: number): void {
    const n = this.size[row]!;
    out[PRICE]! += n * this.price[row]!;
    out[DELTA]! += n * this.delta[row]!;
    out[GAMMA]! += n * this.gamma[row]!;
    out[VEGA]! += n * this.vega[row]!;
    out[THETA]! += n * this.theta[row]!;
    out[RHO]! += n * this.rho[row]!;
  }

  /**
   * Revalues rows list[0..n) (or rows 0..n when list is null) in three passes over typed arrays:
   * d₁ and d₂, then the normal CDFs of whole columns, then prices and Greeks. No call in the hot
   * path takes or returns a double, so V8 boxes no number on the heap: nothing is allocated.
   */
  private revalueRows(list: Int32Array | null, n: number): void {
    if (this.cdf1.length < n) this.growScratch(n);
    const { cdf1, cdf2, d1, sqrtT, dfR, dfQ, skip } = this;
    for (let k = 0; k < n; k++) {
      const row = list === null ? k : list[k]!;
      const S = this.spots[this.underlyingOf[row]!]!;
      const T = this.time[row]!;
      const sigma = this.vol[row]!;
      const rootT = Math.sqrt(T > 0 ? T : 0);
      const v = sigma * rootT;
      if (!(T > 0) || !(v >= MIN_TOTAL_VOL)) {
        skip[k] = 1;
        cdf1[k] = 0;
        cdf2[k] = 0;
        this.degenerateRow(row);
        continue;
      }
      skip[k] = 0;
      const x = (Math.log(S / this.strike[row]!) + (this.r[row]! - this.q[row]!) * T) / v + 0.5 * v;
      const sign = this.right[row]!;
      d1[k] = x;
      cdf1[k] = sign * x;
      cdf2[k] = sign * (x - v);
      sqrtT[k] = rootT;
      dfR[k] = Math.exp(-this.r[row]! * T);
      dfQ[k] = Math.exp(-this.q[row]! * T);
    }
    normCdfInPlace(cdf1, 0, n);
    normCdfInPlace(cdf2, 0, n);
    for (let k = 0; k < n; k++) {
      if (skip[k] === 1) continue;
      const row = list === null ? k : list[k]!;
      const S = this.spots[this.underlyingOf[row]!]!;
      const K = this.strike[row]!;
      const T = this.time[row]!;
      const sigma = this.vol[row]!;
      const r = this.r[row]!;
      const q = this.q[row]!;
      const rootT = sqrtT[k]!;
      const discountR = dfR[k]!;
      const discountQ = dfQ[k]!;
      const x = d1[k]!;
      // Φ(±d₁), Φ(±d₂) with + for calls, − for puts; sign = +1 / −1.
      const sign = this.right[row]!;
      const n1 = cdf1[k]!;
      const n2 = cdf2[k]!;
      const pdf1 = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      const sPdf = S * discountQ * pdf1;
      const carryS = S * discountQ * n1;
      const carryK = K * discountR * n2;
      this.price[row] = sign * (carryS - carryK);
      this.delta[row] = sign * discountQ * n1;
      this.gamma[row] = (discountQ * pdf1) / (S * sigma * rootT);
      this.vega[row] = sPdf * rootT;
      this.theta[row] = (-sPdf * sigma) / (2 * rootT) + sign * (q * carryS - r * carryK);
      this.rho[row] = sign * K * T * discountR * n2;
      if (this.style[row] === 1) this.addAmerican(row);
    }
  }

  /** Adds the early-exercise premium to a row holding its European values (American rows). */
  private addAmerican(row: number): void {
    const call = this.right[row] === 1;
    const at = this.americanSlot[row]! * AMERICAN_STRIDE;
    if (this.stale[row] === 1) {
      prepareAmerican(call, this.r[row]!, this.q[row]!, this.vol[row]!, this.time[row]!, this.americanPool, at);
      this.stale[row] = 0;
    }
    const e = this.early;
    const S = this.spots[this.underlyingOf[row]!]!;
    const K = this.strike[row]!;
    if (!hasEarlyExercise(this.americanPool, at)) {
      // No early-exercise premium (put with r ≤ 0, call with q ≤ 0); in the double-boundary
      // case exercising can still beat the European value (as in americanOption).
      const immediate = call ? S - K : K - S;
      if (immediate > this.price[row]!) {
        this.price[row] = immediate;
        this.delta[row] = call ? 1 : -1;
        this.gamma[row] = 0;
        this.vega[row] = 0;
        this.theta[row] = 0;
        this.rho[row] = 0;
      }
      return;
    }
    e[EE_SPOT] = S;
    e[EE_STRIKE] = K;
    e[EE_RATE] = this.r[row]!;
    e[EE_YIELD] = this.q[row]!;
    e[EE_PRICE] = this.price[row]!;
    e[EE_PRICE + 1] = this.delta[row]!;
    e[EE_PRICE + 2] = this.gamma[row]!;
    e[EE_PRICE + 3] = this.vega[row]!;
    e[EE_PRICE + 4] = this.theta[row]!;
    e[EE_PRICE + 5] = this.rho[row]!;
    addEarlyExerciseInto(call, e, this.americanPool, at);
    this.price[row] = e[EE_PRICE]!;
    this.delta[row] = e[EE_PRICE + 1]!;
    this.gamma[row] = e[EE_PRICE + 2]!;
    this.vega[row] = e[EE_PRICE + 3]!;
    this.theta[row] = e[EE_PRICE + 4]!;
    this.rho[row] = e[EE_PRICE + 5]!;
  }

  private growScratch(n: number): void {
    const size = Math.max(n, this.capacity);
    this.cdf1 = new Float64Array(size);
    this.cdf2 = new Float64Array(size);
    this.d1 = new Float64Array(size);
    this.sqrtT = new Float64Array(size);
    this.dfR = new Float64Array(size);
    this.dfQ = new Float64Array(size);
    this.skip = new Uint8Array(size);
  }

  /**
   * Expired (T ≤ 0) or zero-vol rows, as blackScholes and americanOption value them: European,
   * the discounted intrinsic value of the forward; American with time left, the best of
   * exercising now, at expiry, or at the stationary point of the deterministic path.
   */
  private degenerateRow(row: number): void {
    const S = this.spots[this.underlyingOf[row]!]!;
    const K = this.strike[row]!;
    const T = this.time[row]!;
    const r = this.r[row]!;
    const q = this.q[row]!;
    const call = this.right[row] === 1;
    const t = Math.max(T, 0);
    const sign = call ? 1 : -1;
    const atExpiry = sign * (S * Math.exp(-q * t) - K * Math.exp(-r * t));
    let best = atExpiry;
    let at = t;
    if (this.style[row] === 1 && t > 0) {
      best = sign * (S - K);
      at = 0;
      if (atExpiry > best) {
        best = atExpiry;
        at = t;
      }
      if (r !== q && q !== 0 && r !== 0) {
        const u = Math.log((r * K) / (q * S)) / (r - q);
        const there = u > 0 && u < t ? sign * (S * Math.exp(-q * u) - K * Math.exp(-r * u)) : -Infinity;
        if (there > best) {
          best = there;
          at = u;
        }
      }
    }
    const itm = best > 0;
    this.price[row] = itm ? best : 0;
    this.delta[row] = itm ? sign * Math.exp(-q * at) : 0;
    this.gamma[row] = 0;
    this.vega[row] = 0;
    this.theta[row] = 0;
    this.rho[row] = 0;
  }

  private writeRow(row: number, o: BookOption): void {
    this.strike[row] = o.strike;
    this.time[row] = o.time;
    this.vol[row] = o.vol;
    this.r[row] = o.r;
    this.q[row] = o.q;
    this.right[row] = o.right === 'C' ? 1 : -1;
    this.style[row] = o.style === 'american' ? 1 : 0;
    this.size[row] = o.size;
    this.stale[row] = 1;
    if (o.style === 'american' && this.americanSlot[row]! < 0) this.americanSlot[row] = this.takeAmericanSlot();
    if (o.style !== 'american' && this.americanSlot[row]! >= 0) {
      this.freeAmericanSlots.push(this.americanSlot[row]!);
      this.americanSlot[row] = -1;
    }
  }

  private takeAmericanSlot(): number {
    if (this.freeAmericanSlots.length > 0) return this.freeAmericanSlots.pop()!;
    const slot = this.americanSlots++;
    if (slot * AMERICAN_STRIDE >= this.americanPool.length) {
      const pool = new Float64Array(Math.max(64, 2 * this.americanSlots) * AMERICAN_STRIDE);
      pool.set(this.americanPool);
      this.americanPool = pool;
    }
    return slot;
  }

  private copyRow(from: number, to: number): void {
    this.underlyingOf[to] = this.underlyingOf[from]!;
    this.positionInUnderlying[to] = this.positionInUnderlying[from]!;
    for (const column of [this.strike, this.time, this.vol, this.r, this.q, this.size, this.price, this.delta, this.gamma, this.vega, this.theta, this.rho]) {
      column[to] = column[from]!;
    }
    this.right[to] = this.right[from]!;
    this.style[to] = this.style[from]!;
    this.stale[to] = this.stale[from]!;
    this.americanSlot[to] = this.americanSlot[from]!;
  }

  private grow(capacity: number): void {
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, Math.min(old.length, capacity)));
      return next;
    };
    const i32 = (old: Int32Array) => {
      const next = new Int32Array(capacity);
      next.set(old.subarray(0, Math.min(old.length, capacity)));
      return next;
    };
    const i8 = (old: Int8Array) => {
      const next = new Int8Array(capacity);
      next.set(old.subarray(0, Math.min(old.length, capacity)));
      return next;
    };
    this.underlyingOf = i32(this.underlyingOf);
    this.idOfRow = i32(this.idOfRow);
    this.positionInUnderlying = i32(this.positionInUnderlying);
    this.strike = f64(this.strike);
    this.time = f64(this.time);
    this.vol = f64(this.vol);
    this.r = f64(this.r);
    this.q = f64(this.q);
    this.size = f64(this.size);
    this.right = i8(this.right);
    this.style = i8(this.style);
    this.price = f64(this.price);
    this.delta = f64(this.delta);
    this.gamma = f64(this.gamma);
    this.vega = f64(this.vega);
    this.theta = f64(this.theta);
    this.rho = f64(this.rho);
    const stale = new Uint8Array(capacity);
    stale.set(this.stale.subarray(0, Math.min(this.stale.length, capacity)));
    this.stale = stale;
    const slots = new Int32Array(capacity).fill(-1);
    slots.set(this.americanSlot.subarray(0, Math.min(this.americanSlot.length, capacity)));
    this.americanSlot = slots;
    this.capacity = capacity;
  }
}
