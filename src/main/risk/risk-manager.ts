// The risk engine's stateful side: the limits in force, the account's trading state (ACTIVE /
// REDUCING / HALTED) and its loss baselines, limit usage for the gauges, breach detection, the
// post-trade slippage check, and betas. The gate itself (gate.ts) stays a pure function; this
// class assembles its inputs and journals what it decides.
import type { Fill, Severity } from '../../shared/domain.js';
import type { CheckLevel, LimitUsage, RiskLimits, RiskSummary, TradingState } from '../../shared/risk.js';
import { RiskLimits as RiskLimitsSchema } from '../../shared/risk.js';
import { CockpitError } from '../../shared/api/result.js';
import type { AccountRiskRow, RiskRepository } from '../store/risk-repository.js';
import type { Valuation } from './exposure.js';
import { tierOf } from './gate.js';
import { displayName } from '../../shared/instruments.js';
import { estimateBeta } from './var.js';

export interface RiskManagerHooks {
  now(): number;
  riskEvent(severity: Severity, code: string, message: string, symbol: string | null, details?: unknown): void;
  audit(actor: string, action: string, details: unknown): void;
  changed(): void;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

export class RiskManager {
  private limitsInForce: RiskLimits;
  private row: AccountRiskRow;
  private usage: LimitUsage[] = [];
  private readonly breached = new Set<string>();
  private readonly betaCache = new Map<string, number>();
  private peakDirty = false;

  constructor(
    private readonly repo: RiskRepository,
    private readonly accountId: string,
    private readonly hooks: RiskManagerHooks,
    init: { nav: number; startOfDayNav: number; sessionDate: string },
  ) {
    const { limits, problem } = repo.limits();
    this.limitsInForce = limits;
    if (problem) hooks.riskEvent('warning', 'LIMITS_UNREADABLE', problem, null);
    const stored = repo.accountState(accountId);
    this.row = stored ?? {
      state: 'ACTIVE',
      reason: null,
      since: null,
      peakNav: Math.max(init.nav, init.startOfDayNav),
      lossBaseNav: init.startOfDayNav,
      sessionDate: init.sessionDate,
    };
    if (!stored) repo.saveAccountState(accountId, this.row);
  }

  get limits(): RiskLimits {
    return this.limitsInForce;
  }

  get tradingState(): TradingState {
    return this.row.state;
  }

  /** Replaces the limits after validating them; journaled. */
  setLimits(input: unknown, actor: string): RiskLimits {
    const parsed = RiskLimitsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CockpitError('INVALID_LIMITS', `Limits not saved: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}.`);
    }
    const limits = parsed.data;
    if (limits.order.fatFingerAmberPct > limits.order.fatFingerRedPct) {
      throw new CockpitError('INVALID_LIMITS', 'Limits not saved: the fat-finger amber threshold must not exceed the red one.');
    }
    this.repo.saveLimits(limits, this.hooks.now(), actor);
    this.hooks.audit(actor, 'risk.limits.set', { before: this.limitsInForce, after: limits });
    this.limitsInForce = limits;
    this.betaCache.clear();
    this.hooks.riskEvent('info', 'LIMITS_CHANGED', `Risk limits updated by ${actor}.`, null);
    this.hooks.changed();
    return limits;
  }

  dailyLossPct(nav: number): number {
    return this.row.lossBaseNav > 0 ? Math.max(0, (this.row.lossBaseNav - nav) / this.row.lossBaseNav) : 0;
  }

  drawdownPct(nav: number): number {
    return this.row.peakNav > 0 ? Math.max(0, (this.row.peakNav - nav) / this.row.peakNav) : 0;
  }

  private setState(state: TradingState, reason: string | null): void {
    this.row = { ...this.row, state, reason, since: state === 'ACTIVE' ? null : this.hooks.now() };
    this.repo.saveAccountState(this.accountId, this.row);
    this.peakDirty = false;
    this.hooks.changed();
  }

  /** Persists a new NAV high-water mark (called with each equity point and on shutdown). */
  flush(): void {
    if (!this.peakDirty) return;
    this.repo.saveAccountState(this.accountId, this.row);
    this.peakDirty = false;
  }

  /** A new session: the daily-loss baseline moves to the start-of-day NAV and REDUCING clears. */
  onSession(sessionDate: string, startOfDayNav: number): void {
    const wasReducing = this.row.state === 'REDUCING';
    this.row = { ...this.row, sessionDate, lossBaseNav: startOfDayNav };
    this.repo.saveAccountState(this.accountId, this.row);
    if (wasReducing) {
      this.setState('ACTIVE', null);
      this.hooks.riskEvent('info', 'TRADING_STATE', `New session ${sessionDate}: the account is ACTIVE again (REDUCING clears at the next session).`, null);
    }
  }

