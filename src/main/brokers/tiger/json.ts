// JSON for Tiger's wire. Tiger's global order ids are 64-bit integers (e.g. 40000000000000123)
// written as bare JSON numbers; JSON.parse would round them to the nearest double and silently
// name a different order. Integers beyond 2^53 are therefore read as their decimal string, and
// bigints are written back as bare numbers, so an id round-trips exactly.
import { isSafeNumber, parse, stringify } from 'lossless-json';

/** Parses JSON; integers that do not fit a double exactly become decimal strings. */
export function parseTigerJson(text: string): unknown {
  return parse(text, null, (value: string) => {
    if (isSafeNumber(value, { approx: true })) return Number(value);
    return /^-?\d+$/.test(value) ? value : Number(value);
  });
}

/** Serializes JSON; bigint values are written as bare integers (Tiger's 64-bit ids). */
export function stringifyTigerJson(value: unknown): string {
  const text = stringify(value, undefined, undefined, [{ test: (v: unknown) => typeof v === 'bigint', stringify: (v: unknown) => String(v) }]);
  if (text === undefined) throw new TypeError('value cannot be written as JSON');
  return text;
}
