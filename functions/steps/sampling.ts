import { assignCalls } from '../core/callback-assignment.js';
import { commitment, newSeed } from '../core/sampling.js';
import { drawStratified, parseStratumKey, stratumKey, type StratifiedOptions, type StratumDraw } from '../core/strata.js';
import { callbackListMail, seedCommitmentMail } from '../mail/messages.js';
import { callbackSettingsOf, getCampaign, type Campaign } from '../data/campaigns.js';
import { awaitCallbackClose } from '../data/callback-close.js';
import { inFlight } from '../data/in-flight.js';
import { createLink } from '../data/links.js';
import { beneficiaryKey } from '../data/exclusions.js';
import { listPaymentStrata, withPayees } from '../data/payments.js';
import {
  commitSeed, getSeedCommitment, listMailed, markCommitmentMailed, markListMailed, recordDraw, sampleSizeOf, saveReplacements, saveStaffList, saveStratumPopulation,
  type SampleStratum,
} from '../data/samples.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';

export const CALLBACK_LINK_HOURS = 24 * 14;
/**
 * The head of each stratum's replacement order that is stored: 2 × drawn, at most 3,000 keys
 * (about 210 KB, under DynamoDB's 400 KB item limit). The rest follows from the seed.
 */
export const REPLACEMENTS_PER_DRAWN = 2;
export const MAX_REPLACEMENTS_STORED = 3000;

interface MailingDeps {
  table: Table;
  sendMail: SendMail;
  publicUrl: string;
  now?: Date;
}

