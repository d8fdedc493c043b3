#!/usr/bin/env node
// The `deltadeck` CLI. Runs the TypeScript sources through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli/index.ts');
await main(process.argv);
