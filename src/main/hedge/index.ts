// The hedge planner's public surface: planHedges (pure: the book, quotes, chains and limits in, the
// breaches and costed, ranked plans out) and the pieces the engine and CLI reuse.
export { planHedges, HedgeInputError, type HedgeInput, type HedgePosition, type HedgeGateVerdict } from './planner.js';
export { findBreaches, GREEK_NAMES } from './book.js';
export { legCost, slippageEstimate, shortMargin } from './costs.js';
