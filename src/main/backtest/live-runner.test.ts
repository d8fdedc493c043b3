import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { BacktestConfig } from '../../shared/backtest.js';
import { DEFAULT_RISK_LIMITS } from '../../shared/risk.js';
import type { CockpitClient } from '../../shared/api/client.js';
import type { Engine } from '../engine/engine.js';
import { connect, makeTempDir, openTestEngine, waitFor } from '../engine/testing.js';
import { runBacktest } from './backtester.js';
import { loadBarFile } from './csv-bars.js';
import { LiveStrategyRunner } from './live-runner.js';
import { createStrategy } from './strategies/index.js';
import type { OrderClosed, Strategy, StrategyBar, StrategyContext, StrategyFill, StrategyQuote } from './strategy.js';

/**
 * Wraps a strategy and records what it does, without changing it: the orders it sends (with the
 * bar they were sent on) and the fills and closures it is told about.
 */
class Recorder implements Strategy {
  readonly name: string;
  bar = -1;
  readonly sent: { bar: number; side: string; qty: number; id: string | null }[] = [];
  readonly fills: StrategyFill[] = [];
  readonly closed: OrderClosed[] = [];
  readonly bars: StrategyBar[] = [];
  readonly quotes: StrategyQuote[] = [];

  constructor(private readonly inner: Strategy) {
    this.name = inner.name;
  }

  onBar(bar: StrategyBar, ctx: StrategyContext): void {
    this.bar++;
    this.bars.push({ ...bar });
    this.inner.onBar(bar, {
      position: (s) => ctx.position(s),
      openOrders: (s) => ctx.openOrders(s),
      cash: () => ctx.cash(),
      cancel: (id) => ctx.cancel(id),
      submit: (order) => {
        const id = ctx.submit(order);
        this.sent.push({ bar: this.bar, side: order.side, qty: order.qty, id });
        return id;
      },
    });
  }

  onQuote(quote: StrategyQuote): void {
    this.quotes.push({ ...quote });
  }

  onFill(fill: StrategyFill, ctx: StrategyContext): void {
    this.fills.push({ ...fill });
    this.inner.onFill?.(fill, ctx);
  }

  onOrderClosed(event: OrderClosed, ctx: StrategyContext): void {
    this.closed.push(event);
    this.inner.onOrderClosed?.(event, ctx);
  }
}

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: CockpitClient;
let runner: LiveStrategyRunner | undefined;

beforeEach(async () => {
  tmp = makeTempDir();
  engine = await openTestEngine(tmp.dir);
  client = connect(engine);
});

afterEach(async () => {
  runner?.stop();
  client.close();
  await engine.close();
  tmp.remove();
});

const barsOf = (symbol: string) => loadBarFile(fileURLToPath(new URL('./fixtures/orcl-2014.csv', import.meta.url)), { symbol });

