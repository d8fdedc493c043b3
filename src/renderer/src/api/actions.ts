// The commands the trader triggers, as toasts: each goes through `callEngine` and its answer comes
// back as a toast in the engine's words (its messages are written for traders). Callers still get
// the Result to update local UI (e.g. close a dialog, clear a form). Silent reads do not belong
// here: they call `callEngine` / `useEngineQuery` directly and show their error in place.
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/api/result.js';
import type { OrderIntent, Ticket, TradingMode } from '../../../shared/domain.js';
import type { RiskLimits } from '../../../shared/risk.js';
import { cockpitStore } from '../stores/app-store.js';
import type { CockpitStore } from '../stores/cockpit-store.js';
import { pushToast, type ToastTimers } from '../stores/toasts.js';
import { formatNumber, formatQty } from '../lib/format.js';
import { callEngine, type CallOptions, type EngineCaller } from './call.js';

export interface ActionsDeps {
  store: CockpitStore;
  call: EngineCaller;
  timers?: ToastTimers;
}

export type ToastKind = 'error' | 'info' | 'success';

export interface SendOptions<K extends CommandName> extends CallOptions {
  /** The success toast, or null for none; failures are always toasted in the engine's words. */
  success?: (value: CommandResponse<K>) => string | null;
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
  const toast = (kind: ToastKind, message: string, code?: string) =>
    pushToast(deps.store, code === undefined ? { kind, message } : { kind, message, code }, deps.timers);

  /** Sends a command; a refusal (or no connection) becomes an error toast, success the `success` toast. */
  async function send<K extends CommandName>(cmd: K, req: CommandRequest<K>, options: SendOptions<K> = {}): Promise<Result<CommandResponse<K>>> {
    const { success, ...callOptions } = options;
    const result = await deps.call(cmd, req, callOptions);
    if (result.ok) {
      const message = success ? success(result.value) : null;
      if (message) toast('success', message);
    } else {
      toast('error', result.error.message, result.error.code);
    }
    return result;
  }

  const run = <K extends CommandName>(cmd: K, req: CommandRequest<K>, success: (value: CommandResponse<K>) => string | null) => send(cmd, req, { success });

  return {
    send,

    /** A toast of the page's own (e.g. what became of a hedge plan). */
    toast(kind: ToastKind, message: string) {
      toast(kind, message);
    },

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

/** The app's actions, on the live engine connection and the app's store. */
export const actions = createActions({ store: cockpitStore, call: callEngine });
