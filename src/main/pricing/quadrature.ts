// Numerical building blocks for the American pricer: Gauss-Legendre rules and Chebyshev
// interpolation on the extrema of T_n (nodes z_i = cos(iπ/n), i = 0..n).

const rules = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/** Gauss-Legendre nodes and weights on [−1, 1] (Newton on P_n; cached per order). */
export function gaussLegendre(order: number): { nodes: Float64Array; weights: Float64Array } {
  const cached = rules.get(order);
  if (cached) return cached;
  const nodes = new Float64Array(order);
  const weights = new Float64Array(order);
  for (let i = 0; i < order; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= order; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = order === 0 ? 1 : p1;
      const pPrev = order === 1 ? 1 : p0;
      derivative = (order * (x * pn - pPrev)) / (x * x - 1);
      const dx = pn / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[order - 1 - i] = x;
    weights[order - 1 - i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  const rule = { nodes, weights };
  rules.set(order, rule);
  return rule;
}

/** The Chebyshev extrema z_i = cos(iπ/n), i = 0..n (z_0 = 1, z_n = −1). */
export function chebyshevNodes(n: number): Float64Array {
  const z = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) z[i] = Math.cos((Math.PI * i) / n);
  return z;
}

/**
 * Coefficients c_0..c_n of the polynomial Σ c_k T_k(z) through values y_i at the extrema
 * z_i = cos(iπ/n) (a discrete cosine transform; end terms halved). Writes into `out`.
 */
export function chebyshevFit(values: Float64Array, n: number, out: Float64Array): void {
  for (let k = 0; k <= n; k++) {
    let sum = 0.5 * (values[0]! + (k % 2 === 0 ? values[n]! : -values[n]!));
    for (let i = 1; i < n; i++) sum += values[i]! * Math.cos((Math.PI * k * i) / n);
    out[k] = ((k === 0 || k === n ? 1 : 2) * sum) / n;
  }
}

/** Σ c_k T_k(z) by Clenshaw's recurrence. */
export function chebyshevEval(coeffs: Float64Array, n: number, z: number): number {
  let b1 = 0;
  let b2 = 0;
  const twoZ = 2 * z;
  for (let k = n; k >= 1; k--) {
    const b0 = twoZ * b1 - b2 + coeffs[k]!;
    b2 = b1;
    b1 = b0;
  }
  return z * b1 - b2 + coeffs[0]!;
}