  /** Kill switch: nothing passes until the user resets. */
  halt(reason: string): void {
    if (this.row.state === 'HALTED') return;
    this.setState('HALTED', `${reason.charAt(0).toUpperCase()}${reason.slice(1)}. Reset on the Risk page to trade again.`);
    this.hooks.riskEvent('critical', 'TRADING_STATE', `Account HALTED: ${reason}.`, null);
  }

  /**
   * The user resets REDUCING or HALTED to ACTIVE. The breakers re-arm from the current NAV: the
   * daily loss and the drawdown are measured from here on, so the same loss does not trip again.
   */
  reset(actor: string, nav: number): TradingState {
    if (this.row.state === 'ACTIVE') return 'ACTIVE';
    const from = this.row.state;
    this.row = { ...this.row, peakNav: nav, lossBaseNav: nav };
    this.setState('ACTIVE', null);
    this.hooks.audit(actor, 'risk.reset', { from, nav });
    this.hooks.riskEvent('warning', 'TRADING_STATE', `Account reset ${from} → ACTIVE by ${actor}; loss limits re-armed from NAV ${nav.toFixed(2)}.`, null);
    return 'ACTIVE';
  }

  /** Called on every revaluation: high-water mark, circuit breakers, limit usage and breach events. */
  monitor(v: Valuation): void {
    const nav = v.nav;
    if (!(nav > 0)) return;
    if (nav > this.row.peakNav) {
      // Kept in memory on every tick; written with the next equity point (flush) or state change.
      this.row = { ...this.row, peakNav: nav };
      this.peakDirty = true;
    }
    const L = this.limitsInForce;
    const dailyLoss = this.dailyLossPct(nav);
    const drawdown = this.drawdownPct(nav);
    if (this.row.state === 'ACTIVE') {
      if (dailyLoss >= L.loss.dailyLossPct) {
        this.setState('REDUCING', `Daily loss ${pct(dailyLoss)} reached the ${pct(L.loss.dailyLossPct)} circuit breaker. Only risk-reducing orders pass until you reset it or the next session.`);
        this.hooks.riskEvent('critical', 'CIRCUIT_BREAKER', `Daily loss ${pct(dailyLoss)} ≥ ${pct(L.loss.dailyLossPct)} of start-of-day NAV: account is REDUCING.`, null);
      } else if (drawdown >= L.loss.maxDrawdownPct) {
        this.setState('REDUCING', `Drawdown ${pct(drawdown)} from the peak reached the ${pct(L.loss.maxDrawdownPct)} limit. Only risk-reducing orders pass until you reset it or the next session.`);
        this.hooks.riskEvent('critical', 'MAX_DRAWDOWN', `Drawdown ${pct(drawdown)} ≥ ${pct(L.loss.maxDrawdownPct)} from the peak NAV: account is REDUCING.`, null);
      }
    }
    this.usage = this.computeUsage(v, dailyLoss, drawdown);
    for (const u of this.usage) {
      const isBreached = u.level === 'red';
      if (isBreached && !this.breached.has(u.id)) {
        this.breached.add(u.id);
        this.hooks.riskEvent('warning', 'LIMIT_BREACH', `${u.label} at ${formatUsage(u)} — over its limit of ${formatLimit(u)}.`, null, u);
      } else if (!isBreached && this.breached.has(u.id)) {
        this.breached.delete(u.id);
        this.hooks.riskEvent('info', 'LIMIT_CLEARED', `${u.label} back inside its limit (${formatUsage(u)} of ${formatLimit(u)}).`, null, u);
      }
    }
  }

