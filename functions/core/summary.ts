/**
 * The campaign summary (总结): what the campaign did, measured against its principles, per
 * category, unit, project and funding source. Money comes from the plan (exact to the fen per
 * source); 不遗漏 from the base registers; 少重复 from intake and the conflicts; leaders' visits;
 * the callbacks' reach and verification; and the anomalies still to watch. Counts only: no one's name, ID or
 * phone, so the summary may be stored and mailed as it is. Pure: the facts in, the summary out.
 */
import { FUNDING_SOURCE_KEYS, zeroSources, type FundingSource } from './funding.js';
import type { Plan, SourceTotals } from './plan.js';
import { standardText, type Project } from './project.js';
import { byZh } from './zh-order.js';

/** People (person-times: one per person and project) and money, in all and per source. */
export interface MoneyRow {
  key: string;
  people: number;
  totalFen: number;
  bySource: SourceTotals;
}

/** One line of 附表1: a category's part of one project. */
export interface CategoryProjectRow extends MoneyRow {
  category: string;
  projectCode: string;
  projectName: string;
  /** 主办单位: the unit that runs the project ('' when none is named). */
  owner: string;
  standard: string;
}

/** Callback counts: called (at least one attempt), reached, and reached people who got the right amount. */
export interface CallbackCounts {
  called: number;
  reached: number;
  verified: number;
  mismatches: number;
}

export interface AnomalyCounts {
  /** Callback mismatches (reached, and not received or the wrong amount). */
  mismatches: number;
  followUpsOpen: number;
  followUpsClosed: number;
  /** Payments the bank refused, waiting for a retry. */
  paymentsFailed: number;
  /** Payments issued but not yet confirmed paid. */
  paymentsUnconfirmed: number;
  /** Planned beneficiaries with no payment recorded at all. */
  unpaid: number;
}

/** Leaders' visits (走访慰问), and the households they reached. */
export interface VisitCounts {
  visits: number;
  households: number;
}

/** A unit's row: its money, its register households covered, its visits, callbacks and anomalies. */
export interface UnitSummary extends MoneyRow {
  registered: number;
  covered: number;
  visits: VisitCounts;
  callbacks: CallbackCounts;
  anomalies: AnomalyCounts;
}

export interface CampaignSummary {
  campaignId: string;
  campaignName: string;
  computedAt: string;
  people: number;
  totalFen: number;
  bySource: SourceTotals;
  unfundedFen: number;
  byCategoryProject: CategoryProjectRow[];
  byCategory: (MoneyRow & { callbacks: CallbackCounts })[];
  byProject: (MoneyRow & { name: string; callbacks: CallbackCounts })[];
  byUnit: UnitSummary[];
  /** Per source: the people whose money it (partly) pays, and its money. */
  bySourceRows: (MoneyRow & { source: FundingSource })[];
  /** 不遗漏: households on the base registers, and those a beneficiary (not excluded) covers. */
  coverage: { registered: number; covered: number };
  /** 少重复: rows not stored because another unit held the person for the project, and nominations excluded by a conflict's resolution. */
  duplicates: { atIntake: number; byExclusion: number };
  visits: VisitCounts;
  callbacks: CallbackCounts;
  anomalies: AnomalyCounts;
}

/** The facts the summary is made of, as the data layer reads them (keys and counts; no raw ID numbers). */
export interface SummaryFacts {
  campaignId: string;
  campaignName: string;
  /** The campaign's units and categories, in the order its sheets list them. */
  units: readonly string[];
  categories: readonly string[];
  projects: readonly Project[];
  plan: Plan;
  /** Register households per unit, and those covered (see core/coverage.ts). */
  coverage: readonly { unit: string; registered: number; covered: number }[];
  duplicateRowsAtIntake: number;
  /** Beneficiaries excluded by a conflict's resolution (not by an objection or a removal). */
  excludedByConflict: number;
  visits: readonly { unit: string; idHash: string }[];
  callOutcomes: readonly { beneficiaryKey: string; unit: string; category: string; attempts: number; reached: boolean; receivedRightAmount: boolean | null }[];
  followUps: readonly { unit: string; status: 'open' | 'closed' }[];
  payments: readonly { projectCode: string; idHash: string; status?: 'issued' | 'paid' | 'failed' }[];
}

