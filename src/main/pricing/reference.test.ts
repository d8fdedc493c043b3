// Published reference values, reproduced to the precision they are printed with (4 decimals:
// |error| < 5e-5, well inside the required 1e-4).
//   [Haug]  E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd ed., McGraw-Hill 2007:
//           §1.1.1 (Black-Scholes), §1.1.2 (Merton 1973, index with yield), §1.1.3 (Black 1976,
//           futures) numerical examples; ch. 2 numerical examples for delta, gamma, theta, rho.
//           Haug writes the cost of carry b = r − q; b = 0 is an option on a future.
//   [Hull]  J. C. Hull, Options, Futures, and Other Derivatives, 8th ed.: Example 15.6 (BSM),
//           Example 17.1 (index option), the Black's-model futures put example of ch. 18, and the
//           American put tree of §21.1 (Figure 21.4 and the convergence values quoted after it).
import { describe, expect, it } from 'vitest';
import { americanOption } from './american.js';
import { black76 } from './black76.js';
import { blackScholes } from './black-scholes.js';
import { binomialPrice } from './tree.js';

const within = (actual: number, published: number, printedDecimals: number) =>
  expect(Math.abs(actual - published), `${actual} vs published ${published}`).toBeLessThan(0.5 * 10 ** -printedDecimals + 1e-12);

describe('European prices [Haug §1.1, Hull]', () => {
  it('Black-Scholes call S=60, K=65, T=0.25, r=8%, σ=30% → 2.1334 [Haug §1.1.1]', () => {
    within(blackScholes({ right: 'C', spot: 60, strike: 65, t: 0.25, r: 0.08, q: 0, vol: 0.3 }).price, 2.1334, 4);
  });

  it('Merton put S=100, K=95, T=0.5, r=10%, q=5%, σ=20% → 2.4648 [Haug §1.1.2]', () => {
    within(blackScholes({ right: 'P', spot: 100, strike: 95, t: 0.5, r: 0.1, q: 0.05, vol: 0.2 }).price, 2.4648, 4);
  });

  it('Black-76 F=19, K=19, T=0.75, r=10%, σ=28% → call = put = 1.7011 [Haug §1.1.3]', () => {
    within(black76({ right: 'C', forward: 19, strike: 19, t: 0.75, r: 0.1, vol: 0.28 }).price, 1.7011, 4);
    within(black76({ right: 'P', forward: 19, strike: 19, t: 0.75, r: 0.1, vol: 0.28 }).price, 1.7011, 4);
  });

  it('Black-76 futures put F=K=20, T=4 months, r=9%, σ=25% → 1.12 [Hull, Black’s model example]', () => {
    within(black76({ right: 'P', forward: 20, strike: 20, t: 4 / 12, r: 0.09, vol: 0.25 }).price, 1.12, 2);
  });

  it('BSM S=42, K=40, T=0.5, r=10%, σ=20% → call 4.76, put 0.81 [Hull Example 15.6]', () => {
    within(blackScholes({ right: 'C', spot: 42, strike: 40, t: 0.5, r: 0.1, q: 0, vol: 0.2 }).price, 4.76, 2);
    within(blackScholes({ right: 'P', spot: 42, strike: 40, t: 0.5, r: 0.1, q: 0, vol: 0.2 }).price, 0.81, 2);
  });

  it('index call S=930, K=900, T=2/12, r=8%, q=3%, σ=20% → 51.83 [Hull Example 17.1]', () => {
    within(blackScholes({ right: 'C', spot: 930, strike: 900, t: 2 / 12, r: 0.08, q: 0.03, vol: 0.2 }).price, 51.83, 2);
  });
});

describe('European Greeks [Haug ch. 2]', () => {
  it('delta of futures options S=105, K=100, T=0.5, r=10%, b=0, σ=36% → call 0.5946, put −0.3566', () => {
    // b = 0: an option on a future, i.e. Black-76 with F = 105 (or BSM with q = r).
    within(black76({ right: 'C', forward: 105, strike: 100, t: 0.5, r: 0.1, vol: 0.36 }).delta, 0.5946, 4);
    within(black76({ right: 'P', forward: 105, strike: 100, t: 0.5, r: 0.1, vol: 0.36 }).delta, -0.3566, 4);
    within(blackScholes({ right: 'C', spot: 105, strike: 100, t: 0.5, r: 0.1, q: 0.1, vol: 0.36 }).delta, 0.5946, 4);
  });

  it('gamma S=55, K=60, T=0.75, r=10%, b=10%, σ=30% → 0.0278', () => {
    within(blackScholes({ right: 'C', spot: 55, strike: 60, t: 0.75, r: 0.1, q: 0, vol: 0.3 }).gamma, 0.0278, 4);
    within(blackScholes({ right: 'P', spot: 55, strike: 60, t: 0.75, r: 0.1, q: 0, vol: 0.3 }).gamma, 0.0278, 4);
  });

  it('theta (per year) of a put S=430, K=405, T=0.0833, r=7%, b=2%, σ=20% → −31.1924', () => {
    // b = r − q = 0.02 → q = 0.05.
    within(blackScholes({ right: 'P', spot: 430, strike: 405, t: 0.0833, r: 0.07, q: 0.05, vol: 0.2 }).theta, -31.1924, 4);
  });

  it('rho (per 1.00 of rate) of a call S=72, K=75, T=1, r=9%, b=9%, σ=19% → 38.7325', () => {
    within(blackScholes({ right: 'C', spot: 72, strike: 75, t: 1, r: 0.09, q: 0, vol: 0.19 }).rho, 38.7325, 4);
  });
});

describe('American put on a binomial tree [Hull §21.1]', () => {
  const put = { right: 'P' as const, spot: 50, strike: 50, t: 5 / 12, r: 0.1, q: 0, vol: 0.4 };

  it('the 5-step Cox-Ross-Rubinstein tree gives 4.49 (Figure 21.4)', () => {
    within(binomialPrice(put, { steps: 5, american: true, method: 'crr' }), 4.49, 2);
  });

  it('30, 50, 100 and 500 steps give 4.263, 4.272, 4.278, 4.283', () => {
    within(binomialPrice(put, { steps: 30, american: true, method: 'crr' }), 4.263, 3);
    within(binomialPrice(put, { steps: 50, american: true, method: 'crr' }), 4.272, 3);
    within(binomialPrice(put, { steps: 100, american: true, method: 'crr' }), 4.278, 3);
    within(binomialPrice(put, { steps: 500, american: true, method: 'crr' }), 4.283, 3);
  });

  it('the integral-equation pricer agrees with a 4,001-step Leisen-Reimer tree to 1e-4 (and with Hull’s 500-step 4.283 to 2e-3)', () => {
    const reference = 2 * binomialPrice(put, { steps: 4001, american: true }) - binomialPrice(put, { steps: 2001, american: true });
    const value = americanOption(put).price;
    expect(Math.abs(value - reference)).toBeLessThan(1e-4);
    expect(Math.abs(value - 4.283)).toBeLessThan(2e-3);
  });
});
