// The fake OpenD as a standalone process, for end-to-end and fault tests from outside:
//   node --import tsx src/main/brokers/futu/fake/main.ts --port 11111 [--host 127.0.0.1]
//        [--keepalive 10] [--password-md5 <hex>] [--no-rate-limits]
// Prints one JSON line {"ready":true,"host":…,"port":…} once listening. Faults and market moves
// are driven by JSON lines on stdin, one command each, answered by one JSON line on stdout:
//   {"cmd":"killConnections"}  {"cmd":"dropConnectionOn","protoId":2202,"afterHandling":true}
//   {"cmd":"delayReplies","ms":500,"protoIds":[2202]}  {"cmd":"failNext","protoId":2202,"retMsg":"…"}
//   {"cmd":"rateLimitNext","protoId":2202}  {"cmd":"refuseUnlock","on":true}  {"cmd":"silenceKeepAlive","on":true}
//   {"cmd":"setDuplicatePushes","on":true}  {"cmd":"setReorderPushes","on":true}  {"cmd":"setPushesBeforeReply","on":true}
//   {"cmd":"denyQuoteRight","code":"NVDA"}  {"cmd":"setQuote","code":"AAPL","bid":230,"ask":230.05,"last":230.02}
//   {"cmd":"notify","eventType":14,"desc":"…"}  {"cmd":"violations"}  {"cmd":"stop"}
// SIGINT/SIGTERM stop it cleanly.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FakeOpenD } from './server.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '11111' },
    keepalive: { type: 'string', default: '10' },
    'password-md5': { type: 'string' },
    'no-rate-limits': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const keepAlive = Number(values.keepalive);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !(keepAlive >= 1)) {
  process.stderr.write('usage: main.ts --port N [--host H] [--keepalive SECONDS] [--password-md5 HEX] [--no-rate-limits]\n');
  process.exit(2);
}

const fake = new FakeOpenD({
  host: values.host,
  port,
  keepAliveIntervalSec: keepAlive,
  enforceRateLimits: !values['no-rate-limits'],
  recordRequests: false,
  ...(values['password-md5'] ? { tradePasswordMd5: values['password-md5'] } : {}),
});

const say = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);

async function stop(code = 0): Promise<never> {
  await fake.stop();
  process.exit(code);
}

type Command = { cmd: string; [arg: string]: unknown };

function run(command: Command): unknown {
  const on = command.on === undefined ? true : Boolean(command.on);
  switch (command.cmd) {
    case 'killConnections':
      return fake.killConnections();
    case 'dropConnectionOn':
      return fake.dropConnectionOn(Number(command.protoId), { afterHandling: Boolean(command.afterHandling) });
    case 'delayReplies':
      return fake.delayReplies(Number(command.ms), Array.isArray(command.protoIds) ? command.protoIds.map(Number) : undefined);
    case 'failNext':
      return fake.failNext(Number(command.protoId), String(command.retMsg ?? 'Failed'), {
        ...(command.retType === undefined ? {} : { retType: Number(command.retType) }),
        ...(command.times === undefined ? {} : { times: Number(command.times) }),
      });
    case 'rateLimitNext':
      return fake.rateLimitNext(Number(command.protoId), command.times === undefined ? 1 : Number(command.times));
    case 'refuseUnlock':
      return fake.refuseUnlock(on);
    case 'silenceKeepAlive':
      return fake.silenceKeepAlive(on);
    case 'setDuplicatePushes':
      return fake.setDuplicatePushes(on);
    case 'setReorderPushes':
      return fake.setReorderPushes(on);
    case 'setPushesBeforeReply':
      return fake.setPushesBeforeReply(on);
    case 'denyQuoteRight':
      return fake.denyQuoteRight(String(command.code), on);
    case 'setQuote': {
      const { cmd: _cmd, code, ...change } = command;
      return fake.setQuote(String(code), change as Record<string, number>);
    }
    case 'notify':
      return fake.notify(Number(command.eventType ?? 1), String(command.desc ?? ''));
    case 'violations':
      return fake.violations;
    case 'connections':
      return fake.connectionCount;
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

const address = await fake.start().catch((error: NodeJS.ErrnoException) => {
  process.stderr.write(`fake OpenD could not listen on ${values.host}:${port}: ${error.code ?? error.message}\n`);
  process.exit(1);
});
say({ ready: true, ...address });

process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  let command: Command;
  try {
    command = JSON.parse(line) as Command;
  } catch {
    return say({ ok: false, error: 'not JSON' });
  }
  if (command.cmd === 'stop') return void stop();
  try {
    const value = run(command);
    say(value === undefined ? { ok: true, cmd: command.cmd } : { ok: true, cmd: command.cmd, value });
  } catch (error) {
    say({ ok: false, cmd: command.cmd, error: String(error) });
  }
});
