// Wire-level pieces that need no server: 64-bit-safe JSON, varint framing of the push protocol,
// Tiger reply codes → trader messages, and the rate-limit table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDuplicateOrderId, mapTigerError } from './errors.js';
import { parseTigerJson, stringifyTigerJson } from './json.js';
import { Command, DataType, decodeRequest, decodeResponse, encodeRequest, encodeResponse, FrameReader, MAX_FRAME_BYTES } from './proto.js';
import { TIGER_PAPER_ORDER_LIMIT, TIGER_RATE_LIMITS, tigerRateLimit } from './rate-limits.js';

describe('Tiger JSON', () => {
  it("keeps 64-bit order ids exact and small numbers as numbers", () => {
    const parsed = parseTigerJson('{"id":40000000000000123,"orderId":17,"price":187.25,"items":[{"id":9007199254740993}]}') as Record<string, unknown>;
    expect(parsed).toEqual({ id: '40000000000000123', orderId: 17, price: 187.25, items: [{ id: '9007199254740993' }] });
    expect(JSON.parse('{"id":40000000000000123}').id).not.toBe(40000000000000123n.toString()); // what JSON.parse would have done
    expect(stringifyTigerJson({ id: 40000000000000123n, qty: 5 })).toBe('{"id":40000000000000123,"qty":5}');
  });

  it('round-trips any 64-bit id', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (id) => {
        expect((parseTigerJson(stringifyTigerJson({ id })) as { id: unknown }).id).toBe(Number.isSafeInteger(Number(id)) && BigInt(Number(id)) === id ? Number(id) : id.toString());
      }),
    );
  });
});

describe('push framing', () => {
  it('delimits each protobuf message with its varint length and reassembles frames split anywhere', () => {
    const frames = [
      encodeResponse({ command: Command.CONNECTED, id: 1 }),
      encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.OrderStatus, orderStatusData: { id: 40000000000000123n, account: 'U1', symbol: 'AAPL', action: 'BUY', orderType: 'LMT', status: 'Submitted', totalQuantity: 300, limitPrice: 187.5 } } }),
      encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.Quote, quoteData: { symbol: 'AAPL', type: 3, timestamp: 1_760_000_000_000, bidPrice: 187.1, askPrice: 187.2, bidSize: 300, askSize: 200, identifier: 'x'.repeat(200) } } }),
    ];
    const stream = Buffer.concat(frames);
    expect(stream[frames[0]!.length]! & 0x80).toBe(0); // a short frame has a one-byte length
    expect(frames[2]![0]! & 0x80).toBe(0x80); // the 200+-byte frame needs two length bytes
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 8 }), (cuts) => {
        const reader = new FrameReader();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: Uint8Array[] = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          out.push(...reader.push(stream.subarray(from, p)));
          from = p;
        }
        const decoded = out.map(decodeResponse);
        expect(decoded.map((d) => d.command)).toEqual([Command.CONNECTED, Command.MESSAGE, Command.MESSAGE]);
        expect(decoded[1]!.body!.orderStatusData!.id).toBe('40000000000000123');
        expect(decoded[1]!.body!.orderStatusData!.totalQuantity).toBe('300');
        expect(decoded[2]!.body!.quoteData!.askSize).toBe('200');
      }),
    );
  });

  it("keeps the SDK's field numbers: a hand-assembled Request decodes as CONNECT with tigerId and sign", () => {
    // command=1 (field 1 varint), id=7 (field 2), connect (field 4, length-delimited) { tigerId=1:"T", sign=2:"S", sdkVersion=3:"v" }
    const connect = Buffer.from([0x0a, 0x01, 0x54, 0x12, 0x01, 0x53, 0x1a, 0x01, 0x76]);
    const body = Buffer.concat([Buffer.from([0x08, 0x01, 0x10, 0x07, 0x22, connect.length]), connect]);
    const frame = new FrameReader().push(Buffer.concat([Buffer.from([body.length]), body]))[0]!;
    expect(decodeRequest(frame)).toEqual({ command: Command.CONNECT, id: 7, connect: { tigerId: 'T', sign: 'S', sdkVersion: 'v' } });
    const encoded = encodeRequest({ command: Command.SUBSCRIBE, id: 3, subscribe: { dataType: DataType.Option, symbols: 'AAPL  261218C00230000' } });
    expect(encoded[1]).toBe(0x08); // after the one-byte length: field 1, varint
    expect(decodeRequest(encoded.subarray(1))).toEqual({ command: 4, id: 3, subscribe: { dataType: 2, symbols: 'AAPL  261218C00230000' } });
  });

  it('refuses an oversized or malformed length instead of buffering forever', () => {
    const tooBig = Buffer.from([0x80, 0x80, 0x80, 0x01]); // 2^21 bytes
    expect(2 ** 21).toBeGreaterThan(MAX_FRAME_BYTES);
    expect(() => new FrameReader().push(tooBig)).toThrow(/exceeds/);
    expect(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/malformed/);
  });
});

