// Command handlers: one per command of the contract, each given its already-validated request.
import type { z } from 'zod';
import type { CommandName, CommandResponse, Commands } from '../../shared/api/contract.js';
import type { Engine } from './engine.js';
import { ENGINE_VERSION } from './engine.js';

export type Handlers = {
  [K in CommandName]: (req: z.output<Commands[K]['request']>) => CommandResponse<K> | Promise<CommandResponse<K>>;
};

export function createHandlers(engine: Engine): Handlers {
  return {
    ping: () => ({ ts: Date.now(), version: ENGINE_VERSION }),
    'state.get': () => engine.snapshot(),
    'mode.set': (req) => ({ mode: engine.setMode(req.mode, req.confirm) }),
    'killSwitch.activate': () => engine.activateKillSwitch(),
    'ticket.create': (req) => engine.createTicket(req.intent, req.reason),
    'ticket.approve': (req) => engine.approveTicket(req.ticketId, req.contentHash),
    'ticket.reject': (req) => engine.rejectTicket(req.ticketId, req.reason),
    'order.cancel': (req) => engine.cancelOrder(req.orderId),
    'order.modify': ({ orderId, ...change }) => engine.modifyOrder(orderId, change),
    'order.events': (req) => engine.orderEvents(req.orderId),
    'equity.history': (req) => engine.equityHistory(req.sinceTs ?? 0, req.maxPoints ?? 5_000),
    'fills.list': (req) => engine.fills(req.limit ?? 500),
    'riskEvents.list': (req) => engine.riskEvents(req.limit ?? 300),
    'ticket.preview': (req) => engine.previewTicket(req.intent),
    'risk.limits.get': () => engine.riskLimits(),
    'risk.limits.set': (req) => engine.setRiskLimits(req.limits),
    'risk.reset': () => ({ state: engine.resetTradingState() }),
    'risk.scenario': (req) => engine.scenario(req),
    'risk.var': () => engine.valueAtRisk(),
    'backtest.sources': () => engine.backtests.sources(),
    'backtest.strategies': () => engine.backtests.strategies(),
    'backtest.start': (req) => engine.backtests.start(req),
    'backtest.sweep': (req) => engine.backtests.sweep(req),
    'backtest.job': (req) => engine.backtests.job(req.jobId),
    'backtest.runs': (req) => engine.backtests.runs(req.limit ?? 200),
    'backtest.run': (req) => engine.backtests.run(req.runId),
    'backtest.delete': (req) => engine.backtests.deleteRun(req.runId),
    'backtest.export': (req) => engine.backtests.exportCsv(req.runId, req.kind),
    'brokers.list': () => engine.brokers.list(),
    'brokers.save': (req) => engine.brokers.save(req),
    'brokers.remove': (req) => engine.removeBroker(req.id),
    'brokers.connect': (req) => engine.brokers.connect(req.id),
    'brokers.disconnect': (req) => engine.brokers.disconnect(req.id),
    'brokers.use': (req) => engine.useBroker(req.id),
    'brokers.used': () => engine.usedBroker(),
    'account.resetPaper': () => engine.resetPaperToBroker(),
    'hedge.current': () => engine.hedge.currentRun(),
    'hedge.runOnce': (req) => engine.hedge.runOnce('manual', req.underlying),
    'hedge.execute': (req) => engine.hedge.execute(req.runId, req.planId, req.confirm),
    'hedge.reject': (req) => engine.hedge.reject(req.runId, req.reason),
    'hedge.scenario': (req) => engine.hedge.scenario(req.runId, req.planId),
    'hedge.policy.get': () => engine.hedge.policy(),
    'hedge.policy.set': (req) => engine.hedge.setPolicy(req.policy, req.confirm),
    'hedge.log': (req) => engine.hedge.logEntries(req.limit),
  };
}
