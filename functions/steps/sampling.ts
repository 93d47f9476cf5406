import { commitment, newSeed } from '../core/sampling.js';
import { drawStratified, parseStratumKey, stratumKey, type StratifiedOptions, type StratumDraw } from '../core/strata.js';
import { callbackListMail } from '../mail/messages.js';
import { getCampaign } from '../data/campaigns.js';
import { createLink } from '../data/links.js';
import { beneficiaryKey, listBeneficiaryRecords } from '../data/exclusions.js';
import { listPayments } from '../data/payments.js';
import { getSample, saveReplacements, saveSample, type Sample, type SampleStratum } from '../data/samples.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';

export const CALLBACK_LINK_HOURS = 24 * 14;
/**
 * The head of each stratum's replacement order that is stored: 2 × drawn, at most 3,000 keys
 * (about 210 KB, under DynamoDB's 400 KB item limit). The rest follows from the seed.
 */
export const REPLACEMENTS_PER_DRAWN = 2;
export const MAX_REPLACEMENTS_STORED = 3000;

/**
 * Draws the callback sample from the paid beneficiaries with a fresh, recorded seed, stratified
 * by town × category (the beneficiary's unit and category), stores the strata counts on the sample
 * and each stratum's replacement order apart, splits it evenly among the callback staff and mails
 * each a link to their list.
 * A retry finds the recorded sample and draws nothing new.
 */
export async function drawCallbackSample(input: { campaignId: string }, deps: { table: Table; linkKey: string; sendMail: SendMail; publicUrl: string; now?: Date }) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  let sample = await getSample(deps.table, campaign.id);
  if (!sample) {
    const paid = await paidPopulation(deps.table, campaign.id);
    const rules: StratifiedOptions = campaign.callbackSampling ?? {};
    const seed = newSeed();
    const draws = drawStratified(seed, paid, rules);
    const drawn = draws.flatMap((d) => d.drawn);
    const assignments: Record<string, string[]> = Object.fromEntries(campaign.callbackStaff.map((s) => [s, [] as string[]]));
    drawn.forEach((key, i) => assignments[campaign.callbackStaff[i % campaign.callbackStaff.length]].push(key));
    const candidate: Sample = {
      campaignId: campaign.id, commitment: commitment(seed), seed,
      drawnAt: (deps.now ?? new Date()).toISOString(), population: paid.length, assignments,
      rules, strata: draws.map(stratumCounts),
    };
    await saveSample(deps.table, candidate);
    sample = (await getSample(deps.table, campaign.id))!;
    // A concurrent draw that stored first keeps its own seed, hence its own replacement order.
    const stored = sample.seed === seed ? draws : drawStratified(sample.seed, paid, sample.rules ?? {});
    for (const d of stored) {
      await saveReplacements(deps.table, campaign.id, d.stratum, d.replacements.slice(0, replacementsKept(d)));
    }
    for (const [staff, list] of Object.entries(sample.assignments)) {
      const credential = await createLink(deps.table, deps.linkKey, { kind: 'callback', email: staff, campaignId: campaign.id }, CALLBACK_LINK_HOURS);
      await deps.sendMail(callbackListMail(staff, `${deps.publicUrl}/callback/${credential}`, campaign.name, list.length, CALLBACK_LINK_HOURS));
    }
  }
  const size = Object.values(sample.assignments).reduce((n, l) => n + l.length, 0);
  return { campaignId: campaign.id, commitment: sample.commitment, population: sample.population, size };
}

/** The paid beneficiaries, each with its stratum (the unit and category of its beneficiary record). */
async function paidPopulation(table: Table, campaignId: string): Promise<{ id: string; stratum: string }[]> {
  const records = new Map((await listBeneficiaryRecords(table, campaignId)).map((b) => [beneficiaryKey(b), b]));
  return (await listPayments(table, campaignId)).map((p) => {
    const id = beneficiaryKey(p);
    const b = records.get(id);
    if (!b) throw new Error(`Payment ${id} of campaign ${campaignId} has no beneficiary record`);
    return { id, stratum: stratumKey(b.unit, b.category) };
  });
}

const replacementsKept = (d: StratumDraw) => Math.min(d.replacements.length, REPLACEMENTS_PER_DRAWN * d.drawn.length, MAX_REPLACEMENTS_STORED);

function stratumCounts(d: StratumDraw): SampleStratum {
  return {
    stratum: d.stratum, ...parseStratumKey(d.stratum), population: d.population, quota: d.quota,
    drawn: d.drawn.length, extra: d.extra.length, replacementsStored: replacementsKept(d),
  };
}
