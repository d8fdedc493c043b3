// Tiger's push-socket protocol: TLS TCP carrying protobuf messages, each prefixed by its length
// as an unsigned varint (protobuf's "delimited" framing). The client sends `Request`s (CONNECT
// with a signature over its tiger_id, SUBSCRIBE/UNSUBSCRIBE, HEARTBEAT, DISCONNECT); the server
// answers with `Response`s (CONNECTED, HEARTBEAT, MESSAGE with a `PushData` body, ERROR).
// The definitions below follow the tigeropen SDKs' push .proto files (Request, Response,
// SocketCommon, PushData, QuoteData, QuoteBasicData, OrderStatusData, OrderTransactionData)
// field for field and number for number; PushData members Deltadeck never subscribes to
// (depth, ticks, positions, assets, top lists, klines, full ticks: fields 3–6, 9–12) are left
// out — protobuf skips unknown fields, so their presence on the wire is harmless.
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package tigeropen.push.pb;

message SocketCommon {
  enum Command {
    UNKNOWN = 0; CONNECT = 1; CONNECTED = 2; SEND = 3; SUBSCRIBE = 4; UNSUBSCRIBE = 5;
    DISCONNECT = 6; MESSAGE = 7; HEARTBEAT = 8; ERROR = 9;
  }
  enum DataType {
    Unknown = 0; Quote = 1; Option = 2; Future = 3; QuoteDepth = 4; TradeTick = 5; Asset = 6;
    Position = 7; OrderStatus = 8; OrderTransaction = 9; StockTop = 10; OptionTop = 11; Kline = 12;
  }
  enum QuoteType { None = 0; BASIC = 1; BBO = 2; ALL = 3; }
}

message Request {
  SocketCommon.Command command = 1;
  uint32 id = 2;
  optional Subscribe subscribe = 3;
  optional Connect connect = 4;

  message Connect {
    string tigerId = 1;
    string sign = 2;
    string sdkVersion = 3;
    optional string acceptVersion = 4;
    optional uint32 sendInterval = 5;
    optional uint32 receiveInterval = 6;
    optional bool useFullStockTick = 7;
  }

  message Subscribe {
    SocketCommon.DataType dataType = 1;
    optional string symbols = 2;
    optional string account = 3;
    optional string market = 4;
  }
}

message Response {
  SocketCommon.Command command = 1;
  optional uint32 id = 2;
  optional int32 code = 3;
  optional string msg = 4;
  optional PushData body = 5;
}

message PushData {
  SocketCommon.DataType dataType = 1;
  oneof body {
    QuoteData quoteData = 2;
    OrderStatusData orderStatusData = 7;
    OrderTransactionData orderTransactionData = 8;
  }
}

message QuoteData {
  string symbol = 1;
  SocketCommon.QuoteType type = 2;
  uint64 timestamp = 3;
  optional uint64 serverTimestamp = 4;
  optional double avgPrice = 5;
  optional double latestPrice = 6;
  optional uint64 latestPriceTimestamp = 7;
  optional string latestTime = 8;
  optional double preClose = 9;
  optional sint64 volume = 10;
  optional double amount = 11;
  optional double open = 12;
  optional double high = 13;
  optional double low = 14;
  optional string hourTradingTag = 15;
  optional string marketStatus = 16;
  optional double askPrice = 17;
  optional sint64 askSize = 18;
  optional uint64 askTimestamp = 19;
  optional double bidPrice = 20;
  optional sint64 bidSize = 21;
  optional uint64 bidTimestamp = 22;
  optional string identifier = 23;
  optional sint64 openInt = 24;
  optional uint64 tradeTime = 25;
  optional double preSettlement = 26;
  optional float minTick = 27;
  optional Minute mi = 28;
  optional double volumeDecimal = 29;

  message Minute {
    double p = 1; double a = 2; uint64 t = 3; sint64 v = 4; double o = 5; double h = 6; double l = 7;
  }
}

