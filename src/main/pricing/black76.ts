// Black (1976) for European options on futures and forwards: the forward F replaces the spot and
// the option is discounted at r. Greeks follow conventions.ts; delta and gamma are with respect to
// F, and rho is ∂V/∂r with F held fixed (= −T·V), since a futures price does not move with r.
import { blackScholes, type BsResult, type Right } from './black-scholes.js';

export interface Black76Inputs {
  right: Right;
  forward: number;
  strike: number;
  /** Years to expiry. */
  t: number;
  /** Discount rate, continuous. */
  r: number;
  vol: number;
}

/** Black-76 value and Greeks. Throws RangeError for a non-positive forward or strike, or non-finite time or volatility. */
export function black76(p: Black76Inputs): BsResult {
  if (!Number.isFinite(p.r)) throw new RangeError('black76 needs a finite rate');
  // BSM with the yield equal to the rate is exactly Black-76 (S·e^{−qT} = F·e^{−rT}); only rho differs.
  const g = blackScholes({ right: p.right, spot: p.forward, strike: p.strike, t: p.t, r: p.r, q: p.r, vol: p.vol });
  g.rho = p.t > 0 ? -p.t * g.price : 0;
  return g;
}
