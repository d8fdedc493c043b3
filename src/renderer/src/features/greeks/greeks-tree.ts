// The Greeks panel's tree: underlying → (shares, expiry buckets → option contracts), built from
// the engine's GreeksSummary and the positions, with each row's limit usage attached. Pure.
import type { ExpiryBucket, GreeksRow, GreeksSummary, PositionView } from '../../../../shared/domain.js';
import type { LimitUsage } from '../../../../shared/risk.js';
import { compareInstruments } from '../../lib/format.js';

export interface ExpiryNode {
  /** Stable key for expansion state: `UNDERLYING|YYYY-MM-DD`. */
  key: string;
  expiry: string;
  /** The engine's aggregate; null only if a position's expiry has no bucket yet (a patch in between). */
  bucket: ExpiryBucket | null;
  contracts: PositionView[];
}

export interface UnderlyingNode {
  key: string;
  row: GreeksRow;
  /** Stock / ETF positions in the underlying itself. */
  shares: PositionView[];
  expiries: ExpiryNode[];
  /** Positions of this underlying the engine could not value (their Greeks are unknown, not zero). */
  unpriced: PositionView[];
  /** The tier exposure limit of this underlying (`tier.<UNDERLYING>`), when the engine reports it. */
  exposure: LimitUsage | undefined;
}

export const expiryKey = (underlying: string, expiry: string): string => `${underlying}|${expiry}`;

export function buildGreeksTree(
  greeks: Pick<GreeksSummary, 'byUnderlying'>,
  positions: readonly PositionView[],
  limits: readonly LimitUsage[] = [],
): UnderlyingNode[] {
  const byUnderlying = new Map<string, PositionView[]>();
  for (const p of positions) {
    const u = p.instrument.underlying;
    const list = byUnderlying.get(u);
    if (list) list.push(p);
    else byUnderlying.set(u, [p]);
  }
  const limitsById = new Map(limits.map((l) => [l.id, l]));

  return greeks.byUnderlying.map((row) => {
    const own = [...(byUnderlying.get(row.underlying) ?? [])].sort((a, b) => compareInstruments(a.instrument, b.instrument));
    const shares = own.filter((p) => p.instrument.kind !== 'OPTION' || p.instrument.expiry === undefined);
    const options = own.filter((p) => p.instrument.kind === 'OPTION' && p.instrument.expiry !== undefined);

    const nodes = new Map<string, ExpiryNode>();
    for (const bucket of row.expiries) {
      nodes.set(bucket.expiry, { key: expiryKey(row.underlying, bucket.expiry), expiry: bucket.expiry, bucket, contracts: [] });
    }
    for (const p of options) {
      const expiry = p.instrument.expiry!;
      let node = nodes.get(expiry);
      if (!node) {
        node = { key: expiryKey(row.underlying, expiry), expiry, bucket: null, contracts: [] };
        nodes.set(expiry, node);
      }
      node.contracts.push(p);
    }
    const expiries = [...nodes.values()].sort((a, b) => a.expiry.localeCompare(b.expiry));

    return {
      key: row.underlying,
      row,
      shares,
      expiries,
      unpriced: own.filter((p) => p.pricingError !== null),
      exposure: limitsById.get(`tier.${row.underlying}`),
    };
  });
}

/** Every expandable key of the tree (for "expand all"). */
export function allTreeKeys(tree: readonly UnderlyingNode[]): string[] {
  return tree.flatMap((n) => [n.key, ...n.expiries.map((e) => e.key)]);
}
