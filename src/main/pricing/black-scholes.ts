// Black-Scholes-Merton for European options with a continuous dividend yield.
// Conventions (stated once, used everywhere): time in years; rates and yields continuous;
// vega per 1.00 of volatility; theta per year (divide by 365 for per calendar day);
// rho per 1.00 of rate. The pricing issue adds American exercise and implied volatility.

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

export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal CDF, Hart (1968) double-precision rational approximation (abs. error ~1e-15). */
export function normCdf(x: number): number {
  const z = Math.abs(x);
  let c: number;
  if (z > 37) {
    c = 0;
  } else {
    const e = Math.exp(-0.5 * z * z);
    if (z < 7.07106781186547) {
      let n = 0.0352624965998911 * z + 0.700383064443688;
      n = n * z + 6.37396220353165;
      n = n * z + 33.912866078383;
      n = n * z + 112.079291497871;
      n = n * z + 221.213596169931;
      n = n * z + 220.206867912376;
      let d = 0.0883883476483184 * z + 1.75566716318264;
      d = d * z + 16.064177579207;
      d = d * z + 86.7807322029461;
      d = d * z + 296.564248779674;
      d = d * z + 637.333633378831;
      d = d * z + 793.826512519948;
      d = d * z + 440.413735824752;
      c = (e * n) / d;
    } else {
      let f = z + 0.65;
      f = z + 4 / f;
      f = z + 3 / f;
      f = z + 2 / f;
      f = z + 1 / f;
      c = e / (f * 2.506628274631);
    }
  }
  return x <= 0 ? c : 1 - c;
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
  if (t <= 0 || vol <= 0) return degenerate(p);
  const sqrtT = Math.sqrt(t);
  const volSqrtT = vol * sqrtT;
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