describe('error mapping', () => {
  const ctx = { method: 'place_order', symbols: ['AAPL'], accountId: 'U1234567' };
  const cases: Array<[number, string, string, string, RegExp]> = [
    [1000, 'failed to verify signature, please make sure you use the correct rsa private key', 'accounts', 'AUTH_FAILED', /private key .* does not match/],
    [1000, 'failed to get developer information', 'accounts', 'AUTH_FAILED', /does not recognise the Tiger ID/],
    [4, 'access forbidden', 'accounts', 'AUTH_FAILED', /whitelist/],
    [5, 'rate limit error(current limiting interface:place_order, up to 120 times per minute)', 'place_order', 'RATE_LIMITED', /120 a minute/],
    [4, 'rate limit error(current limiting interface:kline, up to 60 times per minute)', 'kline', 'RATE_LIMITED', /60 a minute/],
    [1200, 'standard account response error(bad_request:Insufficient buying power)', 'place_order', 'ORDER_REJECTED', /not enough buying power in account U1234567/],
    [1100, 'TRADE ORDER NOT ALLOWED: market is closed', 'place_order', 'ORDER_REJECTED', /market is closed/],
    [1200, 'standard account response error(bad_request:Orders cannot be place at this moment)', 'place_order', 'ORDER_REJECTED', /market is closed/],
    [1000, 'invalid symbols: ZZZZ', 'quote_real_time', 'NOT_FOUND', /does not know the symbol AAPL/],
    [2100, 'symbol not found', 'quote_real_time', 'NOT_FOUND', /does not know/],
    [4000, 'permission denied', 'quote_real_time', 'NO_QUOTE_RIGHT', /market-data permission/],
    [1200, 'order not found', 'cancel_order', 'NOT_FOUND', /no such order/],
    [1, 'server error', 'positions', 'VENUE_ERROR', /server failed while fetching the positions/],
    [2, 'network read time out', 'positions', 'TIMEOUT', /timed out/],
  ];
  it.each(cases)('code %i "%s" on %s → %s', (code, message, method, brokerCode, text) => {
    const e = mapTigerError(code, message, { ...ctx, method });
    expect(e.code).toBe(brokerCode);
    expect(e.message).toMatch(text);
    expect(e.venueDetail).toContain(`code ${code}`);
    expect(e.message).not.toMatch(/code \d|retType|bad_request/); // the trader never reads raw codes
  });

  it('maps HTTP 429 to RATE_LIMITED whatever the body says, and recognises a duplicate order id', () => {
    expect(mapTigerError(1, 'x', { method: 'orders', httpStatus: 429 }).code).toBe('RATE_LIMITED');
    expect(isDuplicateOrderId(1200, 'TRADE DUPLICATE ORDER ID')).toBe(true);
    expect(isDuplicateOrderId(1000, 'TRADE DUPLICATE ORDER ID')).toBe(false);
  });
});

describe('TIGER_RATE_LIMITS', () => {
  it("puts every method the adapter calls in Tiger's published tier", () => {
    const high = ['order_no', 'place_order', 'modify_order', 'cancel_order', 'orders', 'active_orders', 'filled_orders', 'quote_real_time', 'option_brief'];
    const medium = ['accounts', 'assets', 'prime_assets', 'positions', 'order_transactions', 'kline', 'option_expiration', 'option_chain'];
    for (const m of high) expect(TIGER_RATE_LIMITS[m], m).toBe(120);
    for (const m of medium) expect(TIGER_RATE_LIMITS[m], m).toBe(60);
    expect(tigerRateLimit('market_state')).toBe(10);
    expect(tigerRateLimit('something_new')).toBe(10);
    expect(TIGER_PAPER_ORDER_LIMIT.perMinute).toBe(120);
    expect(Object.isFrozen(TIGER_RATE_LIMITS)).toBe(true);
  });
});
