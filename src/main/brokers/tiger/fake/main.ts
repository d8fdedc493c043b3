// Runs the fake Tiger gateway on its own:
//   node --import tsx src/main/brokers/tiger/fake/main.ts --port 8790 [--push-port 8791] [--dir DIR]
// Generates a developer key pair, Tiger's reply-signing key and a loopback TLS certificate,
// writes them to DIR (default: a fresh temp directory) and prints one JSON line with everything
// a TigerConnection needs. Quotes random-walk once a second so pushes flow. Ctrl-C stops it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeTigerGateway } from './gateway.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'push-port': { type: 'string', default: '0' },
    dir: { type: 'string' },
    'tiger-id': { type: 'string', default: '20150001' },
  },
});

const port = Number(values.port);
const pushPort = Number(values['push-port']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(pushPort) || pushPort < 0 || pushPort > 65535) {
  process.stderr.write('fake-tiger: --port and --push-port must be port numbers (0 picks a free one)\n');
  process.exit(2);
}

const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'fake-tiger-'));
mkdirSync(dir, { recursive: true });
const developer = generateKeyPairSync('rsa', { modulusLength: 2048 });
// REST over https as well: Deltadeck refuses a Tiger gateway URL that is not https://.
const gateway = new FakeTigerGateway({ tigerId: values['tiger-id'], developerPublicKey: developer.publicKey, port, pushPort, restTls: true });
await gateway.start();

const files = {
  privateKey: join(dir, 'developer-private-key.pem'),
  tigerPublicKey: join(dir, 'tiger-public-key.pem'),
  ca: join(dir, 'ca.pem'),
};
writeFileSync(files.privateKey, developer.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
writeFileSync(files.tigerPublicKey, gateway.tigerPublicKey);
writeFileSync(files.ca, gateway.caCert);

const account = [...gateway.market.accounts.keys()][0];
process.stdout.write(
  `${JSON.stringify({ gatewayUrl: gateway.url, pushHost: '127.0.0.1', pushPort: gateway.pushPort, tigerId: gateway.tigerId, account, files })}\n`,
);

const timer = setInterval(() => {
  for (const [symbol, q] of gateway.market.stocks) {
    const last = Math.max(0.01, Math.round(q.last * (1 + (Math.random() - 0.5) * 0.002) * 100) / 100);
    gateway.market.setQuote(symbol, { last, bid: Math.round((last - 0.05) * 100) / 100, ask: Math.round((last + 0.05) * 100) / 100, volume: q.volume + 100 });
  }
}, 1_000);

const shutdown = () => {
  clearInterval(timer);
  void gateway.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
