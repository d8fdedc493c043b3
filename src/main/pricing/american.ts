// American options by the integral-equation method of L. Andersen, M. Lake and D. Offengenden,
// "High-performance American option pricing", Journal of Computational Finance 20(1) (2016):
//
//   V(S) = v_E(S) + ∫₀^T [r·K·e^{−rt}·Φ(−d₋(t, S/B(T−t))) − q·S·e^{−qt}·Φ(−d₊(t, S/B(T−t)))] dt
//
// (a put; d± = (ln(S/B) + (r−q)t)/(σ√t) ± σ√t/2). The exercise boundary B(τ) is started from
// M. Li's QD+ approximation (Review of Derivatives Research 13 (2010) 75–99), held as a Chebyshev
// polynomial in √τ of ln(B/X)², and refined by one Jacobi-Newton and two plain fixed-point
// iterations of the boundary's value-matching equation; the premium integral uses Gauss-Legendre
// panels in √t and √(T − t). Against a converged Leisen-Reimer tree this is within about 1e-4 of
// the price for listed-option parameters (american.test.ts; the pricing benchmark prints it).
//
// A call is a put with spot and strike, and rate and yield, exchanged (McDonald-Schroder
// symmetry C(S, K, r, q) = P(K, S, q, r)), and the put is homogeneous in (S, K), so everything
// is solved for a unit strike. All that depends on the spot — the premium and its Greeks — is a
// sum over PRICE_NODES quadrature points whose boundary values, discount factors and boundary
// sensitivities are cached per option (AMERICAN_STRIDE doubles) and recomputed only when vol,
// time or rates change. Delta and gamma are analytic; vega and rho add the boundary's own
// sensitivity (one-sided bumps of the boundary solve); theta follows from the Black-Scholes
// equation, which the representation satisfies exactly off the boundary.
import { blackScholes, MIN_TOTAL_VOL, normCdf, normCdfAndDensityInPlace, type BsInputs, type BsResult } from './black-scholes.js';
import { chebyshevEval, chebyshevFit, chebyshevNodes, gaussLegendre } from './quadrature.js';

const INV_SQRT_2PI = 0.3989422804014327;

/** Chebyshev degree of the boundary (BOUNDARY_NODES + 1 collocation points). */
const BOUNDARY_NODES = 8;
/** Gauss-Legendre points in the fixed-point integrals. */
const FIXED_POINT_NODES = 12;
/** Fixed-point iterations after the initial Jacobi-Newton step. */
const PLAIN_ITERATIONS = 2;
/** Panels of the premium integral: variable (z: t = z²; w: t = T − w²), span in units of √(T/2), points. */
const PANELS: readonly (readonly ['z' | 'w', number, number, number])[] = [
  ['z', 0, 0.25, 5],
  ['z', 0.25, 1, 5],
  ['w', 0, 1, 6],
];
/** Gauss-Legendre points in the premium integral (the per-tick cost is proportional to it). */
export const PRICE_NODES = PANELS.reduce((n, panel) => n + panel[3], 0);

// Cache layout per option: [mode, r', q', X = b(0+), vol, T, b(T), reserved] then per price node
// j: weight, t, σ√t, ln b, e^{−r't}, e^{−q't}, ∂ln b/∂σ, ∂ln b/∂rate, b, 1/(σ√t),
// (r'−q')t/(σ√t) + σ√t/2 (so that d₊ = (ln x − ln b)/(σ√t) + that).
const HEADER = 8;
const PER_NODE = 11;
export const AMERICAN_STRIDE = HEADER + PER_NODE * PRICE_NODES;

const MODE_EUROPEAN = 0;
const MODE_INTEGRAL = 1;

// ── QD+ starting boundary ───────────────────────────────────────────────────────────────────