const emptyCallbacks = (): CallbackCounts => ({ called: 0, reached: 0, verified: 0, mismatches: 0 });
const emptyAnomalies = (): AnomalyCounts => ({ mismatches: 0, followUpsOpen: 0, followUpsClosed: 0, paymentsFailed: 0, paymentsUnconfirmed: 0, unpaid: 0 });
const emptyMoney = (key: string): MoneyRow => ({ key, people: 0, totalFen: 0, bySource: zeroSources() });

function addLine(row: MoneyRow, line: { amountFen: number; split?: SourceTotals }) {
  row.people++;
  row.totalFen += line.amountFen;
  if (line.split) for (const k of FUNDING_SOURCE_KEYS) row.bySource[k] += line.split[k];
}

/** The entry of `map` at `key`, made by `make` when absent. */
function entryOf<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (!value) map.set(key, (value = make()));
  return value;
}

/** The listed names first, in their order, then any others by name. */
function listedOrder(listed: readonly string[]) {
  return (a: string, b: string) => {
    const rank = (x: string) => (listed.includes(x) ? listed.indexOf(x) : listed.length);
    return rank(a) - rank(b) || byZh(a, b);
  };
}

export function computeSummary(facts: SummaryFacts, computedAt: Date): CampaignSummary {
  const { plan } = facts;
  const projects = new Map(facts.projects.map((p, i) => [p.code, { project: p, order: i }]));

  const cells = new Map<string, CategoryProjectRow>();
  const units = new Map<string, UnitSummary>();
  const unitOf = (unit: string) => entryOf(units, unit, () => ({ ...emptyMoney(unit), registered: 0, covered: 0, visits: { visits: 0, households: 0 }, callbacks: emptyCallbacks(), anomalies: emptyAnomalies() }));
  // Money: each planned line into its 附表1 cell and its unit; `lineUnit` finds a payment's unit.
  const lineUnit = new Map<string, string>();
  for (const line of plan.lines) {
    const project = projects.get(line.projectCode)?.project;
    const cell = entryOf(cells, `${line.category}\u0000${line.projectCode}`, () => ({
      ...emptyMoney(`${line.category}#${line.projectCode}`),
      category: line.category,
      projectCode: line.projectCode,
      projectName: project?.name ?? line.projectCode,
      owner: project?.unit ?? '',
      standard: project ? standardText(project) : '',
    }));
    addLine(cell, line);
    addLine(unitOf(line.unit), line);
    lineUnit.set(`${line.projectCode}#${line.idHash}`, line.unit);
  }

  for (const c of facts.coverage) Object.assign(unitOf(c.unit), { registered: c.registered, covered: c.covered });

  const visited = new Map<string, Set<string>>();
  for (const v of facts.visits) {
    unitOf(v.unit).visits.visits++;
    entryOf(visited, v.unit, () => new Set<string>()).add(v.idHash);
  }
  for (const [unit, households] of visited) unitOf(unit).visits.households = households.size;

  // Callbacks, per unit, category and project: a person not yet called (no attempt) is not counted.
  const callbacks = emptyCallbacks();
  const byCategory = new Map<string, MoneyRow & { callbacks: CallbackCounts }>();
  const categoryOf = (category: string) => entryOf(byCategory, category, () => ({ ...emptyMoney(category), callbacks: emptyCallbacks() }));
  const projectCallbacks = new Map<string, CallbackCounts>();
  for (const o of facts.callOutcomes) {
    if (o.attempts <= 0 && !o.reached) continue;
    const projectCode = o.beneficiaryKey.split('#')[0];
    const counts = [callbacks, unitOf(o.unit).callbacks, categoryOf(o.category).callbacks, entryOf(projectCallbacks, projectCode, emptyCallbacks)];
    for (const c of counts) {
      c.called++;
      if (o.reached) c.reached++;
      if (o.reached && o.receivedRightAmount === true) c.verified++;
      if (o.reached && o.receivedRightAmount === false) c.mismatches++;
    }
  }

  // Anomalies: mismatches, follow-up cases, payments failed or unconfirmed, and lines never paid.
  const anomalies = emptyAnomalies();
  anomalies.mismatches = callbacks.mismatches;
  for (const u of units.values()) u.anomalies.mismatches = u.callbacks.mismatches;
  for (const f of facts.followUps) {
    const field = f.status === 'open' ? 'followUpsOpen' : 'followUpsClosed';
    anomalies[field]++;
    unitOf(f.unit).anomalies[field]++;
  }
  const recorded = new Set<string>();
  for (const p of facts.payments) {
    const key = `${p.projectCode}#${p.idHash}`;
    recorded.add(key);
    const field = p.status === 'failed' ? 'paymentsFailed' : p.status === 'paid' ? undefined : 'paymentsUnconfirmed';
    if (!field) continue;
    anomalies[field]++;
    const unit = lineUnit.get(key);
    if (unit) unitOf(unit).anomalies[field]++;
  }
  for (const [key, unit] of lineUnit) {
    if (recorded.has(key)) continue;
    anomalies.unpaid++;
    unitOf(unit).anomalies.unpaid++;
  }

  const bySourceRows = FUNDING_SOURCE_KEYS.map((source) => {
    const row = { ...emptyMoney(source), source };
    for (const line of plan.lines) {
      if (!line.split?.[source]) continue;
      row.people++;
      row.bySource[source] += line.split[source];
    }
    row.totalFen = row.bySource[source];
    return row;
  });

  for (const line of plan.lines) addLine(categoryOf(line.category), line);
  const byCategoryOrder = listedOrder(facts.categories);
  const projectRank = (code: string) => projects.get(code)?.order ?? projects.size;

  return {
    campaignId: facts.campaignId,
    campaignName: facts.campaignName,
    computedAt: computedAt.toISOString(),
    people: plan.count,
    totalFen: plan.totalFen,
    bySource: { ...plan.bySource },
    unfundedFen: plan.unfundedFen,
    byCategoryProject: [...cells.values()].sort((a, b) => byCategoryOrder(a.category, b.category) || projectRank(a.projectCode) - projectRank(b.projectCode)),
    byCategory: [...byCategory.values()].sort((a, b) => byCategoryOrder(a.key, b.key)),
    byProject: plan.byProject.map((p) => ({
      key: p.key, name: p.name, people: p.count, totalFen: p.totalFen, bySource: { ...p.bySource }, callbacks: projectCallbacks.get(p.key) ?? emptyCallbacks(),
    })),
    byUnit: [...units.values()].sort((a, b) => listedOrder(facts.units)(a.key, b.key)),
    bySourceRows,
    coverage: {
      registered: facts.coverage.reduce((n, c) => n + c.registered, 0),
      covered: facts.coverage.reduce((n, c) => n + c.covered, 0),
    },
    duplicates: { atIntake: facts.duplicateRowsAtIntake, byExclusion: facts.excludedByConflict },
    visits: { visits: facts.visits.length, households: new Set(facts.visits.map((v) => v.idHash)).size },
    callbacks,
    anomalies,
  };
}

/** A rate in percent, to one decimal (87.5); null when nothing was counted. */
export const ratePercent = (part: number, whole: number): number | null => (whole <= 0 ? null : Math.round((part * 1000) / whole) / 10);

/** A rate as people read it, to one decimal ("87.5%"); "—" when nothing was counted. */
export function rateText(part: number, whole: number): string {
  const percent = ratePercent(part, whole);
  return percent === null ? '—' : `${percent.toFixed(1)}%`;
}
