#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after another (never in parallel, to keep
// the numbers reproducible). Results print as medians and land in bench/results/*.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { build, buildIsStale } from './build.mjs';

if (buildIsStale()) {
  const result = build();
  if (!result.ok) {
    process.stderr.write(result.output);
    process.exit(1);
  }
}
let failed = 0;
// Every bench/*.bench.ts, in name order; `npm run bench -- NAME…` runs only those whose file name contains a NAME.
const only = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((n) => f.includes(n))))
  .sort()
  .map((f) => `bench/${f}`);
for (const file of files) {
  // --expose-gc lets a benchmark force collections to measure memory and allocation exactly.
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
