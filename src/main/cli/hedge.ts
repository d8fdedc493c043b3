// `deltadeck hedge --once`: one hedge planning run on the data directory's account (the broker
// account in use when one is configured and reachable, else the demo portfolio — created in a
// fresh data directory), printed as a table or as one JSON object (--json):
//   {"breaches":[…],"plans":[{"legs":[{"symbol","side","qty"}],"before":{"delta","gamma","vega","theta"},
//    "after":{…},"cost","score","feasible","reason",…}],"chosen":<index or null>, …}
// Greeks are cash Greeks as in the Greeks panel. Nothing is executed. The run is journaled like
// one made from the cockpit (it becomes the current proposal there).
//
// Exit codes: 0 planned (whether or not anything is in breach); 2 the data directory is in use by
// a running Deltadeck (plan from its Hedge page instead) or unusable.
import { Command } from 'commander';
import type { HedgeGreeks, HedgeResult } from '../../shared/hedge.js';
import { Engine } from '../engine/engine.js';
import { defaultDataDir } from '../paths.js';

export interface HedgeOnceOptions {
  dataDir: string;
  /** How long to wait for the broker account in use to come up (ms). */
  brokerWaitMs?: number;
}

export async function hedgeOnce(options: HedgeOnceOptions): Promise<{ result: HedgeResult; account: string }> {
  const engine = await Engine.open({ dataDir: options.dataDir, logLevel: 'warn' });
  try {
    const used = engine.usedBroker();
    if (used) {
      const deadline = Date.now() + (options.brokerWaitMs ?? 10_000);
      while (!engine.usedBroker()?.attached && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!engine.usedBroker()?.attached) {
        throw new Error(`The broker account in use (${used.connectionId}) did not come up within ${Math.round((options.brokerWaitMs ?? 10_000) / 1000)} s; nothing was planned.`);
      }
    }
    const run = await engine.hedge.runOnce('manual');
    return { result: run.result, account: engine.snapshot().account.id };
  } finally {
    await engine.close();
  }
}

const g = (x: HedgeGreeks) => `Δ ${fmt(x.delta)}  Γ ${fmt(x.gamma)}  ν ${fmt(x.vega)}  θ ${fmt(x.theta)}`;
const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(2));

export function formatHedge(result: HedgeResult, account: string): string {
  const lines = [`Hedge plan for ${account} (NAV ${result.nav.toFixed(2)})`];
  if (result.breaches.length === 0) {
    lines.push('Every limit is inside its cap: nothing to hedge.');
    return `${lines.join('\n')}\n`;
  }
  lines.push('', 'Breaches:');
  for (const b of result.breaches) lines.push(`  ✗ ${b.message}`);
  lines.push('', 'Plans (best first):');
  result.plans.forEach((p, i) => {
    const mark = i === result.chosen ? '→' : p.feasible ? ' ' : '✗';
    lines.push(`${mark} ${i}. ${p.description}`);
    lines.push(`     legs: ${p.legs.map((l) => `${l.side} ${l.qty} ${l.symbol}`).join(', ') || '—'}`);
    lines.push(`     book before: ${g(p.before)}`);
    lines.push(`     book after:  ${g(p.after)}`);
    lines.push(`     cost ${p.cost.toFixed(2)}  score ${p.score === null ? '—' : p.score.toFixed(3)}${p.feasible ? '' : `  — ${p.reason}`}`);
  });
  lines.push('', result.chosen === null ? 'No feasible plan.' : `Proposed: plan ${result.chosen}. Nothing was executed; approve it on the Hedge page.`);
  return `${lines.join('\n')}\n`;
}

export function registerHedgeCommand(program: Command): void {
  program
    .command('hedge')
    .description('Plan hedges for the breached risk limits of the account (nothing is executed).')
    .requiredOption('--once', 'plan once and exit')
    .option('-d, --data-dir <dir>', 'data directory (a fresh one starts with the demo portfolio)', defaultDataDir())
    .option('--json', 'print one JSON object')
    .action(async (o: { dataDir: string; json?: boolean }) => {
      const { result, account } = await hedgeOnce({ dataDir: o.dataDir });
      process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : formatHedge(result, account));
    });
}
