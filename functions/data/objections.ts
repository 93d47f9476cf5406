import { randomBytes } from 'node:crypto';
import { classifyLines, objectedLines, type LineClasses, type ObjectionStatus } from '../core/posting.js';
import { excludeBeneficiary } from './exclusions.js';
import { keys } from './keys.js';
import { postingLines, type Posting, type PostingLine, type PostingOutcome } from './postings.js';
import type { Table } from './table.js';

export interface ObjectionResolution {
  outcome: 'upheld' | 'dismissed';
  reason: string;
  by: string;
  at: string;
}

/** An objection against one line of a posting (异议). While open it holds that line, and only that line. */
export interface Objection {
  campaignId: string;
  objectionId: string;
  postingId: string;
  unit: string;
  /** The line as posted: its 序号, public ref and masked name; its beneficiary stays server-side. */
  n: number;
  lineRef: string;
  lineKey: string;
  nameMasked: string;
  reason: string;
  /** How to reach whoever objected, if they said: the coordinator sees it, the public never does. */
  contact?: string;
  filedAt: string;
  status: ObjectionStatus;
  resolution?: ObjectionResolution;
}

export const OBJECTION_ID = /^[a-f0-9]{32}$/;

/** Objections one source may file against one posting per day, and all sources together. */
export const OBJECTIONS_PER_SOURCE_PER_DAY = 5;
export const OBJECTIONS_PER_POSTING_PER_DAY = 300;

/** The mark an upheld objection leaves on the beneficiary it removes (see exclusions.ts). */
export const objectionMark = (objectionId: string) => `objection#${objectionId}`;

export const getObjection = (table: Table, campaignId: string, objectionId: string) => table.get<Objection>(keys.objection(campaignId, objectionId));

/** Every objection of a campaign, oldest first. */
export async function listObjections(table: Table, campaignId: string): Promise<Objection[]> {
  return (await table.all<Objection>(keys.objectionPartition(campaignId).pk)).sort((a, b) => a.filedAt.localeCompare(b.filedAt));
}

export const postingObjections = async (table: Table, posting: Posting) =>
  (await listObjections(table, posting.campaignId)).filter((o) => o.postingId === posting.postingId);

/**
 * Files an objection, within the rate limits: `source` (an opaque name of the sender) may file a
 * few a day against one posting, and the posting takes a bounded number a day from everyone.
 */
export async function fileObjection(
  table: Table,
  input: { posting: Posting; line: PostingLine; reason: string; contact: string; source: string; at: Date },
): Promise<{ outcome: 'filed'; objection: Objection } | { outcome: 'rate-limited' }> {
  const { posting, line, at } = input;
  const day = at.toISOString().slice(0, 10);
  if (!(await table.countUpTo(keys.objectionCount(posting.postingId, day, input.source), 'count', OBJECTIONS_PER_SOURCE_PER_DAY))) return { outcome: 'rate-limited' };
  if (!(await table.countUpTo(keys.objectionCount(posting.postingId, day, 'ALL'), 'count', OBJECTIONS_PER_POSTING_PER_DAY))) return { outcome: 'rate-limited' };
  const objection: Objection = {
    campaignId: posting.campaignId, objectionId: randomBytes(16).toString('hex'), postingId: posting.postingId, unit: posting.unit,
    n: line.n, lineRef: line.ref, lineKey: line.lineKey, nameMasked: line.nameMasked,
    reason: input.reason, contact: input.contact || undefined, filedAt: at.toISOString(), status: 'open',
  };
  await table.putIfAbsent(keys.objection(posting.campaignId, objection.objectionId), { ...objection });
  return { outcome: 'filed', objection };
}

export type ResolveObjectionOutcome = 'resolved' | 'already-resolved' | 'not-found';

/**
 * The reviewer's decision, once (open → upheld or dismissed, one conditional write). Upheld: the
 * line's beneficiary is excluded (neither approved nor paid), and other open objections against the
 * same line are settled with it. Dismissed: the line is released. A retry completes the exclusion.
 */
export async function resolveObjection(
  table: Table,
  input: { campaignId: string; objectionId: string; outcome: ObjectionResolution['outcome']; reason: string; by: string; at: Date },
): Promise<ResolveObjectionOutcome> {
  const objection = await getObjection(table, input.campaignId, input.objectionId);
  if (!objection) return 'not-found';
  const resolution: ObjectionResolution = { outcome: input.outcome, reason: input.reason, by: input.by, at: input.at.toISOString() };
  const won = await settle(table, objection, resolution);
  const settled = won ? { ...objection, status: resolution.outcome, resolution } : (await getObjection(table, input.campaignId, input.objectionId))!;
  if (settled.status === 'upheld') {
    await excludeBeneficiary(table, settled.campaignId, settled.lineKey, objectionMark(settled.objectionId));
    if (won) {
      const others = (await listObjections(table, settled.campaignId)).filter((o) => o.status === 'open' && o.postingId === settled.postingId && o.lineKey === settled.lineKey);
      for (const other of others) await settle(table, other, { ...resolution, reason: `同一行已因另一异议移出名单：${resolution.reason}` });
    }
  }
  return won ? 'resolved' : 'already-resolved';
}

const settle = (table: Table, objection: Objection, resolution: ObjectionResolution) =>
  table.update(keys.objection(objection.campaignId, objection.objectionId), { status: resolution.outcome, resolution }, {
    expression: '#status = :open',
    names: { '#status': 'status' },
    values: { ':open': 'open' },
  });

/** Where each line of a posting stands now: approvable, held by an open objection, or removed. */
export async function classifyPosting(table: Table, posting: Posting): Promise<{ lines: PostingLine[]; classes: LineClasses }> {
  const [lines, objections] = await Promise.all([postingLines(table, posting.postingId), postingObjections(table, posting)]);
  return { lines, classes: classifyLines(lines.map((l) => l.lineKey), objections) };
}

/**
 * Where a posting's lines stand, as its close records it, from its objections alone (each names
 * one of its lines, see fileObjection): the held and removed lines in the posting's order, and the
 * rest of its `lineCount` approvable. Its lines (one item each) are not read.
 */
export async function postingOutcome(table: Table, posting: Posting): Promise<PostingOutcome> {
  const objections = (await postingObjections(table, posting)).sort((a, b) => a.n - b.n);
  const { held, removed } = objectedLines(objections);
  return { approvable: posting.lineCount - held.length - removed.length, held: held.length, removed: removed.length, heldKeys: held, removedKeys: removed };
}

/**
 * The beneficiaries of a campaign held by open objections (`projectCode#idHash`): they wait for the
 * reviewer even after their list's final approval, so payment must pass them over until released.
 */
export async function heldLineKeys(table: Table, campaignId: string): Promise<string[]> {
  const objections = await listObjections(table, campaignId);
  const upheld = new Set(objections.filter((o) => o.status === 'upheld').map((o) => o.lineKey));
  return [...new Set(objections.filter((o) => o.status === 'open' && !upheld.has(o.lineKey)).map((o) => o.lineKey))];
}
