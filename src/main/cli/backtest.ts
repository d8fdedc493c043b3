// `deltadeck backtest`: one backtest from the command line, on a bar file (or the simulator),
// with a readable summary or, with --json, the fills, final value and cash, and the metrics.
// Bad arguments and bad files end with a one-line reason and a non-zero exit code.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BacktestConfig, formatBarDate, type BacktestMetrics } from '../../shared/backtest.js';
import { executeRun, openSource, type ResolvedData, type RunResult } from '../backtest/run.js';
import { SIM_SYMBOLS } from '../backtest/sim-bars.js';

interface BacktestCliOptions {
  data: string;
  strategy: string;
  param: Record<string, number>;
  cash: number;
  size: number;
  commission?: number;
  slippage?: number;
  aShare?: boolean;
  json?: boolean;
}

function positive(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number.`);
    return n;
  };
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 0.1) {
    throw new InvalidArgumentError('must be a fraction of traded value from 0 to 0.1 (0.001 = 0.1%).');
  }
  return n;
}

function collectParam(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Za-z][\w-]*)=(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`"${value}" is not k=v.`);
  const n = Number(match[2]);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${match[1]} must be a number (got "${match[2]}").`);
  return { ...previous, [match[1]!]: n };
}

/** `sim:SYMBOL[:BARS[:SEED]]` runs on the simulator; anything else is a file path. */
export function parseDataArg(value: string): ResolvedData {
  if (!value.startsWith('sim:')) return { kind: 'file', path: resolve(value) };
  const [, symbol = '', bars = '2520', seed = '1'] = value.split(':');
  if (!SIM_SYMBOLS.includes(symbol.toUpperCase())) throw new Error(`the simulator has no "${symbol}"; choose one of ${SIM_SYMBOLS.join(', ')}`);
  const n = Number(bars);
  const s = Number(seed);
  if (!Number.isInteger(n) || n < 10 || n > 2_000_000) throw new Error(`simulated bars must be a whole number from 10 to 2000000 (got ${bars})`);
  if (!Number.isInteger(s) || s < 0) throw new Error(`the simulator seed must be a whole number ≥ 0 (got ${seed})`);
  return { kind: 'sim', symbol: symbol.toUpperCase(), bars: n, seed: s };
}

const snake = (m: BacktestMetrics) => ({
  total_return: m.totalReturn,
  annualized_return: m.annualizedReturn,
  sharpe: m.sharpe,
  sortino: m.sortino,
  max_drawdown: m.maxDrawdown,
  max_drawdown_peak: m.maxDrawdownPeak === null ? null : formatBarDate(m.maxDrawdownPeak),
  max_drawdown_trough: m.maxDrawdownTrough === null ? null : formatBarDate(m.maxDrawdownTrough),
  max_drawdown_recovery: m.maxDrawdownRecovery === null ? null : formatBarDate(m.maxDrawdownRecovery),
  max_drawdown_days: m.maxDrawdownDays,
  longest_drawdown_days: m.longestDrawdownDays,
  calmar: m.calmar,
  exposure: m.exposure,
  bars: m.bars,
});

export function jsonReport(result: RunResult): object {
  const m = result.metrics;
  return {
    fills: result.fills.map((f) => ({
      side: f.side,
      date: formatBarDate(f.time),
      ...(result.intraday ? { time: new Date(f.time).toISOString().slice(11, 19) } : {}),
      price: f.price,
      qty: f.qty,
      commission: f.commission,
    })),
    final_value: result.finalValue,
    final_cash: result.finalCash,
    metrics: {
      ...snake(m),
      trades: m.trades,
      win_rate: m.winRate,
      profit_factor: m.profitFactor,
      expectancy: m.expectancy,
      commissions: m.commissions,
      buy_and_hold: snake(result.benchmark),
    },
  };
}

const num = (x: number, digits = 2) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number | null) => (x === null ? '—' : `${num(x * 100, 2)}%`);
const ratio = (x: number | null) => (x === null ? '—' : num(x, 2));

