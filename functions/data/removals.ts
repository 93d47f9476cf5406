import { maskName } from '../core/masking.js';
import { excludeBeneficiary, type BeneficiaryRecord } from './exclusions.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/**
 * A line the coordinator removed, for the unit, from its list while it was sent back: the audit
 * record of the removal (masked data only). The beneficiary itself carries the exclusion mark.
 */
export interface LineRemoval {
  campaignId: string;
  unit: string;
  round: number;
  lineKey: string;
  nameMasked: string;
  idMasked: string;
  projectCode: string;
  amountFen: number;
  reason: string;
  by: string;
  at: string;
}

/** The mark a removal leaves on the beneficiary (see exclusions.ts). */
export const removalMark = (unit: string, round: number) => `resubmission#${unit}#${round}`;

export type RemoveOutcome = 'removed' | 'already-removed';

/**
 * Removes one beneficiary from a sent-back list: excludes it with the round's mark, then records
 * who, when and why, once. A beneficiary already excluded (by this or anything else) is not
 * recorded again; a retry after the exclusion alone completes the record.
 */
export async function removeLine(
  table: Table,
  input: { line: BeneficiaryRecord; lineKey: string; round: number; reason: string; by: string; at: Date },
): Promise<RemoveOutcome> {
  const { line, round } = input;
  const mark = removalMark(line.unit, round);
  if ((await excludeBeneficiary(table, line.campaignId, input.lineKey, mark)) !== mark) return 'already-removed';
  const removal: LineRemoval = {
    campaignId: line.campaignId, unit: line.unit, round, lineKey: input.lineKey, nameMasked: maskName(line.name), idMasked: line.idMasked,
    projectCode: line.projectCode, amountFen: line.amountFen, reason: input.reason, by: input.by, at: input.at.toISOString(),
  };
  const recorded = await table.putIfAbsent(keys.lineRemoval(line.campaignId, line.unit, round, input.lineKey), { ...removal });
  return recorded ? 'removed' : 'already-removed';
}

/** Every removal of a campaign, oldest first. */
export async function listRemovals(table: Table, campaignId: string): Promise<LineRemoval[]> {
  const { pk, skPrefix } = keys.lineRemovalPrefix(campaignId);
  return (await table.all<LineRemoval>(pk, skPrefix)).sort((a, b) => a.at.localeCompare(b.at));
}
