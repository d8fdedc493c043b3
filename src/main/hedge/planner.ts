// The hedge planner: given the book, its quotes, the option chains and the risk limits, finds the
// limits outside their caps and proposes, per underlying in breach, the cheapest ways back inside —
// shares to bring delta into its band, near-the-money options sized for the gamma / vega / theta
// target, options plus shares for the residual delta, and reducing or closing the positions that
// cause the breach. Every plan is costed (half spread, commission, slippage for size beyond the
// quote, theta carry, cash and margin) and scored as cost per unit of weighted risk removed; plans
// that cannot be used (stale quotes, no liquidity, not shortable, gate red, the breach not fixed)
// are kept with their reason. Pure and deterministic: the engine supplies the data it already has.
//
// Speed: the book's Greeks come from the caller's valuation when given (PositionView.greeks),
// otherwise through the caller's ValuationCache; chain contracts are filtered on their quotes
// before anything is priced, and only the few near-the-money survivors are priced, once per run.
import type { CashGreeks, CheckLevel, CheckResult, Instrument, OrderIntent, Quote, Side } from '../../shared/domain.js';
import {
  DEFAULT_DELTA_BAND,
  DEFAULT_HEDGE_WEIGHTS,
  type DeltaBand,
  type HedgeBreach,
  type HedgeCost,
  type HedgeGreeks,
  type HedgeLeg,
  type HedgeLegDetail,
  type HedgePlan,
  type HedgePlanKind,
  type HedgeReasonCode,
  type HedgeResult,
  type HedgeTrigger,
  type HedgeWeights,
} from '../../shared/hedge.js';
import type { RiskLimits } from '../../shared/risk.js';
import { DEFAULT_COMMISSIONS, type CommissionSchedule } from '../brokers/sim/ledger.js';
import { DEFAULT_SLIPPAGE, type SlippageModel } from '../brokers/sim/matching.js';
import { DAY_MS, markPrice, unitCashGreeks, type ValuationCache } from '../risk/exposure.js';
import {
  addG,
  addInto,
  BOOK_LIMITS,
  capCash,
  describeBreach,
  findBreaches,
  fromCash,
  isOutside,
  limitCash,
  tierLimit,
  usageOf,
  zeroG,
  type BookGreeks,
  type LimitRef,
  type UnderlyingRow,
} from './book.js';
import { legCost } from './costs.js';

/** A position as the engine holds it; a PositionView (valuation.positions) fits as it is. */
export interface HedgePosition {
  instrument: Instrument;
  qty: number;
  avgPrice: number;
  /** The position's cash Greeks when the caller has valued it already; priced here otherwise. */
  greeks?: CashGreeks;
  /** Set when the caller could not value the position: its risk is unknown. */
  pricingError?: string | null;
}

/** The gate's answer for one leg (the engine's evaluateOrder verdict fits). */
export interface HedgeGateVerdict {
  level: CheckLevel;
  checks: readonly CheckResult[];
}

export interface HedgeInput {
  positions: readonly HedgePosition[];
  /** Quotes by symbol: the underlyings, the positions and the chain contracts. */
  quotes: ReadonlyMap<string, Quote>;
  now: number;
  rate: number;
  dividendYield: (underlying: string) => number;
  /** The instant an option stops trading. */
  expiryTs: (instrument: Instrument) => number;
  limits: RiskLimits;
  nav: number;
  cash: number;
  /** The listed options of an underlying (their quotes in `quotes`). */
  chain?: (underlying: string) => readonly Instrument[];
  /** Order lot of a symbol (default 1 share, 1 contract). */
  lotSize?: (symbol: string, instrument: Instrument) => number;
  /** Whether the underlying can be sold short (default yes). */
  shortable?: (symbol: string) => boolean;
  /** STOCK or ETF for an underlying not held as shares (only labels the leg; default STOCK). */
  underlyingKind?: (underlying: string) => 'STOCK' | 'ETF';
  commissions?: CommissionSchedule;
  slippage?: SlippageModel;
  /** The risk gate on one leg against the current book; red makes the plan infeasible. */
  gate?: (intent: OrderIntent) => HedgeGateVerdict;
  /** A quote older than this is stale (default the limits' quotes.staleAfterSec). */
  staleQuoteMs?: number;
  /** Weight per Greek of the risk a plan removes (default 1 each). */
  weights?: Partial<HedgeWeights>;
  /** Delta band per underlying, and for the book under PORTFOLIO (default target 50% of the cap, width ±25%). */
  deltaBands?: Readonly<Record<string, DeltaBand>>;
  /** Gamma, vega and theta (and short-dated delta) are hedged to this fraction of their cap (default 0.8). */
  greekTarget?: number;
  trigger?: HedgeTrigger;
  /** Plan only for this underlying. */
  underlying?: string;
  /** Feasible alternatives kept, and at most as many infeasible ones (default 5). */
  maxPlans?: number;
  /** Chain selection: liquid expiries, strikes per right and expiry, and the nearest expiry allowed. */
  optionSearch?: { expiries?: number; strikesPerRight?: number; minDaysToExpiry?: number; maxMoneyness?: number };
  /** Positions reduced or closed per underlying: the largest contributors to the breach (default 3). */
  reduceCandidates?: number;
  /** The engine's valuation cache: chain contracts and unvalued positions are priced through it. */
  cache?: ValuationCache;
}

