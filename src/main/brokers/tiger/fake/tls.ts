// A self-signed TLS certificate for the fake Tiger servers on loopback, generated at start-up
// (never checked in). Clients trust it by passing the certificate as their CA.
import { generate } from 'selfsigned';

export interface LoopbackCert {
  key: string;
  cert: string;
}

export async function generateLoopbackCert(): Promise<LoopbackCert> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