/** Li's QD+ exercise boundary of a unit-strike put (safeguarded Newton). r > 0, τ > 0. */
function qdPlusBoundary(r: number, q: number, vol: number, tau: number, xMax: number): number {
  const v = vol * Math.sqrt(tau);
  const dr = Math.exp(-r * tau);
  const dq = Math.exp(-q * tau);
  const sigma2 = vol * vol;
  const h = 1 - dr;
  const omega = (2 * (r - q)) / sigma2;
  const rootDisc = Math.sqrt((omega - 1) * (omega - 1) + (8 * r) / (sigma2 * h));
  const lambda = 0.5 * (-(omega - 1) - rootDisc);
  const lambdaPrime = (2 * r) / (sigma2 * h * h * rootDisc);
  const denom = -rootDisc; // 2λ + ω − 1
  const alphaQ = (2 * dr * r) / (sigma2 * denom);
  const betaQ = alphaQ * (1 / h + lambdaPrime / denom) - lambda;
  const drift = (r - q) * tau;
  const sqrtTau = Math.sqrt(tau);
  let lo = 1e-12 * xMax;
  let hi = xMax;
  let b = xMax * 0.999;
  for (let i = 0; i < 100; i++) {
    const d1 = (Math.log(b) + drift) / v + 0.5 * v;
    const d2 = d1 - v;
    const n1 = normCdf(-d1);
    const n2 = normCdf(-d2);
    const pdf1 = INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1);
    const value = dr * n2 - b * dq * n1;
    const theta = r * dr * n2 - q * b * dq * n1 - (vol * b * dq * pdf1) / (2 * sqrtTau);
    const charm = -dq * (pdf1 * ((r - q) / v - d2 / (2 * tau)) + q * n1);
    const f = (1 - dq * n1) * b - betaQ * (1 - b - value) + (alphaQ * theta) / (dr * r);
    if (f === 0) break;
    const fPrime = 1 - dq * n1 + (dq * pdf1) / v + betaQ * (1 - dq * n1) + (alphaQ * charm) / (r * dr);
    if (f < 0) lo = b;
    else hi = b;
    let next = b - f / fPrime;
    if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi);
    const done = Math.abs(next - b) <= 1e-14 * b;
    b = next;
    if (done || hi - lo <= 1e-14 * hi) break;
  }
  return b;
}

// ── Boundary by fixed-point iteration (unit strike, put coordinates) ──────────────────────────

const chebZ = chebyshevNodes(BOUNDARY_NODES);
const boundaryValues = new Float64Array(BOUNDARY_NODES + 1);
const boundaryCoeffs = new Float64Array(BOUNDARY_NODES + 1);

/** Boundary b(τ) from the current Chebyshev fit of H = ln(b/X)². */
function boundaryAt(x: number, maturity: number, tau: number): number {
  if (!(tau > 0)) return x;
  const z = 2 * Math.sqrt(Math.min(tau / maturity, 1)) - 1;
  const H = chebyshevEval(boundaryCoeffs, BOUNDARY_NODES, z);
  return x * Math.exp(-Math.sqrt(Math.max(H, 0)));
}

/** Result slots of the fixed-point map (module-level: no allocation). */
const fp = { value: 0, derivative: 0 };

/**
 * One evaluation of the fixed-point map b ↦ K·e^{−(r−q)τ}·N/D at collocation time τ, and the
 * derivative of its non-integral part (for the Jacobi-Newton step). Two equivalent forms, as in
 * Andersen-Lake-Offengenden: the Φ form, and the φ form used when r ≈ q (where the Φ form
 * converges slowly).
 */