async function campaignOf(table: Table, campaignId: string): Promise<Campaign> {
  const campaign = await getCampaign(table, campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${campaignId}`);
  return campaign;
}

/**
 * Commits the callback sample's seed before anything is drawn: a fresh seed is stored (not shown)
 * with its SHA-256 and the time, and the coordinator is mailed the SHA-256. A retry keeps the seed
 * first committed, and mails only if that mail was not recorded as sent.
 */
export async function commitSamplingSeed(input: { campaignId: string }, deps: MailingDeps) {
  const campaign = await campaignOf(deps.table, input.campaignId);
  const seed = newSeed();
  const at = (deps.now ?? new Date()).toISOString();
  await commitSeed(deps.table, { campaignId: campaign.id, commitment: commitment(seed), seed, committedAt: at });
  const committed = (await getSeedCommitment(deps.table, campaign.id))!;
  if (!committed.commitmentMailedAt) {
    await deps.sendMail(seedCommitmentMail(campaign.coordinator, `${deps.publicUrl}/campaigns/${campaign.id}`, campaign.name, committed.commitment));
    await markCommitmentMailed(deps.table, campaign.id, at);
  }
  return { campaignId: campaign.id, commitment: committed.commitment };
}

/**
 * Draws the callback sample with the committed seed from the paid beneficiaries (a failed payment
 * reached no one), stratified by town × category; records each stratum's population (to re-draw
 * from) and its replacement order head
 * and each staff member's list apart, then the counts on the sample; mails each staff member a
 * link to their list. A retry draws the same (same seed, same list), never a new seed, and mails
 * only whoever was not mailed yet.
 */
export async function drawCallbackSample(input: { campaignId: string }, deps: MailingDeps & { linkKey: string }) {
  const campaign = await campaignOf(deps.table, input.campaignId);
  const committed = await getSeedCommitment(deps.table, campaign.id);
  if (!committed) throw new Error(`No seed committed for campaign ${campaign.id}`);
  if (!committed.drawnAt) {
    const paid = await paidPopulation(deps.table, campaign.id);
    const { rules, draws, lists } = drawCallLists(committed.seed, paid, campaign);
    const byStratum = new Map<string, string[]>();
    for (const p of paid) {
      if (!byStratum.has(p.stratum)) byStratum.set(p.stratum, []);
      byStratum.get(p.stratum)!.push(p.id);
    }
    // Each stratum's and each list's items at once; the draw is recorded only after all of them.
    await inFlight(draws, (d) => Promise.all([
      saveStratumPopulation(deps.table, campaign.id, d.stratum, byStratum.get(d.stratum) ?? []),
      saveReplacements(deps.table, campaign.id, d.stratum, d.replacements.slice(0, replacementsKept(d))),
    ]));
    await inFlight(Object.entries(lists), ([staff, list]) => saveStaffList(deps.table, campaign.id, staff, list));
    await recordDraw(deps.table, campaign.id, {
      drawnAt: (deps.now ?? new Date()).toISOString(), population: paid.length, rules, strata: draws.map(stratumCounts),
      staffCounts: Object.fromEntries(Object.entries(lists).map(([staff, list]) => [staff, list.length])),
    });
  }
  const sample = (await getSeedCommitment(deps.table, campaign.id)) as Required<typeof committed>;
  for (const [staff, count] of Object.entries(sample.staffCounts)) {
    if (await listMailed(deps.table, campaign.id, staff)) continue;
    const credential = await createLink(deps.table, deps.linkKey, { kind: 'callback', email: staff, campaignId: campaign.id }, CALLBACK_LINK_HOURS);
    await deps.sendMail(callbackListMail(staff, `${deps.publicUrl}/callback/${credential}`, campaign.name, count, CALLBACK_LINK_HOURS));
    await markListMailed(deps.table, campaign.id, staff, (deps.now ?? new Date()).toISOString());
  }
  return { campaignId: campaign.id, commitment: sample.commitment, population: sample.population, size: sampleSizeOf(sample) };
}

/**
 * The review workflow waits for the coordinator to end the callbacks (结束回访 on the campaign
 * page): keeps the wait's task token on an item, never in a link. A retry records its new token.
 */
export async function awaitCallbacks(input: { campaignId: string; taskToken: string }, deps: { table: Table; now?: Date }) {
  await campaignOf(deps.table, input.campaignId);
  await awaitCallbackClose(deps.table, { campaignId: input.campaignId, taskToken: input.taskToken, waitingSince: (deps.now ?? new Date()).toISOString() });
  return { campaignId: input.campaignId };
}

/** The callback sample a seed gives: the rules drawn by, each stratum's draw, and the calls it makes, by staff member. */
export function drawCallLists(seed: string, paid: readonly { id: string; stratum: string }[], campaign: Pick<Campaign, 'callbackSampling' | 'callbackStaff' | 'callbackSettings'>) {
  const rules: StratifiedOptions = campaign.callbackSampling ?? {};
  const draws = drawStratified(seed, paid, rules);
  const drawn = draws.flatMap((d) => d.drawn.map((id) => ({ id, unit: parseStratumKey(d.stratum).unit })));
  return { rules, draws, lists: assignCalls(drawn, campaign.callbackStaff, callbackSettingsOf(campaign)) };
}

/** The paid beneficiaries, each with its stratum (the unit and category of whom the payment pays). */
export async function paidPopulation(table: Table, campaignId: string): Promise<{ id: string; stratum: string }[]> {
  const payments = await withPayees(table, campaignId, await listPaymentStrata(table, campaignId));
  return payments.filter((p) => p.status !== 'failed').map((p) => {
    const id = beneficiaryKey(p);
    if (p.unit === undefined || p.category === undefined) throw new Error(`Payment ${id} of campaign ${campaignId} has no beneficiary record`);
    return { id, stratum: stratumKey(p.unit, p.category) };
  });
}

const replacementsKept = (d: StratumDraw) => Math.min(d.replacements.length, REPLACEMENTS_PER_DRAWN * d.drawn.length, MAX_REPLACEMENTS_STORED);

function stratumCounts(d: StratumDraw): SampleStratum {
  return {
    stratum: d.stratum, ...parseStratumKey(d.stratum), population: d.population, quota: d.quota,
    drawn: d.drawn.length, extra: d.extra.length, replacementsStored: replacementsKept(d),
  };
}