  private computeUsage(v: Valuation, dailyLoss: number, drawdown: number): LimitUsage[] {
    const L = this.limitsInForce;
    const nav = v.nav;
    const out: LimitUsage[] = [];
    const level = (usage: number): CheckLevel => (usage > 1 + 1e-12 ? 'red' : usage >= 0.8 ? 'amber' : 'green');
    const push = (id: string, label: string, group: LimitUsage['group'], value: number, limit: number, unit: LimitUsage['unit']) => {
      const usage = limit > 0 ? value / limit : value > 0 ? Infinity : 0;
      out.push({ id, label, group, value, limit, unit, usage: Number.isFinite(usage) ? usage : 999, level: level(usage) });
    };
    const p = v.greeks.portfolio;
    push('portfolio.delta', 'Portfolio |delta|', 'portfolio', Math.abs(p.deltaCash) / nav, L.portfolio.deltaPctNav, 'pctNav');
    push('portfolio.gamma', 'Portfolio |gamma| per 1%', 'portfolio', Math.abs(p.gammaCash1Pct) / nav, L.portfolio.gammaPctNav, 'pctNav');
    push('portfolio.vega', 'Portfolio |vega| per vol pt', 'portfolio', Math.abs(p.vegaCashPerPoint) / nav, L.portfolio.vegaPctNav, 'pctNav');
    push('portfolio.theta', 'Portfolio |theta| per day', 'portfolio', Math.abs(p.thetaCashPerDay) / nav, L.portfolio.thetaPctNav, 'pctNav');
    const s = p.shortDated;
    const d = L.shortDated.days;
    push('short.delta', `Short-dated (≤${d}d) |delta|`, 'short-dated', Math.abs(s.deltaCash) / nav, L.shortDated.deltaPctNav, 'pctNav');
    push('short.gamma', `Short-dated (≤${d}d) |gamma| per 1%`, 'short-dated', Math.abs(s.gammaCash1Pct) / nav, L.shortDated.gammaPctNav, 'pctNav');
    push('short.vega', `Short-dated (≤${d}d) |vega| per vol pt`, 'short-dated', Math.abs(s.vegaCashPerPoint) / nav, L.shortDated.vegaPctNav, 'pctNav');
    push('short.theta', `Short-dated (≤${d}d) |theta| per day`, 'short-dated', Math.abs(s.thetaCashPerDay) / nav, L.shortDated.thetaPctNav, 'pctNav');
    push('loss.daily', 'Daily loss', 'loss', dailyLoss, L.loss.dailyLossPct, 'pctNav');
    push('loss.drawdown', 'Drawdown from peak', 'loss', drawdown, L.loss.maxDrawdownPct, 'pctNav');
    for (const row of v.greeks.byUnderlying) {
      const tier = tierOf(L, row.underlying);
      push(`tier.${row.underlying}`, `${row.underlying} exposure (tier ${tier})`, 'tier', Math.abs(row.deltaCash), L.tiers[tier].maxExposureNotional, 'currency');
    }
    for (const pos of v.positions) {
      const tier = tierOf(L, pos.instrument.underlying);
      push(`position.${pos.symbol}`, `${displayName(pos.instrument)} position (tier ${tier})`, 'tier', Math.abs(pos.marketValue) / nav, L.tiers[tier].maxPositionPctNav, 'pctNav');
    }
    return out;
  }

  /** Post-trade: a fill worse than the arrival price by more than the slippage limit raises a risk event. */
  checkSlippage(fill: Fill, arrivalPrice: number | null): void {
    if (arrivalPrice === null || !(arrivalPrice > 0)) return;
    const adverse = fill.side === 'BUY' ? (fill.price - arrivalPrice) / arrivalPrice : (arrivalPrice - fill.price) / arrivalPrice;
    const limit = this.limitsInForce.execution.slippagePct;
    if (adverse > limit) {
      this.hooks.riskEvent(
        'warning',
        'SLIPPAGE',
        `${fill.side} ${fill.qty} ${fill.symbol} filled at ${fill.price.toFixed(2)} vs ${arrivalPrice.toFixed(2)} on arrival: ${pct(adverse, 2)} slippage, over the ${pct(limit, 2)} limit.`,
        fill.symbol,
        { orderId: fill.orderId, fillId: fill.id, arrivalPrice, fillPrice: fill.price, slippagePct: adverse },
      );
    }
  }

  /** Beta of an underlying: the configured one, else estimated from stored daily closes, else 1. */
  beta(underlying: string, closes: (symbol: string) => number[]): number {
    const L = this.limitsInForce;
    if (underlying === L.beta.benchmark) return 1;
    const configured = L.beta.betas[underlying];
    if (configured !== undefined) return configured;
    const cached = this.betaCache.get(underlying);
    if (cached !== undefined) return cached;
    const estimate = estimateBeta(closes(underlying), closes(L.beta.benchmark));
    const beta = estimate ?? 1;
    this.betaCache.set(underlying, beta);
    return beta;
  }

  summary(v: Valuation): RiskSummary {
    const nav = v.nav;
    return {
      account: {
        state: this.row.state,
        reason: this.row.reason,
        since: this.row.since,
        peakNav: this.row.peakNav,
        lossBaseNav: this.row.lossBaseNav,
        dailyLossPct: this.dailyLossPct(nav),
        drawdownPct: this.drawdownPct(nav),
      },
      limits: this.usage,
      betaWeighted: { benchmark: v.greeks.benchmark, shares: v.greeks.betaWeightedShares, cash: v.greeks.portfolio.betaDeltaCash },
    };
  }
}

function formatUsage(u: LimitUsage): string {
  return u.unit === 'pctNav' ? `${(u.value * 100).toFixed(2)}% of NAV` : u.unit === 'currency' ? u.value.toFixed(0) : String(u.value);
}

function formatLimit(u: LimitUsage): string {
  return u.unit === 'pctNav' ? `${(u.limit * 100).toFixed(2)}%` : u.unit === 'currency' ? u.limit.toFixed(0) : String(u.limit);
}