function fixedPointMap(r: number, q: number, vol: number, x: number, maturity: number, tau: number, b: number): void {
  const { nodes, weights } = gaussLegendre(FIXED_POINT_NODES);
  const sqrtTau = Math.sqrt(tau);
  const v = vol * sqrtTau;
  const dPlus0 = (Math.log(b) + (r - q) * tau) / v + 0.5 * v;
  const dMinus0 = dPlus0 - v;
  const pdfPlus0 = INV_SQRT_2PI * Math.exp(-0.5 * dPlus0 * dPlus0);
  const pdfMinus0 = INV_SQRT_2PI * Math.exp(-0.5 * dMinus0 * dMinus0);
  let N: number;
  let D: number;
  let Nd: number;
  let Dd: number;
  if (Math.abs(r - q) >= 0.001) {
    let ni = 0;
    let di = 0;
    const c = 0.5 * tau;
    for (let k = 0; k < FIXED_POINT_NODES; k++) {
      const u = c * nodes[k]! + c;
      const remaining = tau - u;
      const vu = vol * Math.sqrt(remaining);
      const dp = (Math.log(b / boundaryAt(x, maturity, u)) + (r - q) * remaining) / vu + 0.5 * vu;
      ni += weights[k]! * Math.exp(r * u) * normCdf(dp - vu);
      di += weights[k]! * Math.exp(q * u) * normCdf(dp);
    }
    N = normCdf(dMinus0) + r * c * ni;
    D = normCdf(dPlus0) + q * c * di;
    Nd = pdfMinus0 / (b * v);
    Dd = pdfPlus0 / (b * v);
  } else {
    let k12 = 0;
    let k3 = 0;
    const stv = sqrtTau / vol;
    for (let k = 0; k < FIXED_POINT_NODES; k++) {
      const y = nodes[k]!;
      const m = 0.25 * tau * (1 + y) * (1 + y);
      const vm = vol * Math.sqrt(m);
      const dp = (Math.log(b / boundaryAt(x, maturity, tau - m)) + (r - q) * m) / vm + 0.5 * vm;
      const dm = dp - vm;
      k12 += weights[k]! * Math.exp(q * (tau - m)) * (0.5 * tau * (1 + y) * normCdf(dp) + stv * INV_SQRT_2PI * Math.exp(-0.5 * dp * dp));
      k3 += weights[k]! * stv * Math.exp(r * (tau - m)) * INV_SQRT_2PI * Math.exp(-0.5 * dm * dm);
    }
    N = pdfMinus0 / v + r * k3;
    D = pdfPlus0 / v + normCdf(dPlus0) + q * k12;
    Nd = (-pdfMinus0 * dMinus0) / (b * vol * vol * tau);
    Dd = (-pdfPlus0 * dPlus0) / (b * vol * vol * tau) + pdfPlus0 / (b * v);
  }
  const alpha = Math.exp(-(r - q) * tau);
  fp.value = (alpha * N) / D;
  fp.derivative = alpha * (Nd / D - (Dd * N) / (D * D));
}

/**
 * Solves the exercise boundary of a unit-strike put with r > 0 into the module's Chebyshev fit.
 * Returns X = b(0+) = min(1, r/q).
 */
function solveBoundary(r: number, q: number, vol: number, maturity: number): number {
  const x = q > 0 ? Math.min(1, r / q) : 1;
  const n = BOUNDARY_NODES;
  for (let i = 0; i < n; i++) {
    const tau = 0.25 * maturity * (1 + chebZ[i]!) * (1 + chebZ[i]!);
    const b = qdPlusBoundary(r, q, vol, tau, x);
    const l = Math.log(b / x);
    boundaryValues[i] = l * l;
  }
  boundaryValues[n] = 0; // τ = 0: b = X
  chebyshevFit(boundaryValues, n, boundaryCoeffs);
  for (let iteration = 0; iteration <= PLAIN_ITERATIONS; iteration++) {
    for (let i = 0; i < n; i++) {
      const tau = 0.25 * maturity * (1 + chebZ[i]!) * (1 + chebZ[i]!);
      const b = boundaryAt(x, maturity, tau);
      fixedPointMap(r, q, vol, x, maturity, tau, b);
      let next = iteration === 0 ? b - (fp.value - b) / (fp.derivative - 1) : fp.value;
      if (!(next > 0)) next = 0.5 * b;
      const l = Math.log(Math.min(next, x) / x);
      boundaryValues[i] = l * l;
    }
    chebyshevFit(boundaryValues, n, boundaryCoeffs);
  }
  return x;
}

// ── Per-option cache ─────────────────────────────────────────────────────────────────────────

/**
 * Fills the spot-independent American cache of one option at `at` (AMERICAN_STRIDE doubles):
 * the boundary at the premium integral's nodes, for the option's parameters and for small vol and
 * rate bumps. Cheap to call again only when something other than the spot changed.
 */
