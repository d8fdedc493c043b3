// Builds the three Electron targets. The renderer build is also what the headless host serves.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/app/main.ts'),
          engine: resolve('src/main/engine/utility-entry.ts'),
          // Backtest worker threads (src/main/backtest/pool.ts starts out/main/backtest-worker.js).
          'backtest-worker': resolve('src/main/backtest/worker.ts'),
          // Risk worker threads: VaR and scenario grids (src/main/risk/pool.ts starts out/main/risk-worker.js).
          'risk-worker': resolve('src/main/risk/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
