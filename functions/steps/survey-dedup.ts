import { findDuplicates } from '../core/duplicates.js';
import type { PlanEntry } from '../core/plan.js';
import { getCampaign } from '../data/campaigns.js';
import { conflictFrom, listConflicts, saveConflict } from '../data/conflicts.js';
import { listPlanEntries } from '../data/exclusions.js';
import type { Table } from '../data/table.js';

export interface DedupCounts {
  campaignId: string;
  /** Nominations stored, excluded ones included. */
  stored: number;
  /** People nominated for two or more projects, by any units. */
  duplicatesFound: number;
  /** Pairs of one person's nominations for projects that combine: allowed, and counted. */
  combinable: number;
  conflictsFound: number;
  conflictsOpen: number;
  conflictsResolved: number;
}

/**
 * 排摸 close, de-duplication across every unit and project: each person nominated for two
 * mutually exclusive projects becomes a conflict for the coordinator. Each conflict is one
 * conditional put keyed by (campaign, idHash, pair), so a retry or a second run adds nothing
 * and leaves resolved conflicts resolved. `register`: its entries, when read already.
 */
export async function findConflicts(input: { campaignId: string }, deps: { table: Table; now?: Date }, register?: readonly PlanEntry[]): Promise<DedupCounts> {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const entries = register ?? (await listPlanEntries(deps.table, campaign.id));
  const found = findDuplicates(entries, campaign.exclusivePairs);
  const now = deps.now ?? new Date();
  for (const c of found.conflicts) await saveConflict(deps.table, conflictFrom(campaign.id, c, now));
  const conflicts = await listConflicts(deps.table, campaign.id);
  const open = conflicts.filter((c) => c.status === 'open').length;
  return {
    campaignId: campaign.id,
    stored: entries.length,
    duplicatesFound: found.people,
    combinable: found.combinable,
    conflictsFound: conflicts.length,
    conflictsOpen: open,
    conflictsResolved: conflicts.length - open,
  };
}
