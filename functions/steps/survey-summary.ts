import { surveySummaryMail, type SurveySummary } from '../mail/messages.js';
import { getCampaign } from '../data/campaigns.js';
import { listBeneficiaries } from '../data/beneficiaries.js';
import { listUploads } from '../data/uploads.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';

/** Closes 排摸: counts what came in and mails the coordinator the summary. */
export async function summarizeSurvey(input: { campaignId: string }, deps: { table: Table; sendMail: SendMail; publicUrl: string }): Promise<SurveySummary> {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const uploads = await listUploads(deps.table, campaign.id);
  const beneficiaries = await listBeneficiaries(deps.table, campaign.id);
  const summary: SurveySummary = {
    campaignName: campaign.name,
    uploads: uploads.length,
    rowsReceived: uploads.reduce((n, u) => n + u.rowCount, 0),
    stored: beneficiaries.length,
    rejected: uploads.reduce((n, u) => n + u.errors.filter((e) => e.row > 0).length, 0),
  };
  await deps.sendMail(surveySummaryMail(campaign.coordinator, `${deps.publicUrl}/campaigns/${campaign.id}`, summary));
  return summary;
}
