// Black-Scholes-Merton for European options with a continuous dividend yield, and the normal
// CDF every pricer in this folder uses. Units of the Greeks: conventions.ts (time in years, vega
// per 1.00 of volatility, theta per year, rho per 1.00 of rate).
import { erfcxPositive, erfSmall } from './normal.js';

export type Right = 'C' | 'P';

export interface BsInputs {
  right: Right;
  spot: number;
  strike: number;
  /** Years to expiry. */
  t: number;
  /** Risk-free rate, continuous. */
  r: number;
  /** Dividend yield, continuous. */
  q: number;
  vol: number;
}

export interface BsResult {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

const INV_SQRT_2PI = 0.3989422804014327;

/** Smallest σ√T valued by the formula; below it the zero-variance limit is used. */
export const MIN_TOTAL_VOL = 1e-12;

export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Standard normal CDF Φ(x) = ½·erfc(−x/√2) with W. J. Cody's rational approximations of erfc
 * (see normal.ts), with one exponential: relative accuracy about 1e-15 for |x| ≤ 5.6 and about
 * x²·1e-16 beyond, in both tails (deep out-of-the-money prices keep their digits). Φ(x) + Φ(−x)
 * is exactly 1 up to one rounding; Φ(−x) is 0 below x ≈ −37.5.
 */
export function normCdf(x: number): number {
  const y = Math.abs(x) * 0.7071067811865476;
  let tail: number; // erfc(y), y ≥ 0
  if (y <= 0.46875) tail = 1 - erfSmall(y);
  else if (y < 26.543) tail = Math.exp(-y * y) * erfcxPositive(y);
  else tail = Number.isNaN(y) ? Number.NaN : 0;
  return x <= 0 ? 0.5 * tail : 1 - 0.5 * tail;
}

/**
 * normCdf over values[from..to) in place — the same approximation, as a loop over a typed array,
 * so that hot loops (the option book) evaluate many CDFs without a call per value: a call that
 * V8 does not inline passes and returns doubles boxed on the heap, and normCdf is too large to
 * be inlined everywhere.
 */
export function normCdfInPlace(values: Float64Array, from: number, to: number): void {
  normCdfAndDensityInPlace(values, null, from, to);
}

/**
 * normCdfInPlace that also writes the density φ(x) of each value into `density` (when given),
 * reusing the exponential the CDF needs anyway (one extra exponential only near the centre).
 */
export function normCdfAndDensityInPlace(values: Float64Array, density: Float64Array | null, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const x = values[i]!;
    const y = Math.abs(x) * 0.7071067811865476;
    let tail = 0;
    let e = 0; // e^{−y²} = e^{−x²/2}, when computed
    if (y <= 0.46875) {
      const z = y * y;
      if (density !== null) e = Math.exp(-z);
      tail =
        1 -
        (y * ((((0.185777706184603153 * z + 3.1611237438705656) * z + 113.864154151050156) * z + 377.485237685302021) * z + 3209.37758913846947)) /
          ((((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062);
    } else if (y <= 4) {
      const num =
        (((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) * y + 298.635138197400131) * y +
          881.95222124176909) *
          y +
          1712.04761263407058) *
          y +
          2051.07837782607147) *
          y +
        1230.33935479799725;
      const den =
        (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y + 3290.79923573345963) * y +
          4362.61909014324716) *
          y +
          3439.36767414372164) *
          y +
        1230.33935480374942;
      e = Math.exp(-y * y);
      tail = e * (num / den); // same association as normCdf, so the two agree bit for bit
    } else if (y < 26.543) {
      const z = 1 / (y * y);
      const num = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
      const den = ((((z + 2.56852019228982242) * z + 1.87295284992346047) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 0.00233520497626869185;
      e = Math.exp(-y * y);
      tail = e * ((0.5641895835477563 - (z * num) / den) / y);
    } else if (y !== y) {
      tail = Number.NaN;
      e = Number.NaN;
    }
    values[i] = x <= 0 ? 0.5 * tail : 1 - 0.5 * tail;
    if (density !== null) density[i] = INV_SQRT_2PI * e;
  }
}

/** Value and Greeks at expiry or with zero volatility: intrinsic value of the forward. */
function degenerate(p: BsInputs): BsResult {
  const { right, spot, strike, t, r, q } = p;
  const dfR = Math.exp(-r * Math.max(t, 0));
  const dfQ = Math.exp(-q * Math.max(t, 0));
  const forwardValue = spot * dfQ - strike * dfR;
  const inTheMoney = right === 'C' ? forwardValue > 0 : forwardValue < 0;
  const price = inTheMoney ? Math.abs(forwardValue) : 0;
  const delta = inTheMoney ? (right === 'C' ? dfQ : -dfQ) : 0;
  return { price, delta, gamma: 0, vega: 0, theta: 0, rho: 0 };
}

export function blackScholes(p: BsInputs): BsResult {
  const { right, spot, strike, t, r, q, vol } = p;
  if (!(spot > 0) || !(strike > 0) || !Number.isFinite(t) || !Number.isFinite(vol)) {
    throw new RangeError('blackScholes needs spot > 0, strike > 0 and finite time and volatility');
  }
  const sqrtT = Math.sqrt(Math.max(t, 0));
  const volSqrtT = vol * sqrtT;
  // σ√T below 1e-12 (including underflow to 0) is the zero-variance limit: its value differs from
  // the intrinsic value of the forward by less than 1e-12·S, and d₁ would be ±∞ or 0/0.
  if (t <= 0 || vol <= 0 || !(volSqrtT >= MIN_TOTAL_VOL)) return degenerate(p);
  const d1 = (Math.log(spot / strike) + (r - q + 0.5 * vol * vol) * t) / volSqrtT;
  const d2 = d1 - volSqrtT;
  const dfR = Math.exp(-r * t);
  const dfQ = Math.exp(-q * t);
  const pdf1 = normPdf(d1);
  const gamma = (dfQ * pdf1) / (spot * volSqrtT);
  const vega = spot * dfQ * pdf1 * sqrtT;
  const decay = -(spot * dfQ * pdf1 * vol) / (2 * sqrtT);
  if (right === 'C') {
    const nd1 = normCdf(d1);
    const nd2 = normCdf(d2);
    return {
      price: spot * dfQ * nd1 - strike * dfR * nd2,
      delta: dfQ * nd1,
      gamma,
      vega,
      theta: decay - r * strike * dfR * nd2 + q * spot * dfQ * nd1,
      rho: strike * t * dfR * nd2,
    };
  }
  const nmd1 = normCdf(-d1);
  const nmd2 = normCdf(-d2);
  return {
    price: strike * dfR * nmd2 - spot * dfQ * nmd1,
    delta: -dfQ * nmd1,
    gamma,
    vega,
    theta: decay + r * strike * dfR * nmd2 - q * spot * dfQ * nmd1,
    rho: -strike * t * dfR * nmd2,
  };
}