export function prepareAmerican(isCall: boolean, r: number, q: number, vol: number, t: number, cache: Float64Array, at: number): void {
  // Put coordinates: a call is a put on the strike with rate and yield swapped.
  const rp = isCall ? q : r;
  const qp = isCall ? r : q;
  // With r'·T below 1e-9 the early-exercise premium is below 1e-9·K (a put is never worth more
  // than K − S + K·(1 − e^{−r'T}) over its European value) and the QD+ start is singular: European.
  if (!(rp * t > 1e-9) || !(vol > 0)) {
    cache[at] = MODE_EUROPEAN;
    return;
  }
  cache[at] = MODE_INTEGRAL;
  cache[at + 1] = rp;
  cache[at + 2] = qp;
  cache[at + 4] = vol;
  cache[at + 5] = t;
  const base = at + HEADER;
  // Base boundary at the nodes.
  let x = solveBoundary(rp, qp, vol, t);
  cache[at + 3] = x;
  cache[at + 6] = boundaryAt(x, t, t);
  // Gauss-Legendre panels: t = z² on [0, T/2], split at a quarter of √(T/2) because the
  // integrand turns sharply at small t when the spot is near the boundary (this keeps gamma and
  // theta there within a fraction of a percent), and t = T − w² on [T/2, T], where the boundary
  // is smooth in √u near its own expiry (u = T − t).
  const span = Math.sqrt(0.5 * t);
  let j = 0;
  for (const [variable, from, to, count] of PANELS) {
    const rule = gaussLegendre(count);
    const low = from * span;
    const half = 0.5 * (to - from) * span;
    for (let k = 0; k < count; k++, j++) {
      const y = low + half * (1 + rule.nodes[k]!); // z (t = z²) or w (t = T − w²)
      const time = variable === 'z' ? y * y : t - y * y;
      const weight = half * rule.weights[k]! * 2 * y; // dt = 2y·dy
      const o = base + j * PER_NODE;
      const b = boundaryAt(x, t, t - time);
      cache[o] = weight;
      cache[o + 1] = time;
      cache[o + 2] = vol * Math.sqrt(time);
      cache[o + 3] = Math.log(b);
      cache[o + 4] = Math.exp(-rp * time);
      cache[o + 5] = Math.exp(-qp * time);
      cache[o + 8] = b;
      const vz = vol * Math.sqrt(time);
      cache[o + 9] = 1 / vz;
      cache[o + 10] = ((rp - qp) * time) / vz + 0.5 * vz;
    }
  }
  // Boundary sensitivities by one-sided bumps (the boundary is a smooth, deterministic function
  // of the inputs, so a relative bump of 1e-5 leaves ~1e-10 of rounding noise).
  const hVol = 1e-5 * vol;
  x = solveBoundary(rp, qp, vol + hVol, t);
  for (let j = 0; j < PRICE_NODES; j++) {
    const o = base + j * PER_NODE;
    cache[o + 6] = (Math.log(boundaryAt(x, t, t - cache[o + 1]!)) - cache[o + 3]!) / hVol;
  }
  const hRate = 1e-6;
  // ∂/∂r of the option: the put's rate, or for a call the put's yield.
  x = isCall ? solveBoundary(rp, qp + hRate, vol, t) : solveBoundary(rp + hRate, qp, vol, t);
  for (let j = 0; j < PRICE_NODES; j++) {
    const o = base + j * PER_NODE;
    cache[o + 7] = (Math.log(boundaryAt(x, t, t - cache[o + 1]!)) - cache[o + 3]!) / hRate;
  }
}

/** Whether a prepared cache holds an early-exercise premium (false: the European value applies). */
export function hasEarlyExercise(cache: Float64Array, at: number): boolean {
  return cache[at] === MODE_INTEGRAL;
}

// Scratch for the premium sum (module-level: a revaluation allocates nothing).
const nodeCdf = new Float64Array(2 * PRICE_NODES); // Φ(−d₋) at [j], Φ(−d₊) at [PRICE_NODES + j]
const nodeD = new Float64Array(2 * PRICE_NODES); // d₋ at [j], d₊ at [PRICE_NODES + j]
const nodePdf = new Float64Array(2 * PRICE_NODES); // φ(d₋) at [j] (φ(d₊) unused)

