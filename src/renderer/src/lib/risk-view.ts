// Pure helpers for every view that shows risk (the Risk page, ticket checks and what-if, the
// Greeks panel, the Hedge page): limit levels and gauge order, limit values in their unit, check
// ordering, and the scenario heat-map colour scale.
import type { CheckLevel, CheckResult, LimitUsage } from '../../../shared/risk.js';
import { formatNumber, formatPercent } from './format.js';

/** The gate's thresholds: amber from 80 % of a limit, red above 100 %. */
export const AMBER_USAGE = 0.8;

export function levelForUsage(usage: number | null | undefined): CheckLevel {
  if (usage === null || usage === undefined || Number.isNaN(usage)) return 'green';
  return usage > 1 + 1e-12 ? 'red' : usage >= AMBER_USAGE ? 'amber' : 'green';
}

const LEVEL_RANK: Record<CheckLevel, number> = { red: 0, amber: 1, green: 2 };

/** Breached limits first (fullest first), then amber ones, then the rest in the engine's order. */
export function sortLimitsForGauges(limits: readonly LimitUsage[]): LimitUsage[] {
  return limits
    .map((limit, index) => ({ limit, index }))
    .sort((a, b) => {
      const byLevel = LEVEL_RANK[a.limit.level] - LEVEL_RANK[b.limit.level];
      if (byLevel !== 0) return byLevel;
      if (a.limit.level !== 'green') return b.limit.usage - a.limit.usage || a.index - b.index;
      return a.index - b.index;
    })
    .map((x) => x.limit);
}

/** Red checks first, then amber, then green; the engine's order within a level. */
export function sortChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => LEVEL_RANK[a.check.level] - LEVEL_RANK[b.check.level] || a.index - b.index)
    .map((x) => x.check);
}

/** A limit's value or cap in its unit: `0.0953 pctNav → "9.53%"`, currency with grouping, counts whole. */
export function formatLimitValue(value: number, unit: LimitUsage['unit']): string {
  if (unit === 'pctNav') return formatPercent(value, Math.abs(value) < 0.01 && value !== 0 ? 3 : 2);
  if (unit === 'currency') return formatNumber(value, 0);
  return formatNumber(value, 0);
}

/** Bar fill in percent of the gauge: the limit is the right edge, so a breach is a full bar. */
export function gaugeFillPct(usage: number): number {
  if (!Number.isFinite(usage) || usage <= 0) return 0;
  return Math.min(usage, 1) * 100;
}

/**
 * Heat-map colour for a scenario P&L: green for gains, red for losses, the opacity growing with
 * |P&L| / NAV until `saturateAt` (a fraction of NAV). A flat cell is transparent.
 */
export function heatColor(pnl: number, nav: number, saturateAt = 0.05): string {
  if (!Number.isFinite(pnl) || !(nav > 0) || !(saturateAt > 0)) return 'transparent';
  const share = Math.abs(pnl) / nav;
  if (share < 1e-6) return 'transparent';
  // sqrt: small moves still show a tint next to the flat centre cell.
  const intensity = Math.min(1, Math.sqrt(share / saturateAt));
  const alpha = Math.round((0.08 + 0.62 * intensity) * 100) / 100;
  return pnl > 0 ? `rgba(38, 166, 91, ${alpha})` : `rgba(229, 72, 77, ${alpha})`;
}
