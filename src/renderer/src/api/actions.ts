// Every command the trader can trigger, wrapped: it goes to the current engine client, and
// the answer comes back as a toast in the engine's words (its messages are written for traders).
// Callers still get the Result to update local UI (e.g. close a dialog, clear a form).
import type { CockpitClient } from '../../../shared/api/client.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/api/result.js';
import type { OrderIntent, Ticket, TradingMode } from '../../../shared/domain.js';
import type { RiskLimits } from '../../../shared/risk.js';
import type { CockpitStore } from '../stores/cockpit-store.js';
import { pushToast, type ToastTimers } from '../stores/toasts.js';
import { formatNumber, formatQty } from '../lib/format.js';

export interface ActionsDeps {
  store: CockpitStore;
  getClient(): CockpitClient | null;
  timers?: ToastTimers;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "LMT 101.00", "STP 99.00", "STP 99.00 LMT 98.50", "MKT" — an order's type and prices, as blotters write them. */
export function describeOrderPrices(o: { orderType: OrderIntent['orderType']; limitPrice?: number | null | undefined; stopPrice?: number | null | undefined }): string {
  const stop = o.stopPrice === null || o.stopPrice === undefined ? '' : `STP ${formatNumber(o.stopPrice, 2)}`;
  const limit = o.limitPrice === null || o.limitPrice === undefined ? '' : `LMT ${formatNumber(o.limitPrice, 2)}`;
  switch (o.orderType) {
    case 'LIMIT':
      return limit || 'LMT';
    case 'STOP':
      return stop || 'STP';
    case 'STOP_LIMIT':
      return [stop || 'STP', limit || 'LMT'].join(' ');
    default:
      return 'MKT';
  }
}

export function describeIntent(intent: OrderIntent): string {
  const tif = intent.tif && intent.tif !== 'DAY' ? ` ${intent.tif}` : '';
  const rth = intent.outsideRth ? ' +ext hours' : '';
  return `${intent.side} ${formatQty(intent.qty)} ${intent.symbol} ${describeOrderPrices(intent)}${tif}${rth}`;
}

export function createActions(deps: ActionsDeps) {
  const toast = (kind: 'error' | 'info' | 'success', message: string, code?: string) =>
    pushToast(deps.store, code === undefined ? { kind, message } : { kind, message, code }, deps.timers);

  async function run<K extends CommandName>(
    cmd: K,
    req: CommandRequest<K>,
    describeSuccess: (value: CommandResponse<K>) => string | null,
  ): Promise<Result<CommandResponse<K>>> {
    const client = deps.getClient();
    if (!client) {
      const message = 'Not connected to the engine — the command was not sent. Wait for the reconnect and try again.';
      toast('error', message, 'DISCONNECTED');
      return { ok: false, error: { code: 'DISCONNECTED', message } };
    }
    const result = await client.call(cmd, req);
    if (result.ok) {
      const message = describeSuccess(result.value);
      if (message) toast('success', message);
    } else {
      toast('error', result.error.message, result.error.code);
    }
    return result;
  }

  /** A read the UI polls or previews with: no toasts (the panel shows its own error in place). */
  async function query<K extends CommandName>(cmd: K, req: CommandRequest<K>): Promise<Result<CommandResponse<K>>> {
    const client = deps.getClient();
    if (!client) return { ok: false, error: { code: 'DISCONNECTED', message: 'Not connected to the engine.' } };
    return client.call(cmd, req);
  }

  return {
    /** `confirm` must be the typed word `REAL` when switching to REAL. */
    setMode(mode: TradingMode, confirm?: string) {
      return run('mode.set', confirm === undefined ? { mode } : { mode, confirm }, (v) => `Trading mode is now ${v.mode}`);
    },

    activateKillSwitch() {
      return run(
        'killSwitch.activate',
        {},
        (v) =>
          `Kill switch: mode ${v.mode}, ${plural(v.cancelledOrders, 'order')} cancelled` +
          (v.cancelledTickets > 0 ? `, ${plural(v.cancelledTickets, 'ticket')} cancelled` : ''),
      );
    },

    createTicket(intent: OrderIntent, reason?: string) {
      return run(
        'ticket.create',
        reason === undefined ? { intent } : { intent, reason },
        (t) => `Ticket for ${describeIntent(t.intent)} created — checks ${t.verdict}`,
      );
    },

    approveTicket(ticket: Pick<Ticket, 'id' | 'contentHash'>) {
      return run(
        'ticket.approve',
        { ticketId: ticket.id, contentHash: ticket.contentHash },
        (v) => `Approved ${describeIntent(v.ticket.intent)} → order ${v.order.id} ${v.order.status.replace(/_/g, ' ')}`,
      );
    },

    rejectTicket(ticket: Pick<Ticket, 'id'>, reason?: string) {
      return run(
        'ticket.reject',
        reason === undefined ? { ticketId: ticket.id } : { ticketId: ticket.id, reason },
        (t) => `Rejected ticket ${describeIntent(t.intent)}`,
      );
    },

    cancelOrder(orderId: string) {
      return run('order.cancel', { orderId }, (o) => `Order ${o.id} (${o.side} ${formatQty(o.qty)} ${o.symbol}): ${o.status.replace(/_/g, ' ')}`);
    },

    /** Changes a working order's qty / limit / stop; the engine re-runs the risk gate first. */
    modifyOrder(orderId: string, change: { qty?: number; limitPrice?: number; stopPrice?: number }) {
      return run('order.modify', { orderId, ...change }, (o) => `Order ${o.id} modified: ${o.side} ${formatQty(o.qty)} ${o.symbol} ${describeOrderPrices(o)}`);
    },

    /** An order's event journal, oldest first (the history drawer). */
    orderEvents(orderId: string) {
      return query('order.events', { orderId });
    },

    /** What the gate would say about an intent; creates nothing, so no toast. */
    previewTicket(intent: OrderIntent) {
      return query('ticket.preview', { intent });
    },

    scenario(req: CommandRequest<'risk.scenario'>) {
      return query('risk.scenario', req);
    },

    valueAtRisk() {
      return query('risk.var', {});
    },

    getRiskLimits() {
      return query('risk.limits.get', {});
    },

    setRiskLimits(limits: RiskLimits) {
      return run('risk.limits.set', { limits }, () => 'Risk limits saved; the gate uses them from now on');
    },

    /** REDUCING / HALTED → ACTIVE; the engine re-arms the loss limits from the current NAV. */
    resetTradingState() {
      return run('risk.reset', {}, (v) => `Account is ${v.state}: loss limits re-armed from the current NAV`);
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
