// The hedge flow end to end in Chromium against the headless host, on the demo portfolio (it
// starts with short-dated gamma over its 5% cap): the header badge, the breach and the proposed
// plan with its alternatives, the scenario grids before and after, approving in DRY_RUN (the legs
// become paper orders and the breach clears or shrinks), rejecting, OFF refusing, the auto-hedge
// policy form (field errors, round trip, persistence), an automatic hedge journaled as approved
// by the policy, and REAL through a FakeOpenD: approval asks for the account number.
import { createHash } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { FakeOpenD, REAL_ACC_ID } from '../src/main/brokers/futu/fake/server.js';
import { PROTO } from '../src/main/brokers/futu/proto.js';
import { expect, openCockpit, test, useFutuAccount } from './fixtures.js';

const PASSWORD = 'e2e-hedge-pw-7731';
const ACCOUNT = REAL_ACC_ID.toString();

async function openHedgePage(page: Page): Promise<void> {
  await page.getByTestId('nav-hedge').click();
  await expect(page.getByTestId('hedge-page')).toBeVisible();
}

/** The proposed plan of the current run, once the engine has planned on the breach. */
async function chosenPlan(page: Page): Promise<Locator> {
  const chosen = page.locator('[data-testid="hedge-plan"][data-chosen="true"]');
  await expect(chosen).toHaveCount(1, { timeout: 20_000 });
  return chosen;
}

const runIdOf = (page: Page) => page.getByTestId('hedge-page').getAttribute('data-run-id');

async function shortGammaUsage(page: Page): Promise<number> {
  await page.getByTestId('nav-risk').click();
  const gauge = page.locator('[data-testid="limit-gauge"][data-id="short.gamma"]');
  await expect(gauge).toHaveCount(1);
  return Number(await gauge.getAttribute('data-usage'));
}

test('a new user meets the hedge flow: badge, the short-dated gamma breach, a proposed plan and alternatives, scenarios before and after', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  const badge = page.getByTestId('hedge-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toHaveText(/^Hedge: \d+ breach(es)? →$/);
  await badge.click();
  await expect(page.getByTestId('hedge-page')).toBeVisible();
  await expect(page.getByTestId('nav-hedge')).toHaveAttribute('aria-current', 'page');

  // The breach the demo starts with: short-dated gamma, over its cap.
  const breach = page.locator('[data-testid="hedge-breach"][data-id="short.gamma"]');
  await expect(breach).toHaveCount(1, { timeout: 20_000 });
  expect(Number(await breach.getAttribute('data-usage'))).toBeGreaterThan(1);
  expect(Math.abs(Number(await breach.getAttribute('data-value')))).toBeGreaterThan(Number(await breach.getAttribute('data-limit')));
  await expect(page.getByTestId('hedge-run-status')).toHaveAttribute('data-status', 'proposed');

  // One proposed plan, feasible, with legs, Greeks before → after, a cost and a score; approvable.
  const chosen = await chosenPlan(page);
  await expect(chosen).toHaveAttribute('data-feasible', 'true');
  await expect(chosen.getByTestId('hedge-plan-leg')).not.toHaveCount(0);
  await expect(chosen.getByTestId('hedge-approve')).toBeEnabled();
  expect(Number(await chosen.getByTestId('hedge-plan-cost').getAttribute('data-value'))).toBeGreaterThan(0);
  expect(Number(await chosen.getByTestId('hedge-plan-score').getAttribute('data-value'))).toBeGreaterThan(0);
  // The short-dated bucket's gamma shrinks in absolute value after the plan.
  const shortGamma = async (when: 'before' | 'after') =>
    Number(await chosen.locator(`tr[data-scope="short"][data-when="${when}"] td[data-greek="gamma"] [data-value]`).getAttribute('data-value'));
  expect(Math.abs(await shortGamma('after'))).toBeLessThan(Math.abs(await shortGamma('before')));
  for (const key of ['halfSpread', 'commission', 'slippage', 'thetaCarryPerDay', 'cashImpact', 'marginImpact']) {
    expect(Number.isFinite(Number(await chosen.getByTestId(`hedge-cost-${key}`).getAttribute('data-value'))), key).toBe(true);
  }

  // Alternatives side by side; an infeasible one (if any) says why and cannot be approved.
  const plans = page.getByTestId('hedge-plan');
  expect(await plans.count()).toBeGreaterThan(1);
  const infeasible = page.locator('[data-testid="hedge-plan"][data-feasible="false"]');
  for (let i = 0; i < (await infeasible.count()); i++) {
    await expect(infeasible.nth(i).getByTestId('hedge-plan-reason')).toContainText(/Not usable: \S/);
    await expect(infeasible.nth(i).getByTestId('hedge-approve')).toBeDisabled();
  }

  // The scenario grid before and after the proposed plan: same grid shape, different P&L.
  // A breach re-plans in place every few seconds, and the grids are computed again: read both from one render.
  const grids = () =>
    page.getByTestId('hedge-page').evaluate((root) => {
      const read = (id: string) => [...root.querySelectorAll(`[data-testid="${id}"] [data-testid="scenario-cell"]`)].map((e) => Number(e.getAttribute('data-pnl')));
      return { before: read('hedge-scenario-before'), after: read('hedge-scenario-after') };
    });
  await expect.poll(async () => {
    const g = await grids();
    return g.before.length > 0 && g.after.length === g.before.length && g.after.some((pnl, i) => pnl !== g.before[i]);
  }).toBe(true);
  await expect(page.getByTestId('hedge-scenario-after')).toHaveAttribute('data-plan-id', (await chosen.getAttribute('data-plan-id'))!);

  // Choosing another plan shows its grid.
  const alternative = page.locator('[data-testid="hedge-plan"][data-chosen="false"]').first();
  const altId = (await alternative.getAttribute('data-plan-id'))!;
  await alternative.getByTestId('hedge-plan-select').click();
  await expect(page.getByTestId('hedge-scenario-after')).toHaveAttribute('data-plan-id', altId);
  await expect(alternative).toHaveAttribute('data-selected', 'true');
  await expect.poll(async () => {
    const g = await grids();
    return g.before.length > 0 && g.after.length === g.before.length;
  }).toBe(true);
  await page.screenshot({ path: 'test-results/hedge.png', fullPage: true });
});