export function textReport(result: RunResult, strategy: string, dataLabel: string): string {
  const m = result.metrics;
  const b = result.benchmark;
  const params = Object.entries(result.params).map(([k, v]) => `${k}=${v}`).join(', ');
  const span = result.firstTime === null ? '' : ` ${formatBarDate(result.firstTime)} → ${formatBarDate(result.lastTime!)}`;
  const dd = (x: BacktestMetrics) =>
    x.maxDrawdownPeak === null
      ? pct(x.maxDrawdown)
      : `${pct(x.maxDrawdown)} (${formatBarDate(x.maxDrawdownPeak)} → ${formatBarDate(x.maxDrawdownTrough!)}, ${
          x.maxDrawdownRecovery === null ? 'not recovered' : `recovered ${formatBarDate(x.maxDrawdownRecovery)}`
        }, ${num(x.maxDrawdownDays!, 0)} days)`;
  const row = (label: string, s: string, h: string) => `  ${label.padEnd(18)}${s.padStart(14)}   ${h}`;
  const lines = [
    `${strategy} (${params}) on ${dataLabel}: ${result.bars.toLocaleString('en-US')} ${result.intraday ? 'intraday' : 'daily'} bars${span}`,
    `Final value ${num(result.finalValue)} (cash ${num(result.finalCash)}) from ${num(m.startValue)}`,
    '',
    row('', 'strategy', 'buy & hold'),
    row('Total return', pct(m.totalReturn), pct(b.totalReturn)),
    row('Annualized return', pct(m.annualizedReturn), pct(b.annualizedReturn)),
    row('Sharpe', ratio(m.sharpe), ratio(b.sharpe)),
    row('Sortino', ratio(m.sortino), ratio(b.sortino)),
    row('Calmar', ratio(m.calmar), ratio(b.calmar)),
    row('Max drawdown', pct(m.maxDrawdown), pct(b.maxDrawdown)),
    `  strategy drawdown ${dd(m)}`,
    '',
    `Trades ${m.trades} · win rate ${pct(m.winRate)} · profit factor ${ratio(m.profitFactor)} · expectancy ${m.expectancy === null ? '—' : num(m.expectancy)}` +
      ` · exposure ${pct(m.exposure)} · commissions ${num(m.commissions)}`,
  ];
  if (result.notes.length) lines.push('', 'Notes:', ...result.notes.slice(0, 20).map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

export function runBacktestCommand(opts: BacktestCliOptions): void {
  const data = parseDataArg(opts.data);
  const config = BacktestConfig.parse({
    cash: opts.cash,
    commission: opts.commission ? { kind: 'percent', rate: opts.commission } : { kind: 'none' },
    slippage: opts.slippage ? { kind: 'percent', rate: opts.slippage } : undefined,
    aShare: opts.aShare ? {} : undefined,
  });
  const params = { ...opts.param, size: opts.size };
  const result = executeRun({ data, strategy: opts.strategy, params, config }, openSource(data));
  if (opts.json) process.stdout.write(`${JSON.stringify(jsonReport(result))}\n`);
  else process.stdout.write(textReport(result, opts.strategy, data.kind === 'sim' ? `simulated ${data.symbol}` : opts.data));
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('Backtest a built-in strategy on a bar file (Date[,Time],Open,High,Low,Close[,Adj Close],Volume[,OpenInterest]) or on sim:SYMBOL[:BARS[:SEED]].')
    .requiredOption('--data <file>', 'CSV bar file, or sim:SYMBOL[:BARS[:SEED]] for simulated daily bars')
    .requiredOption('--strategy <name>', 'sma-cross, rsi-reversion or donchian-breakout')
    .option('--param <k=v>', 'strategy parameter, repeatable (e.g. --param period=20)', collectParam, {})
    .requiredOption('--cash <C>', 'starting cash', positive('--cash'))
    .requiredOption('--size <N>', 'order size in shares or contracts', positive('--size'))
    .option('--commission <RATE>', 'commission as a fraction of traded value (0.001 = 0.1%)', fraction)
    .option('--slippage <RATE>', 'slippage on market and stop orders as a fraction of price', fraction)
    .addOption(new Option('--a-share', 'apply China A-share rules: T+1, 100-share lots, ±10% price limits, no shorting'))
    .option('--json', 'print the fills, final value and cash, and the metrics as one JSON object')
    .showHelpAfterError(false)
    .action((opts: BacktestCliOptions) => runBacktestCommand(opts));
}