message QuoteBasicData {
  string symbol = 1;
  SocketCommon.QuoteType type = 2;
  uint64 timestamp = 3;
  optional uint64 serverTimestamp = 4;
  optional double avgPrice = 5;
  optional double latestPrice = 6;
  optional uint64 latestPriceTimestamp = 7;
  optional string latestTime = 8;
  optional double preClose = 9;
  optional sint64 volume = 10;
  optional double amount = 11;
  optional double open = 12;
  optional double high = 13;
  optional double low = 14;
  optional string hourTradingTag = 15;
  optional string marketStatus = 16;
  optional string identifier = 23;
  optional sint64 openInt = 24;
  optional uint64 tradeTime = 25;
  optional double preSettlement = 26;
  optional float minTick = 27;
  optional QuoteData.Minute mi = 28;
}

message OrderStatusData {
  sint64 id = 1;
  string account = 2;
  string symbol = 3;
  string expiry = 4;
  string strike = 5;
  string right = 6;
  string identifier = 7;
  uint32 multiplier = 8;
  string action = 9;
  string market = 10;
  string currency = 11;
  string segType = 12;
  string secType = 13;
  string orderType = 14;
  bool isLong = 15;
  sint64 totalQuantity = 16;
  sint32 totalQuantityScale = 17;
  sint64 filledQuantity = 18;
  sint32 filledQuantityScale = 19;
  double avgFillPrice = 20;
  double limitPrice = 21;
  double stopPrice = 22;
  double realizedPnl = 23;
  string status = 24;
  string replaceStatus = 25;
  string cancelStatus = 26;
  bool outsideRth = 27;
  bool canModify = 28;
  bool canCancel = 29;
  bool liquidation = 30;
  string name = 31;
  string source = 32;
  string errorMsg = 33;
  string attrDesc = 34;
  double commissionAndFee = 35;
  uint64 openTime = 36;
  uint64 timestamp = 37;
  string userMark = 38;
  double totalCashAmount = 39;
  double filledCashAmount = 40;
  double gst = 41;
}