test('approving the proposed plan in DRY_RUN sends its legs to the paper ledger and the breach shrinks', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await expect(page.getByTestId('trading-mode')).toHaveText('DRY_RUN');
  const usageBefore = await shortGammaUsage(page);
  expect(usageBefore).toBeGreaterThan(1);

  await openHedgePage(page);
  const chosen = await chosenPlan(page);
  const planId = (await chosen.getAttribute('data-plan-id'))!;
  const legs = await chosen.getByTestId('hedge-plan-leg').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-side')} ${e.getAttribute('data-qty')} ${e.getAttribute('data-symbol')}`));
  // By id: a re-plan in place may reorder the cards, never change what a plan id holds.
  await page.locator(`[data-testid="hedge-plan"][data-plan-id="${planId}"]`).getByTestId('hedge-approve').click();

  // Leg by leg through the gate to the paper ledger: the run ends executed, every leg filled.
  const execution = page.getByTestId('hedge-execution');
  await expect(execution).toHaveAttribute('data-plan-id', planId);
  await expect(page.getByTestId('hedge-run-status')).toHaveAttribute('data-status', 'executed', { timeout: 30_000 });
  const execLegs = page.getByTestId('hedge-exec-leg');
  await expect(execLegs).toHaveCount(legs.length);
  for (let i = 0; i < legs.length; i++) await expect(execLegs.nth(i)).toHaveAttribute('data-status', 'filled');
  await expect(page.getByTestId('hedge-exec-actor')).toHaveText('approved by you');
  await expect(page.locator('[data-testid="hedge-log-entry"][data-action="execute"]').first()).toContainText('Approved by the trader');
  const orderIds = await execLegs.evaluateAll((els) => els.map((e) => e.getAttribute('data-order-id')));

  // The orders are on the blotter, filled.
  await page.getByTestId('nav-cockpit').click();
  for (const id of orderIds) {
    expect(id).toBeTruthy();
    await expect(page.locator(`[data-testid="order-row"][data-order-id="${id}"]`)).toHaveAttribute('data-status', 'filled');
  }

  // The short-dated gamma breach cleared or at least shrank.
  await expect.poll(() => shortGammaUsage(page), { timeout: 15_000 }).toBeLessThan(usageBefore);
});

