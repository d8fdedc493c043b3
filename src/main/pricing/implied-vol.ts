// Implied volatility. European (BSM with a dividend yield, and Black-76): the price is
// normalised and inverted with the Let's Be Rational-style solver in normalised-black.ts, to near
// machine precision wherever the option has time value. American: the American pricer is
// inverted by Brent's method on a bracket [0, σ_hi], σ_hi being the European implied volatility
// of the same price (an American price is at least the European one, so that vol is too high).
// A price with no implied volatility — below intrinsic, at or above the no-arbitrage maximum,
// expired, or malformed — is a clear { ok: false, reason, message }, never NaN or a clamp.
import { americanOption } from './american.js';
import type { Right } from './black-scholes.js';
import type { ExerciseStyle } from './conventions.js';
import { impliedTotalVolOtm, normalisedIntrinsic } from './normalised-black.js';

export type IvFailureReason = 'BAD_INPUT' | 'EXPIRED' | 'BELOW_INTRINSIC' | 'ABOVE_UPPER_BOUND' | 'NOT_CONVERGED';

export type IvResult = { ok: true; iv: number } | { ok: false; reason: IvFailureReason; message: string };

export interface IvInputs {
  right: Right;
  /** Option price (premium per unit of the underlying). */
  price: number;
  spot: number;
  strike: number;
  /** Years to expiry. */
  t: number;
  /** Risk-free rate, continuous. */
  r: number;
  /** Dividend yield, continuous. */
  q: number;
  style?: ExerciseStyle;
}

export interface Black76IvInputs {
  right: Right;
  price: number;
  forward: number;
  strike: number;
  t: number;
  r: number;
}

/** Relative rounding allowance when comparing a price with its bounds (a few ulps). */
const BOUND_TOLERANCE = 8 * Number.EPSILON;

const fail = (reason: IvFailureReason, message: string): IvResult => ({ ok: false, reason, message });

const money = (x: number) => (Math.abs(x) >= 1e-4 || x === 0 ? x.toFixed(4) : x.toExponential(3));

function validate(p: { price: number; strike: number; t: number; r: number }, underlying: number, underlyingName: string): IvResult | null {
  // Fast path: nothing to report (the messages below are built only when something is wrong).
  if (p.price >= 0 && p.price < Infinity && underlying > 0 && underlying < Infinity && p.strike > 0 && p.strike < Infinity && Number.isFinite(p.r) && p.t > 0 && p.t < Infinity) {
    return null;
  }
  const bad: string[] = [];
  if (!Number.isFinite(p.price) || p.price < 0) bad.push(`price must be a finite number ≥ 0 (got ${p.price})`);
  if (!(Number.isFinite(underlying) && underlying > 0)) bad.push(`${underlyingName} must be a finite number > 0 (got ${underlying})`);
  if (!(Number.isFinite(p.strike) && p.strike > 0)) bad.push(`strike must be a finite number > 0 (got ${p.strike})`);
  if (!Number.isFinite(p.t)) bad.push(`time to expiry must be finite (got ${p.t})`);
  if (!Number.isFinite(p.r)) bad.push(`rate must be finite (got ${p.r})`);
  if (bad.length > 0) return fail('BAD_INPUT', bad.join('; '));
  return fail('EXPIRED', `no time to expiry (t = ${p.t} years): an expired option has no implied volatility`);
}

/**
 * Black implied volatility from the normalised price β = price/(DF·√(F·K)) at log-moneyness
 * x = ln(F/K); `scale` = DF·√(F·K) turns normalised values back into money for messages.
 * All inputs already validated.
 */
function blackImplied(beta: number, x: number, scale: number, t: number, right: Right): IvResult {
  const theta: 1 | -1 = right === 'C' ? 1 : -1;
  const intrinsic = normalisedIntrinsic(x, theta);
  const bMax = Math.exp(0.5 * theta * x); // F/√(FK) for a call, K/√(FK) for a put
  if (beta >= bMax * (1 - BOUND_TOLERANCE)) {
    return fail(
      'ABOVE_UPPER_BOUND',
      `price ${money(beta * scale)} is at or above the maximum ${money(bMax * scale)} of a ${right === 'C' ? 'call (the discounted forward)' : 'put (the discounted strike)'}: no implied volatility`,
    );
  }
  const otm = beta - intrinsic;
  const tolerance = BOUND_TOLERANCE * (beta > intrinsic ? beta : intrinsic);
  if (otm < -tolerance) {
    return fail('BELOW_INTRINSIC', `price ${money(beta * scale)} is below the intrinsic value ${money(intrinsic * scale)}: no implied volatility`);
  }
  if (otm <= tolerance) return { ok: true, iv: 0 };
  const s = impliedTotalVolOtm(otm, x > 0 ? -x : x);
  if (!(s >= 0 && s < Infinity)) return fail('NOT_CONVERGED', `implied volatility did not converge for price ${money(beta * scale)}`);
  return { ok: true, iv: s / Math.sqrt(t) };
}

