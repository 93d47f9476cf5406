import { coverageByUnit } from '../core/coverage.js';
import { computePlan } from '../core/plan.js';
import { computeSummary, type CampaignSummary } from '../core/summary.js';
import { getCampaign } from '../data/campaigns.js';
import { listCallOutcomes } from '../data/callbacks.js';
import { CONFLICT_ID } from '../data/conflicts.js';
import { isExcluded, listPlanEntries } from '../data/exclusions.js';
import { listFollowUps } from '../data/follow-ups.js';
import { listPaymentStatuses } from '../data/payments.js';
import { listRegisteredHouseholds } from '../data/registers.js';
import { saveSummary } from '../data/summaries.js';
import type { Table } from '../data/table.js';
import { listUploads } from '../data/uploads.js';
import { listVisits } from '../data/visits.js';
import { summaryReadyMail } from '../mail/summary.js';
import type { SendMail } from '../shared/mailer.js';

/**
 * 回访, last: summarises the campaign (see core/summary.ts) from what is stored now, stores the
 * summary on the campaign (replacing an earlier one: a retry summarises again, the same) and
 * mails the coordinator its link. The workflow gets a few totals only.
 */
export async function summariseCampaign(input: { campaignId: string }, deps: { table: Table; sendMail: SendMail; publicUrl: string; now?: Date }) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const [records, households, uploads, visits, callOutcomes, followUps, payments] = await Promise.all([
    listPlanEntries(deps.table, campaign.id),
    listRegisteredHouseholds(deps.table, campaign.id),
    listUploads(deps.table, campaign.id),
    listVisits(deps.table, campaign.id),
    listCallOutcomes(deps.table, campaign.id),
    listFollowUps(deps.table, campaign.id),
    listPaymentStatuses(deps.table, campaign.id),
  ]);
  const covered = new Set(records.filter((b) => !isExcluded(b)).map((b) => b.idHash));
  const coverage = coverageByUnit(households, covered, { unitOrder: campaign.units, perUnit: 0, total: 0 });
  const summary: CampaignSummary = computeSummary({
    campaignId: campaign.id,
    campaignName: campaign.name,
    units: campaign.units,
    categories: campaign.categories,
    projects: campaign.projects,
    plan: computePlan(campaign.projects, records),
    coverage: coverage.units,
    duplicateRowsAtIntake: uploads.reduce((n, u) => n + (u.duplicateCount ?? 0), 0),
    excludedByConflict: records.filter((b) => b.excludedBy && CONFLICT_ID.test(b.excludedBy)).length,
    visits,
    callOutcomes,
    followUps,
    payments,
  }, deps.now ?? new Date());
  await saveSummary(deps.table, summary);
  await deps.sendMail(summaryReadyMail(campaign.coordinator, `${deps.publicUrl}/campaigns/${campaign.id}/summary`, summary));
  return { campaignId: campaign.id, people: summary.people, totalFen: summary.totalFen };
}
