// The `deltadeck` command line: the same engine modules, for scripted work and headless use.
// Later issues add commands here (behavior, report).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ENGINE_VERSION } from '../engine/engine.js';
import { DEFAULT_PORT, startHeadless } from '../headless/server.js';
import { defaultDataDir, projectRoot, rendererDir } from '../paths.js';
import { StartupError } from '../store/errors.js';
import { registerBacktestCommand } from './backtest.js';
import { registerDoctorCommand } from './doctor.js';
import { registerHedgeCommand } from './hedge.js';
import { registerPricingCommands } from './price.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a whole number from 0 to 65535.');
  return port;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new InvalidArgumentError('must be a whole number from 0 to 4294967295.');
  return seed;
}

function parseInstant(value: string): number {
  const ts = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || !Number.isFinite(ts)) {
    throw new InvalidArgumentError('must be an ISO 8601 instant with its offset, e.g. 2026-06-08T10:00:00-04:00.');
  }
  return ts;
}

function ensureRendererBuilt(): boolean {
  if (existsSync(join(rendererDir(), 'index.html'))) return true;
  process.stderr.write('Building the cockpit UI (first run)…\n');
  const result = spawnSync(process.execPath, [join(projectRoot(), 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: projectRoot(),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}\nBuilding the UI failed; the engine and API still start.\n`);
    return false;
  }
  return true;
}

interface ServeOptions {
  port: number;
  dataDir: string;
  seed?: number;
  simStart?: number;
  build: boolean;
  json?: boolean;
  token?: string;
}

async function serve(opts: ServeOptions): Promise<void> {
  if (opts.build) ensureRendererBuilt();
  const dataDir = resolve(opts.dataDir);
  const host = await startHeadless({
    dataDir,
    port: opts.port,
    seed: opts.seed,
    ...(opts.simStart !== undefined ? { simStart: opts.simStart } : {}),
    rendererDir: rendererDir(),
    token: opts.token ?? process.env.DELTADECK_TOKEN,
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ url: host.url, port: host.port, dataDir, pid: process.pid })}\n`);
  } else {
    process.stdout.write(`Deltadeck headless cockpit: ${host.url}\n`);
    process.stdout.write(`Data: ${dataDir}  ·  mode ${host.engine.getMode()}  ·  Ctrl+C to stop\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.engine.log.info({ signal }, 'stopping');
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`deltadeck: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('deltadeck')
    .description('Deltadeck trading cockpit: engine, headless cockpit and scripted tools.')
    .version(ENGINE_VERSION)
    .showHelpAfterError('(run deltadeck --help for usage)');

  program
    .command('serve')
    .description('Run the engine with the cockpit in a browser (headless mode), on 127.0.0.1.')
    .option('-p, --port <n>', `port to serve on (0 = any free port)`, parsePort, DEFAULT_PORT)
    .option('-d, --data-dir <dir>', 'data directory (database, logs)', defaultDataDir())
    .option('--seed <n>', 'seed of the simulated market on first start', parseSeed)
    .option('--sim-start <instant>', 'where the simulated market starts on first start (ISO 8601 with offset; default now)', parseInstant)
    .option('--no-build', 'do not build the UI when it is missing')
    .option('--json', 'print the URL as one JSON line')
    .action(async (opts: ServeOptions) => serve(opts));

  registerBacktestCommand(program);
  registerPricingCommands(program);
  registerDoctorCommand(program);
  registerHedgeCommand(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`deltadeck: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`deltadeck: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  }
}