/** Layout of the `values` array of addEarlyExerciseInto: inputs, then the six Greeks in and out. */
export const EE_SPOT = 0;
export const EE_STRIKE = 1;
export const EE_RATE = 2;
export const EE_YIELD = 3;
export const EE_PRICE = 4; // then delta, gamma, vega, theta, rho at 5..9
export const EE_LENGTH = 10;

/**
 * Adds the early-exercise premium to European BSM values of the same option, in place, reading
 * and writing a Float64Array (EE_* layout: spot, strike, r, q, then price, delta, gamma, vega,
 * theta, rho of the European option, replaced by the American ones). The cache must have been
 * prepared for the same (right, r, q, vol, t). Numbers never leave typed arrays, so nothing is
 * allocated. Theta is recomputed from the Black-Scholes equation.
 */
export function addEarlyExerciseInto(isCall: boolean, values: Float64Array, cache: Float64Array, at: number): void {
  if (cache[at] !== MODE_INTEGRAL) return;
  const spot = values[EE_SPOT]!;
  const strike = values[EE_STRIKE]!;
  const r = values[EE_RATE]!;
  const q = values[EE_YIELD]!;
  const rp = cache[at + 1]!;
  const qp = cache[at + 2]!;
  const vol = cache[at + 4]!;
  // Unit-strike put coordinates: x = S'/K'.
  const x = isCall ? strike / spot : spot / strike;
  if (x <= cache[at + 6]!) {
    exerciseNow(isCall, values, spot, strike);
    return;
  }
  const lnX = Math.log(x);
  const base = at + HEADER;
  for (let j = 0; j < PRICE_NODES; j++) {
    const o = base + j * PER_NODE;
    const dPlus = (lnX - cache[o + 3]!) * cache[o + 9]! + cache[o + 10]!;
    const dMinus = dPlus - cache[o + 2]!;
    nodeD[j] = dMinus;
    nodeD[PRICE_NODES + j] = dPlus;
    nodeCdf[j] = -dMinus;
    nodeCdf[PRICE_NODES + j] = -dPlus;
  }
  normCdfAndDensityInPlace(nodeCdf, nodePdf, 0, 2 * PRICE_NODES);
  const inverseX = 1 / x;
  const inverseVol = 1 / vol;
  let p = 0; // premium per unit K'
  let px = 0; // ∂/∂x
  let pxx = 0; // ∂²/∂x²
  let pVol = 0; // ∂/∂σ (explicit + through the boundary)
  let pRate = 0; // ∂/∂r of the option (put: r', call: q')
  for (let j = 0; j < PRICE_NODES; j++) {
    const o = base + j * PER_NODE;
    const w = cache[o]!;
    const time = cache[o + 1]!;
    const inverseVz = cache[o + 9]!;
    const er = cache[o + 4]!;
    const eq = cache[o + 5]!;
    const b = cache[o + 8]!;
    const dMinus = nodeD[j]!;
    const dPlus = nodeD[PRICE_NODES + j]!;
    const nMinus = nodeCdf[j]!;
    const nPlus = nodeCdf[PRICE_NODES + j]!;
    const pdf = er * nodePdf[j]!; // e^{−r't}φ(d₋) = x·e^{−q't}φ(d₊)/b
    const edge = rp - qp * b; // r' − q'·b
    const implicitPerLnB = pdf * edge * inverseVz; // ∂f/∂ln b
    p += w * (rp * er * nMinus - qp * x * eq * nPlus);
    px += w * (-qp * eq * nPlus - implicitPerLnB * inverseX);
    pxx += w * pdf * (qp * b + edge * (1 + dMinus * inverseVz)) * inverseVz * inverseX * inverseX;
    pVol += w * (pdf * (rp * dPlus - qp * b * dMinus) * inverseVol + implicitPerLnB * cache[o + 6]!);
    const explicitRate = isCall ? x * eq * nPlus * (qp * time - 1) + time * implicitPerLnB : er * nMinus * (1 - rp * time) - time * implicitPerLnB;
    pRate += w * (explicitRate + implicitPerLnB * cache[o + 7]!);
  }
  const kPut = isCall ? spot : strike;
  // The premium is never negative; a value computed a hair below European is European.
  if (!(p > 0)) return;
  const price = values[EE_PRICE]! + kPut * p;
  // Just above a solved boundary that sits a little low (deep in the money, low volatility, long
  // expiry) the integral can come out a few 1e-4 below intrinsic; the holder then exercises, as a
  // tree's max(continuation, exercise) would decide. Never quote an American option below intrinsic.
  if (price <= (isCall ? spot - strike : strike - spot)) {
    exerciseNow(isCall, values, spot, strike);
    return;
  }
  let delta: number;
  let gamma: number;
  if (isCall) {
    // Π = S·π(K/S): ∂Π/∂S = π − x·π', ∂²Π/∂S² = x²·π''/S.
    delta = values[EE_PRICE + 1]! + p - x * px;
    gamma = values[EE_PRICE + 2]! + (x * x * pxx) / spot;
  } else {
    // Π = K·π(S/K): ∂Π/∂S = π', ∂²Π/∂S² = π''/K.
    delta = values[EE_PRICE + 1]! + px;
    gamma = values[EE_PRICE + 2]! + pxx / strike;
  }
  values[EE_PRICE] = price;
  values[EE_PRICE + 1] = delta;
  values[EE_PRICE + 2] = gamma;
  values[EE_PRICE + 3] = values[EE_PRICE + 3]! + kPut * pVol;
  // Black-Scholes equation off the boundary (the representation satisfies it exactly there):
  // θ = rV − (r−q)SΔ − ½σ²S²Γ.
  values[EE_PRICE + 4] = r * price - (r - q) * spot * delta - 0.5 * vol * vol * spot * spot * gamma;
  values[EE_PRICE + 5] = values[EE_PRICE + 5]! + kPut * pRate;
}

