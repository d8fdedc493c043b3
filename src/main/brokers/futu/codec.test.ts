import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, HEADER_BYTES } from './codec.js';
import { decodeResponse, encodeRequest, encodeResponse, PROTO } from './proto.js';

describe('OpenD frame header', () => {
  it('lays out FT, proto id, format, version, serial, body length, body SHA1 and 8 reserved bytes, little-endian', () => {
    const body = Buffer.from('hello futu');
    const frame = encodeFrame(3005, 0x01020304, body);
    expect(frame.length).toBe(44 + body.length);
    expect(frame.subarray(0, 2).toString('latin1')).toBe('FT');
    expect([...frame.subarray(2, 6)]).toEqual([0xbd, 0x0b, 0, 0]); // 3005 LE
    expect(frame[6]).toBe(0); // protobuf
    expect(frame[7]).toBe(0); // version
    expect([...frame.subarray(8, 12)]).toEqual([4, 3, 2, 1]);
    expect(frame.readUInt32LE(12)).toBe(body.length);
    expect(frame.subarray(16, 36).equals(createHash('sha1').update(body).digest())).toBe(true);
    expect([...frame.subarray(36, 44)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(frame.subarray(44).equals(body)).toBe(true);
  });

  it('frames an empty body with the SHA1 of nothing', () => {
    const frame = encodeFrame(1004, 1, new Uint8Array());
    expect(frame.length).toBe(HEADER_BYTES);
    expect(frame.subarray(16, 36).toString('hex')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
});

describe('FrameDecoder', () => {
  const a = encodeFrame(1001, 1, encodeRequest(PROTO.InitConnect, { clientVer: 1011, clientID: 'x' }));
  const b = encodeFrame(3005, 2, encodeResponse(PROTO.QotUpdateBasicQot, { retType: 0, s2c: { basicQotList: [] } }));
  const c = encodeFrame(1004, 3, Buffer.alloc(0));

  it('returns several frames from one chunk', () => {
    const frames = new FrameDecoder().push(Buffer.concat([a, b, c]));
    expect(frames.map((f) => [f.protoId, f.serialNo])).toEqual([
      [1001, 1],
      [3005, 2],
      [1004, 3],
    ]);
    expect(decodeResponse(PROTO.QotUpdateBasicQot, frames[1]!.body).retType).toBe(0);
  });

  it('reassembles frames split at every possible byte, including inside the header', () => {
    const all = Buffer.concat([a, b, c]);
    for (let cut = 1; cut < all.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(all.subarray(0, cut)), ...decoder.push(all.subarray(cut))];
      expect(frames.map((f) => f.serialNo)).toEqual([1, 2, 3]);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('reassembles any chunking of a random frame stream (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }), (bodies, sizes) => {
        const stream = Buffer.concat(bodies.map((body, i) => encodeFrame(2000 + i, i + 1, body)));
        const decoder = new FrameDecoder();
        const out = [];
        let offset = 0;
        for (let i = 0; offset < stream.length; i++) {
          const size = sizes[i % sizes.length]!;
          out.push(...decoder.push(stream.subarray(offset, offset + size)));
          offset += size;
        }
        expect(out.map((f) => Buffer.from(f.body))).toEqual(bodies.map((body) => Buffer.from(body)));
        expect(out.map((f) => f.protoId)).toEqual(bodies.map((_, i) => 2000 + i));
      }),
    );
  });

  it('rejects garbage with a clear error and stays failed', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toThrow(/Not a Futu OpenD frame/);
    expect(() => decoder.push(a)).toThrow(FrameError);
  });

  it('rejects garbage after a good frame, keeping nothing of it', () => {
    const decoder = new FrameDecoder();
    let error: unknown;
    try {
      decoder.push(Buffer.concat([a, Buffer.from('XX garbage')]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameError);
    expect((error as FrameError).reason).toBe('BAD_FLAG');
  });

  it('rejects an oversized body from its header alone, before buffering it', () => {
    const header = Buffer.from(encodeFrame(2201, 1, Buffer.alloc(0)));
    header.writeUInt32LE(64 * 1024 * 1024, 12);
    const decoder = new FrameDecoder({ maxBodyBytes: 1024 * 1024 });
    expect(() => decoder.push(header)).toThrow(expect.objectContaining({ reason: 'TOO_LARGE', message: expect.stringMatching(/exceeds the 1048576-byte limit/) }));
  });

  it('rejects a body whose SHA1 does not match the header', () => {
    const frame = Buffer.from(b);
    frame.writeUInt8(frame.readUInt8(frame.length - 1) ^ 0xff, frame.length - 1);
    expect(() => new FrameDecoder().push(frame)).toThrow(expect.objectContaining({ reason: 'BAD_SHA1' }));
  });

  it('rejects JSON-format frames (only protobuf is spoken)', () => {
    const frame = Buffer.from(c);
    frame[6] = 1;
    expect(() => new FrameDecoder().push(frame)).toThrow(expect.objectContaining({ reason: 'BAD_FORMAT' }));
  });
});

describe('Futu protobuf bodies', () => {
  it('round-trips a request and reads 64-bit ids without losing precision', () => {
    const header = { trdEnv: 1, accID: '281756479345015383', trdMarket: 2 };
    const body = encodeResponse(PROTO.TrdPlaceOrder, { retType: 0, s2c: { header, orderID: '5870498377428972628' } });
    const reply = decodeResponse<{ orderID: { toString(): string }; header: { accID: { toString(): string } } }>(PROTO.TrdPlaceOrder, body);
    expect(reply.s2c!.orderID.toString()).toBe('5870498377428972628');
    expect(reply.s2c!.header.accID.toString()).toBe('281756479345015383');
  });

  it('refuses a reply missing a required field', () => {
    // A KeepAlive reply read as an InitConnect reply: field 1 fits, connID & co. are missing.
    const body = encodeResponse(PROTO.KeepAlive, { retType: 0, s2c: { time: 5 } });
    expect(() => decodeResponse(PROTO.InitConnect, body)).toThrow(/missing required/);
  });
});
