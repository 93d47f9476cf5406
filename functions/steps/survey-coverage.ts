import { coverageByUnit } from '../core/coverage.js';
import { getCampaign } from '../data/campaigns.js';
import { saveCoverage, type CoverageReport } from '../data/coverage.js';
import type { PlanEntry } from '../core/plan.js';
import { includedRegisterFields, isExcluded } from '../data/exclusions.js';
import { listRegisteredHouseholds } from '../data/registers.js';
import type { Table } from '../data/table.js';

/** Uncovered households listed per unit in the report. */
export const LISTED_PER_UNIT = 100;

/**
 * 排摸 close, nobody missed: every household on the loaded base registers that no beneficiary
 * (not excluded) covers, per unit (town or street), with the first 100 of each unit listed
 * masked. The report is stored on the campaign, replacing an earlier one. `register`: its
 * entries, when read already.
 */
export async function checkCoverage(input: { campaignId: string }, deps: { table: Table; now?: Date }, register?: readonly Pick<PlanEntry, 'idHash' | 'excludedBy'>[]): Promise<CoverageReport> {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const [households, beneficiaries] = await Promise.all([
    listRegisteredHouseholds(deps.table, campaign.id),
    register ? register.filter((b) => !isExcluded(b)) : includedRegisterFields(deps.table, campaign.id, ['idHash']),
  ]);
  const coverage = coverageByUnit(households, new Set(beneficiaries.map((b) => b.idHash)), { unitOrder: campaign.units, perUnit: LISTED_PER_UNIT });
  const perRegister = new Map<string, number>();
  for (const h of households) perRegister.set(h.register, (perRegister.get(h.register) ?? 0) + 1);
  const report: CoverageReport = {
    campaignId: campaign.id,
    checkedAt: (deps.now ?? new Date()).toISOString(),
    registers: [...perRegister].map(([register, count]) => ({ register, households: count })),
    ...coverage,
  };
  await saveCoverage(deps.table, report);
  return report;
}

/** What the workflow carries on: counts only, no one's name or masked ID in its history. */
export const coverageCounts = (report: CoverageReport) => ({
  campaignId: report.campaignId,
  registered: report.registered,
  covered: report.covered,
  uncovered: report.uncovered,
  units: report.units.map((u) => ({ unit: u.unit, registered: u.registered, uncovered: u.uncovered })),
});