/** The exercise region: the value is intrinsic, with the Greeks of ±(S − K). */
function exerciseNow(isCall: boolean, values: Float64Array, spot: number, strike: number): void {
  values[EE_PRICE] = isCall ? spot - strike : strike - spot;
  values[EE_PRICE + 1] = isCall ? 1 : -1;
  values[EE_PRICE + 2] = 0;
  values[EE_PRICE + 3] = 0;
  values[EE_PRICE + 4] = 0;
  values[EE_PRICE + 5] = 0;
}

const scalarValues = new Float64Array(EE_LENGTH);

/**
 * addEarlyExerciseInto for one option held as a BsResult (European values in, American out).
 * For scalar use; the option book calls addEarlyExerciseInto directly.
 */
export function addEarlyExercise(isCall: boolean, spot: number, strike: number, r: number, q: number, cache: Float64Array, at: number, euro: BsResult): void {
  const v = scalarValues;
  v[EE_SPOT] = spot;
  v[EE_STRIKE] = strike;
  v[EE_RATE] = r;
  v[EE_YIELD] = q;
  v[EE_PRICE] = euro.price;
  v[EE_PRICE + 1] = euro.delta;
  v[EE_PRICE + 2] = euro.gamma;
  v[EE_PRICE + 3] = euro.vega;
  v[EE_PRICE + 4] = euro.theta;
  v[EE_PRICE + 5] = euro.rho;
  addEarlyExerciseInto(isCall, v, cache, at);
  euro.price = v[EE_PRICE]!;
  euro.delta = v[EE_PRICE + 1]!;
  euro.gamma = v[EE_PRICE + 2]!;
  euro.vega = v[EE_PRICE + 3]!;
  euro.theta = v[EE_PRICE + 4]!;
  euro.rho = v[EE_PRICE + 5]!;
}

/** Prepared caches of recent (right, r, q, vol, T), so a spot-only change skips the boundary solve. */
const recent = new Map<string, Float64Array>();
const RECENT_LIMIT = 1024;

function preparedFor(isCall: boolean, r: number, q: number, vol: number, t: number): Float64Array {
  const key = `${isCall ? 'C' : 'P'}|${r}|${q}|${vol}|${t}`;
  let cache = recent.get(key);
  if (cache) {
    recent.delete(key); // refresh its place in the LRU order
  } else {
    cache = new Float64Array(AMERICAN_STRIDE);
    prepareAmerican(isCall, r, q, vol, t, cache, 0);
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  }
  recent.set(key, cache);
  return cache;
}