export class HedgeInputError extends Error {
  constructor(
    readonly code: 'BAD_ACCOUNT' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
  }
}

/** In-limit usage counts this much against the excess over a cap in "risk removed". */
const IN_LIMIT_WEIGHT = 0.1;
const EPS = 1e-9;

interface Leg {
  instrument: Instrument;
  quote: Quote | undefined;
  side: Side;
  qty: number;
  /** Cash Greeks of one unit (one share, one contract); null when unknown. */
  unit: HedgeGreeks | null;
  shortDated: boolean;
  positionQty: number;
}

interface Candidate {
  underlying: string;
  kind: HedgePlanKind;
  description: string;
  legs: Leg[];
  targets: Target[];
  /** A reason known before evaluation (e.g. no usable contract in the chain). */
  preset?: { code: HedgeReasonCode; message: string };
}

interface Target {
  ref: LimitRef;
  /** Signed cash the limit measures now. */
  value: number;
  /** The cash level the book aims at (same sign as value, inside the cap). */
  aim: number;
  cap: number;
  /**
   * This underlying's share of a book-wide breach (its contribution over all same-side
   * contributions; 1 for its own exposure limit): each underlying's plan owns its share, so the
   * plans of all contributors together bring the book to its aim.
   */
  share: number;
  /** The change this underlying's plan aims at: share × (aim − value). */
  need: number;
  /** The least change that counts as fixing its share: share × (the cap on this side − value). */
  minChange: number;
}

interface Evaluated extends HedgePlan {
  /** Legs as gate intents, checked lazily in rank order. */
  intents: OrderIntent[];
}

const sideOf = (signedQty: number): Side => (signedQty > 0 ? 'BUY' : 'SELL');
const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const legText = (l: { side: Side; qty: number; instrument: Instrument }) => `${l.side === 'BUY' ? 'buy' : 'sell'} ${l.qty} ${l.instrument.symbol}`;

