// The pricing library's public surface: European (BSM with a dividend yield, Black-76) and
// American values and Greeks, implied volatility, exercise style and time to expiry, the batch
// book, and priceByStyle — the per-position pricer for src/main/risk (OptionPricer-compatible).
import type { Instrument } from '../../shared/domain.js';
import { americanOption } from './american.js';
import { blackScholes, type BsResult } from './black-scholes.js';
import { exerciseStyle } from './expiry.js';

export { americanOption, exerciseBoundary, AMERICAN_STRIDE, PRICE_NODES, prepareAmerican, addEarlyExercise, hasEarlyExercise } from './american.js';
export { black76, type Black76Inputs } from './black76.js';
export { blackScholes, normCdf, normPdf, type BsInputs, type BsResult, type Right } from './black-scholes.js';
export { OptionBook, PRICE, DELTA, GAMMA, VEGA, THETA, RHO, type BookOption, type OptionId } from './book.js';
export { DAYS_PER_YEAR, DAY_MS, YEAR_MS, VOL_POINT, thetaPerCalendarDay, vegaPerVolPoint, type ExerciseStyle } from './conventions.js';
export { EUROPEAN_INDEX_ROOTS, exerciseStyle, expiryInstant, yearsToExpiry } from './expiry.js';
export {
  impliedVolatility,
  impliedVolatilityBlack76,
  type Black76IvInputs,
  type IvFailureReason,
  type IvInputs,
  type IvResult,
} from './implied-vol.js';
export { binomialPrice, type TreeMethod, type TreeOptions } from './tree.js';

/**
 * Per-unit value and Greeks of one option position, by its exercise style: the American pricer
 * for American contracts (exerciseStyle: the instrument's own style, else American for US stock
 * and ETF options, European for cash-index options), Black-Scholes-Merton otherwise. Same
 * signature and units as OptionPricer in src/main/risk/exposure.ts (vega per 1.00 vol, theta per
 * year). Throws RangeError for a non-option or invalid inputs, as blackScholes does.
 */
export function priceByStyle(instrument: Instrument, spot: number, vol: number, years: number, r: number, q: number): BsResult {
  if (instrument.kind !== 'OPTION' || (instrument.right !== 'C' && instrument.right !== 'P') || instrument.strike === undefined) {
    throw new RangeError(`${instrument.symbol} is not an option with a right and a strike`);
  }
  const inputs = { right: instrument.right, spot, strike: instrument.strike, t: years, r, q, vol };
  return exerciseStyle(instrument) === 'american' ? americanOption(inputs) : blackScholes(inputs);
}
