import { describe, expect, it } from 'vitest';
import { brokerErrorFromReply } from './errors.js';
import { PROTO } from './proto.js';

describe('Futu replies → trader-readable BrokerErrors', () => {
  const cases: [string, number, number, string, string, RegExp][] = [
    // family, protoId, retType, retMsg, expected code, expected message
    ['rate limit (en)', PROTO.TrdPlaceOrder, -1, 'Request frequency is too high, please try again later', 'RATE_LIMITED', /rate-limiting placing orders.*Wait a few seconds/],
    ['rate limit (zh)', PROTO.TrdModifyOrder, -1, '请求频率太高，请稍后再试', 'RATE_LIMITED', /rate-limiting order changes and cancels/],
    ['unlock refused (en)', PROTO.TrdUnlockTrade, -1, 'Unlock failed: incorrect trade password', 'UNLOCK_FAILED', /refused to unlock trading: check the trade password/],
    ['unlock refused (zh)', PROTO.TrdUnlockTrade, -1, '解锁失败，交易密码错误', 'UNLOCK_FAILED', /refused to unlock trading/],
    ['trading locked (en)', PROTO.TrdPlaceOrder, -1, 'Trading is locked: please unlock trade first', 'UNLOCK_FAILED', /unlock/],
    ['no quote right (en)', PROTO.QotSub, -1, 'No quote right for AAPL261218C230000: no market data permission', 'NO_QUOTE_RIGHT', /no market-data right/],
    ['no quote right (zh)', PROTO.QotGetSecuritySnapshot, -1, '无权限获取该行情', 'NO_QUOTE_RIGHT', /no market-data right/],
    ['subscription quota (zh)', PROTO.QotSub, -1, '订阅额度不足', 'NO_QUOTE_RIGHT', /subscription quota/],
    ['OpenD not logged in (en)', PROTO.TrdGetFunds, -1, 'OpenD is not logged in', 'DISCONNECTED', /not connected to Futu's servers/],
    ['OpenD disconnected (zh)', PROTO.QotGetKL, -1, '网络断开，请稍后重试', 'DISCONNECTED', /not connected/],
    ['order not found', PROTO.TrdModifyOrder, -1, 'Order does not exist', 'NOT_FOUND', /does not know that order/],
    ['retType disconnect', PROTO.TrdGetPositionList, -200, '', 'DISCONNECTED', /lost its connection to Futu's servers during position queries/],
    ['retType timeout on a write', PROTO.TrdPlaceOrder, -100, '', 'TIMEOUT', /MAY have reached the market/],
    ['retType invalid', PROTO.QotGetOptionChain, -500, 'bad packet', 'BAD_REQUEST', /refused the request as invalid: bad packet/],
    ['other order rejection', PROTO.TrdPlaceOrder, -1, 'Insufficient buying power', 'ORDER_REJECTED', /^Futu rejected the order: Insufficient buying power$/],
    ['other failure', PROTO.QotGetOptionExpirationDate, -1, 'Something odd', 'VENUE_ERROR', /could not complete option expiry requests: Something odd/],
  ];

  it.each(cases)('%s', (_family, protoId, retType, retMsg, code, message) => {
    const error = brokerErrorFromReply(protoId, retType, retMsg, 7);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/retType/); // venue internals stay out of the trader's text
    expect(error.venueDetail).toContain(`retType=${retType}`);
    expect(error.venueDetail).toContain(JSON.stringify(retMsg));
  });

  it('does not read a trade-side "no permission" as a market-data problem', () => {
    const error = brokerErrorFromReply(PROTO.TrdPlaceOrder, -1, 'No permission to trade options in this account');
    expect(error.code).toBe('ORDER_REJECTED');
  });
});
