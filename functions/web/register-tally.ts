/**
 * The campaign's totals, kept between looks: the campaign page and its JSON reload every few seconds,
 * and each look used to read the whole register and every payment (at Minhang's scale, 108,000 of
 * each). A warm sandbox keeps each campaign's last tally and reads again only when something that
 * changes the register has changed; what it keeps equals what a fresh read would give.
 *
 * The register changes only by intake (each upload's record changes with it) and by exclusions: a
 * resolved conflict, an upheld objection, a line removed from a sent-back list, each a record
 * written just before or after the beneficiary's mark. So a tally is kept only when no upload is
 * processing and it counts as many excluded as there are decisions; otherwise (a mark in flight, or
 * one beneficiary excluded twice) every look reads. While a file is processed, looks show the last
 * tally marked settling. Payments are created only by 实施: while it pays, its batches' tallies are
 * added up; past it, the payments' totals are kept.
 */
import { computePlan, type PlanTotals } from '../core/plan.js';
import type { Campaign } from '../data/campaigns.js';
import type { Conflict } from '../data/conflicts.js';
import { isExcluded, listPlanEntries } from '../data/exclusions.js';
import { listObjections } from '../data/objections.js';
import { listPaymentAmounts, paymentProgress, type PaymentCount } from '../data/payments.js';
import { listRemovals } from '../data/removals.js';
import type { Table } from '../data/table.js';
import { LatestCampaigns } from '../shared/latest-campaigns.js';
import { attemptOf, type Upload } from '../data/uploads.js';

export interface ProjectTotal {
  code: string;
  name: string;
  count: number;
  totalFen: number;
}

export interface RegisterTally {
  /** The register without the beneficiaries excluded by decisions (counted apart); settling while a file is processed. */
  beneficiaries: { count: number; totalFen: number; projects: ProjectTotal[]; excluded: number; settling?: true };
  /** The plan (register × projects): its totals, whether it passes its budget and quota checks, and why not. */
  plan: PlanTotals;
}

export interface PaymentTally {
  count: number;
  totalFen: number;
  /** While 实施 pays: what its plan pays in all (the count and total are then those of the batches paid so far). */
  planned?: PaymentCount;
}

export type UploadSeen = Pick<Upload, 'id' | 'attempt' | 'storedCount' | 'updatedCount'> & { state: string };

const registers = new LatestCampaigns<{ fingerprint: string; tally: RegisterTally; settled: boolean }>(16);
const payments = new LatestCampaigns<PaymentTally>(16);

/** The register's tally: kept, or read whole. `uploads` and `conflicts` are read before it. */
export async function registerTally(table: Table, campaign: Campaign, uploads: readonly UploadSeen[], conflicts: readonly Conflict[]): Promise<RegisterTally> {
  const [objections, removals] = await Promise.all([listObjections(table, campaign.id), listRemovals(table, campaign.id)]);
  const decisions = [
    ...conflicts.filter((c) => c.status === 'resolved').map((c) => c.id),
    ...objections.filter((o) => o.status === 'upheld').map((o) => o.objectionId),
    ...removals.map((r) => `${r.unit}#${r.round}#${r.lineKey}`),
  ];
  const fingerprint = JSON.stringify([
    campaign.projects,
    uploads.map((u) => [u.id, attemptOf(u), u.state, u.storedCount, u.updatedCount]),
    decisions,
  ]);
  const processing = uploads.some((u) => u.state === 'processing');
  const kept = registers.get(campaign.id);
  if (kept?.settled && kept.fingerprint === fingerprint) return kept.tally;
  const tally = processing && kept ? kept.tally : await readRegisterTally(table, campaign);
  if (tally !== kept?.tally) registers.keep(campaign.id, { fingerprint, tally, settled: !processing && tally.beneficiaries.excluded === decisions.length });
  return processing ? { ...tally, beneficiaries: { ...tally.beneficiaries, settling: true } } : tally;
}

async function readRegisterTally(table: Table, campaign: Campaign): Promise<RegisterTally> {
  const records = await listPlanEntries(table, campaign.id);
  const included = records.filter((b) => !isExcluded(b));
  const byProject = new Map<string, { count: number; totalFen: number }>();
  for (const b of included) {
    const total = byProject.get(b.projectCode) ?? { count: 0, totalFen: 0 };
    byProject.set(b.projectCode, { count: total.count + 1, totalFen: total.totalFen + b.amountFen });
  }
  const { lines: _lines, ...plan } = computePlan(campaign.projects, records);
  return {
    beneficiaries: {
      count: included.length,
      totalFen: included.reduce((n, b) => n + b.amountFen, 0),
      projects: campaign.projects.map((p) => ({ code: p.code, name: p.name, ...(byProject.get(p.code) ?? { count: 0, totalFen: 0 }) })),
      excluded: records.length - included.length,
    },
    plan,
  };
}

/**
 * The payments' count and total: kept once the campaign is past 实施; while 实施 pays, added up
 * from the batches paid so far (a whole read of the growing payments took seconds a look at
 * Minhang's scale); read whole otherwise.
 */
export async function paymentTally(table: Table, campaign: Campaign): Promise<PaymentTally> {
  const kept = payments.get(campaign.id);
  if (kept) return kept;
  const progress = campaign.phase === 'implement' && campaign.phaseStatus === 'running' ? await paymentProgress(table, campaign.id) : undefined;
  if (progress) return progress;
  const amounts = await listPaymentAmounts(table, campaign.id);
  const tally = { count: amounts.length, totalFen: amounts.reduce((n, p) => n + p.amountFen, 0) };
  if (campaign.phase === 'review' || campaign.phase === 'done') payments.keep(campaign.id, tally);
  return tally;
}
