// Binomial trees for European and American options: Cox-Ross-Rubinstein (1979) and
// Leisen-Reimer (1996, Peizer-Pratt inversion "method 2"). Slow (O(steps²)) and exact in the
// limit: they are the reference the fast American pricer is tested and benchmarked against,
// never used on the hot path.
import type { BsInputs } from './black-scholes.js';

export type TreeMethod = 'crr' | 'leisen-reimer';

export interface TreeOptions {
  steps: number;
  american: boolean;
  method?: TreeMethod;
}

/** Peizer-Pratt inversion (method 2) of the normal CDF onto a binomial probability. */
function peizerPratt(z: number, n: number): number {
  const a = z / (n + 1 / 3 + 0.1 / (n + 1));
  const root = Math.sqrt(0.25 - 0.25 * Math.exp(-a * a * (n + 1 / 6)));
  return z >= 0 ? 0.5 + root : 0.5 - root;
}

/** Option value on a recombining binomial tree (Leisen-Reimer uses an odd number of steps). */
export function binomialPrice(p: BsInputs, opts: TreeOptions): number {
  const { right, spot, strike, t, r, q, vol } = p;
  if (!(spot > 0) || !(strike > 0) || !(t >= 0) || !(vol >= 0) || !Number.isFinite(r) || !Number.isFinite(q)) {
    throw new RangeError('binomialPrice needs spot > 0, strike > 0, t ≥ 0, vol ≥ 0 and finite rates');
  }
  const sign = right === 'C' ? 1 : -1;
  if (t === 0 || vol === 0) {
    // Degenerate: deterministic path; the tree below needs a positive variance.
    throw new RangeError('binomialPrice needs t > 0 and vol > 0');
  }
  const method = opts.method ?? 'leisen-reimer';
  const n = method === 'leisen-reimer' && opts.steps % 2 === 0 ? opts.steps + 1 : opts.steps;
  const dt = t / n;
  const growth = Math.exp((r - q) * dt);
  const discount = Math.exp(-r * dt);
  let up: number;
  let down: number;
  let pUp: number;
  if (method === 'crr') {
    up = Math.exp(vol * Math.sqrt(dt));
    down = 1 / up;
    pUp = (growth - down) / (up - down);
  } else {
    const volRootT = vol * Math.sqrt(t);
    const d1 = (Math.log(spot / strike) + (r - q) * t) / volRootT + 0.5 * volRootT;
    const d2 = d1 - volRootT;
    pUp = peizerPratt(d2, n);
    const pStar = peizerPratt(d1, n);
    up = (growth * pStar) / pUp;
    down = (growth - pUp * up) / (1 - pUp);
  }
  const values = new Float64Array(n + 1);
  const ratio = up / down;
  let s = spot * Math.pow(down, n);
  for (let j = 0; j <= n; j++) {
    values[j] = Math.max(sign * (s - strike), 0);
    s *= ratio;
  }
  const pu = discount * pUp;
  const pd = discount * (1 - pUp);
  for (let step = n - 1; step >= 0; step--) {
    let node = spot * Math.pow(down, step);
    for (let j = 0; j <= step; j++) {
      const held = pd * values[j]! + pu * values[j + 1]!;
      values[j] = opts.american ? Math.max(held, sign * (node - strike)) : held;
      node *= ratio;
    }
  }
  return values[0]!;
}
