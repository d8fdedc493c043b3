// The hedge flow around the planner: runs (on a breach, on a schedule, on demand), the one live
// proposal, execution of a chosen plan as a ticket group through the approval flow, the safety
// guard in front of every leg, and the opt-in auto-hedge policy. Every decision is journaled in
// the hedge log (and the order journal, through the OMS); nothing here talks to a broker directly.
//
// Execution: the legs go one after another. Before the first, the whole plan is checked — mode,
// trading state, the broker account named in REAL, no other hedge working on the underlying, the
// day's hedge notional, quotes fresh and not moved beyond the tolerance since planning, and the
// gate on every leg. Each later leg is re-checked by the gate on fresh quotes when the previous
// one has filled; a leg that is refused, rejected, cancelled or only partly filled stops the plan
// (status `partial`), and the trader is told what was done and what was not. A plan is bound to the
// mode it was approved in: a change of mode or account stops it before its next leg.
//
// Auto-hedge in REAL sends orders nobody reviews, so it takes the same confirmation as REAL itself:
// enabling it in REAL, or switching to REAL with it enabled, names the account by its number. That
// consent lives in memory only: like REAL, it does not survive a restart.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CockpitError } from '../../shared/api/result.js';
import type { Order, OrderIntent, Quote, SessionState, Ticket, TradingMode } from '../../shared/domain.js';
import {
  AutoHedgePolicy,
  DEFAULT_AUTO_HEDGE_POLICY,
  type HedgeExecution,
  type HedgeExecutionLeg,
  type HedgeLogEntry,
  type HedgePlan,
  type HedgeResult,
  type HedgeRun,
  type HedgeTrigger,
} from '../../shared/hedge.js';
import type { GateVerdict, ScenarioGrid, TradingState } from '../../shared/risk.js';
import type { HedgeRepository } from '../store/hedge-repository.js';
import { HedgeInputError, planHedges, type HedgeInput } from './planner.js';

/** A breach re-plans at most this often (two breaches in quick succession yield one plan). */
export const BREACH_REPLAN_MS = 5_000;
const FINAL_ORDER: ReadonlySet<string> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

/** What the hedge flow needs from the engine. */
export interface HedgeHost {
  now(): number;
  mode(): TradingMode;
  tradingState(): TradingState;
  session(): SessionState;
  /** Everything the planner needs about the book, its quotes and the chains, assembled now. */
  planInput(): Promise<Omit<HedgeInput, 'trigger' | 'weights' | 'underlying'>>;
  quote(symbol: string): Quote | undefined;
  staleAfterMs(): number;
  gate(intent: OrderIntent): GateVerdict;
  /** A hedge ticket for the trader's review; `approveTicket` then approves it (the two-step flow). */
  createTicket(intent: OrderIntent, reason: string): Ticket;
  approveTicket(ticket: Ticket, approvedBy: string): Order;
  /**
   * A hedge leg approved by a policy (`policy:<name>`): ticket, approval and submission journaled
   * in one durable commit, the gate run once inside it, then sent. Red throws TICKET_RED (its
   * details carry the journaled ticket's id); nothing is sent.
   */
  submitByPolicy(intent: OrderIntent, reason: string, policy: string): { ticket: Ticket; order: Order };
  order(orderId: string): Order | undefined;
  /** Working orders of hedge tickets. */
  workingHedgeOrders(): Order[];
  /** The broker account REAL orders go to (its number confirms a REAL hedge). */
  brokerAccount(): { accountId: string; label: string } | null;
  underlyingOf(symbol: string): string;
  /** Scenario grids of the book before and after extra positions. */
  scenario(extra: readonly OrderIntent[]): Promise<{ before: ScenarioGrid; after: ScenarioGrid }>;
  riskEvent(severity: 'info' | 'warning' | 'critical', code: string, message: string, symbol: string | null): void;
  audit(actor: string, action: string, details: unknown): void;
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  /** The start of the current trading day (daily hedge notional counts from it). */
  dayStart(): number;
}

export const AUTO_HEDGE_ACTOR = 'policy:auto-hedge';

/** An actor that is a policy (`policy:<name>`), not a trader: its legs take the one-commit path. */
const isPolicy = (actor: string) => actor.startsWith('policy:');

