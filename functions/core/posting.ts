/**
 * Public posting (张榜公示) and objections (异议), pure: when a posting ends, how a line is named in
 * public, and which lines of a posted list may be approved.
 */
import { createHash } from 'node:crypto';

/** How long a list is posted when the campaign does not say otherwise. */
export const DEFAULT_POSTING_DAYS = 7;
export const MAX_POSTING_DAYS = 30;

/**
 * The end of a posting: `days` whole days (24 h each) after it opened, as an RFC 3339 timestamp
 * without fractions, rounded up to the second (a Wait state's TimestampPath reads it).
 */
export function postingEndsAt(openedAt: string, days: number): string {
  const opened = Date.parse(openedAt);
  if (Number.isNaN(opened)) throw new RangeError('postingEndsAt: openedAt is not a timestamp');
  if (!Number.isInteger(days) || days < 1 || days > MAX_POSTING_DAYS) throw new RangeError(`postingEndsAt: days must be 1 to ${MAX_POSTING_DAYS}`);
  const end = Math.ceil((opened + days * 86_400_000) / 1000) * 1000;
  return new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The public name of a line within one posting: opaque, and different in every posting, so the
 * page never carries the person's hash and two postings cannot be linked through it.
 */
export const lineRefOf = (postingId: string, lineKey: string) => createHash('sha256').update(`${postingId}\u0000${lineKey}`).digest('hex').slice(0, 16);

export const LINE_REF = /^[a-f0-9]{16}$/;

export type ObjectionStatus = 'open' | 'upheld' | 'dismissed';

/** What the classification needs of an objection: the line it names and where it stands. */
export interface ObjectionState {
  lineKey: string;
  status: ObjectionStatus;
}

export interface LineClasses<K extends string = string> {
  /** No open or upheld objection: the line goes on to approval. */
  approvable: K[];
  /** An open objection: the line waits for the reviewer; the rest of the list does not. */
  held: K[];
  /** An upheld objection: the line is off the list. */
  removed: K[];
}

/**
 * The lines objections hold or remove, each once, in the objections' order. Upheld outweighs open
 * (once removed a line stays removed, whatever else is still open against it); dismissed
 * objections hold nothing.
 */
export function objectedLines(objections: readonly ObjectionState[]): { held: string[]; removed: string[] } {
  const removed = new Set(objections.filter((o) => o.status === 'upheld').map((o) => o.lineKey));
  const held = new Set(objections.filter((o) => o.status === 'open' && !removed.has(o.lineKey)).map((o) => o.lineKey));
  return { held: [...held], removed: [...removed] };
}

/**
 * Which lines are approvable, held or removed (see objectedLines). Objections naming a line not in
 * `lines` are ignored. Lines keep their order.
 */
export function classifyLines<K extends string>(lines: readonly K[], objections: readonly ObjectionState[]): LineClasses<K> {
  const objected = objectedLines(objections);
  const removed = new Set(objected.removed);
  const held = new Set(objected.held);
  const result: LineClasses<K> = { approvable: [], held: [], removed: [] };
  for (const line of lines) {
    if (removed.has(line)) result.removed.push(line);
    else if (held.has(line)) result.held.push(line);
    else result.approvable.push(line);
  }
  return result;
}
