// Approvals bound to REAL, end to end on a Futu REAL account through the fake OpenD (the real wire
// protocol on loopback): a ticket reviewed in DRY_RUN never becomes an order in REAL; a REAL hedge
// names the account by its number, checked by the engine, not the UI; auto-hedge in REAL takes the
// same confirmation and never survives a restart; REAL is refused while Futu's trade unlock failed.
// What reaches the broker is counted at the fake (its recorded PlaceOrder requests). "Nothing was
// sent" is proven by order, never by waiting: a later order that must go is sent on the same
// connection, and it is the first PlaceOrder the fake sees.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTO_HEDGE_POLICY } from '../../shared/hedge.js';
import { PROTO } from '../brokers/futu/proto.js';
import { ACCOUNT, LABEL, PASSWORD, useFutuAccount } from './futu-account.testing.js';
import { waitFor } from './testing.js';

const futu = useFutuAccount({ tempPrefix: 'deltadeck-real-approvals-' });
const { call, refused, placeOrders } = futu;

/** Saves and connects the fake's REAL account with this trade password, then uses it for trading. */
async function useFutu(tradePassword = PASSWORD): Promise<string> {
  const { id } = await futu.useFutu(tradePassword);
  await waitFor(() => (futu.mirror.current.broker.kind === 'live' && futu.mirror.current.account.id.startsWith('paper:')) || undefined, 'the broker account in use');
  return id;
}

const remarks = () => placeOrders().map((r) => (r.c2s as { remark?: string }).remark);
const ticketOf = (id: string) => futu.mirror.current.tickets.find((t) => t.id === id);

/** A limit far below the market (~230): it works at the broker and never fills. */
const restingBuy = { symbol: 'AAPL', side: 'BUY', qty: 1, orderType: 'LIMIT', limitPrice: 100 } as const;

/** Tight exposure limits on every tier: the account's AAPL (100 shares, short calls) breaches its tier. */
async function tightTiers(): Promise<void> {
  const limits = await call('risk.limits.get', {});
  const tight = { maxExposureNotional: 1_000 };
  await call('risk.limits.set', { limits: { ...limits, tiers: { T1: { ...limits.tiers.T1, ...tight }, T2: { ...limits.tiers.T2, ...tight }, T3: { ...limits.tiers.T3, ...tight } } } });
}