export class HedgeService {
  private current: HedgeRun | null;
  private planning: Promise<HedgeRun> | null = null;
  private lastBreachRunAt = 0;
  private lastScheduleRunAt = 0;
  private readonly lastAutoByUnderlying = new Map<string, number>();
  /** The last reason auto-hedge skipped, per underlying (logged once per change, not every tick). */
  private readonly lastSkip = new Map<string, string>();
  private policyCache: AutoHedgePolicy | null = null;
  /** Orders of legs still working when their plan stopped, by order id → run id (followed until they end). */
  private readonly stillWorking = new Map<string, string>();
  /** The broker account the trader confirmed auto-hedge may trade in REAL (memory only: never survives a restart). */
  private realConsent: string | null = null;

  constructor(
    private readonly host: HedgeHost,
    private readonly repo: HedgeRepository,
    private readonly log: Logger,
  ) {
    this.current = this.safeLatest();
    // An execution cannot survive a restart half-way: its orders are reconciled or expired by the OMS.
    for (const run of repo.runsWithStatus('executing')) {
      this.finish(run, 'partial', 'The engine stopped while this plan was being executed; legs not yet sent were not sent. Re-plan.');
    }
  }

  // ── reads ────────────────────────────────────────────────────────────────

  currentRun(): HedgeRun | null {
    return this.current;
  }

  policy(): AutoHedgePolicy {
    if (this.policyCache) return this.policyCache;
    const raw = this.host.getSetting('hedge.policy');
    let policy = DEFAULT_AUTO_HEDGE_POLICY;
    if (raw) {
      const parsed = AutoHedgePolicy.safeParse(safeJson(raw));
      if (parsed.success) policy = parsed.data;
      else this.log.warn('the stored auto-hedge policy is unreadable; using the defaults (auto-hedge off)');
    }
    this.policyCache = policy;
    return policy;
  }

