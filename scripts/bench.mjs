#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after another (never in parallel, to keep
// the numbers reproducible). Results print as medians and land in bench/results/*.json.
import { spawnSync } from 'node:child_process';
import { build, buildIsStale } from './build.mjs';

if (buildIsStale()) {
  const result = build();
  if (!result.ok) {
    process.stderr.write(result.output);
    process.exit(1);
  }
}
let failed = 0;
for (const file of ['bench/api.bench.ts', 'bench/coldstart.bench.ts']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
