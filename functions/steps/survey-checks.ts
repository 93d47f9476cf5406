import { listPlanEntries } from '../data/exclusions.js';
import type { Table } from '../data/table.js';
import { checkCoverage, coverageCounts } from './survey-coverage.js';
import { findConflicts } from './survey-dedup.js';

/**
 * 排摸 close, both checks of the register from one read of it: the conflicts between exclusive
 * projects (findConflicts) and the base registers' coverage (checkCoverage). The workflow gets the
 * de-duplication counts and the coverage counts, no one's name or masked ID.
 */
export async function checkRegister(input: { campaignId: string }, deps: { table: Table; now?: Date }) {
  const register = await listPlanEntries(deps.table, input.campaignId);
  const [dedup, coverage] = await Promise.all([findConflicts(input, deps, register), checkCoverage(input, deps, register)]);
  return { dedup, coverage: coverageCounts(coverage) };
}
