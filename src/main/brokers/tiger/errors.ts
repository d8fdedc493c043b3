// Tiger's reply codes → BrokerError with a message a trader can act on. Tiger's codes
// (docs.itigerup.com/docs/error-code): 0 success, 1 server error, 2 gateway timeout, 4 access
// forbidden (IP whitelist, blacklist, bad push signature, quote permission; some pages also
// report rate limits under 4), 5 rate limit (HTTP 429), 1000 common-parameter error (bad
// signature, unknown tiger_id, bad timestamp, invalid symbols), 1010 business-parameter error,
// 1100–1299 live-account trade errors, 1300–2099 paper-account trade errors, 2100–2399 quote
// errors, 2400–3999 token errors, 4000–4999 permission denied. Within a code, Tiger's message
// text tells the cases apart, so the mapping reads both. The venue's own code and text always
// travel in `venueDetail` for logs and `deltadeck doctor`.
import { BrokerError } from '../venue.js';
import { tigerRateLimit } from './rate-limits.js';

/** What the trader was doing, for messages: "placing the order", "fetching quotes"… */
const ACTIONS: Record<string, string> = {
  accounts: 'listing the accounts',
  assets: 'fetching the account funds',
  prime_assets: 'fetching the account funds',
  positions: 'fetching the positions',
  orders: 'looking up orders',
  active_orders: 'fetching the open orders',
  filled_orders: 'fetching the filled orders',
  order_transactions: "fetching today's fills",
  order_no: 'reserving an order id',
  place_order: 'placing the order',
  modify_order: 'changing the order',
  cancel_order: 'cancelling the order',
  quote_real_time: 'fetching quotes',
  option_brief: 'fetching option quotes',
  kline: 'fetching price history',
  option_expiration: 'fetching option expiries',
  option_chain: 'fetching the option chain',
};

export function tigerAction(method: string): string {
  return ACTIONS[method] ?? `calling ${method}`;
}

const TRADE_METHODS = new Set(['order_no', 'place_order', 'modify_order', 'cancel_order']);
const QUOTE_METHODS = new Set(['quote_real_time', 'option_brief', 'kline', 'option_expiration', 'option_chain']);

const RATE_LIMIT = /rate limit|too (many|frequent)|frequency/i;
const BAD_SIGNATURE = /sign|rsa|private key/i;
const UNKNOWN_DEVELOPER = /developer information|tiger_?id|tigerid/i;
const UNKNOWN_SYMBOL = /invalid symbol|unknown symbol|symbol.*(not (exist|found)|invalid)|contract.*not (exist|found)|no such (symbol|contract)/i;
const BUYING_POWER = /buying power|insufficient|not enough (cash|fund|margin)|exceeds? .*(available|buying)|margin requirement/i;
const MARKET_CLOSED = /market (is )?closed|not (in )?trading (hours|time|session)|outside (regular )?trading hours|cannot be place[d]? at this moment|not allowed (at|during) this time|non-trading/i;
const DUPLICATE_ORDER_ID = /duplicate order id|order id.*(exist|duplicate|used)/i;
const ORDER_NOT_FOUND = /order.*(not (exist|found)|does not exist)|no such order/i;
const NOT_WORKING = /already (filled|cancel+ed|final)|cannot be (cancel+ed|modified)|not (cancel+able|modifiable)/i;
const QUOTE_PERMISSION = /permission|purchase api quotes|subscribe quotes|quote right/i;

/** Whether a place_order error says the pre-allocated order id was already used (the order exists). */
export function isDuplicateOrderId(code: number, message: string): boolean {
  return code >= 1100 && code < 2100 && DUPLICATE_ORDER_ID.test(message);
}

/** Whether a Tiger error is a rate-limit refusal (code 5, or code 4 with a rate-limit text, or HTTP 429). */
export function isRateLimit(code: number, message: string, httpStatus?: number): boolean {
  return code === 5 || httpStatus === 429 || (code === 4 && RATE_LIMIT.test(message));
}

export interface TigerErrorContext {
  method: string;
  /** Deltadeck symbols the request was about, for "Tiger does not know XYZ". */
  symbols?: readonly string[];
  accountId?: string;
  httpStatus?: number;
}

