// The Tiger Open API adapter's public surface for the engine and the OMS. The fake gateway
// (./fake/) is test and local-run tooling and is imported from there directly.
export { TigerConnection, type TigerConnectionConfig, type TigerOrderIdRecord } from './connection.js';
export { TIGER_PAPER_ORDER_LIMIT, TIGER_RATE_LIMITS, TIGER_RATE_TIERS, TIGER_RATE_WINDOW_MS, tigerRateLimit } from './rate-limits.js';
export { TIGER_PRODUCTION_GATEWAY } from './rest-client.js';
export { TIGER_PRODUCTION_PUSH } from './push-client.js';
export { fromTigerIdentifier, toTigerIdentifier, toTigerContract, fromTigerContract } from './symbols.js';