/** Implied volatility of a European option on a forward or future (Black-76). */
export function impliedVolatilityBlack76(p: Black76IvInputs): IvResult {
  const invalid = validate(p, p.forward, 'forward');
  if (invalid) return invalid;
  const scale = Math.exp(-p.r * p.t) * Math.sqrt(p.forward) * Math.sqrt(p.strike);
  return blackImplied(p.price / scale, Math.log(p.forward / p.strike), scale, p.t, p.right);
}

/** Implied volatility of an option on a stock or index with a continuous dividend yield. */
export function impliedVolatility(p: IvInputs): IvResult {
  const invalid = validate(p, p.spot, 'spot');
  if (invalid) return invalid;
  if (!(p.q > -Infinity && p.q < Infinity)) return fail('BAD_INPUT', `dividend yield must be finite (got ${p.q})`);
  // x = ln(F/K) with F = S·e^{(r−q)T}; DF·√(F·K) = √(S·K)·e^{−(r+q)T/2}: one log, one exp.
  const x = Math.log(p.spot / p.strike) + (p.r - p.q) * p.t;
  const scale = Math.sqrt(p.spot) * Math.sqrt(p.strike) * Math.exp(-0.5 * (p.r + p.q) * p.t);
  const european = blackImplied(p.price / scale, x, scale, p.t, p.right);
  if (p.style !== 'american') return european;
  return americanImplied(p, european);
}

/** Brent's method on g(σ) = American price(σ) − target over a bracket with g(lo) < 0 < g(hi). */
function americanImplied(p: IvInputs, european: IvResult): IvResult {
  const base = { right: p.right, spot: p.spot, strike: p.strike, t: p.t, r: p.r, q: p.q };
  const value = (vol: number) => americanOption({ ...base, vol }).price;
  const isCall = p.right === 'C';
  const intrinsic = Math.max(isCall ? p.spot - p.strike : p.strike - p.spot, 0);
  const floor = Math.max(intrinsic, value(0));
  const cap = isCall ? p.spot : p.strike;
  if (p.price >= cap * (1 - BOUND_TOLERANCE)) {
    return fail('ABOVE_UPPER_BOUND', `price ${money(p.price)} is at or above the maximum ${money(cap)} of an American ${isCall ? 'call (the spot)' : 'put (the strike)'}: no implied volatility`);
  }
  if (p.price < floor * (1 - BOUND_TOLERANCE)) {
    return fail(
      'BELOW_INTRINSIC',
      `price ${money(p.price)} is below the value of exercising ${floor > intrinsic ? 'at the best time with no volatility' : 'now'} (${money(floor)}): no implied volatility`,
    );
  }
  if (p.price <= floor * (1 + BOUND_TOLERANCE)) return { ok: true, iv: 0 };
  let lo = 0;
  let gLo = floor - p.price;
  let hi = european.ok && european.iv > 0 ? european.iv * 1.0001 + 1e-8 : 1;
  let gHi = value(hi) - p.price;
  for (let i = 0; gHi < 0 && i < 60; i++) {
    lo = hi;
    gLo = gHi;
    hi *= 2;
    gHi = value(hi) - p.price;
  }
  if (gHi < 0) return fail('ABOVE_UPPER_BOUND', `price ${money(p.price)} is above the American value at any volatility: no implied volatility`);
  if (gHi === 0) return { ok: true, iv: hi };
  const root = brent(value, p.price, lo, hi, gLo, gHi);
  return Number.isFinite(root) ? { ok: true, iv: root } : fail('NOT_CONVERGED', `American implied volatility did not converge for price ${money(p.price)}`);
}

/** Brent's root finder (inverse quadratic interpolation, secant and bisection). */
function brent(f: (x: number) => number, target: number, a: number, b: number, fa: number, fb: number): number {
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < 200; i++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-16;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b) - target;
  }
  return Number.NaN;
}
