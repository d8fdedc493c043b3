// The normalised Black function of P. Jäckel, "Let's Be Rational" (Wilmott, January 2015), and
// its inverse: the implied total volatility s = σ√T of a normalised price, to near machine
// precision. Notation: x = ln(F/K), s = σ√T, h = x/s, t = s/2, θ = ±1 for call/put,
//
//     b(x, s, θ) = θ·[e^{x/2}·Φ(θ(h + t)) − e^{−x/2}·Φ(θ(h − t))],   price = DF·√(F·K)·b.
//
// Everything is reduced to an out-of-the-money call (x ≤ 0) by put-call parity. Where the two
// terms of b would cancel, b is evaluated as b'(s)·[Y(h+t) − Y(h−t)] with Y = Φ/φ, the vega
// b'(s) = e^{−(h²+t²)/2}/√(2π) and, for small t, the bracket as a series in t whose
// coefficients are the moments M_k(h) = ∫₀^∞ u^k e^{hu−u²/2} du (all positive, so the sum never
// cancels). Elsewhere Cody's erfc/erfcx give each term with full relative accuracy.
//
// The inverse follows the structure of Let's Be Rational — four branches around the inflection
// point s_c = √(2|x|), the objective 1/ln(b) in the lower branch, b itself in the middle and
// ln(b_max − b) in the upper one, and Householder iterations of order four — with simpler initial
// guesses (the lower and upper asymptotic forms inverted with Φ⁻¹, tangents in the middle) and a
// bracket that falls back to bisection, so it needs two to four iterations instead of two.
import { erfc, erfcx, inverseNormCdf, inverseNormCdfCentral, millsY } from './normal.js';

const INV_SQRT_2PI = 0.3989422804014327;
const LN_SQRT_2PI = 0.9189385332046728;
const SQRT_HALF = 0.7071067811865476;
const SQRT3 = 1.7320508075688772;
const TWO_PI_OVER_SQRT27 = 1.2091995761561452;
const CODY_SPLIT = 0.46875;

/** Whether the t-series is used at (h, t): small t, where Y(h+t) − Y(h−t) would cancel. */
function useSeries(h: number, t: number): boolean {
  return t < 0.5 && (h >= -3 || t < -h / 6);
}

/** Ratios M_k/M_{k−1} for the tail series (module-level: no allocation). */
const ratios = new Float64Array(64);
/** 1/((k+1)(k+2)): the step from t^k/k! to t^{k+2}/(k+2)! without a division. */
const STEP = Float64Array.from({ length: 64 }, (_, k) => 1 / ((k + 1) * (k + 2)));

/**
 * Y(h+t) − Y(h−t) = 2·Σ_{k odd} M_k(h)·t^k/k! for h ≤ 0 and small t. For −3 ≤ h the moments come
 * from the recurrence M_{k+1} = h·M_k + k·M_{k−1}, M_0 = Y(h), M_1 = 1 + h·Y(h) (at most about
 * one digit of cancellation there). For h < −3 that recurrence is unstable, so the ratios
 * ρ_{k−1} = M_k/M_{k−1} = k/(ρ_k + |h|) run backwards from well above the last term needed (each
 * step damps the start error by k/(ρ_k + |h|)², and only adds positive numbers).
 */
function seriesScaled(h: number, t: number): number {
  const m0 = millsY(h);
  const t2 = t * t;
  let term = t; // t^k/k!
  let sum = 0;
  if (h >= -3) {
    let previous = m0;
    let moment = 1 + h * m0;
    for (let k = 1; k < 60; k += 2) {
      const add = moment * term;
      sum += add;
      if (add <= sum * 1e-17) break;
      const even = h * moment + k * previous;
      previous = even;
      moment = h * even + (k + 1) * moment;
      term *= t2 * STEP[k]!;
    }
    return 2 * sum;
  }
  const a = -h;
  // Terms fall like (t/|h|)^k: enough odd terms for 1e-17, at most 15 (t < |h|/6).
  const ratio2 = t2 / (a * a);
  const oddTerms = ratio2 < 1e-34 ? 1 : Math.min(15, Math.ceil(-17 / Math.log10(ratio2)));
  const kMax = 2 * oddTerms - 1;
  // Steps above kMax that forget the start value to ~1e-16: the damping k/(ρ_k + |h|)² is weak
  // near |h| = 3 (about 50 steps) and strong for large |h| (about 10); measured against mpmath.
  let rho = 0;
  for (let k = kMax + Math.ceil(8 + 400 / (a * a)); k >= 1; k--) {
    rho = k / (rho + a);
    if (k <= kMax) ratios[k] = rho;
  }
  let moment = m0;
  for (let k = 1; k <= kMax; k++) {
    moment *= ratios[k]!;
    if ((k & 1) === 1) {
      sum += moment * term;
      term *= t2 * STEP[k]!;
    }
  }
  return 2 * sum;
}

