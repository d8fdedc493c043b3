// One-day Value at Risk and Conditional VaR (expected shortfall) at 95% and 99%, three ways:
//  - historical, prices: the current book fully revalued under each past day's underlying returns;
//  - historical, equity: the account's own daily NAV changes, scaled to today's NAV;
//  - delta-gamma parametric: P&L ≈ Σ δᵢ rᵢ + ½ Σ Gᵢ rᵢ² with r ~ N(0, Σ) estimated from the same
//    price history (δᵢ cash delta, Gᵢ = cash gamma per 1% × 100), matched to a normal by its
//    first two moments (mean ½ Σ Gᵢ Σᵢᵢ, variance δᵀΣδ + ½ Σᵢⱼ GᵢGⱼΣᵢⱼ²).
// VaR and CVaR are reported as positive losses. Also: beta estimated from daily closes.
import type { VarMethod, VarReport } from '../../shared/risk.js';
import { normPdf } from '../pricing/black-scholes.js';

export const VAR_CONFIDENCES = [0.95, 0.99] as const;
/** Fewest observations a historical figure is given for. */
export const MIN_OBSERVATIONS = 20;

const Z: Record<number, number> = { 0.95: 1.6448536269514722, 0.99: 2.3263478740408408 };

export function logReturns(closes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const a = closes[i - 1]!;
    const b = closes[i]!;
    if (a > 0 && b > 0) out.push(Math.log(b / a));
  }
  return out;
}

/** OLS beta of an asset's daily log returns on the benchmark's, over their common tail; undefined with too little data. */
export function estimateBeta(assetCloses: readonly number[], benchmarkCloses: readonly number[]): number | undefined {
  const n = Math.min(assetCloses.length, benchmarkCloses.length);
  if (n < MIN_OBSERVATIONS + 1) return undefined;
  const a = logReturns(assetCloses.slice(assetCloses.length - n));
  const b = logReturns(benchmarkCloses.slice(benchmarkCloses.length - n));
  const m = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < m; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= m;
  mb /= m;
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < m; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    varB += (b[i]! - mb) ** 2;
  }
  return varB > 0 ? cov / varB : undefined;
}

/**
 * VaR and CVaR of a P&L sample: VaR is the loss at the (1 − c) quantile (the ⌈n(1−c)⌉-th worst
 * outcome), CVaR the mean loss over those worst outcomes. Both positive for losses.
 */
export function historicalFigures(pnl: readonly number[], confidence: number): { var: number; cvar: number } {
  const sorted = [...pnl].sort((x, y) => x - y);
  // 1 − 0.95 is 0.050000000000000044 in binary: round off that noise before the ceiling.
  const k = Math.max(1, Math.ceil(sorted.length * (1 - confidence) - 1e-9));
  let tail = 0;
  for (let i = 0; i < k; i++) tail += sorted[i]!;
  return { var: -sorted[k - 1]!, cvar: -tail / k };
}

export interface DeltaGammaInput {
  /** Per underlying: cash delta and cash gamma per 1% move. */
  exposures: readonly { underlying: string; deltaCash: number; gammaCash1Pct: number }[];
  /** Daily log returns per underlying, aligned by date (same length). */
  returns: ReadonlyMap<string, readonly number[]>;
}

/** Delta-gamma-normal VaR/CVaR; null when some exposed underlying has no return history. */
export function deltaGammaFigures(input: DeltaGammaInput, confidence: number): { var: number; cvar: number; mean: number; sd: number } | null {
  const names = input.exposures.filter((e) => e.deltaCash !== 0 || e.gammaCash1Pct !== 0);
  const series = names.map((e) => input.returns.get(e.underlying));
  if (series.some((s) => !s || s.length < MIN_OBSERVATIONS)) return null;
  const n = Math.min(...series.map((s) => s!.length));
  const means = series.map((s) => s!.slice(s!.length - n).reduce((a, x) => a + x, 0) / n);
  const cov = (i: number, j: number) => {
    const si = series[i]!.slice(series[i]!.length - n);
    const sj = series[j]!.slice(series[j]!.length - n);
    let c = 0;
    for (let k = 0; k < n; k++) c += (si[k]! - means[i]!) * (sj[k]! - means[j]!);
    return c / (n - 1);
  };
  const m = names.length;
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < m; i++) {
    const Gi = names[i]!.gammaCash1Pct * 100;
    mean += 0.5 * Gi * cov(i, i);
    for (let j = 0; j < m; j++) {
      const sij = cov(i, j);
      const Gj = names[j]!.gammaCash1Pct * 100;
      variance += names[i]!.deltaCash * names[j]!.deltaCash * sij + 0.5 * Gi * Gj * sij * sij;
    }
  }
  const sd = Math.sqrt(Math.max(0, variance));
  const z = Z[confidence] ?? 1.6448536269514722;
  return { var: -(mean - z * sd), cvar: -(mean - (sd * normPdf(z)) / (1 - confidence)), mean, sd };
}

export interface VarInputs {
  nav: number;
  /** Book P&L for each historical day's returns (full revaluation), oldest first. */
  historicalPnl: readonly number[];
  /** The account's daily NAVs, oldest first. */
  dailyNavs: readonly number[];
  deltaGamma: DeltaGammaInput;
}

export function varReport(input: VarInputs): VarReport {
  const methods: VarMethod[] = [];
  const hp = input.historicalPnl;
  methods.push(
    hp.length >= MIN_OBSERVATIONS
      ? { method: 'historical-prices', available: true, note: null, observations: hp.length, figures: VAR_CONFIDENCES.map((c) => ({ confidence: c, ...historicalFigures(hp, c) })) }
      : { method: 'historical-prices', available: false, note: `Needs ${MIN_OBSERVATIONS} days of price history; ${hp.length} available.`, observations: hp.length, figures: [] },
  );
  const navChanges: number[] = [];
  for (let i = 1; i < input.dailyNavs.length; i++) {
    const prev = input.dailyNavs[i - 1]!;
    if (prev > 0) navChanges.push(((input.dailyNavs[i]! - prev) / prev) * input.nav);
  }
  methods.push(
    navChanges.length >= MIN_OBSERVATIONS
      ? { method: 'historical-equity', available: true, note: null, observations: navChanges.length, figures: VAR_CONFIDENCES.map((c) => ({ confidence: c, ...historicalFigures(navChanges, c) })) }
      : {
          method: 'historical-equity',
          available: false,
          note: `Needs ${MIN_OBSERVATIONS} daily NAV changes of this account; ${navChanges.length} recorded so far.`,
          observations: navChanges.length,
          figures: [],
        },
  );
  const dg = VAR_CONFIDENCES.map((c) => ({ c, f: deltaGammaFigures(input.deltaGamma, c) }));
  const obs = Math.min(...[...input.deltaGamma.returns.values()].map((r) => r.length), Infinity);
  methods.push(
    dg.every((x) => x.f !== null)
      ? { method: 'delta-gamma', available: true, note: null, observations: Number.isFinite(obs) ? obs : 0, figures: dg.map((x) => ({ confidence: x.c, var: x.f!.var, cvar: x.f!.cvar })) }
      : { method: 'delta-gamma', available: false, note: `Needs ${MIN_OBSERVATIONS} daily returns for every underlying held.`, observations: Number.isFinite(obs) ? obs : 0, figures: [] },
  );
  return { horizonDays: 1, nav: input.nav, methods };
}
