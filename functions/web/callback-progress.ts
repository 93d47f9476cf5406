import { getCallbackClose, type CallbackClose } from '../data/callback-close.js';
import { isMismatch, listCallOutcomes } from '../data/callbacks.js';
import { listFollowUps } from '../data/follow-ups.js';
import { getSeedCommitment, sampleSizeOf, type Sample, type SeedCommitment } from '../data/samples.js';
import type { Table } from '../data/table.js';

/** Where the 回访 stands: the commitment (seed shown only once drawn), the calls, the cases, the wait. */
export interface CallbackProgress {
  commitment: string;
  committedAt?: string;
  /** Present once drawn: only then may the seed be shown. */
  sample?: Sample;
  size: number;
  called: number;
  reached: number;
  mismatches: number;
  openCases: number;
  closedCases: number;
  close?: CallbackClose;
}

export async function callbackProgress(table: Table, campaignId: string): Promise<CallbackProgress | undefined> {
  const committed: (SeedCommitment & Partial<Sample>) | undefined = await getSeedCommitment(table, campaignId);
  if (!committed) return undefined;
  const [outcomes, cases, close] = await Promise.all([listCallOutcomes(table, campaignId), listFollowUps(table, campaignId), getCallbackClose(table, campaignId)]);
  const sample = committed.drawnAt ? (committed as Sample) : undefined;
  const open = cases.filter((f) => f.status === 'open').length;
  return {
    commitment: committed.commitment, committedAt: committed.committedAt, sample, size: sample ? sampleSizeOf(sample) : 0,
    called: outcomes.length, reached: outcomes.filter((o) => o.reached).length, mismatches: outcomes.filter(isMismatch).length,
    openCases: open, closedCases: cases.length - open, close,
  };
}
