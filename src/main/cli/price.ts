// `deltadeck price` and `deltadeck iv`: option values, Greeks and implied volatility from the
// command line, readable or as one JSON line (--json). Units as in src/main/pricing/conventions.ts:
// time in years, vega per 1.00 of vol, theta per year, rho per 1.00 of rate (the table also shows
// vega per vol point and theta per calendar day). --r is required (a silent 0 would misprice by
// about r·T); --q defaults to 0; --style defaults to european.
//
// Exit codes: 0 ok; 1 invalid arguments (one line on stderr, from commander); 3 no implied
// volatility (one line on stderr, or {"iv":null,"error":…} on stdout with --json).
import { Command, InvalidArgumentError, Option } from 'commander';
import { americanOption, blackScholes, impliedVolatility, thetaPerCalendarDay, vegaPerVolPoint, type BsResult, type ExerciseStyle } from '../pricing/index.js';

export const EXIT_NO_IMPLIED_VOL = 3;

function number(check: (x: number) => boolean, rule: string) {
  return (value: string): number => {
    const x = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(x) || !check(x)) throw new InvalidArgumentError(`must be ${rule}.`);
    return x;
  };
}

const positive = number((x) => x > 0, 'a number > 0');
const nonNegative = number((x) => x >= 0, 'a number ≥ 0');
const rate = number((x) => Math.abs(x) <= 1, 'a number between -1 and 1 (continuous, per year: 0.05 is 5%)');

interface CommonOptions {
  type: 'call' | 'put';
  spot: number;
  strike: number;
  t: number;
  r: number;
  q: number;
  style: ExerciseStyle;
  json?: boolean;
}

function common(command: Command): Command {
  return command
    .addOption(new Option('--type <type>', 'call or put').choices(['call', 'put']).makeOptionMandatory())
    .requiredOption('--spot <S>', 'spot price of the underlying', positive)
    .requiredOption('--strike <K>', 'strike', positive)
    .requiredOption('--t <years>', 'time to expiry in years (ACT/365)', nonNegative)
    .requiredOption('--r <rate>', 'risk-free rate, continuous (0.05 = 5%)', rate)
    .option('--q <yield>', 'dividend yield, continuous', rate, 0)
    .addOption(new Option('--style <style>', 'exercise style').choices(['european', 'american']).default('european'))
    .option('--json', 'print one JSON line')
    .showHelpAfterError(false);
}

const fmt = (x: number, digits = 6) => x.toFixed(digits).padStart(14);

function printTable(o: CommonOptions & { vol: number }, g: BsResult): void {
  const lines = [
    `${o.style} ${o.type}  S=${o.spot} K=${o.strike} T=${o.t}y r=${o.r} q=${o.q} vol=${o.vol}`,
    `price  ${fmt(g.price)}`,
    `delta  ${fmt(g.delta)}`,
    `gamma  ${fmt(g.gamma)}`,
    `vega   ${fmt(g.vega)}  per 1.00 vol     ${fmt(vegaPerVolPoint(g.vega)).trim()} per vol point`,
    `theta  ${fmt(g.theta)}  per year         ${fmt(thetaPerCalendarDay(g.theta)).trim()} per calendar day`,
    `rho    ${fmt(g.rho)}  per 1.00 rate`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Adds `price` and `iv` to the program. */
export function registerPricingCommands(program: Command): void {
  common(program.command('price').description('Option value and Greeks (Black-Scholes-Merton, or American with --style american).'))
    .requiredOption('--vol <sigma>', 'volatility (0.2 = 20%)', nonNegative)
    .action((o: CommonOptions & { vol: number }) => {
      const inputs = { right: o.type === 'call' ? ('C' as const) : ('P' as const), spot: o.spot, strike: o.strike, t: o.t, r: o.r, q: o.q, vol: o.vol };
      const g = o.style === 'american' ? americanOption(inputs) : blackScholes(inputs);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ price: g.price, delta: g.delta, gamma: g.gamma, vega: g.vega, theta: g.theta, rho: g.rho })}\n`);
      } else {
        printTable(o, g);
      }
    });

  common(program.command('iv').description('Implied volatility of an option price (European or American).'))
    .requiredOption('--price <P>', 'option price', nonNegative)
    .action((o: CommonOptions & { price: number }) => {
      const result = impliedVolatility({
        right: o.type === 'call' ? 'C' : 'P',
        price: o.price,
        spot: o.spot,
        strike: o.strike,
        t: o.t,
        r: o.r,
        q: o.q,
        style: o.style,
      });
      if (result.ok) {
        process.stdout.write(o.json ? `${JSON.stringify({ iv: result.iv })}\n` : `implied volatility ${result.iv}\n`);
        return;
      }
      if (o.json) process.stdout.write(`${JSON.stringify({ iv: null, error: result.message, reason: result.reason })}\n`);
      else process.stderr.write(`deltadeck: no implied volatility (${result.reason}): ${result.message}\n`);
      process.exitCode = EXIT_NO_IMPLIED_VOL;
    });
}