test('Reject marks the run rejected and sends nothing; Re-plan proposes again', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await openHedgePage(page);
  await chosenPlan(page);
  const runId = (await runIdOf(page))!;
  await page.getByTestId('hedge-reject').click();

  await expect(page.locator('[data-testid="toast"]', { hasText: 'Hedge plan rejected.' })).toBeVisible();
  const entry = page.locator(`[data-testid="hedge-log-entry"][data-action="reject"][data-run-id="${runId}"]`);
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Rejected: rejected in the cockpit');
  // Until the next breach re-plans, the page shows the run as rejected, and nothing can be approved in it.
  await expect
    .poll(async () => ((await runIdOf(page)) === runId ? await page.getByTestId('hedge-run-status').getAttribute('data-status') : 'newer run'))
    .toMatch(/^(rejected|newer run)$/);
  await expect(page.locator('[data-testid="hedge-log-entry"][data-action="execute"]')).toHaveCount(0);

  await page.getByTestId('hedge-replan').click();
  await expect.poll(() => runIdOf(page)).not.toBe(runId);
  await expect(page.getByTestId('hedge-run-status')).toHaveAttribute('data-status', 'proposed');
  await chosenPlan(page);

  // Nothing reached the blotter.
  await page.getByTestId('nav-cockpit').click();
  await expect(page.getByTestId('order-row')).toHaveCount(0);
});

test('OFF mode: switching cancels the DRY_RUN proposal with the reason, nothing is sent; OFF plans say why', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await openHedgePage(page);
  await chosenPlan(page);
  // The proposal on screen was planned and reviewed in DRY_RUN: switching mode cancels it, journaled with why.
  await page.getByTestId('mode-OFF').click();
  await expect(page.getByTestId('trading-mode')).toHaveText('OFF');
  await expect(page.getByTestId('hedge-mode-note')).toContainText('OFF');
  await expect(page.locator('[data-testid="hedge-log-entry"][data-action="cancel"]').first()).toContainText('the mode changed from DRY_RUN to OFF');
  await expect(page.getByTestId('hedge-execution')).toHaveCount(0);
  await expect(page.locator('[data-testid="hedge-log-entry"][data-action="execute"]')).toHaveCount(0);

  // Planned in OFF, no plan is feasible: each one carries the gate's reason and cannot be approved.
  await expect(page.getByTestId('hedge-no-feasible')).toBeVisible({ timeout: 20_000 });
  const plans = page.getByTestId('hedge-plan');
  expect(await plans.count()).toBeGreaterThan(0);
  for (let i = 0; i < (await plans.count()); i++) {
    await expect(plans.nth(i)).toHaveAttribute('data-feasible', 'false');
    await expect(plans.nth(i).getByTestId('hedge-plan-reason')).toContainText('Trading is OFF');
    await expect(plans.nth(i).getByTestId('hedge-approve')).toBeDisabled();
  }
  await page.getByTestId('nav-cockpit').click();
  await expect(page.getByTestId('order-row')).toHaveCount(0);
});

test('auto-hedge settings: field errors keep what was typed, a save round-trips and survives a restart', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await openHedgePage(page);
  const form = page.getByTestId('hedge-policy');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('hedge-policy-enabled')).not.toBeChecked(); // default off
  const save = page.getByTestId('hedge-policy-save');
  await expect(save).toBeDisabled(); // nothing changed yet

  await page.getByTestId('hedge-policy-maxNotionalPerDay').fill('250,000');
  await page.getByTestId('hedge-policy-cooldownSec').fill('2.5');
  await page.getByTestId('hedge-policy-priceTolerancePct').fill('30');
  await page.getByTestId('hedge-policy-weights-gamma').fill('2');
  await save.click();
  await expect(page.getByTestId('hedge-policy-cooldownSec-error')).toHaveText('A whole number.');
  await expect(page.getByTestId('hedge-policy-priceTolerancePct-error')).toHaveText('At most 20%.');
  // Nothing lost: the valid fields keep their text.
  await expect(page.getByTestId('hedge-policy-maxNotionalPerDay')).toHaveValue('250,000');
  await expect(page.getByTestId('hedge-policy-weights-gamma')).toHaveValue('2');

  await page.getByTestId('hedge-policy-cooldownSec').fill('600');
  await page.getByTestId('hedge-policy-priceTolerancePct').fill('1.5');
  await page.getByTestId('hedge-policy-scheduleSec').fill('0');
  await save.click();
  await expect(page.locator('[data-testid="toast"]', { hasText: 'Auto-hedge settings saved' })).toBeVisible();
  await expect(page.getByTestId('hedge-policy-cooldownSec-error')).toHaveCount(0);
  await expect(save).toBeDisabled();

  const expectSaved = async () => {
    await expect(page.getByTestId('hedge-policy-maxNotionalPerDay')).toHaveValue('250000');
    await expect(page.getByTestId('hedge-policy-cooldownSec')).toHaveValue('600');
    await expect(page.getByTestId('hedge-policy-priceTolerancePct')).toHaveValue('1.5');
    await expect(page.getByTestId('hedge-policy-weights-gamma')).toHaveValue('2');
    await expect(page.getByTestId('hedge-policy-enabled')).not.toBeChecked();
  };
  await expectSaved();
  await cockpit.restart();
  await openCockpit(page, cockpit.url);
  await openHedgePage(page);
  await expectSaved();
});

