// The units of every Greek in the pricing library, stated once (README: "Pricing conventions").
//
//   time   years, ACT/365, from the exchange's expiry instant (expiry.ts), never negative
//   rates  continuously compounded, per year (r risk-free, q dividend yield)
//   delta  ∂V/∂S (per 1 of the underlying; Black-76: ∂V/∂F)
//   gamma  ∂²V/∂S²
//   vega   ∂V/∂σ per 1.00 of volatility        → × VOL_POINT for one vol point
//   theta  ∂V/∂t per year of calendar time     → ÷ DAYS_PER_YEAR for one calendar day
//   rho    ∂V/∂r per 1.00 of rate (dividend yield and, for Black-76, the forward held fixed)

/** How an option can be exercised: on any day (American) or only at expiry (European). */
export type ExerciseStyle = 'european' | 'american';

export const DAYS_PER_YEAR = 365;
export const DAY_MS = 86_400_000;
export const YEAR_MS = DAYS_PER_YEAR * DAY_MS;
/** One volatility point: 1% of volatility, 0.01 in the units of σ. */
export const VOL_POINT = 0.01;

/** Vega per vol point from vega per 1.00 of volatility. */
export function vegaPerVolPoint(vega: number): number {
  return vega * VOL_POINT;
}

/** Theta per calendar day from theta per year. */
export function thetaPerCalendarDay(theta: number): number {
  return theta / DAYS_PER_YEAR;
}