describe('tickets are bound to the mode they were reviewed in', () => {
  it('a ticket reviewed in DRY_RUN is cancelled by the switch to REAL, with the reason; approving it is refused and nothing reaches the broker', async () => {
    await useFutu();
    const reviewed = await call('ticket.create', { intent: restingBuy });
    expect(reviewed.status).toBe('pending');
    expect(reviewed.context).toEqual({ mode: 'DRY_RUN', venue: 'sim', accountId: expect.stringMatching(/^paper:/) });

    expect(await call('mode.set', { mode: 'REAL', confirm: ACCOUNT })).toEqual({ mode: 'REAL' });
    const error = await refused('ticket.approve', { ticketId: reviewed.id, contentHash: reviewed.contentHash });
    expect(error.code).toBe('TICKET_NOT_PENDING');
    const cancelled = await waitFor(() => (ticketOf(reviewed.id)?.status === 'cancelled' ? ticketOf(reviewed.id) : undefined), 'the ticket shown cancelled');
    expect(cancelled.statusReason).toBe('the mode changed from DRY_RUN to REAL');
    const raised = await waitFor(() => futu.mirror.current.riskEvents.find((e) => e.code === 'APPROVALS_CANCELLED'), 'the cancellation raised');
    expect(raised.message).toMatch(/^1 pending ticket\(s\) cancelled: the mode changed from DRY_RUN to REAL\./);

    // A ticket reviewed in REAL does go — and it is the first order OpenD ever sees: the refused approval sent nothing before it.
    const real = await call('ticket.create', { intent: restingBuy });
    expect(real.context).toMatchObject({ mode: 'REAL', accountId: expect.stringMatching(/^live:/) });
    const { order } = await call('ticket.approve', { ticketId: real.id, contentHash: real.contentHash });
    await waitFor(() => placeOrders().length > 0 || undefined, 'the REAL order at OpenD');
    expect(remarks()).toEqual([order.clientOrderId]);
  });

  it('a ticket reviewed in REAL cannot be approved after a restart (the engine comes back in DRY_RUN): refused as checked for another context, cancelled, not sent', async () => {
    await useFutu();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const reviewed = await call('ticket.create', { intent: restingBuy });
    expect(reviewed.context).toMatchObject({ mode: 'REAL' });
    // Restart with OpenD gone: the account cannot be used again, so nothing else cancels the ticket first.
    await futu.reopen(() => futu.fake.stop());
    expect(futu.mirror.current.mode).toBe('DRY_RUN');
    expect(ticketOf(reviewed.id)?.status).toBe('pending');

    const error = await refused('ticket.approve', { ticketId: reviewed.id, contentHash: reviewed.contentHash });
    expect(error.code).toBe('TICKET_CONTEXT_CHANGED');
    expect(error.message).toMatch(/^This ticket was cancelled, not sent: it was checked for REAL on .*, and trading is now DRY_RUN on sim/);
    expect(error.details).toMatchObject({ reviewed: { mode: 'REAL' }, current: { mode: 'DRY_RUN', venue: 'sim' } });
    await waitFor(() => ticketOf(reviewed.id)?.status === 'cancelled' || undefined, 'the ticket shown cancelled');
    expect(futu.mirror.current.orders).toEqual([]);
    expect(placeOrders()).toEqual([]);
  });
});

describe('a hedge in REAL names the account', () => {
  it('hedge.execute without the account number, or with a wrong one, is refused by the engine and sends nothing; with it, the first leg goes to the broker', async () => {
    await useFutu();
    await tightTiers();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const run = await call('hedge.runOnce', { underlying: 'AAPL' });
    expect(run.result.chosen).not.toBeNull();
    const plan = run.result.plans[run.result.chosen!]!;

    for (const confirm of [undefined, '', 'REAL', '12345']) {
      const error = await refused('hedge.execute', { runId: run.id, planId: plan.id, ...(confirm === undefined ? {} : { confirm }) });
      expect(error.code).toBe('CONFIRMATION_REQUIRED');
      expect(error.message).toContain(ACCOUNT);
      expect(error.details).toEqual({ accountId: ACCOUNT, label: LABEL });
    }
    expect(futu.engine.hedge.currentRun()).toMatchObject({ id: run.id, status: 'proposed', execution: null });
    expect(futu.mirror.current.tickets.filter((t) => t.source === 'hedge')).toEqual([]);

    const executing = await call('hedge.execute', { runId: run.id, planId: plan.id, confirm: ` ${ACCOUNT} ` });
    expect(executing.execution).toMatchObject({ mode: 'REAL', actor: 'user' });
    const orderId = await waitFor(() => futu.engine.hedge.currentRun()?.execution?.legs[0]?.orderId ?? undefined, 'the first leg sent');
    const order = await waitFor(() => futu.mirror.current.orders.find((o) => o.id === orderId), 'the leg on the blotter');
    await waitFor(() => placeOrders().length > 0 || undefined, 'the leg at OpenD');
    // The first PlaceOrder OpenD saw is the hedge's first leg: none of the refused attempts sent anything.
    expect(remarks()[0]).toBe(order.clientOrderId);
    expect(placeOrders()[0]!.c2s).toMatchObject({ qty: plan.legs[0]!.qty });
  });

  it('a hedge leg the broker rejects stops the plan as failed, with the broker’s reason', async () => {
    await useFutu();
    await tightTiers();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const run = await call('hedge.runOnce', { underlying: 'AAPL' });
    const plan = run.result.plans[run.result.chosen!]!;
    // The broker account's AAPL plans are single legs (sell shares); the paper venue cannot reject a hedge leg at all (see hedge/guards.test.ts).
    expect(plan.legs).toHaveLength(1);
    futu.fake.failNext(PROTO.TrdPlaceOrder, 'Insufficient buying power', { retType: -1 });
    await call('hedge.execute', { runId: run.id, planId: plan.id, confirm: ACCOUNT });

    const stopped = await waitFor(() => {
      const r = futu.engine.hedge.currentRun();
      return r?.id === run.id && r.status !== 'executing' ? r : undefined;
    }, 'the plan to stop');
    expect(stopped.status).toBe('failed');
    const [first] = stopped.execution!.legs;
    expect(first).toMatchObject({ status: 'failed', filledQty: 0 });
    expect(first!.note).toMatch(/^rejected: .*Insufficient buying power/);
    expect(stopped.execution!.message).toMatch(/^Stopped: leg 1 \(.+\) rejected: .*Insufficient buying power.*Nothing was filled\. The book is unchanged: re-plan\.$/);
    expect((await call('order.events', { orderId: first!.orderId! })).at(-1)?.toStatus).toBe('rejected');
    const event = await waitFor(() => futu.mirror.current.riskEvents.find((e) => e.code === 'HEDGE_FAILED'), 'the failure raised');
    expect(event.message).toContain(run.id);
    // Exactly the one (refused) attempt reached OpenD.
    expect(placeOrders()).toHaveLength(1);
  });
});

