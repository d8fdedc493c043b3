// Tiger Open API's signed REST gateway: one POST per call to the gateway URL with a JSON body of
// the common parameters (tiger_id, method, charset, sign_type, timestamp, version, biz_content)
// plus `sign`; the reply is the envelope {code, message, data, sign, timestamp}. A successful
// reply must carry a valid signature by Tiger's key over the request's timestamp, or it is
// refused: nothing from an unverified reply reaches the caller. An error reply is accepted
// unsigned (it can only make Deltadeck do less) but refused if it carries a bad signature.
// Connections are not kept alive: a reused socket the gateway had already closed would make an
// unsent order look "maybe placed", and Tiger's rate limits make connection reuse irrelevant.
// Nothing is retried here; whether a retry is safe is the caller's decision.
import http from 'node:http';
import https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { BrokerError, type BrokerErrorCode } from '../venue.js';
import { mapTigerError, tigerAction } from './errors.js';
import { parseTigerJson, stringifyTigerJson } from './json.js';
import { loadPrivateKey, loadPublicKey, rsaVerify, signRequest, tigerTimestamp } from './signing.js';

export const TIGER_PRODUCTION_GATEWAY = 'https://openapi.tigerfintech.com/gateway';
const MAX_REPLY_BYTES = 8 << 20;

export interface TigerRestOptions {
  gatewayUrl: string;
  tigerId: string;
  /** Called per request, so a rotated key is picked up; never stored in a message or log. */
  privateKey: () => string;
  /** Tiger's public key (PEM or bare base64 SPKI), to verify reply signatures. */
  tigerPublicKey: string;
  requestTimeoutMs: number;
  /** Extra CA certificates to trust for an https gateway (the fake's self-signed one in tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Time zone of the `timestamp` parameter; the SDKs use the machine's local time. */
  timeZone?: string;
  now?: () => number;
}

/** A network failure; `requestSent` says whether the gateway may have received and acted on the request. */
export class TigerTransportError extends BrokerError {
  constructor(
    code: BrokerErrorCode,
    message: string,
    readonly requestSent: boolean,
    venueDetail?: string,
  ) {
    super(code, message, venueDetail);
    this.name = 'TigerTransportError';
  }
}

export interface TigerCallOptions {
  /** Tiger's API `version` parameter; most methods use 2.0, option_chain 3.0. */
  version?: string;
  /** For error messages: the Deltadeck symbols and account the call is about. */
  symbols?: readonly string[];
  accountId?: string;
}

interface Envelope {
  code?: unknown;
  message?: unknown;
  data?: unknown;
  sign?: unknown;
}