export function planHedges(input: HedgeInput): HedgeResult {
  const { limits, nav, now, quotes } = input;
  if (!(Number.isFinite(nav) && nav > 0) || !Number.isFinite(input.cash)) {
    throw new HedgeInputError('BAD_ACCOUNT', 'The account value (NAV or cash) is unknown, so hedges cannot be sized against limits.');
  }
  if (!Number.isFinite(now)) throw new HedgeInputError('BAD_INPUT', 'The valuation time is not a number.');
  const trigger = input.trigger ?? 'manual';
  const staleMs = input.staleQuoteMs ?? limits.quotes.staleAfterSec * 1000;
  const weights: HedgeWeights = { ...DEFAULT_HEDGE_WEIGHTS, ...input.weights };
  const greekTarget = input.greekTarget ?? 0.8;
  if (!(greekTarget > 0 && greekTarget < 1)) throw new HedgeInputError('BAD_INPUT', `The Greek target ${greekTarget} must lie strictly between 0 and 1 of the cap.`);
  const maxPlans = Math.max(1, Math.floor(input.maxPlans ?? 5));
  const schedule = input.commissions ?? DEFAULT_COMMISSIONS;
  const slippageModel = input.slippage ?? DEFAULT_SLIPPAGE;
  const search = { expiries: 2, strikesPerRight: 2, minDaysToExpiry: 1, maxMoneyness: 0.15, ...input.optionSearch };
  const reduceCandidates = input.reduceCandidates ?? 3;
  const shortWindowMs = limits.shortDated.days * DAY_MS;
  // The expiry instant goes through the exchange calendar's time-zone arithmetic, far slower than
  // pricing: asked once per underlying and expiry date in a run.
  const expiries = new Map<string, number>();
  const expiryTs = (i: Instrument): number => {
    const key = i.expiry === undefined ? i.symbol : `${i.underlying}|${i.expiry}`;
    let ts = expiries.get(key);
    if (ts === undefined) expiries.set(key, (ts = input.expiryTs(i)));
    return ts;
  };
  const env = { now, rate: input.rate, dividendYield: input.dividendYield, expiryTs, shortDatedDays: limits.shortDated.days };
  const isShortDated = (i: Instrument) => i.kind === 'OPTION' && expiryTs(i) - now <= shortWindowMs;
  const bandOf = (key: string): DeltaBand => input.deltaBands?.[key] ?? DEFAULT_DELTA_BAND;
  const lotOf = (i: Instrument) => {
    const lot = input.lotSize?.(i.symbol, i) ?? 1;
    return Number.isInteger(lot) && lot >= 1 ? lot : 1;
  };
  const spotOf = (u: string) => markPrice(quotes.get(u));
  const stale = (q: Quote) => now - q.ts > staleMs;

  // ── the book ──────────────────────────────────────────────────────────────
  const book: BookGreeks = { portfolio: zeroG(), short: zeroG(), rows: new Map() };
  interface Held {
    instrument: Instrument;
    qty: number;
    greeks: HedgeGreeks | null;
    shortDated: boolean;
  }
  const held = new Map<string, Held>();
  for (const p of input.positions) {
    if (!Number.isFinite(p.qty)) throw new HedgeInputError('BAD_INPUT', `The position in ${p.instrument.symbol} has no valid quantity.`);
    if (p.qty === 0) continue;
    const i = p.instrument;
    let row = book.rows.get(i.underlying);
    if (!row) {
      row = { all: zeroG(), short: zeroG(), unpriced: 0 };
      book.rows.set(i.underlying, row);
    }
    let greeks: HedgeGreeks | null;
    if (p.greeks && !p.pricingError) greeks = fromCash(p.greeks);
    else if (p.pricingError) greeks = null;
    else {
      const v = unitCashGreeks(i, p.qty * i.multiplier, quotes, env, input.cache, p.avgPrice);
      // A stock valued at cost still has a known delta in shares; an option without a price does not.
      greeks = v.error && i.kind === 'OPTION' ? null : fromCash(v.greeks);
      if (v.error && i.kind !== 'OPTION' && spotOf(i.underlying) === null) greeks = null;
    }
    const shortDated = isShortDated(i);
    const prev = held.get(i.symbol);
    if (prev) {
      prev.qty += p.qty;
      prev.greeks = prev.greeks && greeks ? addG(prev.greeks, greeks) : null;
    } else held.set(i.symbol, { instrument: i, qty: p.qty, greeks, shortDated });
    if (!greeks) {
      row.unpriced++;
      continue;
    }
    addInto(row.all, greeks);
    addInto(book.portfolio, greeks);
    if (shortDated) {
      addInto(row.short, greeks);
      addInto(book.short, greeks);
    }
  }
  const rowOf = (u: string): UnderlyingRow => book.rows.get(u) ?? { all: zeroG(), short: zeroG(), unpriced: 0 };
  const breaches = findBreaches(book, limits, nav);
  const result = (plans: HedgePlan[], considered: number): HedgeResult => ({
    breaches,
    plans,
    chosen: plans.length > 0 && plans[0]!.feasible ? 0 : null,
    trigger,
    asOf: now,
    nav,
    considered,
  });
  if (breaches.length === 0) return result([], 0);

  // ── which underlyings cause which breach, and what each hedge aims at ─────
  const targetsByUnderlying = new Map<string, Target[]>();
  for (const b of breaches) {
    const ref: LimitRef = { id: b.id, group: b.group, greek: b.greek, underlying: b.underlying };
    const cap = capCash(ref, limits, nav);
    const value = limitCash(ref, { portfolio: book.portfolio, short: book.short, row: (u) => rowOf(u).all });
    const fraction = ref.greek === 'delta' && ref.group !== 'short-dated' ? bandOf(ref.group === 'tier' ? ref.underlying! : 'PORTFOLIO').target : greekTarget;
    const side = Math.sign(value);
    const aim = side * fraction * cap;
    const parts: [string, number][] =
      b.group === 'tier'
        ? [[b.underlying!, value]]
        : [...book.rows.keys()]
            .map((u): [string, number] => [u, b.group === 'short-dated' ? rowOf(u).short[b.greek] : rowOf(u).all[b.greek]])
            .filter(([, part]) => Math.sign(part) === side && Math.abs(part) > EPS);
    const total = parts.reduce((sum, [, part]) => sum + part, 0);
    for (const [u, part] of parts) {
      if (input.underlying !== undefined && u !== input.underlying) continue;
      const share = part / total;
      let list = targetsByUnderlying.get(u);
      if (!list) targetsByUnderlying.set(u, (list = []));
      list.push({ ref, value, aim, cap, share, need: share * (aim - value), minChange: share * (side * cap - value) });
    }
  }

  // ── candidate legs ────────────────────────────────────────────────────────
  const unitMemo = new Map<string, { unit: HedgeGreeks | null; shortDated: boolean }>();
  const unitOf = (i: Instrument): { unit: HedgeGreeks | null; shortDated: boolean } => {
    let hit = unitMemo.get(i.symbol);
    if (!hit) {
      const h = held.get(i.symbol);
      if (h && h.greeks && h.qty !== 0) hit = { unit: { delta: h.greeks.delta / h.qty, gamma: h.greeks.gamma / h.qty, vega: h.greeks.vega / h.qty, theta: h.greeks.theta / h.qty }, shortDated: h.shortDated };
      else {
        const v = unitCashGreeks(i, i.multiplier, quotes, env, input.cache);
        hit = { unit: v.error ? null : fromCash(v.greeks), shortDated: v.shortDated };
      }
      unitMemo.set(i.symbol, hit);
    }
    return hit;
  };
  const positionQty = (symbol: string) => held.get(symbol)?.qty ?? 0;
  const makeLeg = (instrument: Instrument, signedQty: number): Leg => {
    const u = unitOf(instrument);
    return { instrument, quote: quotes.get(instrument.symbol), side: sideOf(signedQty), qty: Math.abs(signedQty), unit: u.unit, shortDated: u.shortDated, positionQty: positionQty(instrument.symbol) };
  };
  const shareInstrument = (u: string): Instrument => {
    const h = held.get(u);
    if (h && h.instrument.kind !== 'OPTION') return h.instrument;
    return { symbol: u, kind: input.underlyingKind?.(u) ?? 'STOCK', underlying: u, multiplier: 1 };
  };

  /**
   * Shares (signed, in lots) for the delta targets once `alreadyDelta` cash is added: the underlying's
   * band target, or its share of the book's delta when that needs more — as long as the underlying's
   * own exposure stays inside its cap.
   */
  const sharesFor = (u: string, deltaTargets: Target[], alreadyDelta: number, spot: number): number => {
    const own = deltaTargets.find((t) => t.ref.group === 'tier');
    const tierCap = capCash(tierLimit(u), limits, nav);
    const tierValue = rowOf(u).all.delta + alreadyDelta;
    let need = own ? own.need - alreadyDelta : 0;
    for (const t of deltaTargets) {
      const n = t.need - alreadyDelta;
      const sameWay = need === 0 || Math.sign(n) === Math.sign(need);
      if (sameWay && Math.abs(n) > Math.abs(need) && Math.abs(tierValue + n) <= tierCap) need = n;
    }
    const lot = lotOf(shareInstrument(u));
    const exact = need / spot;
    const inner = Math.trunc(exact / lot) * lot;
    const outer = inner + Math.sign(exact) * lot;
    const miss = (q: number) => Math.abs(need - q * spot);
    const best = miss(outer) < miss(inner) || inner === 0 ? outer : inner;
    return Number.isFinite(best) ? best : 0;
  };

  const candidates: Candidate[] = [];
  const underlyings = [...targetsByUnderlying.keys()].sort();
  for (const u of underlyings) {
    const targets = targetsByUnderlying.get(u)!;
    const spot = spotOf(u);
    if (spot === null || !(spot > 0)) {
      candidates.push({ underlying: u, kind: 'shares', description: `Hedge ${u}`, legs: [], targets, preset: { code: 'RISK_UNKNOWN', message: `No price for ${u}: its hedge cannot be sized.` } });
      continue;
    }
    const deltaTargets = targets.filter((t) => t.ref.greek === 'delta' && t.ref.group !== 'short-dated');
    const optionTargets = targets.filter((t) => !(t.ref.greek === 'delta' && t.ref.group !== 'short-dated'));
    const refs = targets;

    // Shares into the delta band.
    if (deltaTargets.length > 0) {
      const qty = sharesFor(u, deltaTargets, 0, spot);
      if (qty !== 0) {
        const leg = makeLeg(shareInstrument(u), qty);
        candidates.push({ underlying: u, kind: 'shares', description: `${legText(leg)} to bring ${u} delta into its band`, legs: [leg], targets: refs });
      }
    }

    // Reduce or close the positions that cause the breach.
    const contributions: { h: Held; part: number }[] = [];
    const primaryAll = targets.reduce((a, b) => (usageOf(b.value, b.cap) > usageOf(a.value, a.cap) ? b : a));
    for (const h of held.values()) {
      if (h.instrument.underlying !== u || !h.greeks) continue;
      if (primaryAll.ref.group === 'short-dated' && !h.shortDated) continue;
      const part = h.greeks[primaryAll.ref.greek];
      if (Math.sign(part) === Math.sign(primaryAll.value) && Math.abs(part) > EPS) contributions.push({ h, part });
    }
    contributions.sort((a, b) => Math.abs(b.part) - Math.abs(a.part) || a.h.instrument.symbol.localeCompare(b.h.instrument.symbol));
    for (const { h } of contributions.slice(0, reduceCandidates)) {
      const perUnit = h.greeks![primaryAll.ref.greek] / h.qty;
      const close = makeLeg(h.instrument, -h.qty);
      candidates.push({ underlying: u, kind: 'reduce', description: `Close ${h.instrument.symbol} (${legText(close)})`, legs: [close], targets: refs });
      // A partial sale of shares is the share hedge itself; only options get a partial reduce.
      if (h.instrument.kind !== 'OPTION') continue;
      const lot = lotOf(h.instrument);
      const needUnits = Math.ceil(Math.abs(primaryAll.need / perUnit) / lot - 1e-9) * lot;
      if (needUnits > 0 && needUnits < Math.abs(h.qty)) {
        const part = makeLeg(h.instrument, -Math.sign(h.qty) * needUnits);
        candidates.push({ underlying: u, kind: 'reduce', description: `Reduce ${h.instrument.symbol} by ${needUnits} (${legText(part)})`, legs: [part], targets: refs });
      }
    }
    // Options sized for the primary Greek target (the largest excess), plus shares for the residual delta.
    if (optionTargets.length > 0) {
      const primary = optionTargets.reduce((a, b) => (usageOf(b.value, b.cap) > usageOf(a.value, a.cap) ? b : a));
      const needShort = optionTargets.some((t) => t.ref.group === 'short-dated');
      const picked = pickContracts(input.chain?.(u) ?? [], primary, needShort);
      if (picked.usable.length === 0) {
        const why = picked.problem ?? { code: 'NO_CANDIDATE' as const, message: `No listed ${u} option near the money${needShort ? ` expiring within ${limits.shortDated.days} days` : ''}.` };
        candidates.push({ underlying: u, kind: 'options', description: `Options on ${u}`, legs: [], targets: refs, preset: why });
      }
      for (const instrument of picked.usable) {
        const { unit, shortDated } = unitOf(instrument);
        if (!unit) continue;
        let qty = 0;
        for (const t of optionTargets) {
          const per = t.ref.group === 'short-dated' && !shortDated ? 0 : unit[t.ref.greek];
          if (Math.abs(per) < EPS) continue;
          const q = t.need / per;
          if (t === primary) qty = q;
          else if (Math.sign(q) === Math.sign(qty) && Math.abs(q) > Math.abs(qty)) qty = q;
        }
        const lot = lotOf(instrument);
        qty = Math.sign(qty) * Math.ceil(Math.abs(qty) / lot - 1e-9) * lot;
        if (!Number.isFinite(qty) || qty === 0) continue;
        const leg = makeLeg(instrument, qty);
        const what = `${legText(leg)} for ${primary.ref.group === 'short-dated' ? 'short-dated ' : ''}${primary.ref.greek}`;
        candidates.push({ underlying: u, kind: 'options', description: what, legs: [leg], targets: refs });
        const optionDelta = unit.delta * qty;
        const residual =
          deltaTargets.length > 0
            ? sharesFor(u, deltaTargets, optionDelta, spot)
            : (() => {
                const lotS = lotOf(shareInstrument(u));
                return Math.round(-optionDelta / spot / lotS) * lotS;
              })();
        if (residual !== 0) {
          const shares = makeLeg(shareInstrument(u), residual);
          candidates.push({ underlying: u, kind: 'combination', description: `${what}, ${legText(shares)} for the delta`, legs: [leg, shares], targets: refs });
        }
      }
    }

  }

  function pickContracts(chain: readonly Instrument[], primary: Target, shortOnly: boolean): { usable: Instrument[]; problem: { code: HedgeReasonCode; message: string } | null } {
    const usable: Instrument[] = [];
    let problem: { code: HedgeReasonCode; message: string } | null = null;
    if (chain.length === 0) return { usable, problem };
    const underlying = chain[0]!.underlying;
    const spot = spotOf(underlying)!;
    const byExpiry = new Map<number, Instrument[]>();
    for (const i of chain) {
      if (i.kind !== 'OPTION' || i.strike === undefined || (i.right !== 'C' && i.right !== 'P')) continue;
      const left = expiryTs(i) - now;
      if (left < search.minDaysToExpiry * DAY_MS) continue;
      if (shortOnly && left > shortWindowMs) continue;
      if (Math.abs(Math.log(i.strike / spot)) > search.maxMoneyness) continue;
      const e = expiryTs(i);
      let list = byExpiry.get(e);
      if (!list) byExpiry.set(e, (list = []));
      list.push(i);
    }
    const expiries = [...byExpiry.keys()].sort((a, b) => a - b);
    let liquidExpiries = 0;
    for (const e of expiries) {
      if (liquidExpiries >= search.expiries) break;
      const list = byExpiry.get(e)!.sort((a, b) => Math.abs(a.strike! - spot) - Math.abs(b.strike! - spot) || a.strike! - b.strike! || a.symbol.localeCompare(b.symbol));
      let found = 0;
      for (const right of ['C', 'P'] as const) {
        let taken = 0;
        for (const i of list) {
          if (i.right !== right || taken >= search.strikesPerRight) continue;
          const side = optionSide(i, primary);
          const q = quotes.get(i.symbol);
          const why = contractProblem(i, q, side);
          if (why) {
            problem ??= why;
            continue;
          }
          usable.push(i);
          taken++;
          found++;
        }
      }
      if (found > 0) liquidExpiries++;
    }
    return { usable, problem };
  }

  /** The side an option is traded on to move the target toward its aim (before it is priced). */
  function optionSide(i: Instrument, t: Target): Side {
    const need = Math.sign(t.need);
    // Long options: +gamma, +vega, −theta; calls +delta, puts −delta.
    const longSign = t.ref.greek === 'theta' ? -1 : t.ref.greek === 'delta' ? (i.right === 'C' ? 1 : -1) : 1;
    return need * longSign > 0 ? 'BUY' : 'SELL';
  }

  function contractProblem(i: Instrument, q: Quote | undefined, side: Side): { code: HedgeReasonCode; message: string } | null {
    if (!q) return { code: 'NO_LIQUIDITY', message: `${i.symbol} has no quote.` };
    if (stale(q)) return { code: 'STALE_QUOTE', message: `The quote for ${i.symbol} is ${Math.round((now - q.ts) / 1000)} s old (limit ${Math.round(staleMs / 1000)} s).` };
    const touch = side === 'BUY' ? q.ask : q.bid;
    const size = side === 'BUY' ? q.askSize : q.bidSize;
    if (!(touch > 0) || !(size > 0)) return { code: 'NO_LIQUIDITY', message: `Nobody is quoting the ${side === 'BUY' ? 'offer' : 'bid'} in ${i.symbol}.` };
    if (!(q.iv !== undefined && q.iv > 0)) return { code: 'RISK_UNKNOWN', message: `${i.symbol} has no implied volatility.` };
    return null;
  }

  // ── evaluate every candidate ──────────────────────────────────────────────
  const otherTierBreaches = (u: string) => breaches.filter((b) => b.group === 'tier' && b.underlying !== u);
  const evaluated: Evaluated[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    // The same legs reached two ways (a partial reduce that equals the share hedge) count once.
    const key = c.legs.length > 0 ? legsKey(c) : planId(c);
    if (seen.has(key)) continue;
    seen.add(key);
    evaluated.push(evaluate(c, planId(c)));
  }

  function evaluate(c: Candidate, id: string): Evaluated {
    const u = c.underlying;
    const row = rowOf(u);
    const spot = spotOf(u) ?? 0;
    const delta = zeroG();
    const deltaShort = zeroG();
    const details: HedgeLegDetail[] = [];
    const cost: HedgeCost = { halfSpread: 0, commission: 0, slippage: 0, thetaCarryPerDay: 0, cashImpact: 0, marginImpact: 0 };
    let reason: { code: HedgeReasonCode; message: string } | null = c.preset ?? null;
    const fail = (code: HedgeReasonCode, message: string) => {
      reason ??= { code, message };
    };
    if (row.unpriced > 0) fail('RISK_UNKNOWN', `${row.unpriced} ${u} position(s) cannot be valued: the book's risk in ${u} is unknown.`);
    const uq = quotes.get(u);
    if (c.legs.length > 0 && (!uq || stale(uq))) {
      fail('STALE_QUOTE', uq ? `The quote for ${u} is ${Math.round((now - uq.ts) / 1000)} s old (limit ${Math.round(staleMs / 1000)} s).` : `No quote for ${u}.`);
    }
    for (const leg of c.legs) {
      const signed = leg.side === 'BUY' ? leg.qty : -leg.qty;
      const g = leg.unit ? { delta: leg.unit.delta * signed, gamma: leg.unit.gamma * signed, vega: leg.unit.vega * signed, theta: leg.unit.theta * signed } : zeroG();
      if (!leg.unit) fail('RISK_UNKNOWN', `${leg.instrument.symbol} cannot be valued: its risk is unknown.`);
      addInto(delta, g);
      if (leg.shortDated) addInto(deltaShort, g);
      const q = leg.quote;
      if (!q) {
        fail('NO_LIQUIDITY', `${leg.instrument.symbol} has no quote.`);
        details.push({ symbol: leg.instrument.symbol, kind: leg.instrument.kind, price: 0, bid: 0, ask: 0, displayedSize: 0, quoteTs: 0, halfSpread: 0, commission: 0, slippage: 0, greeks: g });
        continue;
      }
      if (stale(q)) fail('STALE_QUOTE', `The quote for ${leg.instrument.symbol} is ${Math.round((now - q.ts) / 1000)} s old (limit ${Math.round(staleMs / 1000)} s).`);
      const lc = legCost(leg.instrument, q, leg.side, leg.qty, leg.positionQty, spot, schedule, slippageModel);
      if (!(lc.price > 0) || !(lc.displayedSize > 0)) fail('NO_LIQUIDITY', `Nobody is quoting the ${leg.side === 'BUY' ? 'offer' : 'bid'} in ${leg.instrument.symbol}.`);
      if (leg.instrument.kind !== 'OPTION' && leg.side === 'SELL' && leg.positionQty - leg.qty < Math.min(0, leg.positionQty) && input.shortable && !input.shortable(leg.instrument.symbol)) {
        fail('NOT_SHORTABLE', `${leg.instrument.symbol} cannot be sold short: the plan sells ${leg.qty} against a position of ${leg.positionQty}.`);
      }
      cost.halfSpread += lc.halfSpread;
      cost.commission += lc.commission;
      cost.slippage += lc.slippage;
      cost.cashImpact += lc.cashImpact;
      cost.marginImpact += lc.marginImpact;
      details.push({
        symbol: leg.instrument.symbol,
        kind: leg.instrument.kind,
        price: lc.price,
        bid: q.bid,
        ask: q.ask,
        displayedSize: lc.displayedSize,
        quoteTs: q.ts,
        halfSpread: lc.halfSpread,
        commission: lc.commission,
        slippage: lc.slippage,
        greeks: g,
      });
    }
    cost.thetaCarryPerDay = -delta.theta;
    const total = cost.halfSpread + cost.commission + cost.slippage + Math.max(0, cost.thetaCarryPerDay);

    const before = { portfolio: book.portfolio, short: book.short, row: (x: string) => rowOf(x).all };
    const afterPortfolio = addG(book.portfolio, delta);
    const afterShort = addG(book.short, deltaShort);
    const afterRow = addG(row.all, delta);
    const after = { portfolio: afterPortfolio, short: afterShort, row: (x: string) => (x === u ? afterRow : rowOf(x).all) };

    // Limits before and after: the book's eight, and this underlying's exposure.
    const refs: LimitRef[] = [...BOOK_LIMITS, tierLimit(u)];
    let riskRemoved = 0;
    const outsideAfter: string[] = [];
    const targetOf = new Map(c.targets.map((t) => [t.ref.id, t]));
    for (const ref of refs) {
      const cap = capCash(ref, limits, nav);
      const ub = usageOf(limitCash(ref, before), cap);
      const ua = usageOf(limitCash(ref, after), cap);
      riskRemoved += weights[ref.greek] * (Math.max(0, ub - 1) - Math.max(0, ua - 1) + IN_LIMIT_WEIGHT * (Math.min(ub, 1) - Math.min(ua, 1)));
      if (!isOutside(ua)) continue;
      outsideAfter.push(ref.id);
      const valueAfter = limitCash(ref, after);
      const label = describeBreach(ref, valueAfter, cap, nav, limits).message.replace(/ is over /, ' would stay over ');
      const t = targetOf.get(ref.id);
      if (t) {
        // Outside after is fine only for a book-wide breach this underlying shares: it must remove its share.
        const change = valueAfter - t.value;
        const flipped = Math.sign(valueAfter) !== Math.sign(t.value);
        const ownShareDone = t.share < 1 && !flipped && change * Math.sign(t.minChange) >= Math.abs(t.minChange) * (1 - 1e-9);
        if (!ownShareDone) fail('DOES_NOT_FIX', flipped ? label.replace('would stay over', 'would overshoot to the other side, over') : label);
      } else if (ua > ub + 1e-9) fail('CREATES_BREACH', isOutside(ub) ? label.replace('would stay over', 'would rise further over') : label.replace('would stay over', 'would go over'));
    }
    const breachesAfter = [...outsideAfter, ...otherTierBreaches(u).map((b) => b.id)];
    if (c.legs.length > 0 && riskRemoved <= EPS) fail('DOES_NOT_REDUCE', 'The plan removes no risk.');
    if (input.cash + cost.cashImpact < 0) fail('INSUFFICIENT_CASH', `Needs ${money(-cost.cashImpact)} but only ${money(input.cash)} cash is available.`);

    const legs: HedgeLeg[] = c.legs.map((l) => ({ symbol: l.instrument.symbol, side: l.side, qty: l.qty }));
    const finalReason = reason as { code: HedgeReasonCode; message: string } | null;
    return {
      legs,
      before: book.portfolio,
      after: afterPortfolio,
      cost: total,
      score: riskRemoved > EPS ? total / riskRemoved : null,
      feasible: finalReason === null,
      reason: finalReason?.message ?? null,
      id,
      underlying: u,
      kind: c.kind,
      description: c.description,
      reasonCode: finalReason?.code ?? null,
      targets: c.targets.map((t) => t.ref.id),
      breachesAfter,
      riskRemoved,
      costBreakdown: cost,
      beforeUnderlying: row.all,
      afterUnderlying: afterRow,
      beforeShortDated: book.short,
      afterShortDated: afterShort,
      legDetails: details,
      intents: legs.map((l) => ({ symbol: l.symbol, side: l.side, qty: l.qty, orderType: 'MARKET', tif: 'DAY', outsideRth: false })),
    };
  }

  // ── rank: feasible by score, the gate asked only for those that may be shown ─
  const byScore = (a: HedgePlan, b: HedgePlan) =>
    (a.score ?? Infinity) - (b.score ?? Infinity) || a.cost - b.cost || a.legs.length - b.legs.length || a.id.localeCompare(b.id);
  const feasible: Evaluated[] = [];
  const infeasible: Evaluated[] = [];
  for (const plan of evaluated.filter((p) => p.feasible).sort(byScore)) {
    if (feasible.length >= maxPlans) break;
    const red = input.gate ? firstRed(plan.intents, input.gate) : null;
    if (red) {
      plan.feasible = false;
      plan.reasonCode = 'GATE_RED';
      plan.reason = red;
      infeasible.push(plan);
    } else feasible.push(plan);
  }
  infeasible.push(...evaluated.filter((p) => !p.feasible && p.reasonCode !== 'GATE_RED'));
  // One infeasible plan per underlying, kind and reason: the trader sees why, not every variant.
  const shownInfeasible: Evaluated[] = [];
  const reasons = new Set<string>();
  for (const plan of infeasible.sort(byScore)) {
    const key = `${plan.underlying}|${plan.kind}|${plan.reasonCode}`;
    if (reasons.has(key)) continue;
    reasons.add(key);
    shownInfeasible.push(plan);
    if (shownInfeasible.length >= maxPlans) break;
  }
  const plans = [...feasible, ...shownInfeasible].map(({ intents: _intents, ...plan }) => plan);
  return result(plans, evaluated.length);
}

function firstRed(intents: readonly OrderIntent[], gate: (intent: OrderIntent) => HedgeGateVerdict): string | null {
  for (const intent of intents) {
    const verdict = gate(intent);
    if (verdict.level === 'red') {
      const why = verdict.checks.filter((c) => c.level === 'red').map((c) => c.message);
      return `Risk gate red on ${intent.side} ${intent.qty} ${intent.symbol}: ${why.join(' ') || 'no reason given.'}`;
    }
  }
  return null;
}

const legsKey = (c: Candidate) => c.legs.map((l) => `${l.side === 'BUY' ? '+' : '-'}${l.qty}${l.instrument.symbol}`).join(',');

function planId(c: Candidate): string {
  return `${c.underlying}:${c.kind}:${legsKey(c) || c.preset?.code || 'none'}`;
}
