import { listApprovalTasks } from '../data/approval-tasks.js';
import { getCampaign } from '../data/campaigns.js';
import { awaitResubmission } from '../data/resubmissions.js';
import type { Table } from '../data/table.js';
import { sentBackMail } from '../mail/messages.js';
import type { SendMail } from '../shared/mailer.js';

/**
 * A unit's list was sent back (rejected, or returned for correction) in a round: keeps the wait's
 * task token server-side and tells the coordinator the reason and where to resubmit. The
 * resubmission completes the token; the chain then starts again at its first step (round + 1).
 */
export async function awaitUnitResubmission(
  input: { campaignId: string; unit: string; round: number; taskToken: string },
  deps: { table: Table; sendMail: SendMail; publicUrl: string; now?: () => Date },
) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const sentBack = (await listApprovalTasks(deps.table, input.campaignId)).find(
    (t) => t.unit === input.unit && t.round === input.round && t.decision && t.decision.outcome !== 'approved',
  );
  if (!sentBack?.decision) throw new Error('No decision sent this list back');
  const outcome = sentBack.decision.outcome === 'returned' ? 'returned' : 'rejected';
  const reason = sentBack.decision.reason ?? '';
  const now = deps.now?.() ?? new Date();
  // A retried step finds the list already resubmitted: nothing more to wait for.
  if (!(await awaitResubmission(deps.table, { campaignId: input.campaignId, unit: input.unit, round: input.round, outcome, reason, sentBackAt: now.toISOString(), taskToken: input.taskToken }))) {
    return { unit: input.unit, round: input.round, alreadyResubmitted: true };
  }
  await deps.sendMail(sentBackMail(campaign.coordinator, `${deps.publicUrl}/campaigns/${campaign.id}/approvals`, {
    campaignName: campaign.name, unit: input.unit, round: input.round, stepName: sentBack.stepName, returned: outcome === 'returned', reason,
  }));
  return { unit: input.unit, round: input.round };
}
