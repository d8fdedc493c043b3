// Worker bootstrap when running from the TypeScript sources (CLI, headless, tests): registers
// tsx in this thread, then loads the worker. The built app starts out/main/risk-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
