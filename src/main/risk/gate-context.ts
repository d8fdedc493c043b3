// The risk gate's inputs, assembled in one place. Owns the translation from plain facts — the order,
// its instrument and quotes, the valued book, the account state, limits — into the GateContext that
// evaluateOrder (risk/gate.ts) judges: the order's expected price, its estimated commission, the
// Greeks of one unit bought and whether it falls in the short-dated bucket, the expiry instant, and
// the book figures (NAV, cash, portfolio and short-dated Greeks, the underlying's cash delta, the
// position). Pure: the engine, the hedge planner's test support and the tick-to-order benchmark
// gather the facts their own way and all call this, so the gate sees the same context everywhere.
import type { CashGreeks, Quote } from '../../shared/domain.js';
import type { GateVerdict, PortfolioGreeks } from '../../shared/risk.js';
import { commissionFor, type CommissionSchedule } from '../brokers/sim/ledger.js';
import { unitCashGreeks, type Valuation, type ValuationCache, type ValuationInputs } from './exposure.js';
import { evaluateOrder, expectedPrice, type GateContext } from './gate.js';

/** The plain facts the context is assembled from; the fields GateContext passes through keep its meaning (gate.ts). */
export interface GateInputs
  extends Pick<
    GateContext,
    'intent' | 'instrument' | 'quote' | 'underlyingQuote' | 'mode' | 'venueConnected' | 'session' | 'now' | 'tradingState' | 'dailyLossPct' | 'drawdownPct' | 'ordersLastMinute' | 'limits'
  > {
  /** The book valued at these quotes: NAV, portfolio and short-dated Greeks, rows per underlying. */
  valuation: Pick<Valuation, 'nav' | 'greeks'>;
  cash: number;
  /** Signed position in the order's symbol. */
  positionQty: number;
  /** Quotes the unit Greeks are priced from (the underlying's spot, the option's implied vol). */
  quotes: ReadonlyMap<string, Quote>;
  /** The pricing environment; the short-dated horizon is the limits' (limits.shortDated.days), as for the book. */
  pricing: Pick<ValuationInputs, 'rate' | 'dividendYield' | 'expiryTs'>;
  /** Reuses per-contract model values across calls (the hedge planner's many gate calls). */
  cache?: ValuationCache;
  commissions: CommissionSchedule;
}

export interface AssembledGate {
  context: GateContext;
  /** The price the order is expected to trade at (gate.ts expectedPrice); null when it cannot be priced. */
  price: number | null;
}

/** The gate's four cash Greeks only: any other field would be checked (and counted) as a risk figure. */
const fourGreeks = (g: CashGreeks): PortfolioGreeks => ({
  deltaCash: g.deltaCash,
  gammaCash1Pct: g.gammaCash1Pct,
  vegaCashPerPoint: g.vegaCashPerPoint,
  thetaCashPerDay: g.thetaCashPerDay,
});

/** Assembles evaluateOrder's context from plain inputs. Pure. */
export function gateContext(input: GateInputs): AssembledGate {
  const { intent, instrument, quote, quotes, pricing, limits, now, valuation } = input;
  const price = expectedPrice(intent, quote);
  const estimatedCommission =
    instrument && price !== null ? commissionFor(input.commissions, instrument.kind === 'OPTION', intent.qty, price, instrument.multiplier) : 0;
  // A contract not in the quote map (a chain leg not listed yet) is priced from the quote the order uses.
  const pricingQuotes = quote && !quotes.has(intent.symbol) ? new Map(quotes).set(intent.symbol, quote) : quotes;
  const unit = instrument
    ? unitCashGreeks(
        instrument,
        instrument.multiplier,
        pricingQuotes,
        { now, rate: pricing.rate, dividendYield: pricing.dividendYield, expiryTs: pricing.expiryTs, shortDatedDays: limits.shortDated.days },
        input.cache,
      )
    : null;
  const portfolio = valuation.greeks.portfolio;
  const row = instrument ? valuation.greeks.byUnderlying.find((r) => r.underlying === instrument.underlying) : undefined;
  const context: GateContext = {
    intent,
    instrument,
    quote,
    underlyingQuote: input.underlyingQuote,
    mode: input.mode,
    venueConnected: input.venueConnected,
    session: input.session,
    now,
    expiryTs: instrument?.kind === 'OPTION' && instrument.expiry ? pricing.expiryTs(instrument) : null,
    tradingState: input.tradingState,
    dailyLossPct: input.dailyLossPct,
    drawdownPct: input.drawdownPct,
    book: {
      nav: valuation.nav,
      cash: input.cash,
      portfolio: fourGreeks(portfolio),
      shortDated: fourGreeks(portfolio.shortDated),
      underlyingDeltaCash: row?.deltaCash ?? 0,
      positionQty: input.positionQty,
    },
    unitGreeks: unit && unit.error === null ? unit.greeks : null,
    shortDated: unit?.shortDated ?? false,
    estimatedCommission,
    ordersLastMinute: input.ordersLastMinute,
    limits,
  };
  return { context, price };
}

/** The gate's verdict on plain inputs, with the order's expected price: gateContext, then evaluateOrder. */
export function gateOrder(input: GateInputs): GateVerdict & { price: number | null } {
  const { context, price } = gateContext(input);
  return { ...evaluateOrder(context), price };
}
