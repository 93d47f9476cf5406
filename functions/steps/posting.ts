import { postingOutcome } from '../data/objections.js';
import { closePosting, getPosting, openPosting } from '../data/postings.js';
import type { Table } from '../data/table.js';

/**
 * Opens the public posting of one unit's list; `openedAt` is the workflow's time of entering the
 * step, so a retry opens the same posting and the end follows the workflow's clock.
 */
export async function openPostingStep(input: { campaignId: string; unit: string; openedAt: string }, deps: { table: Table }) {
  const posting = await openPosting(deps.table, input);
  return { postingId: posting.postingId, endsAt: posting.endsAt, lines: posting.lineCount };
}

/**
 * Closes a posting when its window has passed and answers where its lines stand: counts and the
 * posting's id, never the lines (their keys are recorded on the posting). Lines still held by
 * open objections stay held: the list's final approval goes ahead without them, and each is
 * released or removed when the reviewer resolves its objection.
 */
export async function closePostingStep(input: { postingId: string }, deps: { table: Table; now?: Date }) {
  const posting = await getPosting(deps.table, input.postingId);
  if (!posting) throw new Error(`Unknown posting ${input.postingId}`);
  let closed = posting;
  if (posting.status === 'open') {
    closed = await closePosting(deps.table, posting.postingId, await postingOutcome(deps.table, posting), deps.now ?? new Date());
  }
  const { approvable, held, removed } = closed.outcome!;
  return { postingId: closed.postingId, unit: closed.unit, endsAt: closed.endsAt, approvable, held, removed };
}