/** The scaled normalised OTM call bx = b/b'(s) = Y(h+t) − Y(h−t), for h ≤ 0 and h + t ≤ about 5. */
export function scaledNormalisedBlack(h: number, t: number): number {
  if (useSeries(h, t)) return seriesScaled(h, t);
  return millsY(h + t) - millsY(h - t);
}

/** Normalised vega ∂b/∂s = e^{−(h²+t²)/2}/√(2π). */
export function normalisedVega(x: number, s: number): number {
  if (x === 0) return INV_SQRT_2PI * Math.exp(-0.125 * s * s);
  const h = x / s;
  const t = 0.5 * s;
  return INV_SQRT_2PI * Math.exp(-0.5 * (h * h + t * t));
}

/** Set by normalisedBlackOtm: the normalised vega at the same (x, s), from the same exponential. */
let lastVega = 0;

/** Normalised out-of-the-money call b(x, s, +1) for x ≤ 0, s ≥ 0, with full relative accuracy. */
export function normalisedBlackOtm(x: number, s: number): number {
  if (!(s > 0)) {
    lastVega = 0;
    return 0;
  }
  const h = x / s;
  const t = 0.5 * s;
  const e = Math.exp(-0.5 * (h * h + t * t));
  lastVega = INV_SQRT_2PI * e;
  if (useSeries(h, t)) return lastVega * seriesScaled(h, t);
  // b = ½[e^{x/2}·erfc(q1) − e^{−x/2}·erfc(q2)], each term in whichever of Cody's forms is accurate.
  const q1 = -SQRT_HALF * (h + t);
  const q2 = -SQRT_HALF * (h - t);
  const first = q1 < CODY_SPLIT ? Math.exp(0.5 * x) * erfc(q1) : e * erfcx(q1);
  const second = q2 < CODY_SPLIT ? Math.exp(-0.5 * x) * erfc(q2) : e * erfcx(q2);
  return Math.max(0.5 * (first - second), 0);
}

/** b_max − b for the normalised OTM call: e^{x/2}Φ(−h−t) + e^{−x/2}Φ(h−t), a sum of positives. */
export function normalisedBlackOtmComplement(x: number, s: number): number {
  if (!(s > 0)) return Math.exp(0.5 * x);
  const h = x / s;
  const t = 0.5 * s;
  return 0.5 * (Math.exp(0.5 * x) * erfc(SQRT_HALF * (h + t)) + Math.exp(-0.5 * x) * erfc(-SQRT_HALF * (h - t)));
}

/** Normalised intrinsic value θ·(e^{x/2} − e^{−x/2})⁺. */
export function normalisedIntrinsic(x: number, theta: 1 | -1): number {
  const y = theta * x;
  return y > 0 ? 2 * Math.sinh(0.5 * y) : 0;
}

/** The normalised Black function b(x, s, θ) for any x. */
export function normalisedBlack(x: number, s: number, theta: 1 | -1): number {
  return normalisedIntrinsic(x, theta) + normalisedBlackOtm(-Math.abs(x), s);
}

type Branch = 0 | 1 | 2; // lower, middle, upper

/** Householder iterations used by the last impliedTotalVolOtm call (for benchmarks and tests). */
export const ivIterations = { last: 0, branch: 0 };

/**
 * Implied total volatility s of a normalised out-of-the-money call price β, x ≤ 0,
 * 0 < β < e^{x/2}. Returns NaN only if the iteration fails to converge (not seen in tests).
 */
