/**
 * The campaign's totals, kept between looks: the campaign page and its JSON reload every few seconds,
 * and each look used to read the whole register and every payment (at Minhang's scale, 108,000 of
 * each). A warm sandbox keeps each campaign's last register read and reads again only when something
 * that changes the register has changed; what it gives equals what a fresh read would give.
 *
 * The register changes only by intake (each upload's record changes with it) and by exclusions: a
 * resolved conflict, an upheld objection, a line removed from a sent-back list, each a record
 * written just before or after the beneficiary's mark. So a read is kept only when no upload is
 * processing and it counts as many excluded as there are decisions; otherwise (a mark in flight, or
 * one beneficiary excluded twice) every look reads. Decisions taken since a read was kept (and no
 * upload changed) are read in: only the beneficiaries they name. While a file is processed, looks
 * show the last tally marked settling. The tally, the plan workbook's lines and the approval pages'
 * list summaries are computed from the kept entries (again when the projects change). Payments are
 * created only by 实施: none are read before it; while it pays, its batches' tallies are added up;
 * once it has ended well, the payments' totals are kept.
 */
import { computePlan, projectTotals, type Plan, type PlanEntry, type PlanTotals } from '../core/plan.js';
import type { Campaign } from '../data/campaigns.js';
import type { Conflict } from '../data/conflicts.js';
import { beneficiaryKey, getPlanEntries, isExcluded, listPlanEntries, parseBeneficiaryKey } from '../data/exclusions.js';
import type { Objection } from '../data/objections.js';
import { loadPlan } from '../data/plan.js';
import { listPaymentAmounts, paymentProgress, type PaymentCount } from '../data/payments.js';
import type { LineRemoval } from '../data/removals.js';
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

/**
 * A register read and kept: its entries (the excluded too), and what they give for the campaign's
 * name, units and projects as last asked (the projects change at 部署 without the register changing).
 * Entries past `keeping.entriesLimit` are not kept, only what they gave: a new look at new projects,
 * the plan workbook and the lists then read the register again.
 */
interface KeptRegister {
  /** The state of the register it was read in (see registerState): its uploads and decisions. */
  uploadsPrint: string;
  decisions: ReadonlySet<string>;
  settled: boolean;
  entries?: readonly PlanEntry[];
  derived: { against: string; tally: RegisterTally; lists?: ReadonlyMap<string, ListSummary> };
}

/** Entries take about 25 MB per 100,000: a city's register (a million) is not kept in a 512 MB sandbox. Tests lower the limit. */
export const keeping = { entriesLimit: 250_000 };
/** Registers are kept for the latest few campaigns only. */
const registers = new LatestCampaigns<KeptRegister>(4);
const payments = new LatestCampaigns<PaymentTally>(16);

/** What the register's state is known by without reading it, read before it (campaign-facts.ts, registerInputs). */
export interface RegisterInputs {
  uploads: readonly UploadSeen[];
  conflicts: readonly Conflict[];
  objections: readonly Pick<Objection, 'status' | 'objectionId' | 'lineKey'>[];
  removals: readonly Pick<LineRemoval, 'unit' | 'round' | 'lineKey'>[];
}

/** What the register's state is known by: its uploads, and each decision that excludes someone with the beneficiaries it may mark. */
function registerState({ uploads, conflicts, objections, removals }: RegisterInputs) {
  const decisions = new Map<string, readonly string[]>([
    ...conflicts.filter((c) => c.status === 'resolved').map((c) => [c.id, c.beneficiaries] as const),
    ...objections.filter((o) => o.status === 'upheld').map((o) => [o.objectionId, [o.lineKey]] as const),
    ...removals.map((r) => [`${r.unit}#${r.round}#${r.lineKey}`, [r.lineKey]] as const),
  ]);
  const uploadsPrint = JSON.stringify(uploads.map((u) => [u.id, attemptOf(u), u.state, u.storedCount, u.updatedCount]));
  return { uploadsPrint, decisions, processing: uploads.some((u) => u.state === 'processing') };
}
type RegisterState = ReturnType<typeof registerState>;

/** The register has the kept read's uploads and decisions, and perhaps decisions taken since. */
const keptAndDecidedSince = (kept: KeptRegister, state: RegisterState) => kept.uploadsPrint === state.uploadsPrint && [...kept.decisions].every((id) => state.decisions.has(id));
/** The register is as it was when the kept read was taken. */
const asKept = (kept: KeptRegister, state: RegisterState) => keptAndDecidedSince(kept, state) && kept.decisions.size === state.decisions.size;

/** Beneficiaries named by new decisions, at most, that are read in rather than the whole register. */
const PATCH_LIMIT = 5_000;

/**
 * The kept entries with the beneficiaries named by the decisions taken since they were read,
 * read again; undefined when that is not the register as it is now (an upload changed, the kept
 * read was not settled, or too many are named): the whole register is read instead.
 */
async function patchedEntries(table: Table, campaignId: string, kept: KeptRegister | undefined, state: RegisterState): Promise<readonly PlanEntry[] | undefined> {
  if (!kept?.settled || !kept.entries || !keptAndDecidedSince(kept, state)) return undefined;
  const named = new Set([...state.decisions].flatMap(([id, keys]) => (kept.decisions.has(id) ? [] : keys)));
  if (named.size > PATCH_LIMIT) return undefined;
  const people: { projectCode: string; idHash: string }[] = [];
  for (const key of named) {
    const person = parseBeneficiaryKey(key);
    if (!person) return undefined;
    people.push(person);
  }
  const read = await getPlanEntries(table, campaignId, people);
  if (read.some((entry) => entry === undefined)) return undefined;
  const fresh = new Map(read.map((entry) => [beneficiaryKey(entry!), entry!]));
  let replaced = 0;
  const entries = kept.entries.map((entry) => {
    const now = fresh.get(beneficiaryKey(entry));
    if (now) replaced++;
    return now ?? entry;
  });
  return replaced === fresh.size ? entries : undefined;
}