/** Maps a non-zero Tiger reply code and message to a trader-readable BrokerError. */
export function mapTigerError(code: number, message: string, context: TigerErrorContext): BrokerError {
  const detail = `Tiger ${context.method}: code ${code} ${message}`.trim();
  const doing = tigerAction(context.method);
  const about = context.symbols && context.symbols.length > 0 ? context.symbols.join(', ') : 'that symbol';
  const make = (brokerCode: ConstructorParameters<typeof BrokerError>[0], text: string) => new BrokerError(brokerCode, text, detail);

  if (isRateLimit(code, message, context.httpStatus)) {
    return make('RATE_LIMITED', `Tiger is limiting how often Deltadeck may call it (${tigerRateLimit(context.method)} a minute for ${doing}); wait a minute before trying again.`);
  }
  if (code === 1) return make('VENUE_ERROR', `Tiger's server failed while ${doing}; try again in a moment.`);
  if (code === 2) return make('TIMEOUT', `Tiger's gateway timed out while ${doing}; try again in a moment.`);
  if (code === 4) {
    if (QUOTE_PERMISSION.test(message)) return make('NO_QUOTE_RIGHT', 'Your Tiger account has no API market-data permission for these quotes (or has reached its symbol quota).');
    return make('AUTH_FAILED', "Tiger refused access: check that this computer's IP address is on the Tiger API whitelist and that the Tiger ID and key are right.");
  }
  if (code === 1000) {
    if (UNKNOWN_DEVELOPER.test(message)) return make('AUTH_FAILED', 'Tiger does not recognise the Tiger ID in the settings (or it belongs to a different Tiger region).');
    if (BAD_SIGNATURE.test(message)) return make('AUTH_FAILED', "Tiger rejected Deltadeck's request signature: the private key in the settings does not match the Tiger ID.");
    if (UNKNOWN_SYMBOL.test(message)) return make('NOT_FOUND', `Tiger does not know the symbol ${about}.`);
    if (/time/i.test(message)) return make('BAD_REQUEST', "Tiger rejected the request's timestamp: check this computer's clock.");
    return make('BAD_REQUEST', `Tiger rejected the request while ${doing}: ${message || 'bad parameters'}.`);
  }
  if (code === 1010) {
    if (ORDER_NOT_FOUND.test(message)) return make('NOT_FOUND', 'Tiger has no such order in this account.');
    if (UNKNOWN_SYMBOL.test(message)) return make('NOT_FOUND', `Tiger does not know the symbol ${about}.`);
    return make('BAD_REQUEST', `Tiger rejected the request while ${doing}: ${message || 'bad parameters'}.`);
  }
  if (code >= 1100 && code < 2100) {
    if (BUYING_POWER.test(message)) {
      return make('ORDER_REJECTED', `Tiger rejected the order: not enough buying power${context.accountId ? ` in account ${context.accountId}` : ''}.`);
    }
    if (MARKET_CLOSED.test(message)) return make('ORDER_REJECTED', 'Tiger rejected the order: the market is closed for this instrument right now.');
    if (UNKNOWN_SYMBOL.test(message)) return make('NOT_FOUND', `Tiger does not know the symbol ${about}.`);
    if (ORDER_NOT_FOUND.test(message)) return make('NOT_FOUND', 'Tiger has no such order in this account.');
    if (NOT_WORKING.test(message)) return make('ORDER_REJECTED', `Tiger refused: the order is no longer working (${message}).`);
    if (TRADE_METHODS.has(context.method)) return make('ORDER_REJECTED', `Tiger rejected the order: ${message || `code ${code}`}.`);
    return make('VENUE_ERROR', `Tiger refused while ${doing}: ${message || `code ${code}`}.`);
  }
  if (code >= 2100 && code < 2400) {
    if (QUOTE_PERMISSION.test(message)) return make('NO_QUOTE_RIGHT', `Your Tiger account has no API market-data permission for ${about}.`);
    if (UNKNOWN_SYMBOL.test(message) || /not found|no data/i.test(message)) return make('NOT_FOUND', `Tiger does not know the symbol ${about}.`);
    return make('VENUE_ERROR', `Tiger could not serve the market data while ${doing}: ${message}.`);
  }
  if (code >= 2400 && code < 4000) return make('AUTH_FAILED', 'Tiger refused the session token: re-authorise Deltadeck in the Tiger developer settings.');
  if (code >= 4000 && code < 5000) {
    if (QUOTE_METHODS.has(context.method)) return make('NO_QUOTE_RIGHT', `Your Tiger account has no API market-data permission for ${about}.`);
    return make('AUTH_FAILED', `Your Tiger account is not permitted to do this (${doing}).`);
  }
  return make('VENUE_ERROR', `Tiger returned an unexpected error while ${doing}: ${message || `code ${code}`}.`);
}
