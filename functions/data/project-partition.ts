import { LatestCampaigns } from '../shared/latest-campaigns.js';
import { getCampaign } from './campaigns.js';
import { keys } from './keys.js';
import type { FieldsHold, Table } from './table.js';

/** Each campaign's bounds, once its projects are known: any bounds read every item, these only balance the ranges. */
const kept = new LatestCampaigns<readonly string[]>(16);

/**
 * Bounds for a partition whose sort keys are `<projectCode>#<idHash>` (a register, the payments):
 * the first-character bounds of keys.projectKeyBounds, and the middle of each project's keys (an
 * ID hash is hex, so `<code>#8` halves them). Codes often share their first characters (MZ01…MZ11),
 * which left one range with most of the keys, read a page after a page. No bound is ever a key.
 */
export function projectRangeBounds(codes: readonly string[]): string[] {
  return [...new Set([...keys.projectKeyBounds, ...codes.map((code) => `${code}#8`)])].sort();
}

async function boundsOf(table: Table, campaignId: string): Promise<readonly string[]> {
  const known = kept.get(campaignId);
  if (known) return known;
  const codes = (await getCampaign(table, campaignId))?.projects?.map((p) => p.code) ?? [];
  const bounds = projectRangeBounds(codes);
  return codes.length ? kept.keep(campaignId, bounds) : bounds;
}

/** Every item of one of the campaign's project-keyed partitions (Table.allInRanges, with the bounds above). */
export async function allInProjectPartition<T>(table: Table, campaignId: string, pk: string, attributes?: readonly string[], where?: FieldsHold): Promise<T[]> {
  return table.allInRanges<T>(pk, await boundsOf(table, campaignId), attributes, where);
}
