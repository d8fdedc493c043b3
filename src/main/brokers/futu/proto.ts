// Futu's official protobuf definitions and the OpenD protocol ids this adapter speaks.
// The definitions come from the `futu-api` npm package, which ships Futu's `.proto` files
// compiled into a protobufjs JSON module (`futu-api/proto.js`); we load that module as it is
// and never copy the schemas. Every OpenD request body is `<Package>.Request { c2s }`, every
// reply and push body is `<Package>.Response { retType, retMsg, errCode, s2c }`.
import { createRequire } from 'node:module';
import type { Root, Type } from 'protobufjs';

const require = createRequire(import.meta.url);
const root = require('futu-api/proto.js') as Root;

/** Protocol ids (the header's nProtoID) of the calls and pushes used here. */
export const PROTO = {
  InitConnect: 1001,
  Notify: 1003,
  KeepAlive: 1004,
  TrdGetAccList: 2001,
  TrdUnlockTrade: 2005,
  TrdSubAccPush: 2008,
  TrdGetFunds: 2101,
  TrdGetPositionList: 2102,
  TrdGetOrderList: 2201,
  TrdPlaceOrder: 2202,
  TrdModifyOrder: 2205,
  TrdUpdateOrder: 2208,
  TrdGetOrderFillList: 2211,
  TrdUpdateOrderFill: 2218,
  QotSub: 3001,
  QotUpdateBasicQot: 3005,
  QotGetKL: 3006,
  QotUpdateOrderBook: 3013,
  QotGetSecuritySnapshot: 3203,
  QotGetOptionChain: 3209,
  QotGetOptionExpirationDate: 3224,
} as const;

export type ProtoId = (typeof PROTO)[keyof typeof PROTO];

/** The .proto package of each protocol id. */
const PACKAGE: Record<ProtoId, string> = {
  1001: 'InitConnect',
  1003: 'Notify',
  1004: 'KeepAlive',
  2001: 'Trd_GetAccList',
  2005: 'Trd_UnlockTrade',
  2008: 'Trd_SubAccPush',
  2101: 'Trd_GetFunds',
  2102: 'Trd_GetPositionList',
  2201: 'Trd_GetOrderList',
  2202: 'Trd_PlaceOrder',
  2205: 'Trd_ModifyOrder',
  2208: 'Trd_UpdateOrder',
  2211: 'Trd_GetOrderFillList',
  2218: 'Trd_UpdateOrderFill',
  3001: 'Qot_Sub',
  3005: 'Qot_UpdateBasicQot',
  3006: 'Qot_GetKL',
  3013: 'Qot_UpdateOrderBook',
  3203: 'Qot_GetSecuritySnapshot',
  3209: 'Qot_GetOptionChain',
  3224: 'Qot_GetOptionExpirationDate',
};

/** Pushes: protocol ids OpenD sends unasked (no Request message exists for them). */
export const PUSH_IDS: ReadonlySet<number> = new Set([PROTO.Notify, PROTO.TrdUpdateOrder, PROTO.TrdUpdateOrderFill, PROTO.QotUpdateBasicQot, PROTO.QotUpdateOrderBook]);

export function isKnownProto(id: number): id is ProtoId {
  return Object.prototype.hasOwnProperty.call(PACKAGE, id);
}

export function protoName(id: number): string {
  return isKnownProto(id) ? PACKAGE[id] : `proto ${id}`;
}

const requestTypes = new Map<number, Type>();
const responseTypes = new Map<number, Type>();

function lookup(cache: Map<number, Type>, id: ProtoId, message: 'Request' | 'Response'): Type {
  let type = cache.get(id);
  if (!type) {
    type = root.lookupType(`${PACKAGE[id]}.${message}`);
    cache.set(id, type);
  }
  return type;
}

/** Protobuf body of a request: `{ c2s }`. protobufjs checks nothing on encode; the shapes are typed by callers. */
export function encodeRequest(id: ProtoId, c2s: object): Uint8Array {
  return lookup(requestTypes, id, 'Request').encode({ c2s }).finish();
}

/** Protobuf body of a reply or push: `{ retType, retMsg, errCode, s2c }`. */
export function encodeResponse(id: ProtoId, response: { retType: number; retMsg?: string; errCode?: number; s2c?: object }): Uint8Array {
  return lookup(responseTypes, id, 'Response').encode(response).finish();
}

export interface FutuResponse<S2C> {
  retType: number;
  retMsg?: string;
  errCode?: number;
  s2c?: S2C;
}

/** Decodes a reply or push body; throws (protobufjs ProtocolError/RangeError) on malformed or incomplete bodies. */
export function decodeResponse<S2C>(id: ProtoId, body: Uint8Array): FutuResponse<S2C> {
  return lookup(responseTypes, id, 'Response').decode(body) as unknown as FutuResponse<S2C>;
}

/** Decodes a request body (the fake OpenD's side). */
export function decodeRequest<C2S>(id: ProtoId, body: Uint8Array): { c2s: C2S } {
  return lookup(requestTypes, id, 'Request').decode(body) as unknown as { c2s: C2S };
}