describe('auto-hedge in REAL', () => {
  const enabled = { ...DEFAULT_AUTO_HEDGE_POLICY, enabled: true };
  const log = () => futu.engine.hedge.logEntries(50);

  it('enabling it in REAL takes the account number', async () => {
    await useFutu();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    for (const confirm of [undefined, 'REAL', '12345']) {
      const error = await refused('hedge.policy.set', { policy: enabled, ...(confirm === undefined ? {} : { confirm }) });
      expect(error.code).toBe('CONFIRMATION_REQUIRED');
      expect(error.message).toMatch(new RegExp(`hedge orders to ${LABEL}, account ${ACCOUNT}, without asking`));
      expect(error.details).toEqual({ accountId: ACCOUNT, label: LABEL });
    }
    expect((await call('hedge.policy.get', {})).enabled).toBe(false);
    expect(log().filter((e) => e.action.startsWith('policy.'))).toEqual([]);

    expect(await call('hedge.policy.set', { policy: enabled, confirm: ACCOUNT })).toEqual(enabled);
    expect((await call('hedge.policy.get', {})).enabled).toBe(true);
    const consent = log().find((e) => e.action === 'policy.real');
    expect(consent?.message).toBe(`Auto-hedge may trade ${LABEL}, account ${ACCOUNT}, in REAL (confirmed with the account number).`);
    expect(log().some((e) => e.action === 'policy.enabled')).toBe(true);
  });

  it('enabled in DRY_RUN, the switch to REAL (with the account number) arms it for that account', async () => {
    await useFutu();
    expect(await call('hedge.policy.set', { policy: enabled })).toEqual(enabled);
    expect(log().some((e) => e.action === 'policy.real')).toBe(false);
    // The switch itself still takes the number.
    expect((await refused('mode.set', { mode: 'REAL', confirm: 'REAL' })).code).toBe('CONFIRMATION_REQUIRED');
    expect(log().some((e) => e.action === 'policy.real')).toBe(false);

    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    const armed = log().find((e) => e.action === 'policy.real');
    expect(armed).toMatchObject({ actor: 'user', message: `REAL switched on with auto-hedge enabled: it may trade account ${ACCOUNT} (confirmed with the account number).` });
    // Armed: changing the policy again in REAL needs no second confirmation.
    expect(await call('hedge.policy.set', { policy: { ...enabled, cooldownSec: 600 } })).toMatchObject({ enabled: true, cooldownSec: 600 });
  });

  it('after a restart of an engine that was in REAL, it comes back in DRY_RUN with auto-hedge disabled, and the hedge log says why', async () => {
    await useFutu();
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    await call('hedge.policy.set', { policy: enabled, confirm: ACCOUNT });

    await futu.reopen();
    expect(futu.mirror.current.mode).toBe('DRY_RUN');
    expect(await call('hedge.policy.get', {})).toEqual({ ...enabled, enabled: false });
    const why = log().find((e) => e.action === 'policy.disabled');
    expect(why).toMatchObject({ actor: 'system', message: 'Auto-hedge was on in REAL when the engine stopped; it comes back disabled, like REAL. Enable it again to use it.' });

    // Back in REAL, enabling it again takes the number again: the consent did not survive either.
    await waitFor(() => futu.mirror.current.broker.kind === 'live' || undefined, 'the account used again after the restart', 10_000);
    await call('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    expect((await refused('hedge.policy.set', { policy: enabled })).code).toBe('CONFIRMATION_REQUIRED');
  });

  it('a restart of an engine that was in DRY_RUN keeps auto-hedge as it was', async () => {
    await useFutu();
    await call('hedge.policy.set', { policy: enabled });
    await futu.reopen();
    expect(await call('hedge.policy.get', {})).toEqual(enabled);
    expect(log().some((e) => e.action === 'policy.disabled')).toBe(false);
  });
});

describe('REAL while the broker refuses trades', () => {
  it('a refused trade unlock locks trading: REAL is refused with TRADE_LOCKED and the cockpit says why; the right password unlocks it', async () => {
    const id = await useFutu('not-the-password');
    const locked = await waitFor(() => futu.mirror.current.broker.tradeLocked, 'the lock on the cockpit');
    expect(locked).toMatch(/password|unlock/i);
    expect(futu.mirror.current.broker).toMatchObject({ kind: 'live', connection: 'connected', accountId: ACCOUNT });

    const error = await refused('mode.set', { mode: 'REAL', confirm: ACCOUNT });
    expect(error.code).toBe('TRADE_LOCKED');
    expect(error.message).toBe(`REAL trading is refused: ${LABEL} does not accept trades — ${locked}`);
    expect(futu.mirror.current.mode).toBe('DRY_RUN');
    expect((await call('state.get', {})).mode).toBe('DRY_RUN');
    expect(placeOrders()).toEqual([]);

    // The lock is the failed unlock, nothing else: stored again with the right password, REAL is accepted.
    await call('brokers.save', { id, venue: 'futu', label: LABEL, host: '127.0.0.1', port: futu.port, env: 'REAL', accountId: ACCOUNT, secrets: { tradePassword: PASSWORD } });
    await waitFor(() => futu.engine.brokers.connection(id), 'the reconnect after the edit');
    await call('brokers.use', { id });
    await waitFor(() => (futu.mirror.current.broker.kind === 'live' && futu.mirror.current.broker.connection === 'connected' && !futu.mirror.current.broker.tradeLocked) || undefined, 'the unlocked account in use');
    expect(await call('mode.set', { mode: 'REAL', confirm: ACCOUNT })).toEqual({ mode: 'REAL' });
  });

  it('OpenD refusing the unlock (right password) locks trading the same way', async () => {
    futu.fake.refuseUnlock();
    await useFutu();
    const locked = await waitFor(() => futu.mirror.current.broker.tradeLocked, 'the lock on the cockpit');
    expect((await refused('mode.set', { mode: 'REAL', confirm: ACCOUNT })).code).toBe('TRADE_LOCKED');
    expect(futu.engine.snapshot().broker.tradeLocked).toBe(locked);
    expect(futu.mirror.current.mode).toBe('DRY_RUN');
  });
});