/**
 * American option value and Greeks, in the same units as blackScholes (vega per 1.00 of vol,
 * theta per year, rho per 1.00 of rate). Throws RangeError on the inputs blackScholes rejects.
 * The exercise boundary of the last 1,024 distinct (right, r, q, vol, T) is kept, so repricing at
 * a new spot costs about a microsecond; a new boundary about a tenth of a millisecond.
 */
export function americanOption(p: BsInputs): BsResult {
  const euro = blackScholes(p);
  const isCall = p.right === 'C';
  if (!(p.t > 0)) return euro; // at or past expiry: intrinsic (blackScholes' degenerate case)
  if (!(p.vol * Math.sqrt(p.t) >= MIN_TOTAL_VOL)) return zeroVolAmerican(p);
  const cache = preparedFor(isCall, p.r, p.q, p.vol, p.t);
  if (cache[0] !== MODE_INTEGRAL) {
    // No early-exercise premium: a put with r ≤ 0 or a call with q ≤ 0 is worth its European
    // value — except in the double-boundary case (yield below a negative rate for a put, the
    // mirror for a call), valued here as the larger of the European and intrinsic values.
    const intrinsic = isCall ? p.spot - p.strike : p.strike - p.spot;
    if (intrinsic > euro.price) return { price: intrinsic, delta: isCall ? 1 : -1, gamma: 0, vega: 0, theta: 0, rho: 0 };
    return euro;
  }
  addEarlyExercise(isCall, p.spot, p.strike, p.r, p.q, cache, 0, euro);
  return euro;
}

/**
 * The critical spot price at the option's current time to expiry: a put is exercised at or below
 * it, a call at or above it. Null when early exercise never pays (a put with r ≤ 0, a call with
 * q ≤ 0) or there is no time or no volatility left.
 */
export function exerciseBoundary(p: Omit<BsInputs, 'spot'>): number | null {
  if (!(p.strike > 0) || !Number.isFinite(p.t) || !Number.isFinite(p.vol) || !Number.isFinite(p.r) || !Number.isFinite(p.q)) {
    throw new RangeError('exerciseBoundary needs strike > 0 and finite time, volatility and rates');
  }
  if (!(p.t > 0) || !(p.vol * Math.sqrt(p.t) >= MIN_TOTAL_VOL)) return null;
  const isCall = p.right === 'C';
  const cache = preparedFor(isCall, p.r, p.q, p.vol, p.t);
  if (cache[0] !== MODE_INTEGRAL) return null;
  return isCall ? p.strike / cache[6]! : p.strike * cache[6]!;
}

/**
 * Zero volatility: the path is deterministic, so the value is the best discounted exercise value
 * over [0, T]: max_u e^{−ru}·(K − S·e^{(r−q)u})⁺ for a put, the mirror for a call.
 */
function zeroVolAmerican(p: BsInputs): BsResult {
  const { spot, strike, t, r, q } = p;
  const sign = p.right === 'C' ? 1 : -1;
  const at = (u: number) => sign * (spot * Math.exp(-q * u) - strike * Math.exp(-r * u));
  let bestU = 0;
  let best = Math.max(at(0), 0);
  const consider = (u: number) => {
    const v = at(u);
    if (v > best) {
      best = v;
      bestU = u;
    }
  };
  consider(t);
  if (r !== q && q !== 0 && r !== 0) {
    // Stationary point of S e^{−qu} − K e^{−ru}: q·S·e^{−qu} = r·K·e^{−ru}.
    const u = Math.log((r * strike) / (q * spot)) / (r - q);
    if (u > 0 && u < t) consider(u);
  }
  if (!(best > 0)) return { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 };
  // Like blackScholes at zero vol, only the spot sensitivity is reported.
  return { price: best, delta: sign * Math.exp(-q * bestU), gamma: 0, vega: 0, theta: 0, rho: 0 };
}