/** The register's tally: kept, from the kept entries, or read whole. */
export async function registerTally(table: Table, campaign: Campaign, inputs: RegisterInputs): Promise<RegisterTally> {
  const state = registerState(inputs);
  const { uploadsPrint, decisions, processing } = state;
  let kept = registers.get(campaign.id);
  const current = kept?.settled && asKept(kept, state);
  let derived = kept && derivedOf(kept, campaign);
  if (!derived || (!current && !processing)) {
    const entries = (await patchedEntries(table, campaign.id, kept, state)) ?? (await listPlanEntries(table, campaign.id));
    derived = { against: againstOf(campaign), tally: tallyOf(campaign, entries) };
    kept = registers.keep(campaign.id, {
      uploadsPrint, decisions: new Set(decisions.keys()), derived,
      settled: !processing && entries.filter(isExcluded).length === decisions.size, ...(entries.length <= keeping.entriesLimit ? { entries } : {}),
    });
  }
  const { tally } = derived;
  return processing ? { ...tally, beneficiaries: { ...tally.beneficiaries, settling: true } } : tally;
}

/**
 * The kept register when it is settled, the register as it is now, and its entries are kept;
 * otherwise undefined. Never reads the register; reads its inputs (`readInputs`) only when one is kept.
 */
async function currentKept(campaign: Campaign, readInputs: ReadInputs): Promise<Required<KeptRegister> | undefined> {
  const kept = registers.get(campaign.id);
  if (!kept?.settled || !kept.entries) return undefined;
  return asKept(kept, registerState(await readInputs())) ? (kept as Required<KeptRegister>) : undefined;
}

type ReadInputs = () => Promise<RegisterInputs>;

/** Every unit's list summary, as reading the register now would give it, when this sandbox keeps the register as it is; otherwise undefined. */
export async function keptListSummaries(campaign: Campaign, readInputs: ReadInputs) {
  const kept = await currentKept(campaign, readInputs);
  if (!kept) return undefined;
  const derived = derivedOf(kept, campaign)!;
  derived.lists ??= summariesByUnit(campaign, kept.entries.filter((b) => !isExcluded(b)));
  return derived.lists;
}

/** The plan with every line: from the kept register when it is the register as it is, else read afresh. */
export async function currentPlan(table: Table, campaign: Campaign, readInputs: ReadInputs): Promise<Plan> {
  const kept = await currentKept(campaign, readInputs);
  return kept ? computePlan(campaign.projects, kept.entries) : loadPlan(table, campaign);
}

/** What is kept for the campaign as it is now: computed again from the kept entries when its name, units or projects changed; undefined if they are not kept. */
function derivedOf(kept: KeptRegister, campaign: Campaign): KeptRegister['derived'] | undefined {
  const against = againstOf(campaign);
  if (kept.derived.against === against) return kept.derived;
  if (!kept.entries) return undefined;
  kept.derived = { against, tally: tallyOf(campaign, kept.entries) };
  return kept.derived;
}

const againstOf = (campaign: Campaign) => JSON.stringify([campaign.name, campaign.units, campaign.projects]);

function tallyOf(campaign: Campaign, records: readonly PlanEntry[]): RegisterTally {
  const included = records.filter((b) => !isExcluded(b));
  const byProject = projectTotals(included);
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

/** Each unit's list summary (units with no one included too), from the included beneficiaries. */
function summariesByUnit(campaign: Campaign, included: readonly PlanEntry[]): Map<string, ListSummary> {
  const byUnit = new Map<string, PlanEntry[]>(campaign.units.map((u) => [u, []]));
  for (const b of included) byUnit.get(b.unit)?.push(b);
  return new Map([...byUnit].map(([unit, mine]) => [unit, summariseList(campaign, unit, mine)]));
}

/** No payment exists before 实施: only its workflow makes them. */
const NO_PAYMENTS: PaymentTally = Object.freeze({ count: 0, totalFen: 0 });
const beforePayments = (campaign: Campaign) => campaign.phase === 'survey' || campaign.phase === 'deploy';
/** Once 实施's workflow has ended well, no payment is added or changes its amount (a retry is the same payment). */
const paymentsFinal = (campaign: Campaign) => campaign.phase === 'review' || campaign.phase === 'done' || (campaign.phase === 'implement' && campaign.phaseStatus === 'done');

/**
 * The payments' count and total: none before 实施, or in 实施 before its first plan (payments
 * are made only for planned batches); while 实施 pays, added up from the batches paid so far (a
 * whole read of the growing payments took seconds a look at Minhang's scale); otherwise read
 * whole, and kept once final.
 */
export async function paymentTally(table: Table, campaign: Campaign): Promise<PaymentTally> {
  if (beforePayments(campaign)) return NO_PAYMENTS;
  const kept = payments.get(campaign.id);
  if (kept) return kept;
  if (campaign.phase === 'implement') {
    const progress = await paymentProgress(table, campaign.id);
    if (!progress) return NO_PAYMENTS;
    if (campaign.phaseStatus === 'running') return progress;
  }
  const amounts = await listPaymentAmounts(table, campaign.id);
  const tally = { count: amounts.length, totalFen: amounts.reduce((n, p) => n + p.amountFen, 0) };
  if (paymentsFinal(campaign)) payments.keep(campaign.id, tally);
  return tally;
}