describe('one strategy, backtest and live', () => {
  it('the same sma-cross code sends the same orders in the backtester and through the engine’s tickets', async () => {
    // QQQ: the demo book holds none of it, so both start flat.
    const series = barsOf('QQQ');
    const params = { period: 5, size: 3 };

    const inBacktest = new Recorder(createStrategy('sma-cross', params));
    runBacktest(series, inBacktest, BacktestConfig.parse({ cash: 100_000 }));
    expect(inBacktest.sent.length).toBeGreaterThan(10);

    // The replay sends an order every few bars within one simulated minute; the gate's default of
    // 10 orders a minute would (rightly) stop it, so this test raises that one limit.
    await client.invoke('risk.limits.set', { limits: { ...DEFAULT_RISK_LIMITS, account: { ...DEFAULT_RISK_LIMITS.account, maxOrdersPerMinute: 10_000 } } });
    const live = new Recorder(createStrategy('sma-cross', params));
    runner = new LiveStrategyRunner(engine, live, { symbol: 'QQQ' });
    runner.start();
    for (let i = 0; i < series.length; i++) {
      const sentBefore = live.sent.length;
      runner.pushBar({ symbol: 'QQQ', time: series.time[i]!, open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]!, volume: series.volume[i]! });
      if (live.sent.length === sentBefore) continue;
      const { id, side, qty } = live.sent.at(-1)!;
      expect(id).not.toBeNull();
      // The intent became a ticket like any other: source strategy, pre-trade checks, awaiting approval.
      const ticket = (await client.invoke('state.get', {})).tickets.find((t) => t.id === id)!;
      expect(ticket).toMatchObject({ source: 'strategy', status: 'pending', intent: { symbol: 'QQQ', side, qty, orderType: 'MARKET' } });
      expect(ticket.reason).toMatch(/^sma-cross: close crossed/);
      expect(ticket.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['mode', 'quote', 'cash']));
      expect(runner.openOrders('QQQ')).toBe(1);
      if (i + 1 === series.length) break; // the backtest never fills an order sent on the last bar
      // A trader approves it; the paper ledger fills it; the strategy hears of the fill.
      const position = runner.position('QQQ');
      await client.invoke('ticket.approve', { ticketId: ticket.id, contentHash: ticket.contentHash });
      await waitFor(() => live.fills.some((f) => f.orderId === id), `the fill of ${id}`);
      await waitFor(() => runner!.openOrders('QQQ') === 0 && runner!.position('QQQ') === position + (side === 'BUY' ? qty : -qty), 'the position');
    }
    expect(live.sent.map(({ bar, side, qty }) => ({ bar, side, qty }))).toEqual(inBacktest.sent.map(({ bar, side, qty }) => ({ bar, side, qty })));
    const fills = await client.invoke('fills.list', {});
    expect(fills.filter((f) => f.symbol === 'QQQ')).toHaveLength(live.fills.length);
  });

  it('a rejected ticket, OFF mode and stop orders come back to the strategy as closed orders', async () => {
    const strategy = new Recorder({ name: 'probe', onBar: () => undefined });
    runner = new LiveStrategyRunner(engine, strategy, { symbol: 'QQQ' });
    runner.start();
    const id = runner.submit({ symbol: 'QQQ', side: 'BUY', qty: 1, type: 'LIMIT', price: 1, reason: 'probe' })!;
    expect(runner.openOrders('QQQ')).toBe(1);
    await client.invoke('ticket.reject', { ticketId: id, reason: 'not today' });
    await waitFor(() => strategy.closed.length === 1, 'the closure');
    expect(strategy.closed[0]).toEqual({ orderId: id, symbol: 'QQQ', status: 'rejected', reason: 'ticket rejected' });
    expect(runner.openOrders('QQQ')).toBe(0);

    expect(runner.submit({ symbol: 'QQQ', side: 'BUY', qty: 1, type: 'STOP', price: 1 })).toBeNull();
    expect(strategy.closed[1]).toMatchObject({ status: 'rejected', reason: /stop orders are not supported/ });

    await client.invoke('mode.set', { mode: 'OFF' });
    expect(runner.submit({ symbol: 'QQQ', side: 'BUY', qty: 1, type: 'MARKET' })).toBeNull();
    expect(strategy.closed[2]).toMatchObject({ status: 'rejected', reason: /Trading is OFF/ });
  });

  it('the strategy cancels its own working order through the OMS', async () => {
    const strategy = new Recorder({ name: 'probe', onBar: () => undefined });
    runner = new LiveStrategyRunner(engine, strategy, { symbol: 'QQQ' });
    runner.start();
    const quote = (await client.invoke('state.get', {})).quotes.QQQ!;
    const id = runner.submit({ symbol: 'QQQ', side: 'BUY', qty: 1, type: 'LIMIT', price: Math.round(quote.bid * 0.98 * 100) / 100 })!;
    const ticket = (await client.invoke('state.get', {})).tickets.find((t) => t.id === id)!;
    const { order } = await client.invoke('ticket.approve', { ticketId: id, contentHash: ticket.contentHash });
    // Right after approval, before the runner has heard of the order: the cancel still lands.
    runner.cancel(id);
    await waitFor(() => strategy.closed.length === 1, 'the cancel');
    expect(strategy.closed[0]).toMatchObject({ orderId: id, status: 'cancelled' });
    expect(runner.openOrders('QQQ')).toBe(0);
    const events = await client.invoke('order.events', { orderId: order.id });
    expect(events.at(-1)).toMatchObject({ toStatus: 'cancelled' });
  });

  it('live quotes reach the strategy, and bars are built from them', async () => {
    const strategy = new Recorder({ name: 'probe', onBar: () => undefined });
    runner = new LiveStrategyRunner(engine, strategy, { symbol: 'QQQ', barMs: 200 });
    runner.start();
    await waitFor(() => strategy.bars.length >= 3, 'three bars', 10_000);
    expect(strategy.quotes.length).toBeGreaterThan(strategy.bars.length);
    for (const bar of strategy.bars) {
      expect(bar.time % 200).toBe(0);
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
    }
    const times = strategy.bars.map((b) => b.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Every quote of a finished bar lies inside it.
    const first = strategy.bars[0]!;
    const inside = strategy.quotes.filter((q) => q.time >= first.time && q.time < first.time + 200).map((q) => q.last);
    expect(Math.max(...inside)).toBe(first.high);
    expect(Math.min(...inside)).toBe(first.low);
  });

  it('a strategy that throws stops the runner: fail closed', async () => {
    let error: Error | undefined;
    runner = new LiveStrategyRunner(
      engine,
      {
        name: 'broken',
        onBar: () => {
          throw new Error('boom');
        },
      },
      { symbol: 'QQQ', onError: (e) => (error = e) },
    );
    runner.start();
    runner.pushBar({ symbol: 'QQQ', time: 0, open: 1, high: 1, low: 1, close: 1, volume: 0 });
    expect(error?.message).toBe('boom');
    expect(runner.submit({ symbol: 'QQQ', side: 'BUY', qty: 1, type: 'MARKET' })).toBeNull();
    expect((await client.invoke('state.get', {})).tickets.filter((t) => t.source === 'strategy')).toEqual([]);
  });
});
