import { createHash } from 'node:crypto';
import { FUNDING_SOURCE_KEYS, sourceName } from '../core/funding.js';
import { computePlan, projectTotals, type PlanEntry } from '../core/plan.js';
import type { Campaign } from '../data/campaigns.js';
import { includedPlanEntries } from '../data/exclusions.js';
import type { Table } from '../data/table.js';

/**
 * What an approver is asked to approve for one unit: its beneficiaries in the register (those
 * excluded do not count), their number and total, per project, and the money per funding source
 * as the plan splits it. Its shape is what mails, pages and hashes use.
 */
export interface ListSummary {
  campaignName: string;
  unit: string;
  count: number;
  totalFen: number;
  projects: { code: string; name: string; count: number; totalFen: number }[];
  /** The funding sources the unit's list draws on, in the sources' order (absent for summaries recorded before). */
  bySource?: { source: string; totalFen: number }[];
}

/** A unit's summary from the register (pure). Projects and sources the unit does not use are left out. */
export function summariseList(campaign: Pick<Campaign, 'name' | 'projects'>, unit: string, beneficiaries: readonly PlanEntry[]): ListSummary {
  const mine = beneficiaries.filter((b) => b.unit === unit);
  const planned = computePlan(campaign.projects, mine).bySource;
  const bySource = FUNDING_SOURCE_KEYS.filter((k) => planned[k] > 0).map((k) => ({ source: sourceName(k), totalFen: planned[k] }));
  const byProject = projectTotals(mine);
  const projects = campaign.projects.flatMap((p) => {
    const total = byProject.get(p.code);
    return total ? [{ code: p.code, name: p.name, ...total }] : [];
  });
  return { campaignName: campaign.name, unit, count: mine.length, totalFen: projects.reduce((sum, p) => sum + p.totalFen, 0), projects, bySource };
}

/** The units with anyone in the register, in the campaign's order. */
const unitsWithLists = (campaign: Pick<Campaign, 'units'>, beneficiaries: readonly Pick<PlanEntry, 'unit'>[]) => {
  const present = new Set(beneficiaries.map((b) => b.unit));
  return campaign.units.filter((u) => present.has(u));
};

/** Every unit's summary, from one read of the register. */
export async function listSummaries(table: Table, campaign: Campaign): Promise<Map<string, ListSummary>> {
  const beneficiaries = await includedPlanEntries(table, campaign.id);
  return new Map(unitsWithLists(campaign, beneficiaries).map((unit) => [unit, summariseList(campaign, unit, beneficiaries)]));
}

/** What a decision page shows: the list's summary and which step of which round it is. */
export interface ShownDecision {
  summary: ListSummary;
  round: number;
  step: number;
  steps: number;
  stepName: string;
}

/** SHA-256 (hex) of what is shown, over a canonical JSON of it: the audit trail's "what they saw". */
export function shownHash(shown: ShownDecision): string {
  const s = shown.summary;
  const canonical = JSON.stringify([
    s.campaignName, s.unit, s.count, s.totalFen, s.projects.map((p) => [p.code, p.name, p.count, p.totalFen]),
    (s.bySource ?? []).map((x) => [x.source, x.totalFen]),
    shown.round, shown.step, shown.steps, shown.stepName,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
