// Trading costs of a simulated fill: the commission models (percent of traded value, per share,
// per contract, each with an optional minimum per fill) and slippage on market and stop orders.
import type { CommissionModel, SlippageModel } from '../../shared/backtest.js';

/** Commission of one fill of `qty` at `price`; traded value counts the contract multiplier. */
export function commission(model: CommissionModel, qty: number, price: number, multiplier: number): number {
  if (model.kind === 'none') return 0;
  const fee =
    model.kind === 'percent' ? qty * price * multiplier * model.rate : model.kind === 'perShare' ? qty * model.perShare : qty * model.perContract;
  return model.minimum !== undefined && fee < model.minimum ? model.minimum : fee;
}

/** The price after slippage, always against the trader, never outside [low, high]. */
export function slipped(model: SlippageModel | undefined, buy: boolean, price: number, low: number, high: number): number {
  if (!model) return price;
  const amount = model.kind === 'percent' ? price * model.rate : model.amount;
  return buy ? Math.min(high, price + amount) : Math.max(low, price - amount);
}

/** A-share daily limit prices: the previous close ± the band, rounded to the 0.01 tick. */
export function priceLimits(prevClose: number, band: number): { up: number; down: number } {
  return { up: Math.round(prevClose * (1 + band) * 100) / 100, down: Math.round(prevClose * (1 - band) * 100) / 100 };
}
