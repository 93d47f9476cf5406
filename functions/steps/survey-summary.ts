import { surveySummaryMail, type SurveySummary } from '../mail/messages.js';
import { getCampaign } from '../data/campaigns.js';
import { listConflicts } from '../data/conflicts.js';
import { getCoverage } from '../data/coverage.js';
import { listUploads, type RowError } from '../data/uploads.js';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';
import { byZh } from '../core/zh-order.js';
import type { DedupCounts } from './survey-dedup.js';

/** Reasons listed one by one in the mail; the rest are counted together. */
export const LISTED_REASONS = 20;

/**
 * Rejected rows' problems counted by reason: the text before the first '：' (校验位错误, …), with
 * the row a reason names left out (a repeat of 第N行 is one reason, whichever row it repeats), most
 * frequent first. Only row-level problems count; file-level ones refuse a whole file.
 */
export function rejectedByReason(errors: readonly RowError[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of errors) {
    if (e.row <= 0) continue;
    const reason = e.reason.split('：')[0].replace(/第\d+行/g, '另一行').trim();
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const sorted = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || byZh(a.reason, b.reason));
  if (sorted.length <= LISTED_REASONS) return sorted;
  const rest = sorted.slice(LISTED_REASONS - 1).reduce((n, r) => n + r.count, 0);
  return [...sorted.slice(0, LISTED_REASONS - 1), { reason: '其他原因', count: rest }];
}

/** What the summary takes from the de-duplication step's counts, so that it need not read the register again. */
export type DedupFigures = Pick<DedupCounts, 'stored' | 'duplicatesFound' | 'combinable'>;

/**
 * Closes 排摸: counts what came in, what was refused and why, the duplicates found by the
 * de-duplication step and the gaps found by the coverage step, and mails the coordinator.
 */
export async function summarizeSurvey(input: { campaignId: string; dedup: DedupFigures }, deps: { table: Table; sendMail: SendMail; publicUrl: string }): Promise<SurveySummary> {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const [uploads, conflicts, coverage] = await Promise.all([
    listUploads(deps.table, campaign.id),
    listConflicts(deps.table, campaign.id),
    getCoverage(deps.table, campaign.id),
  ]);
  const open = conflicts.filter((c) => c.status === 'open').length;
  const errors = uploads.flatMap((u) => u.errors);
  const summary: SurveySummary = {
    campaignName: campaign.name,
    uploads: uploads.length,
    rowsReceived: uploads.reduce((n, u) => n + u.rowCount, 0),
    stored: input.dedup.stored,
    // Rows refused, not errors: one row may have several.
    rejected: uploads.reduce((n, u) => n + (u.rejectedCount ?? new Set(u.errors.filter((e) => e.row > 0).map((e) => e.row)).size), 0),
    rejectedByReason: rejectedByReason(errors),
    duplicates: {
      found: input.dedup.duplicatesFound,
      combinable: input.dedup.combinable,
      conflicts: conflicts.length,
      resolved: conflicts.length - open,
      open,
      sameProject: uploads.reduce((n, u) => n + (u.duplicateCount ?? 0), 0),
    },
    coverage: coverage && {
      registered: coverage.registered,
      uncovered: coverage.uncovered,
      units: coverage.units.filter((u) => u.uncovered > 0).map((u) => ({ unit: u.unit, uncovered: u.uncovered })),
    },
  };
  await deps.sendMail(surveySummaryMail(campaign.coordinator, `${deps.publicUrl}/campaigns/${campaign.id}`, summary));
  return summary;
}