message OrderTransactionData {
  sint64 id = 1;
  sint64 orderId = 2;
  string account = 3;
  string symbol = 4;
  string identifier = 5;
  uint32 multiplier = 6;
  string action = 7;
  string market = 8;
  string currency = 9;
  string segType = 10;
  string secType = 11;
  double filledPrice = 12;
  sint64 filledQuantity = 13;
  uint64 createTime = 14;
  uint64 updateTime = 15;
  uint64 transactTime = 16;
  uint64 timestamp = 17;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const RequestType = root.lookupType('tigeropen.push.pb.Request');
const ResponseType = root.lookupType('tigeropen.push.pb.Response');

export const Command = {
  UNKNOWN: 0,
  CONNECT: 1,
  CONNECTED: 2,
  SEND: 3,
  SUBSCRIBE: 4,
  UNSUBSCRIBE: 5,
  DISCONNECT: 6,
  MESSAGE: 7,
  HEARTBEAT: 8,
  ERROR: 9,
} as const;

export const DataType = {
  Unknown: 0,
  Quote: 1,
  Option: 2,
  Future: 3,
  QuoteDepth: 4,
  TradeTick: 5,
  Asset: 6,
  Position: 7,
  OrderStatus: 8,
  OrderTransaction: 9,
} as const;

export const QuoteType = { None: 0, BASIC: 1, BBO: 2, ALL: 3 } as const;

/** Response.code values Tiger uses on MESSAGE frames that are not pushes (push_types.ResponseType). */
export const ResponseCode = { SUBSCRIBED_SYMBOLS: 111, SUBSCRIBE_END: 112, UNSUBSCRIBE_END: 113, ERROR_END: 200 } as const;

export interface PushRequest {
  command: number;
  id: number;
  subscribe?: { dataType: number; symbols?: string; account?: string; market?: string };
  connect?: {
    tigerId: string;
    sign: string;
    sdkVersion: string;
    acceptVersion?: string;
    sendInterval?: number;
    receiveInterval?: number;
    useFullStockTick?: boolean;
  };
}

/** A quote push; 64-bit integers arrive as decimal strings. */
export interface QuoteDataMessage {
  symbol: string;
  type?: number;
  timestamp?: string;
  latestPrice?: number;
  latestPriceTimestamp?: string;
  preClose?: number;
  volume?: string;
  askPrice?: number;
  askSize?: string;
  bidPrice?: number;
  bidSize?: string;
  identifier?: string;
}

export interface OrderStatusMessage {
  id: string;
  account: string;
  symbol: string;
  expiry?: string;
  strike?: string;
  right?: string;
  identifier?: string;
  multiplier?: number;
  action: string;
  secType?: string;
  orderType: string;
  totalQuantity?: string;
  filledQuantity?: string;
  avgFillPrice?: number;
  limitPrice?: number;
  stopPrice?: number;
  status: string;
  outsideRth?: boolean;
  errorMsg?: string;
  commissionAndFee?: number;
  openTime?: string;
  timestamp?: string;
  userMark?: string;
}

export interface OrderTransactionMessage {
  id: string;
  orderId: string;
  account: string;
  symbol: string;
  identifier?: string;
  multiplier?: number;
  action: string;
  secType?: string;
  filledPrice?: number;
  filledQuantity?: string;
  transactTime?: string;
  timestamp?: string;
}

export interface PushDataMessage {
  dataType?: number;
  quoteData?: QuoteDataMessage;
  orderStatusData?: OrderStatusMessage;
  orderTransactionData?: OrderTransactionMessage;
}

export interface PushResponse {
  command: number;
  id?: number;
  code?: number;
  msg?: string;
  body?: PushDataMessage;
}

const TO_OBJECT = { longs: String, enums: Number, defaults: false, oneofs: false } as const;

export function encodeRequest(request: PushRequest): Uint8Array {
  return RequestType.encodeDelimited(RequestType.fromObject(request)).finish();
}

export function decodeRequest(frame: Uint8Array): PushRequest {
  return RequestType.toObject(RequestType.decode(frame), TO_OBJECT) as PushRequest;
}

/** Encodes a Response; 64-bit fields may be given as numbers, bigints or decimal strings. */
export function encodeResponse(response: unknown): Uint8Array {
  return ResponseType.encodeDelimited(ResponseType.fromObject(normalizeLongs(response) as Record<string, unknown>)).finish();
}

export function decodeResponse(frame: Uint8Array): PushResponse {
  return ResponseType.toObject(ResponseType.decode(frame), TO_OBJECT) as PushResponse;
}

function normalizeLongs(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(normalizeLongs);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeLongs(v);
    return out;
  }
  return value;
}

/** Largest frame either side accepts; Tiger's pushes are a few hundred bytes. */
export const MAX_FRAME_BYTES = 1 << 20;

/**
 * Splits a TCP byte stream into varint-length-delimited frames (the frame bodies, without the
 * length). Throws on a malformed length or a frame above MAX_FRAME_BYTES; the caller then
 * drops the connection, since the stream cannot be resynchronised.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Uint8Array[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      let length = 0;
      let shift = 0;
      let pos = offset;
      let complete = false;
      while (pos < this.buffer.length) {
        const byte = this.buffer[pos++]!;
        length += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
        if (shift > 28) throw new Error('malformed frame length');
      }
      if (!complete) break;
      if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
      if (pos + length > this.buffer.length) break;
      frames.push(this.buffer.subarray(pos, pos + length));
      offset = pos + length;
    }
    this.buffer = offset === 0 ? this.buffer : Buffer.from(this.buffer.subarray(offset));
    return frames;
  }
}
