// The hedge planner's view of the book: cash Greeks summed for the portfolio, the short-dated
// bucket and each underlying (the same sums as valueBook, in the CLI's short names), and the limits
// outside their caps. Pure.
import type { CashGreeks } from '../../shared/domain.js';
import type { GreekName, HedgeBreach, HedgeGreeks } from '../../shared/hedge.js';
import type { RiskLimits } from '../../shared/risk.js';
import { tierOf } from '../risk/gate.js';

export const GREEK_NAMES: readonly GreekName[] = ['delta', 'gamma', 'vega', 'theta'];

export const zeroG = (): HedgeGreeks => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

export function fromCash(g: CashGreeks, k = 1): HedgeGreeks {
  return { delta: g.deltaCash * k, gamma: g.gammaCash1Pct * k, vega: g.vegaCashPerPoint * k, theta: g.thetaCashPerDay * k };
}

export function addG(a: HedgeGreeks, b: HedgeGreeks, k = 1): HedgeGreeks {
  return { delta: a.delta + k * b.delta, gamma: a.gamma + k * b.gamma, vega: a.vega + k * b.vega, theta: a.theta + k * b.theta };
}

export function addInto(target: HedgeGreeks, b: HedgeGreeks, k = 1): void {
  target.delta += k * b.delta;
  target.gamma += k * b.gamma;
  target.vega += k * b.vega;
  target.theta += k * b.theta;
}

export interface UnderlyingRow {
  all: HedgeGreeks;
  short: HedgeGreeks;
  /** Positions on this underlying whose Greeks are unknown (no price or volatility). */
  unpriced: number;
}

export interface BookGreeks {
  portfolio: HedgeGreeks;
  short: HedgeGreeks;
  rows: Map<string, UnderlyingRow>;
}

/** The limits the planner watches: the risk manager's limit-usage ids and what they measure. */
export interface LimitRef {
  id: string;
  group: HedgeBreach['group'];
  greek: GreekName;
  underlying: string | null;
}

export const BOOK_LIMITS: readonly LimitRef[] = [
  ...GREEK_NAMES.map((greek) => ({ id: `portfolio.${greek}`, group: 'portfolio' as const, greek, underlying: null })),
  ...GREEK_NAMES.map((greek) => ({ id: `short.${greek}`, group: 'short-dated' as const, greek, underlying: null })),
];

export const tierLimit = (underlying: string): LimitRef => ({ id: `tier.${underlying}`, group: 'tier', greek: 'delta', underlying });

const CAP_KEY = { delta: 'deltaPctNav', gamma: 'gammaPctNav', vega: 'vegaPctNav', theta: 'thetaPctNav' } as const;

/** The signed cash value a limit measures in a book. */
export function limitCash(ref: LimitRef, book: { portfolio: HedgeGreeks; short: HedgeGreeks; row: (u: string) => HedgeGreeks }): number {
  if (ref.group === 'portfolio') return book.portfolio[ref.greek];
  if (ref.group === 'short-dated') return book.short[ref.greek];
  return book.row(ref.underlying!).delta;
}

/** The cap in cash: a fraction of NAV for Greek caps, the tier's exposure notional for an underlying. */
export function capCash(ref: LimitRef, limits: RiskLimits, nav: number): number {
  if (ref.group === 'portfolio') return limits.portfolio[CAP_KEY[ref.greek]] * nav;
  if (ref.group === 'short-dated') return limits.shortDated[CAP_KEY[ref.greek]] * nav;
  return limits.tiers[tierOf(limits, ref.underlying!)].maxExposureNotional;
}

/** |value| / cap, as the risk manager's gauges compute it (999 for a non-zero value against a zero cap). */
export function usageOf(cash: number, cap: number): number {
  if (cap > 0) return Math.abs(cash) / cap;
  return Math.abs(cash) > 1e-9 ? 999 : 0;
}

/** Outside the cap, with the risk manager's tolerance. */
export const isOutside = (usage: number) => usage > 1 + 1e-12;

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const money = (x: number) => Math.round(x).toLocaleString('en-US');

const LABEL: Record<HedgeBreach['group'], string> = { portfolio: 'Portfolio', 'short-dated': 'Short-dated', tier: '' };

export function describeBreach(ref: LimitRef, cash: number, cap: number, nav: number, limits: RiskLimits): HedgeBreach {
  const usage = usageOf(cash, cap);
  if (ref.group === 'tier') {
    const tier = tierOf(limits, ref.underlying!);
    return {
      id: ref.id,
      group: 'tier',
      greek: 'delta',
      underlying: ref.underlying,
      value: cash,
      limit: cap,
      unit: 'currency',
      usage,
      message: `${ref.underlying} cash delta ${money(cash)} is over its tier ${tier} exposure limit of ${money(cap)}.`,
    };
  }
  const days = ref.group === 'short-dated' ? ` (≤${limits.shortDated.days}d)` : '';
  return {
    id: ref.id,
    group: ref.group,
    greek: ref.greek,
    underlying: null,
    value: nav > 0 ? cash / nav : 0,
    limit: nav > 0 ? cap / nav : 0,
    unit: 'pctNav',
    usage,
    message: `${LABEL[ref.group]}${days} ${ref.greek} ${pct(nav > 0 ? cash / nav : 0)} of NAV is over its ${pct(nav > 0 ? cap / nav : 0)} cap.`,
  };
}

/** Every limit outside its cap: portfolio and short-dated Greeks, then each underlying's exposure. */
export function findBreaches(book: BookGreeks, limits: RiskLimits, nav: number): HedgeBreach[] {
  const view = { portfolio: book.portfolio, short: book.short, row: (u: string) => book.rows.get(u)?.all ?? zeroG() };
  const out: HedgeBreach[] = [];
  const refs = [...BOOK_LIMITS, ...[...book.rows.keys()].sort().map(tierLimit)];
  for (const ref of refs) {
    const cash = limitCash(ref, view);
    const cap = capCash(ref, limits, nav);
    if (isOutside(usageOf(cash, cap))) out.push(describeBreach(ref, cash, cap, nav, limits));
  }
  return out;
}
