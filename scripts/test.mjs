#!/usr/bin/env node
// `npm test`: type-check, unit and integration tests (vitest), then end-to-end tests (Playwright:
// Chromium against the headless host, and Electron where its binary exists). Ends with one
// summary line "N passed, N failed, N skipped" and a non-zero exit code on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const node = process.execPath;
mkdirSync('test-results', { recursive: true });

function run(label, args, env = {}) {
  process.stdout.write(`\n── ${label} ──\n`);
  const result = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

let failedSteps = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };

if (run('typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']) !== 0) failedSteps++;

const unitStatus = run('unit and integration (vitest)', [
  'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json',
]);
const unit = readJson('test-results/vitest.json');
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
}
if (unitStatus !== 0) failedSteps++;

const e2eStatus = run('end to end (Playwright)', ['node_modules/@playwright/test/cli.js', 'test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json',
});
const e2e = readJson('test-results/playwright.json');
/** Every skipped end-to-end test with the reason its spec gives. */
function skipReasons(report) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status !== 'skipped') continue;
        const skip = t.annotations.find((a) => a.type === 'skip');
        out.push(`skipped [${t.projectName}] ${spec.title} — ${skip?.description ?? 'no reason given'}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return out;
}

if (e2e) {
  for (const line of skipReasons(e2e)) process.stdout.write(`${line}\n`);
  totals.passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  totals.failed += e2e.stats.unexpected;
  totals.skipped += e2e.stats.skipped;
}
if (e2eStatus !== 0) failedSteps++;

if (failedSteps > 0 && totals.failed === 0) totals.failed = failedSteps; // a step failed outside any test
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failedSteps > 0 || totals.failed > 0 ? 1 : 0);
