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
 * tally marked settling. A read in 部署 also gives each unit's list summary, which the approval
 * pages take while the tally is kept (keptListSummaries); without one they read each list. Payments are created only by
 * 实施: while it pays, its batches' tallies are added up; past it, the payments' totals are kept.
 */
import { computePlan, projectTotals, type PlanEntry, type PlanTotals } from '../core/plan.js';
import type { Campaign } from '../data/campaigns.js';
import type { Conflict } from '../data/conflicts.js';
import { isExcluded, listPlanEntries } from '../data/exclusions.js';
import { listObjections } from '../data/objections.js';
import { listPaymentAmounts, paymentProgress, type PaymentCount } from '../data/payments.js';
import { listRemovals } from '../data/removals.js';
import type { Table } from '../data/table.js';
import { LatestCampaigns } from '../shared/latest-campaigns.js';
import { summariseList, type ListSummary } from '../steps/list-summary.js';
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

/** A register read: its tally and, in 部署, every unit's list summary. */
interface RegisterRead {
  tally: RegisterTally;
  lists?: ReadonlyMap<string, ListSummary>;
}

const registers = new LatestCampaigns<RegisterRead & { fingerprint: string; settled: boolean }>(16);
const payments = new LatestCampaigns<PaymentTally>(16);

/** What the register's state is known by without reading it: `uploads` and `conflicts` are read before. */
async function registerState(table: Table, campaign: Campaign, uploads: readonly UploadSeen[], conflicts: readonly Conflict[]) {
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
  return { fingerprint, decisions: decisions.length, processing: uploads.some((u) => u.state === 'processing') };
}

/** The register's tally: kept, or read whole. `uploads` and `conflicts` are read before it. */
export async function registerTally(table: Table, campaign: Campaign, uploads: readonly UploadSeen[], conflicts: readonly Conflict[]): Promise<RegisterTally> {
  const { fingerprint, decisions, processing } = await registerState(table, campaign, uploads, conflicts);
  const kept = registers.get(campaign.id);
  if (kept?.settled && kept.fingerprint === fingerprint) return kept.tally;
  let { tally } = kept ?? {};
  if (!processing || !tally) {
    const read = await readRegister(table, campaign);
    registers.keep(campaign.id, { ...read, fingerprint, settled: !processing && read.tally.beneficiaries.excluded === decisions });
    tally = read.tally;
  }
  return processing ? { ...tally, beneficiaries: { ...tally.beneficiaries, settling: true } } : tally;
}

/**
 * Every unit's list summary, as reading the register now would give it, when this sandbox keeps
 * them with a settled tally of the register as it is; otherwise undefined. Never reads the register;
 * `registerInputs` (the uploads and conflicts, as registerTally takes them) only when lists are kept.
 */
export async function keptListSummaries(
  table: Table,
  campaign: Campaign,
  registerInputs: () => Promise<{ uploads: readonly UploadSeen[]; conflicts: readonly Conflict[] }>,
) {
  const kept = registers.get(campaign.id);
  if (!kept?.settled || !kept.lists) return undefined;
  const { uploads, conflicts } = await registerInputs();
  const { fingerprint } = await registerState(table, campaign, uploads, conflicts);
  return kept.fingerprint === fingerprint ? kept.lists : undefined;
}

async function readRegister(table: Table, campaign: Campaign): Promise<RegisterRead> {
  const records = await listPlanEntries(table, campaign.id);
  const included = records.filter((b) => !isExcluded(b));
  const byProject = projectTotals(included);
  const { lines: _lines, ...plan } = computePlan(campaign.projects, records);
  const tally: RegisterTally = {
    beneficiaries: {
      count: included.length,
      totalFen: included.reduce((n, b) => n + b.amountFen, 0),
      projects: campaign.projects.map((p) => ({ code: p.code, name: p.name, ...(byProject.get(p.code) ?? { count: 0, totalFen: 0 }) })),
      excluded: records.length - included.length,
    },
    plan,
  };
  return listsWanted(campaign) ? { tally, lists: summariesByUnit(campaign, included) } : { tally };
}

/** Lists are approved in 部署 only. */
const listsWanted = (campaign: Campaign) => campaign.phase === 'deploy';

/** Each unit's list summary (units with no one included too), from the included beneficiaries. */
function summariesByUnit(campaign: Campaign, included: readonly PlanEntry[]): Map<string, ListSummary> {
  const byUnit = new Map<string, PlanEntry[]>(campaign.units.map((u) => [u, []]));
  for (const b of included) byUnit.get(b.unit)?.push(b);
  return new Map([...byUnit].map(([unit, mine]) => [unit, summariseList(campaign, unit, mine)]));
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
