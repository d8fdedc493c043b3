// What a hedge leg costs to trade at the quoted market: half the spread, the commission, a
// slippage estimate for taking more than the displayed size, the cash it moves and a rough margin
// for the shorts it opens. Pure.
import type { Instrument, Quote, Side } from '../../shared/domain.js';
import { commissionFor, type CommissionSchedule } from '../brokers/sim/ledger.js';
import type { SlippageModel } from '../brokers/sim/matching.js';

export interface LegCost {
  price: number;
  displayedSize: number;
  halfSpread: number;
  commission: number;
  slippage: number;
  /** Signed: negative pays. */
  cashImpact: number;
  marginImpact: number;
}

/** The smallest spread the slippage estimate assumes (one cent): a locked quote still has impact. */
const MIN_SPREAD = 0.01;

/**
 * Slippage beyond the displayed size: the paper ledger's model (a fraction of the spread per
 * multiple of the displayed size taken) integrated over the units beyond the touch —
 * k × spread × excess² / (2 × displayed) — plus its fixed fraction of the value traded.
 */
export function slippageEstimate(qty: number, displayed: number, spread: number, price: number, multiplier: number, model: SlippageModel): number {
  const excess = Math.max(0, qty - displayed);
  const impact = displayed > 0 ? (model.spreadFractionPerSize * Math.max(spread, MIN_SPREAD) * excess * excess) / (2 * displayed) : 0;
  return (impact + model.fixedPct * price * qty) * multiplier;
}

/**
 * Rough initial margin of `shortQty` newly short units: Reg-T 50% of value for stock; for an option
 * the usual naked-writing rule — premium + max(20% of the underlying − the out-of-the-money amount,
 * 10% of the underlying (calls) or of the strike (puts)) — per share of the contract.
 */
export function shortMargin(instrument: Instrument, shortQty: number, price: number, spot: number): number {
  if (shortQty <= 0) return 0;
  if (instrument.kind !== 'OPTION') return 0.5 * price * shortQty * instrument.multiplier;
  const strike = instrument.strike ?? spot;
  const otm = instrument.right === 'C' ? Math.max(0, strike - spot) : Math.max(0, spot - strike);
  const floor = 0.1 * (instrument.right === 'C' ? spot : strike);
  return (price + Math.max(0.2 * spot - otm, floor)) * shortQty * instrument.multiplier;
}

export function legCost(
  instrument: Instrument,
  quote: Quote,
  side: Side,
  qty: number,
  positionQty: number,
  spot: number,
  schedule: CommissionSchedule,
  slippage: SlippageModel,
): LegCost {
  const buy = side === 'BUY';
  const price = buy ? quote.ask : quote.bid;
  const displayedSize = buy ? quote.askSize : quote.bidSize;
  const spread = Math.max(0, quote.ask - quote.bid);
  const m = instrument.multiplier;
  const commission = price > 0 ? commissionFor(schedule, instrument.kind === 'OPTION', qty, price, m) : 0;
  const signed = buy ? qty : -qty;
  const newShort = Math.max(0, -(positionQty + signed)) - Math.max(0, -positionQty);
  return {
    price,
    displayedSize,
    halfSpread: (qty * m * spread) / 2,
    commission,
    slippage: slippageEstimate(qty, displayedSize, spread, price, m, slippage),
    cashImpact: -signed * price * m - commission,
    marginImpact: shortMargin(instrument, newShort, price, spot),
  };
}
