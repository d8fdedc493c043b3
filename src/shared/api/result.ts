// The result envelope every Cockpit API call returns, and the error codes the UI can act on.
import { z } from 'zod';

export const ErrorCode = z.enum([
  // transport / protocol
  'BAD_MESSAGE',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_COMMAND',
  'UNKNOWN_STREAM',
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'TIMEOUT',
  'DISCONNECTED',
  'INTERNAL',
  /** Too many calls in flight on one connection, or the risk calculators' queue is full: nothing ran; retry. */
  'BUSY',
  // domain
  'NOT_FOUND',
  'MODE_OFF',
  'REAL_UNAVAILABLE',
  'CONFIRMATION_REQUIRED',
  'UNKNOWN_SYMBOL',
  'NO_QUOTE',
  'TICKET_RED',
  'TICKET_EXPIRED',
  'TICKET_NOT_PENDING',
  'TICKET_CHANGED',
  'TICKET_CONTEXT_CHANGED',
  'TRADE_LOCKED',
  'ORDER_NOT_WORKING',
  'BROKER_REJECTED',
  'INVALID_LIMITS',
  'SCENARIO_UNAVAILABLE',
  // order modify
  'NOTHING_TO_MODIFY',
  'BAD_MODIFY',
  'MODIFY_RED',
  'MODIFY_REJECTED',
  'VENUE_UNAVAILABLE',
  // broker connections
  'BROKER_SETUP_INCOMPLETE',
  'BROKER_CONNECT_FAILED',
  'SECRETS_UNAVAILABLE',
  /** A connection's address changed: its stored secrets must be entered again (details.secrets names them). */
  'SECRETS_REQUIRED',
  'BROKER_NOT_CONNECTED',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_REQUIRED',
  'BROKER_ACCOUNT_UNAVAILABLE',
  'NO_BROKER_ACCOUNT',
  'HEDGE_UNAVAILABLE',
  'HEDGE_NOT_PROPOSED',
  'HEDGE_INFEASIBLE',
  'HEDGE_ORDERS_WORKING',
  'HEDGE_NOTIONAL',
  'TRADING_STATE',
  'STALE_QUOTES',
  'QUOTES_MOVED',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** An error with a code, thrown inside the engine and turned into a failed Result at the boundary. */
export class CockpitError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CockpitError';
  }
}