test('auto-hedge on: the policy executes the proposed plan and the log says it was approved by policy auto-hedge', async ({ page, cockpit }) => {
  await openCockpit(page, cockpit.url);
  await openHedgePage(page);
  await chosenPlan(page);
  await page.getByTestId('hedge-policy-enabled').check();
  await page.getByTestId('hedge-policy-save').click();
  await expect(page.getByTestId('hedge-policy')).toHaveAttribute('data-enabled', 'true');
  await expect(page.locator('[data-testid="hedge-log-entry"][data-action="policy.enabled"]')).toHaveCount(1);

  // The next breach tick hands the proposal to the policy: executed without a click, and said so.
  const auto = page.locator('[data-testid="hedge-log-entry"][data-actor="policy:auto-hedge"][data-action="execute"]');
  await expect(auto.first()).toBeVisible({ timeout: 30_000 });
  await expect(auto.first().getByTestId('hedge-log-message')).toContainText(/approved by policy auto-hedge/i);
  await expect(page.locator('[data-testid="hedge-exec-actor"][data-actor="policy:auto-hedge"]')).toHaveText('approved by policy auto-hedge', { timeout: 15_000 });
});

test('REAL: approving asks for the broker account number, and only that number sends the hedge to OpenD', async ({ page, cockpit }) => {
  const fake = new FakeOpenD({ tradePasswordMd5: createHash('md5').update(PASSWORD).digest('hex'), keepAliveIntervalSec: 1 });
  const { port } = await fake.start();
  // The gate and the guard refuse stale quotes: the broker keeps quoting AAPL.
  const quoting = setInterval(() => fake.setQuote('AAPL', { bid: 229.99, ask: 230.01, last: 230 }), 500);
  try {
    await openCockpit(page, cockpit.url);
    await useFutuAccount(page, { port, account: ACCOUNT, password: PASSWORD });

    // 100 AAPL is about 8% of this account's NAV in cash delta: a 5% portfolio delta cap breaches it.
    await page.getByTestId('nav-risk').click();
    await page.getByTestId('limit-portfolio.deltaPctNav').fill('5');
    await page.getByTestId('risk-save').click();
    await expect(page.getByTestId('risk-settings-status')).toHaveText(/Saved/);

    await page.getByTestId('mode-REAL').click();
    await page.getByTestId('confirm-real-input').fill(ACCOUNT);
    await page.getByTestId('confirm-real-ok').click();
    await expect(page.getByTestId('trading-mode')).toHaveText(/REAL/);

    await openHedgePage(page);
    // With a broker account in use the simulated market's clock stops, and with it the breach
    // re-planning: the trader plans on demand.
    await page.getByTestId('hedge-replan').click();
    await expect(page.locator('[data-testid="toast"]', { hasText: /^Re-planned: 1 breach/ })).toBeVisible();
    await expect(page.locator('[data-testid="hedge-breach"][data-id="portfolio.delta"]')).toHaveCount(1, { timeout: 20_000 });
    const chosen = await chosenPlan(page);
    const planId = (await chosen.getAttribute('data-plan-id'))!;
    const leg = chosen.getByTestId('hedge-plan-leg').first();
    await expect(leg).toHaveAttribute('data-symbol', 'AAPL');
    await expect(leg).toHaveAttribute('data-side', 'SELL');
    await page.locator(`[data-testid="hedge-plan"][data-plan-id="${planId}"]`).getByTestId('hedge-approve').click();

    // The dialog names the account; nothing but its number confirms, and nothing is sent before.
    const dialog = page.getByTestId('hedge-confirm');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('hedge-confirm-account')).toContainText(ACCOUNT);
    await page.getByTestId('hedge-confirm-input').fill('REAL');
    await expect(page.getByTestId('hedge-confirm-ok')).toBeDisabled();
    expect(fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(0);
    await page.getByTestId('hedge-confirm-input').fill(ACCOUNT);
    await page.getByTestId('hedge-confirm-ok').click();
    await expect(dialog).toBeHidden();

    await expect(page.getByTestId('hedge-execution')).toHaveAttribute('data-plan-id', planId);
    await expect(page.getByTestId('hedge-exec-leg').first()).toHaveAttribute('data-status', 'filled', { timeout: 30_000 });
    expect(fake.requestsOf(PROTO.TrdPlaceOrder)).toHaveLength(1);
    expect(fake.account(REAL_ACC_ID).positions.get('AAPL')?.qty).toBeLessThan(100);
  } finally {
    clearInterval(quoting);
    await fake.stop();
  }
});
