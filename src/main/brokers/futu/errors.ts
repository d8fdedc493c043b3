// Futu replies (retType, retMsg, errCode) → BrokerError with a message a trader understands.
// OpenD answers in the language it is configured for (simplified Chinese or English), so each
// family matches both. The venue's own text always travels along: in `venueDetail` for logs,
// and at the end of the message where it tells the trader something (e.g. why an order was rejected).
import { BrokerError, type BrokerErrorCode } from '../venue.js';
import { PROTO, protoName } from './proto.js';
import { RetType } from './wire.js';

interface Family {
  code: BrokerErrorCode;
  pattern: RegExp;
  /** Only for quote calls (3xxx): generic "no permission" texts on a trade call are order rejections. */
  quoteCallsOnly?: boolean;
  /** `tail` is " (<venue text>)" or empty. */
  message: (tail: string, call: string) => string;
}

/** Checked in order; the first match wins. */
const FAMILIES: Family[] = [
  {
    code: 'RATE_LIMITED',
    pattern: /频率|频繁|限频|次数.*(超|限)|frequen|too many requests|rate.?limit|request limit|exceed.*limit/i,
    message: (tail, call) => `Futu is rate-limiting ${call}: too many requests in a short time. Wait a few seconds before trying again.${tail}`,
  },
  {
    code: 'UNLOCK_FAILED',
    pattern: /解锁|交易密码|密码错误|unlock|trade password|trading password|password/i,
    message: (tail) => `Futu OpenD refused to unlock trading: check the trade password, or unlock trading in OpenD.${tail}`,
  },
  {
    code: 'NO_QUOTE_RIGHT',
    pattern: /行情权限|订阅额度|quote right|quotation right|no (market data|quote) (right|permission)|subscription quota/i,
    message: (tail) => `Your Futu account has no market-data right (or no subscription quota left) for this instrument. Buy the quote card or free quota in Futu, then retry.${tail}`,
  },
  {
    code: 'NO_QUOTE_RIGHT',
    quoteCallsOnly: true,
    pattern: /无权限|没有权限|权限不足|额度不足|no right|no permission|not authori[sz]ed|permission denied|insufficient quota/i,
    message: (tail) => `Your Futu account has no market-data right (or no subscription quota left) for this instrument. Buy the quote card or free quota in Futu, then retry.${tail}`,
  },
  {
    code: 'DISCONNECTED',
    pattern: /未登录|断开|网络|连接.*(失败|异常)|not log(ged)? ?in|disconnect|network|connection (lost|closed|failed)/i,
    message: (tail) => `Futu OpenD is not connected to Futu's servers right now; retry once OpenD shows it is logged in.${tail}`,
  },
  {
    code: 'NOT_FOUND',
    pattern: /不存在|找不到|未找到|not exist|not found|unknown (order|account)|no such/i,
    message: (tail) => `Futu does not know that order or account.${tail}`,
  },
];

const TRADE_WRITES: ReadonlySet<number> = new Set([PROTO.TrdPlaceOrder, PROTO.TrdModifyOrder]);

const CALL_NAMES: Record<number, string> = {
  [PROTO.TrdPlaceOrder]: 'placing orders',
  [PROTO.TrdModifyOrder]: 'order changes and cancels',
  [PROTO.TrdGetOrderList]: 'order queries',
  [PROTO.TrdGetOrderFillList]: 'fill queries',
  [PROTO.TrdGetFunds]: 'funds queries',
  [PROTO.TrdGetPositionList]: 'position queries',
  [PROTO.QotGetSecuritySnapshot]: 'quote snapshots',
  [PROTO.QotGetOptionChain]: 'option chain requests',
  [PROTO.QotGetOptionExpirationDate]: 'option expiry requests',
  [PROTO.QotSub]: 'quote subscriptions',
  [PROTO.QotGetKL]: 'price history requests',
};

export function venueDetail(protoId: number, retType: number, retMsg: string | undefined, errCode: number | undefined): string {
  return `${protoName(protoId)} (${protoId}): retType=${retType}${errCode ? ` errCode=${errCode}` : ''} retMsg=${JSON.stringify(retMsg ?? '')}`;
}

/** A failed reply → BrokerError. */
export function brokerErrorFromReply(protoId: number, retType: number, retMsg: string | undefined, errCode?: number): BrokerError {
  const venueText = (retMsg ?? '').trim();
  const text = venueText || 'no reason given';
  const tail = venueText ? ` (${venueText})` : '';
  const detail = venueDetail(protoId, retType, retMsg, errCode);
  const call = CALL_NAMES[protoId] ?? protoName(protoId);
  for (const family of FAMILIES) {
    if (family.quoteCallsOnly && protoId < 3000) continue;
    if (family.pattern.test(venueText)) return new BrokerError(family.code, family.message(tail, call), detail);
  }
  if (retType === RetType.TimeOut) {
    const mayHave = TRADE_WRITES.has(protoId) ? ' The order change MAY have reached the market: check open orders and fills before retrying.' : '';
    return new BrokerError('TIMEOUT', `Futu OpenD timed out talking to Futu's servers for ${call}.${mayHave}${tail}`, detail);
  }
  if (retType === RetType.DisConnect) {
    return new BrokerError('DISCONNECTED', `Futu OpenD lost its connection to Futu's servers during ${call}; retry once it reconnects.${tail}`, detail);
  }
  if (retType === RetType.Invalid) {
    return new BrokerError('BAD_REQUEST', `Futu OpenD refused the request as invalid: ${text}`, detail);
  }
  if (TRADE_WRITES.has(protoId)) {
    return new BrokerError('ORDER_REJECTED', `Futu rejected the order: ${text}`, detail);
  }
  return new BrokerError('VENUE_ERROR', `Futu OpenD could not complete ${call}: ${text}`, detail);
}
