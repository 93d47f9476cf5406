import { randomBytes } from 'node:crypto';
import { maskName } from '../core/masking.js';
import { DEFAULT_POSTING_DAYS, lineRefOf, postingEndsAt } from '../core/posting.js';
import { getCampaign } from './campaigns.js';
import { beneficiaryKey, includedUnitFields } from './exclusions.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** What the close of a posting found; the line keys stay here, only the counts travel on. */
export interface PostingOutcome {
  approvable: number;
  held: number;
  removed: number;
  heldKeys: string[];
  removedKeys: string[];
}

/** One unit's list, posted publicly from `openedAt` until `endsAt` (张榜公示). */
export interface Posting {
  postingId: string;
  campaignId: string;
  campaignName: string;
  unit: string;
  days: number;
  openedAt: string;
  endsAt: string;
  lineCount: number;
  status: 'open' | 'closed';
  closedAt?: string;
  outcome?: PostingOutcome;
}

/**
 * One line as posted: only what the public sees (masked name and ID, project, amount) and, kept
 * server-side, the beneficiary it stands for. Written when the posting opens: the list as posted.
 */
export interface PostingLine {
  postingId: string;
  /** 序号 on the posted list, from 1. */
  n: number;
  /** The line's public name (see lineRefOf). */
  ref: string;
  /** The beneficiary (`projectCode#idHash`); never shown. */
  lineKey: string;
  nameMasked: string;
  idMasked: string;
  projectName: string;
  amountFen: number;
}

export const POSTING_ID = /^[a-f0-9]{32}$/;

const lineKeyOf = (postingId: string, ref: string) => ({ pk: keys.posting(postingId).pk, sk: `LINE#${ref}` });

export const getPosting = (table: Table, postingId: string) => table.get<Posting>(keys.posting(postingId));

/** The lines of a posting, in their posted order. */
export async function postingLines(table: Table, postingId: string): Promise<PostingLine[]> {
  return (await table.all<PostingLine>(keys.posting(postingId).pk, 'LINE#')).sort((a, b) => a.n - b.n);
}

export const getPostingLine = (table: Table, postingId: string, ref: string) => table.get<PostingLine>(lineKeyOf(postingId, ref));

/** The posting period the coordinator set for a campaign, in days. */
export async function postingDaysOf(table: Table, campaignId: string): Promise<number> {
  return (await table.get<{ days: number }>(keys.postingSettings(campaignId)))?.days ?? DEFAULT_POSTING_DAYS;
}

export const setPostingDays = (table: Table, campaignId: string, days: number) => table.put(keys.postingSettings(campaignId), { campaignId, days });

/** Every posting of a campaign, oldest first. */
export async function listPostings(table: Table, campaignId: string): Promise<Posting[]> {
  const { pk, skPrefix } = keys.postingEntryPrefix(campaignId);
  const entries = await table.all<{ postingId: string }>(pk, skPrefix);
  const postings = await table.getMany<Posting>(entries.map((e) => keys.posting(e.postingId)));
  return postings.filter((p): p is Posting => p !== undefined);
}

/**
 * Opens the posting of one unit's list: its beneficiaries not excluded, as masked lines. Safe to
 * repeat for the same opening (a retried step): the campaign entry keyed by (unit, openedAt)
 * names the posting once, and every line is written only if absent.
 */
export async function openPosting(table: Table, input: { campaignId: string; unit: string; openedAt: string }): Promise<Posting> {
  const campaign = await getCampaign(table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  if (!campaign.units.includes(input.unit)) throw new Error(`Campaign ${campaign.id} has no such unit`);
  const entry = keys.postingEntry(campaign.id, input.openedAt, input.unit);
  const candidate = randomBytes(16).toString('hex');
  await table.putIfAbsent(entry, { postingId: candidate, unit: input.unit, openedAt: input.openedAt });
  const { postingId } = (await table.get<{ postingId: string }>(entry))!;

  const projects = new Map(campaign.projects.map((p) => [p.code, p.name]));
  const people = (await includedUnitFields(table, campaign.id, input.unit, ['projectCode', 'idHash', 'row', 'name', 'idMasked', 'amountFen']))
    .sort((a, b) => a.projectCode.localeCompare(b.projectCode) || a.row - b.row || a.idHash.localeCompare(b.idHash));
  const lines: PostingLine[] = people.map((b, i) => {
    const lineKey = beneficiaryKey(b);
    return {
      postingId, n: i + 1, ref: lineRefOf(postingId, lineKey), lineKey,
      nameMasked: maskName(b.name), idMasked: b.idMasked, projectName: projects.get(b.projectCode) ?? b.projectCode, amountFen: b.amountFen,
    };
  });
  await table.insertMany(lines.map((line) => ({ ...line, ...lineKeyOf(postingId, line.ref) })));

  const days = await postingDaysOf(table, campaign.id);
  const posting: Posting = {
    postingId, campaignId: campaign.id, campaignName: campaign.name, unit: input.unit, days,
    openedAt: input.openedAt, endsAt: postingEndsAt(input.openedAt, days), lineCount: lines.length, status: 'open',
  };
  await table.putIfAbsent(keys.posting(postingId), { ...posting });
  return (await getPosting(table, postingId))!;
}

/** Whether objections may be filed now: the posting is open and its window has not passed. */
export const acceptsObjections = (posting: Posting, now: Date) => posting.status === 'open' && now.getTime() < Date.parse(posting.endsAt);

/** Closes a posting once, recording what its close found; a repeat answers the first record. */
export async function closePosting(table: Table, postingId: string, outcome: PostingOutcome, at: Date): Promise<Posting> {
  await table.update(keys.posting(postingId), { status: 'closed', closedAt: at.toISOString(), outcome }, {
    expression: '#status = :open',
    names: { '#status': 'status' },
    values: { ':open': 'open' },
  });
  const posting = await getPosting(table, postingId);
  if (!posting) throw new Error(`Unknown posting ${postingId}`);
  return posting;
}
