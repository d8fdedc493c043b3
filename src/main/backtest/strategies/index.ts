// The built-in strategies by name, with their parameters (defaults and ranges) for the CLI, the
// cockpit and sweeps. Parameters are numbers; unknown or out-of-range ones are refused.
import type { StrategyInfo, StrategyParamInfo, StrategyParams } from '../../../shared/backtest.js';
import type { Strategy } from '../strategy.js';
import { DonchianBreakout } from './donchian-breakout.js';
import { RsiReversion } from './rsi-reversion.js';
import { SmaCross } from './sma-cross.js';

export class StrategyParamError extends Error {
  override name = 'StrategyParamError';
}

interface Definition {
  info: StrategyInfo;
  create(params: Record<string, number>): Strategy;
}

const param = (key: string, label: string, dflt: number, min: number, max: number, integer = true): StrategyParamInfo => ({
  key,
  label,
  default: dflt,
  min,
  max,
  integer,
});
const SIZE = param('size', 'Order size (shares or contracts)', 100, 1, 1e9, false);
const SHORT = param('short', 'Also trade short (0 = no, 1 = yes)', 0, 0, 1);

const DEFINITIONS: readonly Definition[] = [
  {
    info: {
      name: 'sma-cross',
      title: 'SMA cross',
      description: 'Buy when the close crosses above its simple moving average; close the position when it crosses below.',
      params: [param('period', 'SMA period (bars)', 20, 1, 10_000), SIZE],
    },
    create: (p) => new SmaCross(p.period!, p.size!),
  },
  {
    info: {
      name: 'rsi-reversion',
      title: 'RSI mean reversion',
      description: 'Buy when RSI falls below the oversold level; close when it recovers above the exit level (optionally the mirror image short).',
      params: [
        param('period', 'RSI period (bars)', 14, 2, 1_000),
        param('oversold', 'Oversold level', 30, 0, 100, false),
        param('overbought', 'Overbought level', 70, 0, 100, false),
        param('exit', 'Exit level', 50, 0, 100, false),
        SIZE,
        SHORT,
      ],
    },
    create: (p) => new RsiReversion({ period: p.period!, oversold: p.oversold!, overbought: p.overbought!, exit: p.exit!, size: p.size!, short: p.short! }),
  },
  {
    info: {
      name: 'donchian-breakout',
      title: 'Donchian breakout',
      description: 'Buy when the close breaks above the highest high of the entry window; close when it breaks below the lowest low of the exit window.',
      params: [param('entry', 'Entry channel (bars)', 20, 1, 10_000), param('exit', 'Exit channel (bars)', 10, 1, 10_000), SIZE, SHORT],
    },
    create: (p) => new DonchianBreakout({ entry: p.entry!, exit: p.exit!, size: p.size!, short: p.short! }),
  },
];

const BY_NAME = new Map(DEFINITIONS.map((d) => [d.info.name, d]));

export function listStrategies(): StrategyInfo[] {
  return DEFINITIONS.map((d) => d.info);
}

function definition(name: string): Definition {
  const def = BY_NAME.get(name);
  if (!def) throw new StrategyParamError(`Unknown strategy "${name}"; choose one of ${[...BY_NAME.keys()].join(', ')}`);
  return def;
}

/** Defaults filled in, every value checked against its range; unknown keys are refused. */
export function resolveParams(name: string, given: StrategyParams): Record<string, number> {
  const def = definition(name);
  const known = new Map(def.info.params.map((p) => [p.key, p]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new StrategyParamError(`${name} has no parameter "${key}"; its parameters are ${[...known.keys()].join(', ')}`);
  }
  const out: Record<string, number> = {};
  for (const p of def.info.params) {
    const value = given[p.key] ?? p.default;
    if (!Number.isFinite(value) || value < p.min || value > p.max) throw new StrategyParamError(`${name}: ${p.key} must be from ${p.min} to ${p.max} (got ${value})`);
    if (p.integer && !Number.isInteger(value)) throw new StrategyParamError(`${name}: ${p.key} must be a whole number (got ${value})`);
    out[p.key] = value;
  }
  return out;
}

export function createStrategy(name: string, params: StrategyParams = {}): Strategy {
  return definition(name).create(resolveParams(name, params));
}
