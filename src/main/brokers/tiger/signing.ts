// Tiger Open API request signing and response verification (node:crypto, SHA1withRSA).
// A request carries tiger_id, method, charset, sign_type=RSA, timestamp (`yyyy-MM-dd HH:mm:ss`),
// version and biz_content (compact JSON); `sign` is SHA1withRSA, base64, over those parameters
// sorted by name and joined as `key=value&key=value`. Tiger signs its reply's `sign` over the
// request's own timestamp string, with Tiger's key; the push socket's CONNECT signs the tiger_id.
// Keys come as PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) or, as Tiger's developer
// page hands them out, as the bare base64 body of either. Key material never reaches a message.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { BrokerError } from '../venue.js';

export type TigerParams = Readonly<Record<string, string>>;

/** The string Tiger signs: parameters sorted by name (code-unit order), `key=value` joined by `&`. */
export function signContent(params: TigerParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/** Parses an RSA private key: PEM PKCS#1 or PKCS#8, or the bare base64 DER of either. */
export function loadPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const fail = (): never => {
    throw new BrokerError('AUTH_FAILED', 'The Tiger private key could not be read: paste the RSA private key from the Tiger developer page (PEM, PKCS#1 or PKCS#8).');
  };
  if (trimmed === '') fail();
  let key: KeyObject | undefined;
  try {
    if (trimmed.includes('-----BEGIN')) key = createPrivateKey(trimmed);
    else {
      const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
      for (const type of ['pkcs8', 'pkcs1'] as const) {
        try {
          key = createPrivateKey({ key: der, format: 'der', type });
          break;
        } catch {
          // try the other encoding
        }
      }
    }
  } catch {
    fail();
  }
  if (!key || key.asymmetricKeyType !== 'rsa') return fail();
  return key;
}

/** Parses an RSA public key: PEM (SPKI or PKCS#1) or the bare base64 SPKI Tiger publishes. */
export function loadPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    const key = trimmed.includes('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // fall through to the error below
  }
  throw new BrokerError('AUTH_FAILED', "Tiger's public key in the settings could not be read, so Tiger's replies cannot be checked.");
}

/** SHA1withRSA (PKCS#1 v1.5), base64. */
export function rsaSign(key: KeyObject, content: string): string {
  return createSign('RSA-SHA1').update(content, 'utf8').sign(key, 'base64');
}

export function rsaVerify(key: KeyObject, content: string, signature: string): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  try {
    return createVerify('RSA-SHA1').update(content, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** `yyyy-MM-dd HH:mm:ss` in the given time zone (the SDKs send the machine's local time). */
export function tigerTimestamp(ts: number, timeZone?: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of format.formatToParts(ts)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

export const TIGER_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The request parameters with `sign` added. */
export function signRequest(params: TigerParams, key: KeyObject): Record<string, string> {
  return { ...params, sign: rsaSign(key, signContent(params)) };
}

/** Whether a request's `sign` matches its other parameters under the sender's public key. */
export function verifyRequest(params: TigerParams, key: KeyObject): boolean {
  const sign = params.sign;
  return typeof sign === 'string' && rsaVerify(key, signContent(params), sign);
}