export function impliedTotalVolOtm(beta: number, x: number): number {
  const bMax = Math.exp(0.5 * x);
  let branch: Branch;
  let s: number;
  let lo: number;
  let hi: number;
  if (x === 0) {
    // At the money b = 1 − 2Φ(−s/2): invert exactly (Householder then only polishes rounding).
    branch = beta < 0.85 ? 1 : 2;
    s = beta < 0.85 ? -2 * inverseNormCdfCentral(-0.5 * beta) : -2 * inverseNormCdf(0.5 * (1 - beta));
    lo = 0;
    hi = Infinity;
  } else {
    const sc = Math.sqrt(-2 * x);
    const bc = normalisedBlackOtm(x, sc);
    const vc = lastVega;
    // The branch is chosen by where the asymptotic guess falls relative to the tangents' zeros
    // s_l and s_u (rather than by evaluating b there): one evaluation of b fewer per solve.
    if (beta < bc) {
      const sl = sc - bc / vc;
      // b ≈ (2π|x|/√27)·Φ(−|x|/(√3·s))³ for small s, inverted.
      const p = Math.cbrt(beta / (TWO_PI_OVER_SQRT27 * -x));
      const z = p < 0.5 ? inverseNormCdf(p) : Number.NaN;
      const guess = z < 0 ? x / (SQRT3 * z) : Number.NaN;
      lo = 0;
      hi = sc;
      if (guess < sl) {
        branch = 0;
        s = guess;
      } else {
        branch = 1;
        s = sc + (beta - bc) / vc;
      }
    } else {
      const su = sc + (bMax - bc) / vc;
      // b_max − b ≈ (e^{x/2} + e^{−x/2})·Φ(−s/2) for large s, inverted.
      const p = (bMax - beta) / (bMax + 1 / bMax);
      const guess = p < 0.5 ? -2 * inverseNormCdf(p) : Number.NaN;
      lo = sc;
      hi = Infinity;
      if (guess > su) {
        branch = 2;
        s = guess;
      } else {
        branch = 1;
        s = sc + (beta - bc) / vc;
      }
    }
    if (!(s > lo && s < hi)) s = hi === Infinity ? 2 * lo + 1 : 0.5 * (lo + hi);
  }
  const lnBeta = branch === 0 ? Math.log(beta) : 0;
  const lnGap = branch === 2 ? Math.log(bMax - beta) : 0;
  let iteration = 0;
  let finishing = false;
  for (; iteration < 40; iteration++) {
    const h = x / s;
    const t = 0.5 * s;
    // b''/b' and b'''/b' of the normalised vega.
    const u = x === 0 ? -0.25 * s : (x * x) / (s * s * s) - 0.25 * s;
    const b2 = u;
    const b3 = u * u - (3 * x * x) / (s * s * s * s) - 0.25;
    let g: number;
    let g1: number;
    let g2: number;
    let g3: number;
    let below: boolean; // b(s) < β
    if (branch === 0) {
      const bx = scaledNormalisedBlack(h, t);
      const lnB = Math.log(bx) - 0.5 * (h * h + t * t) - LN_SQRT_2PI;
      below = lnB < lnBeta;
      const y = 1 / bx; // b'/b
      const u1 = y;
      const u2 = b2 * y - y * y;
      const u3 = b3 * y - 3 * b2 * y * y + 2 * y * y * y;
      const inv = 1 / lnB;
      g = inv - 1 / lnBeta;
      g1 = -u1 * inv * inv;
      g2 = (-u2 + 2 * u1 * u1 * inv) * inv * inv;
      g3 = (-u3 + 6 * u1 * u2 * inv - 6 * u1 * u1 * u1 * inv * inv) * inv * inv;
    } else if (branch === 1) {
      const b = normalisedBlackOtm(x, s);
      const v = lastVega;
      below = b < beta;
      g = b - beta;
      g1 = v;
      g2 = v * b2;
      g3 = v * b3;
    } else {
      const c = normalisedBlackOtmComplement(x, s);
      const v = normalisedVega(x, s);
      below = c > bMax - beta;
      const w1 = -v / c;
      const w2 = (-v * b2) / c - w1 * w1;
      const w3 = (-v * b3) / c - 3 * ((-v * b2) / c) * w1 + 2 * w1 * w1 * w1;
      g = lnGap - Math.log(c);
      g1 = -w1;
      g2 = -w2;
      g3 = -w3;
    }
    if (g === 0) break;
    if (below) lo = Math.max(lo, s);
    else hi = Math.min(hi, s);
    const nu = -g / g1;
    const h2 = g2 / g1;
    const h3 = g3 / g1;
    let step = (nu * (1 + 0.5 * h2 * nu)) / (1 + nu * (h2 + (h3 * nu) / 6));
    if (!Number.isFinite(step) || step * nu <= 0) step = nu;
    if (Math.abs(step) <= 2.220446049250313e-16 * s) {
      // Converged to rounding level (the bracket may have closed onto s itself).
      iteration++;
      break;
    }
    let next = s + step;
    let close = Math.abs(step) <= 1e-12 * s;
    if (!(next > lo && next < hi)) {
      next = hi === Infinity ? 2 * s : lo === 0 ? 0.5 * hi : 0.5 * (lo + hi);
      close = false;
      if (!(next > lo && next < hi)) break;
    }
    s = next;
    // Fourth-order convergence: once a step is below ~1e-12·s, one more step reaches rounding level.
    if (finishing || (hi < Infinity && hi - lo <= 4.440892098500626e-16 * hi)) {
      iteration++;
      break;
    }
    finishing = close;
  }
  ivIterations.last = iteration;
  ivIterations.branch = branch;
  return Number.isFinite(s) ? s : Number.NaN;
}
