import { approvalMail, type ApprovalSummary } from '../mail/messages.js';
import { getCampaign } from '../data/campaigns.js';
import { includedBeneficiaries } from '../data/exclusions.js';
import { createLink } from '../data/links.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';

export const APPROVAL_LINK_HOURS = 72;

/** Totals of a campaign's register, per project, as approvers see them: excluded beneficiaries do not count. */
export async function approvalSummary(table: Table, campaignId: string, step = 1, steps = 1): Promise<ApprovalSummary> {
  const campaign = await getCampaign(table, campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${campaignId}`);
  const beneficiaries = await includedBeneficiaries(table, campaignId);
  const projects = campaign.projects.map((p) => {
    const mine = beneficiaries.filter((b) => b.projectCode === p.code);
    return { name: p.name, count: mine.length, totalFen: mine.reduce((sum, b) => sum + b.amountFen, 0) };
  });
  return {
    campaignName: campaign.name, step, steps,
    beneficiaries: beneficiaries.length,
    totalFen: projects.reduce((sum, p) => sum + p.totalFen, 0),
    projects,
  };
}

/**
 * Emails one approver a link to the decision page. The task token is stored with the link,
 * server-side; the link carries only an opaque, signed, expiring id bound to this approver.
 */
export async function requestApproval(
  input: { campaignId: string; approver: string; step: number; steps: number; taskToken: string },
  deps: { table: Table; linkKey: string; sendMail: SendMail; publicUrl: string },
) {
  const subject = await approvalSummary(deps.table, input.campaignId, input.step, input.steps);
  const credential = await createLink(
    deps.table, deps.linkKey,
    { kind: 'approval', email: input.approver, campaignId: input.campaignId, taskToken: input.taskToken, subject: { ...subject } },
    APPROVAL_LINK_HOURS,
  );
  await deps.sendMail(approvalMail(input.approver, `${deps.publicUrl}/approve/${credential}`, subject, APPROVAL_LINK_HOURS));
  return { campaignId: input.campaignId, approver: input.approver, step: input.step };
}
