// OpenD wire framing: a 44-byte little-endian header, then the body.
//   0  "FT"            2 bytes   header flag
//   2  nProtoID        u32       protocol id
//   6  nProtoFmtType   u8        0 = protobuf (the only format spoken here), 1 = JSON
//   7  nProtoVer       u8        0
//   8  nSerialNo       u32       request serial; a reply carries its request's serial
//  12  nBodyLen        u32       body length
//  16  arrBodySHA1     20 bytes  SHA1 of the (unencrypted) body
//  36  arrReserved     8 bytes   zero
// The decoder turns a TCP byte stream (frames split or coalesced arbitrarily) into frames and
// fails with a FrameError on anything that is not a well-formed frame; after an error the
// stream is unusable and the caller must drop the connection.
import { createHash } from 'node:crypto';

export const HEADER_BYTES = 44;
/** Largest body accepted by default; option chains of big underlyings are a few MB. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const FLAG_F = 0x46;
const FLAG_T = 0x54;

export interface Frame {
  protoId: number;
  protoFmt: number;
  protoVer: number;
  serialNo: number;
  body: Buffer;
}

export type FrameErrorReason = 'BAD_FLAG' | 'TOO_LARGE' | 'BAD_SHA1' | 'BAD_FORMAT';

export class FrameError extends Error {
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export function sha1(body: Uint8Array): Buffer {
  return createHash('sha1').update(body).digest();
}

/** One frame: header + body, ready for socket.write. */
export function encodeFrame(protoId: number, serialNo: number, body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame[0] = FLAG_F;
  frame[1] = FLAG_T;
  frame.writeUInt32LE(protoId, 2);
  frame[6] = 0;
  frame[7] = 0;
  frame.writeUInt32LE(serialNo >>> 0, 8);
  frame.writeUInt32LE(body.length, 12);
  sha1(body).copy(frame, 16);
  frame.fill(0, 36, HEADER_BYTES);
  frame.set(body, HEADER_BYTES);
  return frame;
}

export interface FrameDecoderOptions {
  maxBodyBytes?: number;
  /** Verify each body's SHA1 against the header (default true). */
  verifySha1?: boolean;
}

export class FrameDecoder {
  private pending: Buffer | null = null;
  private failed: FrameError | null = null;
  private readonly maxBodyBytes: number;
  private readonly verifySha1: boolean;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.verifySha1 = options.verifySha1 ?? true;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** Feeds a chunk; returns the frames it completes. Throws a FrameError (and keeps throwing it) on a malformed stream. */
  push(chunk: Buffer): Frame[] {
    if (this.failed) throw this.failed;
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    const frames: Frame[] = [];
    let offset = 0;
    try {
      while (data.length - offset >= 2) {
        if (data[offset] !== FLAG_F || data[offset + 1] !== FLAG_T) {
          throw new FrameError('BAD_FLAG', `Not a Futu OpenD frame: expected "FT", got 0x${data.subarray(offset, offset + 2).toString('hex')}.`);
        }
        if (data.length - offset < HEADER_BYTES) break;
        const protoFmt = data[offset + 6]!;
        if (protoFmt !== 0) throw new FrameError('BAD_FORMAT', `Frame format ${protoFmt} is not protobuf (0); only protobuf bodies are spoken here.`);
        const bodyLen = data.readUInt32LE(offset + 12);
        if (bodyLen > this.maxBodyBytes) {
          throw new FrameError('TOO_LARGE', `Frame body of ${bodyLen} bytes exceeds the ${this.maxBodyBytes}-byte limit.`);
        }
        const end = offset + HEADER_BYTES + bodyLen;
        if (data.length < end) break;
        const body = data.subarray(offset + HEADER_BYTES, end);
        if (this.verifySha1 && !sha1(body).equals(data.subarray(offset + 16, offset + 36))) {
          throw new FrameError('BAD_SHA1', `Frame body SHA1 does not match its header (proto ${data.readUInt32LE(offset + 2)}).`);
        }
        frames.push({
          protoId: data.readUInt32LE(offset + 2),
          protoFmt,
          protoVer: data[offset + 7]!,
          serialNo: data.readUInt32LE(offset + 8),
          body,
        });
        offset = end;
      }
    } catch (error) {
      this.failed = error as FrameError;
      throw error;
    }
    // Keep the tail (a partial frame) as its own copy so the big chunk it came from can be freed.
    if (offset < data.length) this.pending = Buffer.from(data.subarray(offset));
    return frames;
  }
}
