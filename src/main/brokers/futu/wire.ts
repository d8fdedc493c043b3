// TypeScript shapes of the Futu protobuf messages this adapter reads and writes (field names
// exactly as in Futu's .proto files), plus the Futu enum values it needs. protobufjs decodes
// 64-bit integers as `Long` objects (the `long` package ships with futu-api); helpers below
// turn them into strings (ids) or numbers (quantities, times).

/** A 64-bit integer as protobufjs hands it over (Long) or as we pass it in (number or decimal string). */
export type Int64 = number | string | { toString(): string; toNumber(): number };

export function int64String(v: Int64 | null | undefined): string {
  if (v === null || v === undefined) return '0';
  return typeof v === 'string' ? v : v.toString();
}

export function int64Number(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

/**
 * Whether a decoded message carries an optional field. protobufjs puts proto2 defaults (0, '',
 * false) on the prototype, so `msg.field === undefined` is never true for a scalar field.
 */
export function present(message: object | null | undefined, field: string): boolean {
  return message !== null && message !== undefined && Object.prototype.hasOwnProperty.call(message, field);
}

export interface Security {
  market: number;
  code: string;
}

export interface PacketID {
  connID: Int64;
  serialNo: number;
}

export interface TrdHeader {
  trdEnv: number;
  accID: Int64;
  trdMarket: number;
}

// --- enums (values from Common.proto, Qot_Common.proto, Trd_Common.proto) ---

export const RetType = { Succeed: 0, Failed: -1, TimeOut: -100, DisConnect: -200, Unknown: -400, Invalid: -500 } as const;
export const PacketEncAlgoNone = -1;
export const ProtoFmtProtobuf = 0;

export const QotMarket = { HK: 1, US: 11, CNSH: 21, CNSZ: 22 } as const;
export const SubType = { Basic: 1, OrderBook: 2, KL_Day: 6, KL_1Min: 11 } as const;
export const KLType = { Min1: 1, Day: 2 } as const;
export const RehabType = { None: 0, Forward: 1 } as const;
export const OptionType = { Call: 1, Put: 2 } as const;

export const TrdEnv = { Simulate: 0, Real: 1 } as const;
export const TrdMarket = { HK: 1, US: 2, CN: 3 } as const;
export const TrdSecMarket = { HK: 1, US: 2, CNSH: 31, CNSZ: 32 } as const;
export const TrdSide = { Buy: 1, Sell: 2, SellShort: 3, BuyBack: 4 } as const;
export const OrderType = { Normal: 1, Market: 2, Stop: 10, StopLimit: 11 } as const;
export const ModifyOrderOp = { Normal: 1, Cancel: 2 } as const;
export const TimeInForce = { DAY: 0, GTC: 1, IOC: 2 } as const;
export const PositionSide = { Long: 0, Short: 1 } as const;
export const OrderFillStatus = { OK: 0, Cancelled: 1, Changed: 2 } as const;
export const Currency = { HKD: 1, USD: 2, CNH: 3 } as const;

export const OrderStatus = {
  Unsubmitted: 0,
  Unknown: -1,
  WaitingSubmit: 1,
  Submitting: 2,
  SubmitFailed: 3,
  TimeOut: 4,
  Submitted: 5,
  FilledPart: 10,
  FilledAll: 11,
  CancellingPart: 12,
  CancellingAll: 13,
  CancelledPart: 14,
  CancelledAll: 15,
  Failed: 21,
  Disabled: 22,
  Deleted: 23,
  FillCancelled: 24,
} as const;

// --- messages ---

export interface InitConnectC2S {
  clientVer: number;
  clientID: string;
  recvNotify?: boolean;
  packetEncAlgo?: number;
  pushProtoFmt?: number;
  programmingLanguage?: string;
}
export interface InitConnectS2C {
  serverVer: number;
  loginUserID: Int64;
  connID: Int64;
  connAESKey: string;
  keepAliveInterval: number;
}

export interface KeepAliveC2S {
  time: Int64;
}
export interface KeepAliveS2C {
  time: Int64;
}

export interface TrdAcc {
  trdEnv: number;
  accID: Int64;
  trdMarketAuthList: number[];
  accType?: number;
  cardNum?: string;
  securityFirm?: number;
  simAccType?: number;
  accStatus?: number;
}

export interface Funds {
  power: number;
  totalAssets: number;
  cash: number;
  marketVal: number;
  frozenCash: number;
  debtCash: number;
  avlWithdrawalCash: number;
  currency?: number;
}

export interface Position {
  positionID: Int64;
  positionSide: number;
  code: string;
  name: string;
  qty: number;
  canSellQty: number;
  price: number;
  costPrice?: number;
  val: number;
  plVal: number;
  secMarket?: number;
  averageCostPrice?: number;
  dilutedCostPrice?: number;
}

export interface Order {
  trdSide: number;
  orderType: number;
  orderStatus: number;
  orderID: Int64;
  orderIDEx: string;
  code: string;
  name: string;
  qty: number;
  price?: number;
  createTime: string;
  updateTime: string;
  fillQty?: number;
  fillAvgPrice?: number;
  lastErrMsg?: string;
  secMarket?: number;
  createTimestamp?: number;
  updateTimestamp?: number;
  remark?: string;
  timeInForce?: number;
  fillOutsideRTH?: boolean;
  auxPrice?: number;
}

export interface OrderFill {
  trdSide: number;
  fillID: Int64;
  fillIDEx: string;
  orderID?: Int64;
  orderIDEx?: string;
  code: string;
  name: string;
  qty: number;
  price: number;
  createTime: string;
  secMarket?: number;
  createTimestamp?: number;
  updateTimestamp?: number;
  status?: number;
}

export interface PlaceOrderC2S {
  packetID: PacketID;
  header: TrdHeader;
  trdSide: number;
  orderType: number;
  code: string;
  qty: number;
  price?: number;
  secMarket?: number;
  remark?: string;
  timeInForce?: number;
  fillOutsideRTH?: boolean;
  auxPrice?: number;
}

export interface ModifyOrderC2S {
  packetID: PacketID;
  header: TrdHeader;
  orderID: Int64;
  modifyOrderOp: number;
  forAll?: boolean;
  qty?: number;
  price?: number;
  auxPrice?: number;
}

export interface OrderBookLevel {
  price: number;
  volume: Int64;
  orederCount: number;
}

export interface BasicQot {
  security: Security;
  name?: string;
  isSuspended: boolean;
  listTime: string;
  priceSpread: number;
  updateTime: string;
  highPrice: number;
  openPrice: number;
  lowPrice: number;
  curPrice: number;
  lastClosePrice: number;
  volume: Int64;
  turnover: number;
  turnoverRate: number;
  amplitude: number;
  updateTimestamp?: number;
}

export interface OrderBookPush {
  security: Security;
  orderBookAskList: OrderBookLevel[];
  orderBookBidList: OrderBookLevel[];
}

export interface KLine {
  time: string;
  isBlank: boolean;
  highPrice?: number;
  openPrice?: number;
  lowPrice?: number;
  closePrice?: number;
  lastClosePrice?: number;
  volume?: Int64;
  timestamp?: number;
}

export interface SnapshotBasicData {
  security: Security;
  type: number;
  isSuspend: boolean;
  listTime: string;
  lotSize: number;
  priceSpread: number;
  updateTime: string;
  highPrice: number;
  openPrice: number;
  lowPrice: number;
  lastClosePrice: number;
  curPrice: number;
  volume: Int64;
  turnover: number;
  turnoverRate: number;
  updateTimestamp?: number;
  askPrice?: number;
  bidPrice?: number;
  askVol?: Int64;
  bidVol?: Int64;
}

export interface OptionSnapshotExData {
  type: number;
  owner: Security;
  strikeTime: string;
  strikePrice: number;
  contractSize: number;
  openInterest: number;
  impliedVolatility: number;
  premium: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
  contractMultiplier?: number;
}

export interface Snapshot {
  basic: SnapshotBasicData;
  optionExData?: OptionSnapshotExData;
}

export interface SecurityStaticInfo {
  basic: { security: Security; id: Int64; lotSize: number; secType: number; name: string; listTime: string };
  optionExData?: { type: number; owner: Security; strikeTime: string; strikePrice: number; suspend: boolean; market: string };
}

export interface OptionChainS2C {
  optionChain: { strikeTime: string; option: { call?: SecurityStaticInfo; put?: SecurityStaticInfo }[]; strikeTimestamp?: number }[];
}

export interface NotifyS2C {
  type: number;
  event?: { eventType: number; desc: string };
  programStatus?: { programStatus: { type: number; strExtDesc?: string } };
  connectStatus?: { qotLogined: boolean; trdLogined: boolean };
}
