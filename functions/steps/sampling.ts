import { commitment, drawSample, newSeed, sampleSize } from '../core/sampling.js';
import { callbackListMail } from '../mail/messages.js';
import { getCampaign } from '../data/campaigns.js';
import { createLink } from '../data/links.js';
import { listPayments } from '../data/payments.js';
import { getSample, saveSample, type Sample } from '../data/samples.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';

export const CALLBACK_LINK_HOURS = 24 * 14;

/**
 * Draws the callback sample from the paid beneficiaries with a fresh, recorded seed,
 * splits it evenly among the callback staff and mails each a link to their list.
 * A retry finds the recorded sample and draws nothing new.
 */
export async function drawCallbackSample(input: { campaignId: string }, deps: { table: Table; linkKey: string; sendMail: SendMail; publicUrl: string; now?: Date }) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  let sample = await getSample(deps.table, campaign.id);
  if (!sample) {
    const paid = (await listPayments(deps.table, campaign.id)).map((p) => `${p.projectCode}#${p.idHash}`);
    const seed = newSeed();
    const drawn = drawSample(seed, paid, sampleSize(paid.length));
    const assignments: Record<string, string[]> = Object.fromEntries(campaign.callbackStaff.map((s) => [s, [] as string[]]));
    drawn.forEach((key, i) => assignments[campaign.callbackStaff[i % campaign.callbackStaff.length]].push(key));
    const candidate: Sample = {
      campaignId: campaign.id, commitment: commitment(seed), seed,
      drawnAt: (deps.now ?? new Date()).toISOString(), population: paid.length, assignments,
    };
    await saveSample(deps.table, candidate);
    sample = (await getSample(deps.table, campaign.id))!;
    for (const [staff, list] of Object.entries(sample.assignments)) {
      const credential = await createLink(deps.table, deps.linkKey, { kind: 'callback', email: staff, campaignId: campaign.id }, CALLBACK_LINK_HOURS);
      await deps.sendMail(callbackListMail(staff, `${deps.publicUrl}/callback/${credential}`, campaign.name, list.length, CALLBACK_LINK_HOURS));
    }
  }
  const size = Object.values(sample.assignments).reduce((n, l) => n + l.length, 0);
  return { campaignId: campaign.id, commitment: sample.commitment, population: sample.population, size };
}
