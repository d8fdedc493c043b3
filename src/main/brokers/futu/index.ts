// The Futu OpenD adapter's public surface: the connection, its config, the per-account rate
// limits the OMS enforces, and the symbol mapping. The fake OpenD lives in ./fake/ (tests,
// benchmarks and end-to-end runs) and is deliberately not exported from here.
export { FutuConnection, newFutuClientId, validateOrder, type BackoffOptions, type FutuConfig } from './connection.js';
export type { FutuLogger, LatencyProbe } from './session.js';
export { FUTU_RATE_LIMITS, type RateLimit } from './rate-limits.js';
export { fromFutuSecurity, futuOptionCodeToOcc, occToFutuOptionCode, toFutuSecurity, type FutuMarket } from './symbols.js';
export { brokerErrorFromReply } from './errors.js';