  setPolicy(input: unknown, confirm?: string, actor = 'user'): AutoHedgePolicy {
    const parsed = AutoHedgePolicy.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CockpitError('INVALID_REQUEST', `${issue?.path.join('.') || 'policy'}: ${issue?.message ?? 'invalid'}`);
    }
    const before = this.policy();
    if (parsed.data.enabled && this.host.mode() === 'REAL' && (!before.enabled || this.realConsent !== this.host.brokerAccount()?.accountId)) {
      // Orders nobody reviews, to a real account: the same confirmation as REAL itself.
      const account = this.host.brokerAccount();
      if (!account) throw new CockpitError('REAL_UNAVAILABLE', 'REAL needs a broker account in use.');
      if (confirm?.trim() !== account.accountId) {
        throw new CockpitError(
          'CONFIRMATION_REQUIRED',
          `Auto-hedge in REAL sends hedge orders to ${account.label}, account ${account.accountId}, without asking: type that account number to confirm.`,
          account,
        );
      }
      this.realConsent = account.accountId;
      this.record(actor, 'policy.real', null, null, `Auto-hedge may trade ${account.label}, account ${account.accountId}, in REAL (confirmed with the account number).`);
    }
    this.setPolicyUnchecked(parsed.data, actor);
    if (before.enabled !== parsed.data.enabled) {
      this.record(actor, parsed.data.enabled ? 'policy.enabled' : 'policy.disabled', null, null, parsed.data.enabled
        ? `Auto-hedge enabled: risk-reducing plans only, at most ${parsed.data.maxNotionalPerDay.toLocaleString('en-US')} notional a day, ${parsed.data.cooldownSec} s between hedges of one underlying, only while the market is open.`
        : 'Auto-hedge disabled.');
    }
    return parsed.data;
  }

  logEntries(limit: number): HedgeLogEntry[] {
    return this.repo.recentLog(limit);
  }

  scenario(runId: string, planId: string): Promise<{ before: ScenarioGrid; after: ScenarioGrid }> {
    const plan = this.planOf(this.run(runId), planId);
    return this.host.scenario(plan.legs.map((l) => ({ symbol: l.symbol, side: l.side, qty: l.qty, orderType: 'MARKET' as const })));
  }

  // ── planning ─────────────────────────────────────────────────────────────

  /** Plans now. The new run supersedes a proposal that was not acted on; one that is executing stays. */
  runOnce(trigger: HedgeTrigger, underlying?: string): Promise<HedgeRun> {
    // One planning run at a time: a request during a run gets that run.
    if (this.planning) return this.planning;
    const run = this.plan(trigger, underlying).finally(() => {
      this.planning = null;
    });
    this.planning = run;
    return run;
  }

  private async plan(trigger: HedgeTrigger, underlying?: string): Promise<HedgeRun> {
    const executing = this.current?.status === 'executing' ? this.current : null;
    if (executing) {
      const sent = executing.execution!.legs.filter((l) => l.status !== 'waiting').length;
      throw new CockpitError('HEDGE_ORDERS_WORKING', `Hedge ${executing.id} is executing (leg ${sent} of ${executing.execution!.legs.length}); re-plan when it has finished — hedges never stack.`);
    }
    const input = await this.host.planInput();
    let result;
    try {
      result = planHedges({ ...input, trigger, weights: this.policy().weights, ...(underlying ? { underlying } : {}) });
    } catch (error) {
      if (error instanceof HedgeInputError) throw new CockpitError('HEDGE_UNAVAILABLE', error.message);
      throw error;
    }
    const previous = this.current;
    const chosenId = (r: HedgeResult) => (r.chosen === null ? null : r.plans[r.chosen]!.id);
    const breachKey = (r: HedgeResult) => r.breaches.map((b) => b.id).sort().join(',');
    if (previous?.status === 'proposed' && trigger !== 'manual' && breachKey(previous.result) === breachKey(result)) {
      // The same breaches never yield a second live plan: the proposal is refreshed in place.
      const refreshed: HedgeRun = { ...previous, ts: this.host.now(), result };
      this.repo.refreshRun(refreshed);
      this.current = refreshed;
      if (chosenId(previous.result) !== chosenId(result)) this.record('system', 'replan', refreshed.id, null, `Re-planned on fresh quotes; now proposed: ${result.chosen === null ? 'nothing feasible' : result.plans[result.chosen]!.description}.`);
      return refreshed;
    }
    const run: HedgeRun = { id: `H-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`, ts: this.host.now(), status: 'proposed', result, execution: null, note: null };
    if (previous?.status === 'proposed') this.finish(previous, 'superseded', `Re-planned as ${run.id} (${trigger}).`);
    this.repo.insertRun(run);
    this.current = run;
    const chosen = result.chosen === null ? null : result.plans[result.chosen]!;
    this.record(
      trigger === 'manual' ? 'user' : 'system',
      'plan',
      run.id,
      chosen?.underlying ?? null,
      result.breaches.length === 0
        ? 'Every limit is inside its cap: nothing to hedge.'
        : chosen
          ? `${result.breaches.length} breach(es); proposed: ${chosen.description} (cost ${chosen.cost.toFixed(2)}, score ${chosen.score?.toFixed(2) ?? '—'}); ${result.plans.length - 1} alternative(s).`
          : `${result.breaches.length} breach(es); no feasible plan (${result.plans.map((p) => p.reason).filter(Boolean).slice(0, 2).join('; ') || 'no candidate'}).`,
    );
    return run;
  }

  // ── the engine's clock ───────────────────────────────────────────────────

  /**
   * Called about once a second: re-plans on a breach (at most every BREACH_REPLAN_MS, never while
   * a plan is executing) or on the policy's schedule, and lets the auto-hedge policy act.
   */
  async onTick(breached: boolean): Promise<void> {
    if (this.planning) return;
    // Throttles run on the wall clock: the trading clock jumps (the simulator's nights, or a switch to a broker account).
    const now = Date.now();
    const policy = this.policy();
    const open = this.host.session() === 'REGULAR';
    let trigger: HedgeTrigger | null = null;
    if (breached && now - this.lastBreachRunAt >= BREACH_REPLAN_MS && this.current?.status !== 'executing') trigger = 'breach';
    else if (policy.scheduleSec > 0 && open && now - this.lastScheduleRunAt >= policy.scheduleSec * 1000 && this.current?.status !== 'executing') trigger = 'schedule';
    if (!trigger) return;
    if (trigger === 'breach') this.lastBreachRunAt = now;
    else this.lastScheduleRunAt = now;
    const run = await this.runOnce(trigger);
    if (policy.enabled) this.autoExecute(run);
  }

  private autoExecute(run: HedgeRun): void {
    const policy = this.policy();
    const chosen = run.result.chosen === null ? null : run.result.plans[run.result.chosen]!;
    if (!chosen) return;
    const skip = (reason: string) => {
      if (this.lastSkip.get(chosen.underlying) === reason) return;
      this.lastSkip.set(chosen.underlying, reason);
      this.record(AUTO_HEDGE_ACTOR, 'skip', run.id, chosen.underlying, `Not executed automatically: ${reason}`);
    };
    if (this.host.session() !== 'REGULAR') return skip('the market is not open.');
    if (this.host.mode() === 'OFF') return skip('trading is OFF.');
    if (this.host.mode() === 'REAL' && (this.realConsent === null || this.realConsent !== this.host.brokerAccount()?.accountId)) {
      return skip('in REAL, auto-hedge needs the account number confirmed (enable it again in REAL).');
    }
    if (!(chosen.riskRemoved > 0) || chosen.breachesAfter.some((id) => !run.result.breaches.some((b) => b.id === id))) {
      return skip('the plan is not purely risk-reducing.');
    }
    const last = this.lastAutoByUnderlying.get(chosen.underlying);
    const now = Date.now();
    if (last !== undefined && now - last < policy.cooldownSec * 1000) {
      return skip(`cooling down (${Math.ceil((policy.cooldownSec * 1000 - (now - last)) / 1000)} s left for ${chosen.underlying}).`);
    }
    try {
      this.execute(run.id, chosen.id, undefined, AUTO_HEDGE_ACTOR);
      this.lastAutoByUnderlying.set(chosen.underlying, now);
      this.lastSkip.delete(chosen.underlying);
    } catch (error) {
      skip((error as Error).message);
    }
  }

  // ── execution ────────────────────────────────────────────────────────────

  /** Approves a plan of a run as one ticket group; throws with the reason when anything stops it (nothing sent then). */
  execute(runId: string, planId: string, confirm: string | undefined, actor = 'user'): HedgeRun {
    const run = this.run(runId);
    if (run.status !== 'proposed' || this.current?.id !== run.id) {
      throw new CockpitError('HEDGE_NOT_PROPOSED', `Hedge run ${runId} is ${run.status === 'proposed' ? 'no longer the current proposal' : run.status}: re-plan first.`);
    }
    const plan = this.planOf(run, planId);
    if (!plan.feasible) throw new CockpitError('HEDGE_INFEASIBLE', `This plan cannot be used: ${plan.reason ?? 'infeasible'}.`);
    const notional = this.guard(plan, confirm, actor);

    const execution: HedgeExecution = {
      planId: plan.id,
      actor,
      startedAt: this.host.now(),
      finishedAt: null,
      notional,
      mode: this.host.mode(),
      legs: plan.legs.map((l) => ({ symbol: l.symbol, side: l.side, qty: l.qty, ticketId: null, orderId: null, status: 'waiting', filledQty: 0, note: null })),
      message: `Executing ${plan.description}: leg 1 of ${plan.legs.length}.`,
    };
    const executing: HedgeRun = { ...run, status: 'executing', execution };
    this.save(executing);
    this.host.audit(actor, 'hedge.execute', { runId, planId, legs: plan.legs, notional });
    this.record(actor, 'execute', run.id, plan.underlying, `${actor === AUTO_HEDGE_ACTOR ? 'Approved by policy auto-hedge' : 'Approved by the trader'}: ${plan.description} (notional ${notional.toFixed(0)}).`);
    this.sendLeg(executing, 0);
    return this.current!;
  }

  /**
   * The mode or the account in use changed. A proposal reviewed for the old one is cancelled; a plan
   * being executed sends no further leg (what was sent stays at its venue, and the trader is told);
   * auto-hedge's consent for REAL is kept only while the same account stays in REAL.
   */
  contextChanged(why: string): { cancelled: number; stopped: number } {
    let cancelled = 0;
    let stopped = 0;
    const run = this.current;
    if (run?.status === 'proposed') {
      this.finish(run, 'superseded', `Cancelled: ${why}. Re-plan under the new mode.`);
      this.record('system', 'cancel', run.id, run.result.chosen === null ? null : run.result.plans[run.result.chosen]!.underlying, `Proposal cancelled: ${why}.`);
      cancelled++;
    } else if (run?.status === 'executing' && run.execution) {
      const next = run.execution.legs.findIndex((l) => l.status === 'waiting');
      if (next >= 0) {
        this.stop(run, next - 1, `${why}; no further leg is sent`, `not sent: ${why}`);
        stopped++;
      }
    }
    if (this.host.mode() !== 'REAL' || this.host.brokerAccount()?.accountId !== this.realConsent) this.realConsent = null;
    this.lastBreachRunAt = 0;
    this.lastScheduleRunAt = 0;
    return { cancelled, stopped };
  }

  /** Switching to REAL, confirmed with the account number: with auto-hedge enabled, that confirmation covers it. */
  confirmedReal(accountId: string): void {
    if (!this.policy().enabled) return;
    this.realConsent = accountId;
    this.record('user', 'policy.real', null, null, `REAL switched on with auto-hedge enabled: it may trade account ${accountId} (confirmed with the account number).`);
  }

  /**
   * At start-up, after a run that ended in REAL: auto-hedge comes back disabled, like REAL itself
   * comes back as DRY_RUN; the trader enables it again (in REAL, with the account number).
   */
  disableAfterRealRestart(): void {
    if (!this.policy().enabled) return;
    this.setPolicyUnchecked({ ...this.policy(), enabled: false }, 'system');
    this.record('system', 'policy.disabled', null, null, 'Auto-hedge was on in REAL when the engine stopped; it comes back disabled, like REAL. Enable it again to use it.');
  }

  private setPolicyUnchecked(policy: AutoHedgePolicy, actor: string): void {
    const before = this.policy();
    this.host.setSetting('hedge.policy', JSON.stringify(policy));
    this.policyCache = policy;
    this.host.audit(actor, 'hedge.policy.set', { from: before, to: policy });
  }

  /** The book on screen changed (a broker account used or released): a proposal for the old one is void. */
  bookChanged(why: string): void {
    if (this.current?.status === 'proposed') this.finish(this.current, 'superseded', `Superseded: ${why}.`);
    this.lastBreachRunAt = 0;
    this.lastScheduleRunAt = 0;
  }

  reject(runId: string, reason: string | undefined, actor = 'user'): HedgeRun {
    const run = this.run(runId);
    if (run.status !== 'proposed') throw new CockpitError('HEDGE_NOT_PROPOSED', `Hedge run ${runId} is ${run.status}; only a proposal can be rejected.`);
    const note = reason?.trim() ? `Rejected: ${reason.trim()}` : 'Rejected by the trader.';
    this.finish(run, 'rejected', note);
    this.record(actor, 'reject', run.id, run.result.chosen === null ? null : run.result.plans[run.result.chosen]!.underlying, note);
    return this.current!;
  }

  /** The engine reports every order change; legs of the executing plan move on from here. */
  onOrder(order: Order): void {
    const stoppedRunId = this.stillWorking.get(order.id);
    if (stoppedRunId !== undefined) {
      this.onStoppedLeg(stoppedRunId, order);
      return;
    }
    const run = this.current;
    if (run?.status !== 'executing' || !run.execution) return;
    const index = run.execution.legs.findIndex((l) => l.orderId === order.id);
    if (index < 0) return;
    const leg = run.execution.legs[index]!;
    if (leg.status !== 'sent') return;
    const legs = [...run.execution.legs];
    legs[index] = { ...leg, filledQty: order.filledQty };
    if (!FINAL_ORDER.has(order.status)) {
      this.save({ ...run, execution: { ...run.execution, legs } });
      return;
    }
    if (order.status === 'filled') {
      legs[index] = { ...legs[index]!, status: 'filled', note: `filled at ${order.avgFillPrice?.toFixed(2) ?? '—'}` };
      const next = { ...run, execution: { ...run.execution, legs } };
      if (index + 1 < legs.length) this.sendLeg(next, index + 1);
      else this.complete(next);
      return;
    }
    legs[index] = { ...legs[index]!, status: 'failed', note: `${order.status}${order.statusReason ? `: ${order.statusReason}` : ''}${order.filledQty > 0 ? ` after ${order.filledQty} of ${order.qty} filled` : ''}` };
    this.stop({ ...run, execution: { ...run.execution, legs } }, index, `leg ${index + 1} (${leg.side} ${leg.qty} ${leg.symbol}) ${legs[index]!.note}`);
  }

  // ── internals ────────────────────────────────────────────────────────────

  /** The safety guard before anything is sent. Returns the plan's notional. */
  private guard(plan: HedgePlan, confirm: string | undefined, actor: string): number {
    const mode = this.host.mode();
    if (mode === 'OFF') throw new CockpitError('MODE_OFF', 'Trading is OFF: no hedge becomes an order. Switch to DRY_RUN or REAL first.');
    const state = this.host.tradingState();
    if (state !== 'ACTIVE') {
      throw new CockpitError('TRADING_STATE', `The account is ${state} (a loss limit tripped): hedges are not executed until the trading state is reset.`);
    }
    if (mode === 'REAL' && actor !== AUTO_HEDGE_ACTOR) {
      const account = this.host.brokerAccount();
      if (!account) throw new CockpitError('REAL_UNAVAILABLE', 'REAL needs a broker account in use.');
      if (confirm?.trim() !== account.accountId) {
        throw new CockpitError('CONFIRMATION_REQUIRED', `This hedge goes to ${account.label}, account ${account.accountId}: type that account number to confirm.`, account);
      }
    }
    // Never stack: one executing plan, and no working hedge orders on the underlying.
    const working = this.host.workingHedgeOrders().filter((o) => this.host.underlyingOf(o.symbol) === plan.underlying);
    if (working.length > 0) {
      throw new CockpitError('HEDGE_ORDERS_WORKING', `${working.length} hedge order(s) on ${plan.underlying} are still working (${working.map((o) => `${o.side} ${o.qty} ${o.symbol}`).join(', ')}): cancel them or wait for them before another hedge.`);
    }
    const policy = this.policy();
    let notional = 0;
    const staleMs = this.host.staleAfterMs();
    const now = this.host.now();
    for (const detail of plan.legDetails) {
      const quote = this.host.quote(detail.symbol);
      if (!quote || now - quote.ts > staleMs) throw new CockpitError('STALE_QUOTES', `The quote for ${detail.symbol} is ${quote ? `${Math.round((now - quote.ts) / 1000)} s old` : 'missing'}: re-plan on fresh quotes.`);
      const leg = plan.legs.find((l) => l.symbol === detail.symbol)!;
      const touch = leg.side === 'BUY' ? quote.ask : quote.bid;
      const moved = detail.price > 0 ? Math.abs(touch - detail.price) / detail.price : Infinity;
      if (!(moved <= policy.priceTolerancePct)) {
        throw new CockpitError('QUOTES_MOVED', `${detail.symbol} moved ${(moved * 100).toFixed(2)}% since planning (${detail.price} → ${touch}; tolerance ${(policy.priceTolerancePct * 100).toFixed(2)}%): re-plan.`);
      }
    }
    for (const leg of plan.legs) {
      const verdict = this.host.gate({ symbol: leg.symbol, side: leg.side, qty: leg.qty, orderType: 'MARKET' });
      notional += verdict.estNotional;
      if (verdict.level === 'red') {
        const reasons = verdict.checks.filter((c) => c.level === 'red').map((c) => c.message).join(' ');
        throw new CockpitError('TICKET_RED', `The risk gate refuses ${leg.side} ${leg.qty} ${leg.symbol}: ${reasons}`, { checks: verdict.checks });
      }
    }
    const spent = this.notionalToday();
    if (spent + notional > policy.maxNotionalPerDay) {
      throw new CockpitError('HEDGE_NOTIONAL', `Hedges traded ${spent.toFixed(0)} notional today; this plan (${notional.toFixed(0)}) would pass the daily cap of ${policy.maxNotionalPerDay.toFixed(0)}.`);
    }
    return notional;
  }

  private notionalToday(): number {
    let total = 0;
    for (const run of this.repo.runsSince(this.host.dayStart())) if (run.execution) total += run.execution.notional;
    return total;
  }

  private sendLeg(run: HedgeRun, index: number): void {
    const execution = run.execution!;
    const legs = [...execution.legs];
    const leg = legs[index]!;
    const intent: OrderIntent = { symbol: leg.symbol, side: leg.side, qty: leg.qty, orderType: 'MARKET' };
    if (execution.mode !== undefined && this.host.mode() !== execution.mode) {
      // Approved in one mode, never sent in another.
      const why = `the mode is now ${this.host.mode()}, and the plan was approved in ${execution.mode}`;
      this.stop(run, index - 1, `${why}: leg ${index + 1} and later were not sent`, `not sent: ${why}`);
      return;
    }
    if (index > 0) {
      // Later legs are re-checked on fresh quotes before they go.
      const verdict = this.host.gate(intent);
      if (verdict.level === 'red') {
        const reasons = verdict.checks.filter((c) => c.level === 'red').map((c) => c.message).join(' ');
        legs[index] = { ...leg, status: 'failed', note: `refused by the gate on fresh quotes: ${reasons}` };
        this.stop({ ...run, execution: { ...execution, legs } }, index, `leg ${index + 1} (${leg.side} ${leg.qty} ${leg.symbol}) was refused by the gate on fresh quotes: ${reasons}`);
        return;
      }
    }
    const reason = `Hedge ${run.id}, leg ${index + 1}/${legs.length}: ${this.planOf(run, execution.planId).description}`;
    const sentMessage = `Executing: leg ${index + 1} of ${legs.length} sent.`;
    try {
      let order: Order;
      if (isPolicy(execution.actor)) {
        // Nobody reviews a policy's leg: ticket, approval and submission are one durable commit.
        const sent = this.host.submitByPolicy(intent, reason, execution.actor);
        order = sent.order;
        legs[index] = { ...leg, ticketId: sent.ticket.id, orderId: order.id, status: 'sent' };
        this.save({ ...run, execution: { ...execution, legs, message: sentMessage } });
      } else {
        const ticket = this.host.createTicket(intent, reason);
        legs[index] = { ...leg, ticketId: ticket.id, status: 'sent' };
        this.save({ ...run, execution: { ...execution, legs, message: sentMessage } });
        order = this.host.approveTicket(ticket, execution.actor);
        const sent = this.current!;
        const sentLegs = [...sent.execution!.legs];
        sentLegs[index] = { ...sentLegs[index]!, orderId: order.id };
        this.save({ ...sent, execution: { ...sent.execution!, legs: sentLegs } });
      }
      // A paper fill can arrive before the order id was recorded: look at the order now.
      const now = this.host.order(order.id);
      if (now) this.onOrder(now);
    } catch (error) {
      const latest = this.current!;
      const failedLegs = [...latest.execution!.legs];
      // A leg the gate refused under a policy still has its journaled (refused) ticket.
      const refused = error instanceof CockpitError ? (error.details as { ticketId?: unknown } | undefined)?.ticketId : undefined;
      const ticketId = typeof refused === 'string' ? { ticketId: refused } : {};
      failedLegs[index] = { ...failedLegs[index]!, ...ticketId, status: 'failed', note: (error as Error).message };
      this.stop({ ...latest, execution: { ...latest.execution!, legs: failedLegs } }, index, `leg ${index + 1} (${leg.side} ${leg.qty} ${leg.symbol}) could not be sent: ${(error as Error).message}`);
    }
  }

  private complete(run: HedgeRun): void {
    const execution = run.execution!;
    const plan = this.planOf(run, execution.planId);
    const done: HedgeRun = { ...run, status: 'executed', execution: { ...execution, finishedAt: this.host.now(), message: `Done: every leg of ${plan.description} filled.` } };
    this.save(done);
    this.host.riskEvent('info', 'HEDGE_EXECUTED', `Hedge ${run.id} executed (${execution.actor === AUTO_HEDGE_ACTOR ? 'approved by policy auto-hedge' : 'approved by the trader'}): ${plan.description}.`, plan.underlying);
    this.record(execution.actor, 'executed', run.id, plan.underlying, `Every leg filled: ${plan.description}.`);
  }

  /** A leg did not complete: later legs are skipped, the trader is told what was done and what was not. */
  private stop(run: HedgeRun, failedIndex: number, why: string, skipNote = 'not sent: an earlier leg did not complete'): void {
    const execution = run.execution!;
    const plan = this.planOf(run, execution.planId);
    const legs = execution.legs.map((l, i) => (i > failedIndex && l.status === 'waiting' ? { ...l, status: 'skipped' as const, note: skipNote } : l));
    const done = legs.filter((l) => l.status === 'filled' || l.filledQty > 0).map((l) => `${l.side} ${l.filledQty} ${l.symbol}`);
    // A leg already sent keeps working at its venue (a mode change does not cancel orders): it is followed until it ends.
    const working = legs.filter((l) => l.status === 'sent' && l.orderId !== null);
    for (const l of working) this.stillWorking.set(l.orderId!, run.id);
    const stillWorking = working.length ? ` Still working at the venue and may fill: ${working.map((l) => `${l.side} ${l.qty - l.filledQty} ${l.symbol}`).join(', ')}.` : '';
    const message = `Stopped: ${why}. ${done.length ? `Done: ${done.join(', ')}.` : 'Nothing was filled.'}${stillWorking} The book is ${done.length ? 'partly hedged' : working.length ? 'unchanged so far' : 'unchanged'}: re-plan.`;
    const stopped: HedgeRun = { ...run, status: done.length ? 'partial' : 'failed', execution: { ...execution, legs, finishedAt: this.host.now(), message } };
    this.save(stopped);
    this.host.riskEvent('warning', done.length ? 'HEDGE_PARTIAL' : 'HEDGE_FAILED', `Hedge ${run.id}: ${message}`, plan.underlying);
    this.record(execution.actor, done.length ? 'partial' : 'failed', run.id, plan.underlying, message);
  }

  /** A leg of a stopped plan that was still working moved on: the run says what it did, and turns partial once anything filled. */
  private onStoppedLeg(runId: string, order: Order): void {
    const run = this.run(runId);
    const execution = run.execution;
    const index = execution?.legs.findIndex((l) => l.orderId === order.id) ?? -1;
    if (!execution || index < 0) {
      this.stillWorking.delete(order.id);
      return;
    }
    const leg = execution.legs[index]!;
    const final = FINAL_ORDER.has(order.status);
    if (final) this.stillWorking.delete(order.id);
    if (order.filledQty === leg.filledQty && !final) return;
    const legs = [...execution.legs];
    legs[index] = {
      ...leg,
      filledQty: order.filledQty,
      ...(final ? { status: order.status === 'filled' ? ('filled' as const) : ('failed' as const), note: `${order.status} after the plan stopped${order.filledQty > 0 ? ` (${order.filledQty} of ${order.qty} filled)` : ''}` } : {}),
    };
    const plan = this.planOf(run, execution.planId);
    const filledNow = order.filledQty > leg.filledQty;
    const message = filledNow ? `${execution.message} Then leg ${index + 1} filled ${order.filledQty} of ${order.qty} ${order.symbol} after the stop: the book is partly hedged.` : execution.message;
    const status = legs.some((l) => l.filledQty > 0) ? 'partial' : run.status;
    this.repo.updateRun({ ...run, status, execution: { ...execution, legs, message } });
    if (this.current?.id === run.id) this.current = { ...run, status, execution: { ...execution, legs, message } };
    if (filledNow) {
      this.host.riskEvent('warning', 'HEDGE_PARTIAL', `Hedge ${run.id}: leg ${index + 1} (${leg.side} ${order.filledQty} ${order.symbol}) filled after the plan stopped; the book is partly hedged.`, plan.underlying);
      this.record(execution.actor, 'partial', run.id, plan.underlying, `Leg ${index + 1} (${leg.side} ${order.filledQty} ${order.symbol}) filled after the plan stopped.`);
    }
  }

  private finish(run: HedgeRun, status: HedgeRun['status'], note: string): void {
    this.save({ ...run, status, note });
  }

  private save(run: HedgeRun): void {
    this.repo.updateRun(run);
    if (!this.current || this.current.id === run.id) this.current = run;
  }

  private record(actor: string, action: string, runId: string | null, underlying: string | null, message: string): void {
    this.repo.log({ ts: this.host.now(), actor, action, runId, underlying, message });
  }

  private run(runId: string): HedgeRun {
    const run = this.current?.id === runId ? this.current : this.repo.getRun(runId);
    if (!run) throw new CockpitError('NOT_FOUND', `No hedge run ${runId}.`);
    return run;
  }

  private planOf(run: HedgeRun, planId: string): HedgePlan {
    const plan = run.result.plans.find((p) => p.id === planId);
    if (!plan) throw new CockpitError('NOT_FOUND', `Hedge run ${run.id} has no plan ${planId}.`);
    return plan;
  }

  private safeLatest(): HedgeRun | null {
    try {
      return this.repo.latestRun() ?? null;
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'the latest hedge run is unreadable; starting without it');
      return null;
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
