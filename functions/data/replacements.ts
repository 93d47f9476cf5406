import { keys } from './keys.js';
import type { Table } from './table.js';

/** A sampled person replaced after too many unanswered calls; `replacementKey` once one is found. */
export interface Replacement {
  campaignId: string;
  replacedKey: string;
  stratum: string;
  /** The staff member whose list the replacement joins. */
  staff: string;
  at: string;
  replacementKey?: string;
  /** The stratum's replacement order had no one left. */
  exhausted?: boolean;
}

/** Starts replacing a person, once: false if they are being (or were) replaced already. */
export const startReplacement = (table: Table, r: Replacement) => table.putIfAbsent(keys.replacement(r.campaignId, r.replacedKey), { ...r });

export const getReplacement = (table: Table, campaignId: string, replacedKey: string) => table.get<Replacement>(keys.replacement(campaignId, replacedKey));

export const finishReplacement = (table: Table, campaignId: string, replacedKey: string, found: { replacementKey: string } | { exhausted: true }) =>
  table.update(keys.replacement(campaignId, replacedKey), found);

export const listReplacements = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.replacementPrefix(campaignId);
  return table.all<Replacement>(pk, skPrefix);
};

/**
 * Takes `candidateKey` from a replacement order for `replacedKey`: one conditional put, so two
 * staff members replacing in the same stratum never take the same person. True if it is now
 * (or already was) this replacement's; false if another replacement took it.
 */
export async function claimCandidate(table: Table, campaignId: string, candidateKey: string, replacedKey: string): Promise<boolean> {
  const key = keys.replacementClaim(campaignId, candidateKey);
  if (await table.putIfAbsent(key, { campaignId, candidateKey, replacedKey })) return true;
  return (await table.get<{ replacedKey: string }>(key))?.replacedKey === replacedKey;
}