export class TigerRestClient {
  private readonly url: URL;
  private readonly tigerKey: KeyObject;
  private keyCache: { text: string; key: KeyObject } | undefined;
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(private readonly options: TigerRestOptions) {
    try {
      this.url = new URL(options.gatewayUrl);
    } catch {
      throw new BrokerError('BAD_REQUEST', `The Tiger gateway address "${options.gatewayUrl}" is not a URL.`);
    }
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new BrokerError('BAD_REQUEST', `The Tiger gateway address must start with https:// (got ${this.url.protocol}).`);
    }
    this.tigerKey = loadPublicKey(options.tigerPublicKey);
  }

  /** Calls a Tiger method and resolves with the reply's `data` (parsed when Tiger sends it as a JSON string). */
  async call(method: string, biz: Record<string, unknown>, callOptions: TigerCallOptions = {}): Promise<unknown> {
    const now = this.options.now ?? Date.now;
    const timestamp = tigerTimestamp(now(), this.options.timeZone);
    const params: Record<string, string> = {
      tiger_id: this.options.tigerId,
      method,
      charset: 'UTF-8',
      sign_type: 'RSA',
      timestamp,
      version: callOptions.version ?? '2.0',
      biz_content: stringifyTigerJson(biz),
    };
    const signed = signRequest(params, this.privateKey());
    const { status, body } = await this.post(method, stringifyTigerJson(signed));
    return this.readReply(method, timestamp, status, body, callOptions);
  }

  /** Aborts every request in flight (on disconnect); they reject as DISCONNECTED. */
  abortAll(): void {
    for (const request of this.inFlight) request.destroy(new Error('connection closed by Deltadeck'));
  }

  private privateKey(): KeyObject {
    const text = this.options.privateKey();
    if (this.keyCache?.text !== text) this.keyCache = { text, key: loadPrivateKey(text) };
    return this.keyCache.key;
  }

  private readReply(method: string, timestamp: string, status: number, body: string, callOptions: TigerCallOptions): unknown {
    const context = { method, symbols: callOptions.symbols, accountId: callOptions.accountId, httpStatus: status };
    let envelope: Envelope;
    try {
      const parsed = parseTigerJson(body);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      envelope = parsed as Envelope;
    } catch {
      if (status === 429) throw mapTigerError(5, 'rate limit error', context);
      throw new BrokerError('BAD_RESPONSE', `Tiger sent a reply Deltadeck cannot read while ${tigerAction(method)} (HTTP ${status}).`, `Tiger ${method}: HTTP ${status} ${body.slice(0, 200)}`);
    }
    const code = typeof envelope.code === 'number' ? envelope.code : typeof envelope.code === 'string' && /^-?\d+$/.test(envelope.code) ? Number(envelope.code) : NaN;
    const hasSign = typeof envelope.sign === 'string' && envelope.sign !== '';
    const signatureOk = hasSign && rsaVerify(this.tigerKey, timestamp, envelope.sign as string);
    if (hasSign && !signatureOk) throw badSignature(method);
    if (!Number.isFinite(code)) {
      throw new BrokerError('BAD_RESPONSE', `Tiger sent a reply without a result code while ${tigerAction(method)}.`, `Tiger ${method}: HTTP ${status}`);
    }
    if (code !== 0) throw mapTigerError(code, typeof envelope.message === 'string' ? envelope.message : '', context);
    if (!signatureOk) throw badSignature(method);
    let data = envelope.data;
    if (typeof data === 'string' && /^\s*[[{]/.test(data)) {
      try {
        data = parseTigerJson(data);
      } catch {
        throw new BrokerError('BAD_RESPONSE', `Tiger sent data Deltadeck cannot read while ${tigerAction(method)}.`, `Tiger ${method}: bad data JSON`);
      }
    }
    return data;
  }

  private post(method: string, body: string): Promise<{ status: number; body: string }> {
    const doing = tigerAction(method);
    const where = this.url.host;
    return new Promise((resolve, reject) => {
      let sent = false;
      let settled = false;
      const fail = (err: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        const timedOut = err.message === 'timeout';
        const detail = `Tiger ${method}: ${err.code ?? ''} ${err.message}`.trim();
        if (!sent) {
          reject(new TigerTransportError('DISCONNECTED', `Could not reach Tiger (${where}) while ${doing}: ${err.code ?? err.message}. Nothing was sent.`, false, detail));
        } else if (timedOut) {
          reject(new TigerTransportError('TIMEOUT', `Tiger did not answer within ${this.options.requestTimeoutMs} ms while ${doing}.`, true, detail));
        } else {
          reject(new TigerTransportError('DISCONNECTED', `Lost the connection to Tiger while ${doing}; its answer never arrived.`, true, detail));
        }
      };
      const transport = this.url.protocol === 'https:' ? https : http;
      const request = transport.request(this.url, {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': Buffer.byteLength(body),
          'Cache-Control': 'no-cache',
          Connection: 'close',
          'User-Agent': 'deltadeck',
        },
        ...(this.url.protocol === 'https:' && this.options.ca ? { ca: this.options.ca } : {}),
      });
      this.inFlight.add(request);
      const timer = setTimeout(() => request.destroy(new Error('timeout')), this.options.requestTimeoutMs);
      request.on('finish', () => {
        sent = true;
      });
      request.on('error', fail);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) request.destroy(new Error('reply too large'));
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('aborted', () => fail(new Error('reply cut off')));
        response.on('end', () => {
          if (settled) return;
          if (!response.complete) return fail(new Error('reply cut off'));
          settled = true;
          clearTimeout(timer);
          this.inFlight.delete(request);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      request.end(body);
    });
  }
}

function badSignature(method: string): BrokerError {
  return new BrokerError(
    'BAD_RESPONSE',
    `Tiger's reply while ${tigerAction(method)} failed its signature check, so it may not come from Tiger; Deltadeck ignored it. Check Tiger's public key in the settings.`,
    `Tiger ${method}: response signature did not verify`,
  );
}
