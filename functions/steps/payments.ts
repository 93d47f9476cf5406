import { getCampaign } from '../data/campaigns.js';
import { beneficiaryKey, includedBeneficiaries } from '../data/exclusions.js';
import { heldLineKeys } from '../data/objections.js';
import { payOnce } from '../data/payments.js';
import type { Table } from '../data/table.js';

export const PAYMENT_BATCH_SIZE = 100;

/** The register as it may be paid: without those excluded, nor lines held by an open objection from the posting. */
async function payableBeneficiaries(table: Table, campaignId: string) {
  const [included, held] = await Promise.all([includedBeneficiaries(table, campaignId), heldLineKeys(table, campaignId)]);
  const holds = new Set(held);
  return included.filter((b) => !holds.has(beneficiaryKey(b)));
}

/** Splits the approved register into payment batches, one Map iteration each; excluded and held beneficiaries are not paid. */
export async function planPayments(input: { campaignId: string }, deps: { table: Table }) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const beneficiaries = await payableBeneficiaries(deps.table, campaign.id);
  const batches: { campaignId: string; keys: string[] }[] = [];
  for (let i = 0; i < beneficiaries.length; i += PAYMENT_BATCH_SIZE) {
    batches.push({ campaignId: campaign.id, keys: beneficiaries.slice(i, i + PAYMENT_BATCH_SIZE).map(beneficiaryKey) });
  }
  return { campaignId: campaign.id, beneficiaries: beneficiaries.length, batches };
}

/**
 * Pays one batch. Each payment is one conditional write keyed by (campaign, project,
 * beneficiary), so a retried or duplicated invocation pays nobody twice. A key whose beneficiary is
 * absent, excluded (a resolved conflict, an upheld objection) or held by an open objection is not
 * paid: it counts as missing.
 */
export async function payBatch(input: { campaignId: string; keys: string[]; executionId: string }, deps: { table: Table; now?: Date }) {
  const wanted = new Set(input.keys);
  const beneficiaries = (await payableBeneficiaries(deps.table, input.campaignId)).filter((b) => wanted.has(beneficiaryKey(b)));
  let paid = 0;
  let alreadyPaid = 0;
  for (const b of beneficiaries) {
    const fresh = await payOnce(deps.table, {
      campaignId: b.campaignId, projectCode: b.projectCode, idHash: b.idHash, amountFen: b.amountFen,
      paidAt: (deps.now ?? new Date()).toISOString(), executionId: input.executionId,
    });
    if (fresh) paid++;
    else alreadyPaid++;
  }
  return { paid, alreadyPaid, missing: input.keys.length - beneficiaries.length };
}
